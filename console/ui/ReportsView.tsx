/**
 * Reports for admins and supervisors (issue 14): a date range (days in the shop's time zone), the
 * headline figures, and each report as a table (the data a chart would draw, readable by
 * everyone) with its CSV. Loaded lazily (LazyReports.tsx): the inbox bundle does not carry it.
 * Figures come from /api/agent/reports/* (docs/reports.md).
 */
import { useEffect, useState } from 'preact/hooks';
import { strings } from '../state/locale';
import { VolumeChart } from './VolumeChart';

type Cell = string | number | null;
interface Table {
  name: string;
  columns: string[];
  rows: Record<string, Cell>[];
}
interface Summary {
  timeZone: string;
  conversations: number;
  firstResponseSeconds: { p50: number | null; p90: number | null };
  resolutionSeconds: { p50: number | null; p90: number | null };
  botResolvedShare: number | null;
  csat: { average: number | null; count: number };
}

export const REPORTS = ['volume', 'first-response', 'queue', 'resolution', 'bot', 'csat', 'concurrency', 'sales', 'heatmap'] as const;
type ReportName = (typeof REPORTS)[number];

const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function ReportsView() {
  const t = strings();
  const today = new Date();
  const [from, setFrom] = useState(() => isoDay(new Date(today.getTime() - 6 * 86_400_000)));
  const [to, setTo] = useState(() => isoDay(today));
  const [summary, setSummary] = useState<Summary | null>(null);
  const [tables, setTables] = useState<Partial<Record<ReportName, Table>>>({});
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const query = `from=${from}&to=${to}`;
  useEffect(() => {
    if (!from || !to) return;
    let stale = false;
    setLoading(true);
    setError(null);
    const get = async <T,>(path: string): Promise<T> => {
      const res = await fetch(`/api/agent/reports/${path}?${query}`, { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { title?: string } | null)?.title ?? String(res.status));
      return (await res.json()) as T;
    };
    void Promise.all([get<Summary>('summary'), ...REPORTS.map((name) => get<Table>(name).then((table) => [name, table] as const))])
      .then(([s, ...rest]) => {
        if (stale) return;
        setSummary(s as Summary);
        setTables(Object.fromEntries(rest as (readonly [ReportName, Table])[]));
      })
      .catch((e: unknown) => !stale && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [query]);

  const titles: Record<ReportName, string> = {
    volume: t.reportVolume,
    heatmap: t.reportHeatmap,
    'first-response': t.reportFirstResponse,
    queue: t.reportQueue,
    resolution: t.reportResolution,
    bot: t.reportBot,
    csat: t.reportCsat,
    concurrency: t.reportConcurrency,
    sales: t.reportSales,
  };

  return (
    <main class="reports-view" aria-labelledby="reports-title" aria-busy={loading}>
      <h2 id="reports-title">{t.reports}</h2>
      <form class="reports-range" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.reportFrom} <input type="date" value={from} max={to} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t.reportTo} <input type="date" value={to} min={from} onChange={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        {summary && <span class="muted small">{t.reportTimeZone.replace('{tz}', summary.timeZone)}</span>}
      </form>
      {error && (
        <p class="form-error" role="alert">
          {t.reportFailed} {error}
        </p>
      )}
      {summary && (
        <dl class="reports-summary" aria-label={t.reportSummary}>
          <div>
            <dt>{t.reportConversations}</dt>
            <dd>{summary.conversations}</dd>
          </div>
          <div>
            <dt>{t.reportFirstResponseMedian}</dt>
            <dd>{duration(summary.firstResponseSeconds.p50)}</dd>
          </div>
          <div>
            <dt>{t.reportResolutionMedian}</dt>
            <dd>{duration(summary.resolutionSeconds.p50)}</dd>
          </div>
          <div>
            <dt>{t.reportBotResolved}</dt>
            <dd>{summary.botResolvedShare === null ? '—' : `${Math.round(summary.botResolvedShare * 100)} %`}</dd>
          </div>
          <div>
            <dt>{t.reportCsatAverage}</dt>
            <dd>
              {summary.csat.average === null ? '—' : `${summary.csat.average.toFixed(1)} / 5`} <span class="muted small">({t.reportRatings.replace('{n}', String(summary.csat.count))})</span>
            </dd>
          </div>
        </dl>
      )}
      {REPORTS.map((name) => {
        const table = tables[name];
        return (
          <section key={name} class="report" aria-labelledby={`report-${name}`}>
            <header class="report-head">
              <h3 id={`report-${name}`}>{titles[name]}</h3>
              <a href={`/api/agent/reports/${name}?${query}&format=csv`} download>
                {t.reportCsv} <span class="sr-only">· {titles[name]}</span>
              </a>
            </header>
            {name === 'volume' && table && table.rows.length > 0 && <VolumeChart rows={table.rows} labels={{ conversations: t.reportConversations, messages: t.reportMessages }} />}
            {table &&
              (table.rows.length === 0 ? (
                <p class="muted small">{t.reportEmpty}</p>
              ) : (
                <div class="report-table">
                  <table>
                    <caption class="sr-only">{titles[name]}</caption>
                    <thead>
                      <tr>
                        {table.columns.map((c) => (
                          <th key={c} scope="col">
                            {c}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {table.rows.map((row, i) => (
                        <tr key={i}>
                          {table.columns.map((c) => (
                            <td key={c}>{row[c] ?? ''}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ))}
          </section>
        );
      })}
    </main>
  );
}
