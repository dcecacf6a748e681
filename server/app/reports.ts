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
import type { SiteRecord, Store } from '../store/types';

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

const filtered = (f: ReportFilter) => Boolean(f.team || f.agentId || f.language || f.channel);

/**
 * Replayed logs, per site and conversation, kept while the conversation's version (its last
 * change) stays the same: a report over 90 days replays only the chats that changed since the
 * last report. Bounded; the oldest entries go first.
 */
const FACTS_CACHE_MAX = 250_000;
const factsCache = new Map<string, { version: string; conversation: ReportConversation }>();

function remember(key: string, entry: { version: string; conversation: ReportConversation }) {
  factsCache.delete(key);
  factsCache.set(key, entry);
  if (factsCache.size > FACTS_CACHE_MAX) factsCache.delete(factsCache.keys().next().value!);
}

async function load(store: Store, site: SiteRecord, req: ReportRequest): Promise<Loaded> {
  const range: ReportRange = { from: req.from, to: req.to, timeZone: reportTimeZone(site) };
  const { start, end } = rangeBounds(range);
  const [rows, agents] = await Promise.all([store.reports.conversations(site.id, start, end), store.agents.list(site.id)]);
  const teams = new Map(agents.map((a) => [a.id, a.teams]));
  const teamsOf = (id: string) => teams.get(id) ?? [];
  const stale = new Set<string>();
  for (const r of rows) {
    const hit = factsCache.get(`${site.id}:${r.id}`);
    if (hit?.version !== r.version || hit.conversation.customerId !== r.customerId) stale.add(r.id);
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
      remember(`${site.id}:${r.id}`, { version: r.version, conversation: { ...facts, locale: r.locale, team: r.team, channel: 'chat', customerId: r.customerId } });
    }
  }
  const conversations: ReportConversation[] = [];
  const any = filtered(req.filter);
  for (const r of rows) {
    const c = factsCache.get(`${site.id}:${r.id}`)?.conversation;
    // A conversation with no log (none is written without one) has nothing to report.
    if (!c || !c.id) continue;
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
