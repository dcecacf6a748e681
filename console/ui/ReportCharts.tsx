/**
 * The Reports page's charts. Each is hidden from assistive technology (aria-hidden): the table
 * under it holds the same figures and is what a screen reader reads. uPlot draws the lines
 * (volume, first response, concurrency); the heatmap and the bars are plain CSS. This file is
 * part of the lazily loaded reports chunk, with uPlot: the inbox does not carry it.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

type Cell = string | number | null;
type Row = Record<string, Cell>;

export const PALETTE = ['#1f5f8b', '#b3541e', '#2e7d32', '#7b1fa2', '#c62828', '#00838f', '#6d4c41', '#455a64'];

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  dashed?: boolean;
}

/** A uPlot line chart over days (`x` as YYYY-MM-DD) or the hours of a day (`x` as 0–23). */
export function LineChart({ name, x, series }: { name: string; x: string[] | number[]; series: Series[] }) {
  const el = useRef<HTMLDivElement>(null);
  const byHour = typeof x[0] === 'number';
  useEffect(() => {
    if (!el.current || x.length === 0) return;
    // Days as UTC noon, so the axis shows each date whatever the browser's zone.
    const xs = byHour ? (x as number[]) : (x as string[]).map((d) => Date.parse(`${d}T12:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.min(720, el.current.clientWidth || 720),
        height: 220,
        ...(byHour
          ? { scales: { x: { time: false } }, axes: [{ values: (_u: uPlot, vals: number[]) => vals.map((v) => `${v} h`) }, {}] }
          : { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'UTC') }),
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, ...(s.dashed ? { dash: [6, 4] } : {}) }))],
      },
      [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [name, x, series]);
  return <div class="report-chart" data-chart={name} ref={el} aria-hidden="true" />;
}

/** Weekday × hour as a CSS grid, darker for more chats (the heatmap report's rows). */
export function Heatmap({ rows, weekdays, legend }: { rows: Row[]; weekdays: Record<string, string>; legend: string }) {
  const hours = Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}`);
  const max = Math.max(1, ...rows.flatMap((r) => hours.map((h) => Number(r[h] ?? 0))));
  return (
    <div class="report-heatmap" data-chart="heatmap" aria-hidden="true">
      <span />
      {hours.map((h, i) => (
        <span key={h} class="hm-hour">
          {i % 3 === 0 ? i : ''}
        </span>
      ))}
      {rows.map((r) => [
        <span key={`${String(r.weekday)}-label`} class="hm-day">
          {(weekdays[String(r.weekday)] ?? String(r.weekday)).slice(0, 3)}
        </span>,
        ...hours.map((h) => {
          const n = Number(r[h] ?? 0);
          return <span key={`${String(r.weekday)}-${h}`} class="hm-cell" title={`${weekdays[String(r.weekday)] ?? ''} ${h.slice(1)} h: ${n}`} style={{ opacity: n === 0 ? 0.06 : 0.15 + (0.85 * n) / max }} />;
        }),
      ])}
      <span class="hm-legend muted small">{legend}</span>
    </div>
  );
}

/** Horizontal bars, one per entry, as a share of the largest (CSAT distribution, sales). */
export function Bars({ name, bars }: { name: string; bars: { label: string; value: number; text: string }[] }) {
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  return (
    <div class="report-bars" data-chart={name} aria-hidden="true">
      {bars.map((b) => (
        <div key={b.label} class="bar-row">
          <span class="bar-label">{b.label}</span>
          <span class="bar-track">
            <span class="bar-fill" style={{ width: `${Math.round((100 * b.value) / max)}%` }} />
          </span>
          <span class="bar-value">{b.text}</span>
        </div>
      ))}
    </div>
  );
}
