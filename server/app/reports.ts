/**
 * Reports as the console and the REST API ask for them: each reads the stored per-conversation
 * facts of the site's chats in the range (`conversation_facts`, kept in the same transaction as
 * every lifecycle event) with only the columns it needs and the filter applied in SQL, then
 * computes its table (domain/reports). Read-only: nothing here writes.
 */
import { DEFAULT_CAPACITY } from '../domain/routing';
import {
  botOf,
  concurrency,
  csatOf,
  DayBuckets,
  firstResponseOf,
  fromStored,
  heatmap,
  queue,
  rangeBounds,
  reportTimeZone as zoneOf,
  resolutionOf,
  salesOf,
  SALES_WINDOW_MS,
  summaryOf,
  volume,
  type ReportFilter,
  type ReportName,
  type ReportRange,
  type ReportTable,
  type StoredHolding,
  type StoredStint,
  type Summary,
  typicalReplyMinutes,
} from '../domain/reports';
import type { FactsFilter, SiteRecord, Store } from '../store/types';

/** The longest range a report covers (a year and a day). */
export const MAX_REPORT_DAYS = 367;

/** The site's time zone for reports: its business hours' zone, else UTC. */
export function reportTimeZone(site: Pick<SiteRecord, 'settings'>): string {
  return zoneOf(site.settings);
}

export interface ReportRequest {
  from: string;
  to: string;
  filter: ReportFilter;
}

const json = <T>(s: string): T => JSON.parse(s) as T;
const EMPTY = '[]';

interface Scope {
  range: ReportRange;
  start: number;
  end: number;
  filter: FactsFilter;
}

/** The range in the site's zone, and the filter as the store reads it (a team brings its members). */
async function scope(store: Store, site: SiteRecord, req: ReportRequest): Promise<Scope> {
  const range: ReportRange = { from: req.from, to: req.to, timeZone: reportTimeZone(site) };
  const { start, end } = rangeBounds(range);
  const f = req.filter;
  const filter: FactsFilter = { agentId: f.agentId, channel: f.channel, language: f.language, team: f.team, tag: f.tag };
  if (f.team) filter.teamMembers = (await store.agents.list(site.id)).filter((a) => a.teams.includes(f.team!)).map((a) => a.id);
  return { range, start, end, filter };
}

export async function reportSummary(store: Store, site: SiteRecord, req: ReportRequest): Promise<Summary> {
  const { range, start, end, filter } = await scope(store, site, req);
  const [totals, frt, res, ratings] = await Promise.all([
    store.reports.totals(site.id, start, end, filter),
    store.reports.pairs(site.id, start, end, filter, 'firstResponse'),
    store.reports.pairs(site.id, start, end, filter, 'resolution'),
    store.reports.ratings(site.id, start, end, filter),
  ]);
  return summaryOf(range, {
    conversations: totals.conversations,
    botResolved: totals.botResolved,
    firstResponses: frt.map((p) => p[1]),
    resolutions: res.map((p) => p[1]),
    ratings,
  });
}

/** One named report as a table (what the chart draws, the screen reader reads and the CSV holds). */
export async function report(store: Store, site: SiteRecord, name: ReportName, req: ReportRequest, now: number): Promise<ReportTable & { from: string; to: string; timeZone: string }> {
  const s = await scope(store, site, req);
  const table = await compute(store, site, name, s, req, now);
  return { ...table, from: s.range.from, to: s.range.to, timeZone: s.range.timeZone };
}

async function compute(store: Store, site: SiteRecord, name: ReportName, s: Scope, req: ReportRequest, now: number): Promise<ReportTable> {
  const { range, start, end, filter } = s;
  const zone = range.timeZone;
  switch (name) {
    case 'volume': {
      // Rows written in the site's zone are grouped by their stored local day; rows written in
      // another zone (the site changed it since) are bucketed here.
      const [days, others, late] = await Promise.all([
        store.reports.perDay(site.id, start, end, filter, zone),
        store.reports.facts(site.id, start, end, { ...filter, timeZone: { zone, other: true } }, ['createdAt', 'shopperMessages', 'agentMessages', 'botMessages']),
        store.reports.uncounted(site.id, start, end, filter),
      ]);
      const table = volume(range, others.map((r) => fromStored(r.id, { createdAt: r.createdAt })), []);
      const byDate = new Map(table.rows.map((r) => [r.date as string, r as Record<string, number | string>]));
      const buckets = new DayBuckets(range);
      const add = (row: Record<string, number | string> | undefined, shopper: number, agent: number, botN: number) => {
        if (!row) return;
        row.shopperMessages = (row.shopperMessages as number) + shopper;
        row.agentMessages = (row.agentMessages as number) + agent;
        row.botMessages = (row.botMessages as number) + botN;
        row.messages = (row.messages as number) + shopper + agent + botN;
      };
      for (const d of days) {
        const row = byDate.get(d.day);
        if (!row) continue;
        row.conversations = (row.conversations as number) + d.conversations;
        add(row, d.shopper, d.agent, d.bot);
      }
      for (const r of others) add(byDate.get(buckets.days[buckets.index(r.createdAt)] ?? ''), r.shopperMessages, r.agentMessages, r.botMessages);
      for (const m of late) add(byDate.get(buckets.days[buckets.index(m.createdAt)] ?? ''), m.authorKind === 'visitor' ? m.n : 0, m.authorKind === 'agent' ? m.n : 0, m.authorKind === 'bot' ? m.n : 0);
      return table;
    }
    case 'heatmap': {
      const [cells, others] = await Promise.all([
        store.reports.perWeekHour(site.id, start, end, filter, zone),
        store.reports.facts(site.id, start, end, { ...filter, timeZone: { zone, other: true } }, ['createdAt', 'via']),
      ]);
      const table = heatmap(range, others.map((r) => fromStored(r.id, { createdAt: r.createdAt, via: r.via })));
      for (const c of cells) {
        const key = `h${String(c.hour).padStart(2, '0')}`;
        const row = table.rows[c.weekday]!;
        row[key] = (row[key] as number) + c.n;
      }
      return table;
    }
    case 'first-response':
      return firstResponseOf(range, await store.reports.pairs(site.id, start, end, filter, 'firstResponse'));
    case 'queue': {
      const rows = await store.reports.facts(site.id, start, end, { ...filter, having: 'queue' }, ['createdAt', 'queue', 'leftUnanswered']);
      return queue(range, rows.map((r) => fromStored(r.id, { createdAt: r.createdAt, queue: json<StoredStint[]>(r.queue), leftUnanswered: r.leftUnanswered === 1 })));
    }
    case 'resolution':
      return resolutionOf(range, await store.reports.pairs(site.id, start, end, filter, 'resolution'));
    case 'bot': {
      const [totals, reasons] = await Promise.all([store.reports.totals(site.id, start, end, filter), store.reports.handoffs(site.id, start, end, filter)]);
      return botOf(totals.conversations, totals.botResolved, new Map(reasons));
    }
    case 'csat': {
      const [totals, ratings, agents] = await Promise.all([
        store.reports.totals(site.id, start, end, filter),
        store.reports.ratings(site.id, start, end, filter),
        store.agents.list(site.id),
      ]);
      const names = new Map(agents.map((a) => [a.id, a.name]));
      return csatOf(ratings, totals.resolutions, (id) => names.get(id) ?? id);
    }
    case 'concurrency': {
      const [rows, agents] = await Promise.all([
        store.reports.facts(site.id, start, end, { ...filter, having: 'holdings' }, ['createdAt', 'holdings']),
        store.agents.list(site.id),
      ]);
      const routing = site.settings.routing as { defaultCapacity?: unknown } | undefined;
      const fallback = typeof routing?.defaultCapacity === 'number' ? routing.defaultCapacity : DEFAULT_CAPACITY;
      const who = agents.filter((a) => !req.filter.agentId || a.id === req.filter.agentId);
      const conversations = rows.map((r) => fromStored(r.id, { createdAt: r.createdAt, holdings: json<StoredHolding[]>(r.holdings) }));
      return concurrency(range, conversations, who.map((a) => ({ id: a.id, name: a.name, capacity: a.capacity ?? fallback })), now);
    }
    case 'sales': {
      const [totals, withCustomer, orders] = await Promise.all([
        store.reports.totals(site.id, start, end, filter),
        store.reports.customers(site.id, start, end, filter),
        store.reports.orders(site.id, start, end + SALES_WINDOW_MS),
      ]);
      return salesOf({ all: totals.conversations, proactive: totals.proactive }, withCustomer, orders);
    }
    default: {
      const never: never = name;
      throw new Error(`unknown report ${String(never)}`);
    }
  }
}

/** The window "We usually reply in X min" looks back over, and how long one figure is kept. */
export const TYPICAL_REPLY_WINDOW_MS = 7 * 86_400_000;
export const TYPICAL_REPLY_TTL_MS = 5 * 60_000;
const typicalReplyCache = new Map<string, { at: number; minutes: Promise<number | null> }>();

/**
 * The median first response by a person over the last 7 days, in minutes (null: none to go by),
 * for the widget's empty state. Computed at most once every 5 minutes per
 * site (every shopper's welcome reads it); chats are those created within the window, read
 * from their stored facts (`reports.pairs`).
 */
export function typicalReply(store: Store, siteId: string, now: number): Promise<number | null> {
  const hit = typicalReplyCache.get(siteId);
  if (hit && now - hit.at < TYPICAL_REPLY_TTL_MS) return hit.minutes;
  const since = now - TYPICAL_REPLY_WINDOW_MS;
  // The stored facts of the chats created in the window (their first response by a person).
  const minutes = (async () => {
    const seconds = (await store.reports.pairs(siteId, since, now + 1, {}, 'firstResponse')).map(([, s]) => s);
    return typicalReplyMinutes(seconds);
  })();
  // A failed read is not kept: the next welcome tries again.
  minutes.catch(() => typicalReplyCache.delete(siteId));
  typicalReplyCache.set(siteId, { at: now, minutes });
  if (typicalReplyCache.size > 10_000) typicalReplyCache.delete(typicalReplyCache.keys().next().value!);
  return minutes;
}

/** Forgets the kept figures (tests, or after history was imported), so the next welcome recomputes. */
export function forgetTypicalReplies(): void {
  typicalReplyCache.clear();
}
