/**
 * Reports as the console and the REST API ask for them: read the event log of the site's chats
 * in the range (and messages, ratings, orders), replay it, filter, compute (domain/reports).
 * Read-only: nothing here writes.
 */
import { isValidTimeZone } from '../domain/hours';
import { DEFAULT_CAPACITY } from '../domain/routing';
import {
  bot,
  concurrency,
  csat,
  DayBuckets,
  firstResponse,
  heatmap,
  matches,
  queue,
  rangeBounds,
  replay,
  resolution,
  sales,
  SALES_WINDOW_MS,
  summary,
  volume,
  type ConversationFacts,
  type EventRow,
  type MessageCount,
  type ReportConversation,
  type ReportFilter,
  type ReportName,
  type ReportRange,
  type ReportTable,
  type Summary,
} from '../domain/reports';
import type { ReportConversationRow, SiteRecord, Store } from '../store/types';

/** The longest range a report covers (a year and a day). */
export const MAX_REPORT_DAYS = 367;

/** The site's time zone for reports: its business hours' zone, else UTC. */
export function reportTimeZone(site: Pick<SiteRecord, 'settings'>): string {
  const hours = site.settings.hours as { timeZone?: unknown } | null | undefined;
  const bot = (site.settings.bot as { hours?: { timeZone?: unknown } } | undefined)?.hours;
  for (const tz of [hours?.timeZone, bot?.timeZone, site.settings.timeZone]) if (typeof tz === 'string' && isValidTimeZone(tz)) return tz;
  return 'UTC';
}

export interface ReportRequest {
  from: string;
  to: string;
  filter: ReportFilter;
}

interface Loaded {
  range: ReportRange;
  conversations: ReportConversation[];
  teamsOf: (agentId: string) => readonly string[];
}

const filtered = (f: ReportFilter) => Boolean(f.team || f.agentId || f.language || f.channel) || f.tag !== undefined;

/**
 * Replayed logs, per site and conversation, kept while the conversation row stays the same (its
 * last change, last seq, status and holder move with every event): a report replays only the
 * chats that changed since the last one. Bounded; the oldest entries go first.
 */
const FACTS_CACHE_MAX = 250_000;
interface Cached {
  row: ReportConversationRow;
  conversation: ReportConversation;
}
const factsCache = new Map<string, Map<string, Cached>>();
let cachedCount = 0;

const sameRow = (a: ReportConversationRow, b: ReportConversationRow) =>
  a.updatedAt === b.updatedAt && a.lastSeq === b.lastSeq && a.status === b.status && a.assigneeId === b.assigneeId && a.customerId === b.customerId && a.team === b.team;

function remember(siteId: string, entry: Cached) {
  let site = factsCache.get(siteId);
  if (!site) factsCache.set(siteId, (site = new Map()));
  if (!site.delete(entry.row.id)) cachedCount++;
  site.set(entry.row.id, entry);
  // Over the bound: drop the oldest entries of the largest site (Maps keep insertion order).
  while (cachedCount > FACTS_CACHE_MAX) {
    const largest = [...factsCache.values()].reduce((x, y) => (y.size > x.size ? y : x));
    largest.delete(largest.keys().next().value!);
    cachedCount--;
  }
}

async function load(store: Store, site: SiteRecord, req: ReportRequest): Promise<Loaded> {
  const range: ReportRange = { from: req.from, to: req.to, timeZone: reportTimeZone(site) };
  const { start, end } = rangeBounds(range);
  const [rows, agents] = await Promise.all([store.reports.conversations(site.id, start, end), store.agents.list(site.id)]);
  const teams = new Map(agents.map((a) => [a.id, a.teams]));
  const teamsOf = (id: string) => teams.get(id) ?? [];
  const cache = factsCache.get(site.id);
  const stale = new Set<string>();
  for (const r of rows) {
    const hit = cache?.get(r.id);
    if (!hit || !sameRow(hit.row, r)) stale.add(r.id);
  }
  if (stale.size > 0) {
    const byId = new Map<string, EventRow[]>();
    for (const e of await store.reports.events(site.id, start, end, stale.size === rows.length ? undefined : stale)) {
      let list = byId.get(e.conversationId);
      if (!list) byId.set(e.conversationId, (list = []));
      list.push(e);
    }
    for (const r of rows) {
      if (!stale.has(r.id)) continue;
      const events = (byId.get(r.id) ?? []) as (EventRow & { id: number })[];
      events.sort((a, b) => a.id - b.id);
      const facts: ConversationFacts = replay(events);
      remember(site.id, { row: r, conversation: { ...facts, locale: r.locale, team: r.team, channel: 'chat', customerId: r.customerId } });
    }
  }
  const conversations: ReportConversation[] = [];
  const any = filtered(req.filter);
  const tag = req.filter.tag;
  const tagged = tag === undefined ? null : new Set(tag === null ? [] : await store.reports.tagged(site.id, tag));
  const fresh = factsCache.get(site.id);
  for (const r of rows) {
    const c = fresh?.get(r.id)?.conversation;
    // A conversation with no log (none is written without one) has nothing to report.
    if (!c || !c.id) continue;
    if (tagged && !tagged.has(r.id)) continue;
    if (!any || matches(c, req.filter, teamsOf)) conversations.push(c);
  }
  return { range, conversations, teamsOf };
}

export async function reportSummary(store: Store, site: SiteRecord, req: ReportRequest): Promise<Summary> {
  const { range, conversations } = await load(store, site, req);
  const { start, end } = rangeBounds(range);
  return summary(range, conversations, await store.reports.ratings(site.id, start, end));
}

/** One named report as a table (what the chart draws, the screen reader reads and the CSV holds). */
export async function report(store: Store, site: SiteRecord, name: ReportName, req: ReportRequest, now: number): Promise<ReportTable & { from: string; to: string; timeZone: string }> {
  const { range, conversations } = await load(store, site, req);
  const { start, end } = rangeBounds(range);
  const table = await compute();
  return { ...table, from: range.from, to: range.to, timeZone: range.timeZone };

  async function compute(): Promise<ReportTable> {
    switch (name) {
      case 'volume': {
        const buckets = new DayBuckets(range);
        const counts: MessageCount[] = [];
        if (filtered(req.filter)) {
          for (const m of await store.reports.messagesOf(site.id, start, end, new Set(conversations.map((c) => c.id)))) {
            counts.push({ day: buckets.index(m.at), authorKind: m.authorKind, count: 1 });
          }
        } else {
          counts.push(...(await store.reports.messageCounts(site.id, buckets.starts)));
        }
        return volume(range, conversations, counts);
      }
      case 'heatmap':
        return heatmap(range, conversations);
      case 'first-response':
        return firstResponse(range, conversations);
      case 'queue':
        return queue(range, conversations);
      case 'resolution':
        return resolution(range, conversations);
      case 'bot':
        return bot(conversations);
      case 'csat': {
        const [ratings, agents] = await Promise.all([store.reports.ratings(site.id, start, end), store.agents.list(site.id)]);
        const names = new Map(agents.map((a) => [a.id, a.name]));
        return csat(conversations, ratings, (id) => names.get(id) ?? id);
      }
      case 'concurrency': {
        const agents = await store.agents.list(site.id);
        const routing = site.settings.routing as { defaultCapacity?: unknown } | undefined;
        const fallback = typeof routing?.defaultCapacity === 'number' ? routing.defaultCapacity : DEFAULT_CAPACITY;
        const who = agents.filter((a) => !req.filter.agentId || a.id === req.filter.agentId);
        return concurrency(range, conversations, who.map((a) => ({ id: a.id, name: a.name, capacity: a.capacity ?? fallback })), now);
      }
      case 'sales':
        return sales(conversations, await store.reports.orders(site.id, start, end + SALES_WINDOW_MS));
      default: {
        const never: never = name;
        throw new Error(`unknown report ${String(never)}`);
      }
    }
  }
}
