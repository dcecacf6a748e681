/**
 * Reports for admins and supervisors (issue 14): a date range (days in the shop's time zone) and
 * filters (team, agent, channel, language), the headline figures, and each report as a chart with
 * the table behind it (what a screen reader reads) and its CSV. Loaded lazily (LazyReports.tsx):
 * the inbox bundle does not carry it, nor uPlot. Figures come from /api/agent/reports/*
 * (docs/reports.md); the filters' choices from /api/agent/reports/options.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { locale, strings } from '../state/locale';
import { Bars, Heatmap, LineChart, PALETTE, type Series } from './ReportCharts';
import { cellText, columnHeading, REPORT_STRINGS, type ReportStrings } from './report-strings';
import './reports.css';

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
interface Options {
  timeZone: string;
  today: string;
  agents: { id: string; name: string }[];
  teams: string[];
  channels: string[];
  languages: string[];
}
interface Filters {
  team: string;
  agent: string;
  channel: string;
  language: string;
}

export const REPORTS = ['volume', 'first-response', 'queue', 'resolution', 'bot', 'csat', 'concurrency', 'sales', 'heatmap'] as const;
type ReportName = (typeof REPORTS)[number];

const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** A local date plus `n` days (calendar arithmetic, no time zone involved). */
function plusDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The query string of the range and the filters that are set. */
export function reportQuery(from: string, to: string, f: Filters): string {
  const q = new URLSearchParams({ from, to });
  if (f.team) q.set('team', f.team);
  if (f.agent) q.set('agent', f.agent);
  if (f.channel) q.set('channel', f.channel);
  if (f.language) q.set('language', f.language);
  return q.toString();
}

export function ReportsView() {
  const t = strings();
  const r: ReportStrings = REPORT_STRINGS[locale.value];
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 6 * 86_400_000)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [touched, setTouched] = useState(false);
  const [filters, setFilters] = useState<Filters>({ team: '', agent: '', channel: '', language: '' });
  const [options, setOptions] = useState<Options | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [tables, setTables] = useState<Partial<Record<ReportName, Table>>>({});
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    void fetch('/api/agent/reports/options', { headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? (res.json() as Promise<Options>) : null))
      .then((o) => o && setOptions(o))
      .catch(() => undefined);
  }, []);
  // The default range is the last 7 days of the shop's calendar, not the browser's.
  useEffect(() => {
    if (!options || touched) return;
    setTo(options.today);
    setFrom(plusDays(options.today, -6));
  }, [options]);

  const query = reportQuery(from, to, filters);
  useEffect(() => {
    if (!from || !to || from > to) return;
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
  const set = (key: keyof Filters) => (e: Event) => setFilters({ ...filters, [key]: (e.target as HTMLSelectElement).value });

  return (
    <main class="reports-view" aria-labelledby="reports-title" aria-busy={loading}>
      <h2 id="reports-title">{t.reports}</h2>
      <form class="reports-range" aria-label={r.filters} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.reportFrom}{' '}
          <input
            type="date"
            value={from}
            max={to}
            onChange={(e) => {
              setTouched(true);
              setFrom((e.target as HTMLInputElement).value);
            }}
          />
        </label>
        <label>
          {t.reportTo}{' '}
          <input
            type="date"
            value={to}
            min={from}
            onChange={(e) => {
              setTouched(true);
              setTo((e.target as HTMLInputElement).value);
            }}
          />
        </label>
        <label>
          {r.team}{' '}
          <select value={filters.team} onChange={set('team')}>
            <option value="">{r.all}</option>
            {options?.teams.map((team) => (
              <option key={team} value={team}>
                {team}
              </option>
            ))}
          </select>
        </label>
        <label>
          {r.agent}{' '}
          <select value={filters.agent} onChange={set('agent')}>
            <option value="">{r.all}</option>
            {options?.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {r.channel}{' '}
          <select value={filters.channel} onChange={set('channel')}>
            <option value="">{r.all}</option>
            <option value="chat">{r.channelChat}</option>
            <option value="email">{r.channelEmail}</option>
          </select>
        </label>
        <label>
          {r.language}{' '}
          <select value={filters.language} onChange={set('language')}>
            <option value="">{r.all}</option>
            <option value="es">{r.languageEs}</option>
            <option value="en">{r.languageEn}</option>
          </select>
        </label>
        {(summary ?? options) && <span class="muted small">{t.reportTimeZone.replace('{tz}', (summary ?? options)!.timeZone)}</span>}
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
            {table && table.rows.length > 0 && <Chart name={name} table={table} r={r} t={{ conversations: t.reportConversations, messages: t.reportMessages }} />}
            {table &&
              (table.rows.length === 0 ? (
                <p class="muted small">{t.reportEmpty}</p>
              ) : (
                // Scrolls sideways when wide (the heatmap): focusable so a keyboard can scroll it.
                <div class="report-table" tabIndex={0} role="group" aria-labelledby={`report-${name}`}>
                  <table>
                    <caption class="sr-only">{titles[name]}</caption>
                    <thead>
                      <tr>
                        {table.columns.map((c) => (
                          <th key={c} scope="col">
                            {columnHeading(r, c)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {table.rows.map((row, i) => (
                        <tr key={i}>
                          {table.columns.map((c, j) =>
                            j === 0 ? (
                              <th key={c} scope="row">
                                {cellText(r, row[c] ?? null)}
                              </th>
                            ) : (
                              <td key={c}>{cellText(r, row[c] ?? null)}</td>
                            ),
                          )}
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

/** The chart of a report, from its table (the same rows the table below shows). */
function Chart({ name, table, r, t }: { name: ReportName; table: Table; r: ReportStrings; t: { conversations: string; messages: string } }) {
  const days = useMemo(() => table.rows.filter((row) => row.date !== 'total'), [table]);
  const series = useMemo((): { x: string[] | number[]; series: Series[] } | null => {
    const num = (v: Cell | undefined) => (typeof v === 'number' ? v : null);
    switch (name) {
      case 'volume':
        return {
          x: days.map((d) => String(d.date)),
          series: [
            { label: t.conversations, values: days.map((d) => num(d.conversations)), color: PALETTE[0]! },
            { label: t.messages, values: days.map((d) => num(d.messages)), color: PALETTE[1]! },
          ],
        };
      case 'first-response':
        return {
          x: days.map((d) => String(d.date)),
          series: [
            { label: r.p50, values: days.map((d) => num(d.p50)), color: PALETTE[0]! },
            { label: r.p90, values: days.map((d) => num(d.p90)), color: PALETTE[1]!, dashed: true },
          ],
        };
      case 'concurrency': {
        const agents = [...new Set(table.rows.map((row) => String(row.agent)))];
        const hours = Array.from({ length: 24 }, (_, h) => h);
        return {
          x: hours,
          series: agents.flatMap((agent, i) => {
            const mine = table.rows.filter((row) => row.agent === agent);
            const at = (h: number) => mine.find((row) => row.hour === h);
            const capacity = num(mine[0]?.capacity ?? null);
            const color = PALETTE[i % PALETTE.length]!;
            return [
              { label: agent, values: hours.map((h) => num(at(h)?.average ?? 0)), color },
              { label: `${agent} · ${r.capacity}`, values: hours.map(() => capacity), color, dashed: true },
            ];
          }),
        };
      }
      default:
        return null;
    }
  }, [name, table, days, r, t]);
  if (series) return <LineChart name={name} x={series.x} series={series.series} />;
  if (name === 'heatmap') return <Heatmap rows={table.rows} weekdays={r.values} legend={r.heatmapLegend} />;
  if (name === 'csat') {
    const all = table.rows.find((row) => row.item === 'all');
    if (!all) return null;
    return <Bars name="csat" bars={[1, 2, 3, 4, 5].map((s) => ({ label: r.columns[`s${s}`]!, value: Number(all[`s${s}`] ?? 0), text: String(all[`s${s}`] ?? 0) }))} />;
  }
  if (name === 'sales') {
    const groups = [...new Map(table.rows.map((row) => [String(row.group), row])).values()];
    return <Bars name="sales" bars={groups.map((g) => ({ label: cellText(r, String(g.group)), value: Number(g.share ?? 0), text: g.share === null ? '—' : `${Math.round(Number(g.share) * 100)} %` }))} />;
  }
  return null;
}
