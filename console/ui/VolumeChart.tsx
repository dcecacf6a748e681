/**
 * The volume report as a uPlot line chart (conversations and messages per day). Decorative for
 * assistive technology: the table under it holds the same figures (aria-hidden here).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

type Cell = string | number | null;

export function VolumeChart({ rows, labels }: { rows: Record<string, Cell>[]; labels: { conversations: string; messages: string } }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || rows.length === 0) return;
    // Days as UTC noon, so the axis shows each date whatever the browser's zone.
    const xs = rows.map((r) => Date.parse(`${String(r.date)}T12:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.min(720, el.current.clientWidth || 720),
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        series: [{}, { label: labels.conversations, stroke: '#1f5f8b', width: 2 }, { label: labels.messages, stroke: '#b3541e', width: 2 }],
      },
      [xs, rows.map((r) => Number(r.conversations ?? 0)), rows.map((r) => Number(r.messages ?? 0))],
      el.current,
    );
    return () => plot.destroy();
  }, [rows, labels.conversations, labels.messages]);
  return <div class="report-chart" ref={el} aria-hidden="true" />;
}
