/**
 * Reports: every figure the console's Reports page, the CSV downloads and `GET /api/v1/reports/…`
 * show, computed from the conversation event log (`conversation_events`, written in the same
 * transaction as each change) plus the ratings, messages and orders the store hands in. Pure: no
 * IO, no clock. Definitions, one paragraph per figure, are in docs/reports.md.
 *
 * Times: durations are elapsed time between two instants (a DST change neither adds nor removes
 * an hour); days, weekdays and hours are the site's local ones (`timeZone`). A conversation
 * belongs to the local day it was created on.
 */
import { isValidTimeZone, localDateTime, localMidnight, addDays, type Weekday } from './hours';

/** One row of the event log, as the store reads it. */
export interface EventRow {
  conversationId: string;
  type: string;
  actorKind: string;
  actorId: string | null;
  data: Record<string, unknown>;
  at: number;
}

export type Holder = 'bot' | 'queued' | 'assigned' | 'resolved';

/** A stretch of time one agent held the chat. `to` null: still holding at the end of the log. */
export interface Holding {
  agentId: string;
  from: number;
  to: number | null;
}

/** A stretch in the people queue and how it ended. */
export interface QueueStint {
  from: number;
  to: number | null;
  /** assigned: a person got it; abandoned: resolved while still waiting; returned_to_bot: given back to the bot; open: still waiting. */
  outcome: 'assigned' | 'abandoned' | 'returned_to_bot' | 'open';
}

export interface Resolution {
  at: number;
  /** Seconds from the start of this cycle (creation, or the reopen) to the resolve. */
  seconds: number;
  /** The agent holding the chat when it was resolved; null when the bot or the queue had it. */
  agentId: string | null;
  /** The bot held the chat when it was resolved. */
  fromBot: boolean;
}

/** One conversation's event log, replayed. */
export interface ConversationFacts {
  id: string;
  createdAt: number;
  via: string;
  /** The first person's answer: who, when, and seconds since the shopper began waiting for a person. */
  firstResponse: { agentId: string; at: number; seconds: number } | null;
  queue: QueueStint[];
  resolutions: Resolution[];
  handoffReasons: string[];
  holdings: Holding[];
  /** Every agent who held the chat. */
  agents: string[];
  /** Teams it was transferred to. */
  teams: string[];
  transfers: number;
  reopens: number;
  returnsToBot: number;
  /** Resolved with no person ever holding it and never handed to people. */
  botResolved: boolean;
  /** At least once it left the people queue resolved, with nobody having taken it. */
  leftQueueUnanswered: boolean;
  /** Where it is at the end of the log. */
  status: Holder;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Replays one conversation's events (ascending). Unknown event types are skipped, so the log can
 * grow new kinds without breaking reports.
 */
export function replay(events: readonly EventRow[]): ConversationFacts {
  const first = events[0];
  const facts: ConversationFacts = {
    id: first?.conversationId ?? '',
    createdAt: first?.at ?? 0,
    via: 'shopper',
    firstResponse: null,
    queue: [],
    resolutions: [],
    handoffReasons: [],
    holdings: [],
    agents: [],
    teams: [],
    transfers: 0,
    reopens: 0,
    returnsToBot: 0,
    botResolved: false,
    leftQueueUnanswered: false,
    status: 'bot',
  };
  let status: Holder = 'bot';
  let holder: string | null = null;
  let cycleStart = facts.createdAt;
  /** Since when the chat has been with people (queued or held) in this stretch; null while with the bot or resolved. */
  let peopleSince: number | null = null;
  let everPeople = false;
  let openStint: QueueStint | null = null;

  const release = (at: number) => {
    const h = facts.holdings[facts.holdings.length - 1];
    if (holder && h && h.to === null) h.to = at;
    holder = null;
  };
  const hold = (agentId: string, at: number) => {
    if (holder === agentId) return;
    release(at);
    holder = agentId;
    facts.holdings.push({ agentId, from: at, to: null });
    if (!facts.agents.includes(agentId)) facts.agents.push(agentId);
  };
  const endStint = (at: number, outcome: QueueStint['outcome']) => {
    if (!openStint) return;
    openStint.to = at;
    openStint.outcome = outcome;
    openStint = null;
  };
  const toPeople = (at: number) => {
    peopleSince ??= at;
    everPeople = true;
  };

  for (const e of events) {
    switch (e.type) {
      case 'created':
        facts.createdAt = e.at;
        cycleStart = e.at;
        facts.via = str(e.data.via) ?? 'shopper';
        // A bot-off start is queued (its `queued` event follows); otherwise the bot has it until told.
        status = 'bot';
        break;
      case 'handed_off':
        facts.handoffReasons.push(str(e.data.reason) ?? 'unknown');
        toPeople(e.at);
        break;
      case 'queued':
        toPeople(e.at);
        status = 'queued';
        if (!openStint) {
          openStint = { from: e.at, to: null, outcome: 'open' };
          facts.queue.push(openStint);
        }
        break;
      case 'assigned': {
        const agentId = str(e.data.agentId);
        // A person stepping into the bot's chat unasked: the shopper was not waiting for a person.
        if (status === 'bot' || status === 'resolved') peopleSince = null;
        toPeople(e.at);
        if (status === 'bot' && e.data.via === 'reply') peopleSince = null;
        endStint(e.at, 'assigned');
        if (agentId) hold(agentId, e.at);
        status = 'assigned';
        break;
      }
      case 'transferred': {
        const to = str(e.data.toAgentId);
        facts.transfers++;
        toPeople(e.at);
        endStint(e.at, 'assigned');
        if (to) hold(to, e.at);
        status = 'assigned';
        break;
      }
      case 'transferred_team': {
        const team = str(e.data.team);
        facts.transfers++;
        if (team && !facts.teams.includes(team)) facts.teams.push(team);
        release(e.at);
        // Its `queued` event follows and opens (or continues) the queue stint.
        break;
      }
      case 'requeued':
        release(e.at);
        break;
      case 'first_human_reply': {
        const agentId = str(e.data.agentId) ?? holder ?? '';
        const waited = num(e.data.waitedMs);
        if (waited !== null && peopleSince !== null) {
          const since = Math.max(e.at - waited, peopleSince);
          facts.firstResponse = { agentId, at: e.at, seconds: Math.max(0, (e.at - since) / 1000) };
        }
        break;
      }
      case 'returned_to_bot':
        facts.returnsToBot++;
        endStint(e.at, 'returned_to_bot');
        release(e.at);
        status = 'bot';
        peopleSince = null;
        break;
      case 'resolved': {
        if (openStint) {
          facts.leftQueueUnanswered = true;
          endStint(e.at, 'abandoned');
        }
        facts.resolutions.push({ at: e.at, seconds: Math.max(0, (e.at - cycleStart) / 1000), agentId: holder, fromBot: status === 'bot' });
        release(e.at);
        status = 'resolved';
        peopleSince = null;
        break;
      }
      case 'reopened':
        facts.reopens++;
        cycleStart = e.at;
        status = e.data.to === 'bot' ? 'bot' : status;
        break;
      default:
        break;
    }
  }
  facts.status = status;
  facts.botResolved = status === 'resolved' && facts.agents.length === 0 && !everPeople;
  return facts;
}

// ---------------------------------------------------------------------------------------------
// Stored facts: what the store keeps per conversation (table `conversation_facts`), written in the
// same transaction as every lifecycle event, so reports read rows instead of replaying logs.

/** The site's time zone for reports: its business hours' zone, else UTC. */
export function reportTimeZone(settings: Readonly<Record<string, unknown>>): string {
  const hours = settings.hours as { timeZone?: unknown } | null | undefined;
  const botHours = (settings.bot as { hours?: { timeZone?: unknown } } | undefined)?.hours;
  for (const tz of [hours?.timeZone, botHours?.timeZone, settings.timeZone]) if (typeof tz === 'string' && isValidTimeZone(tz)) return tz;
  return 'UTC';
}

/** A queue stint as stored: [from, to (null: still waiting), outcome]. */
export type StoredStint = [number, number | null, QueueStint['outcome']];
/** A holding as stored: [agentId, from, to (null: still held)]. */
export type StoredHolding = [string, number, number | null];

/** One conversation's facts as stored (derived from its replayed log; see `storedFacts`). */
export interface StoredFacts {
  createdAt: number;
  via: string;
  status: Holder;
  /** The local day, weekday (0 = Monday) and hour it was created on in `timeZone`. */
  timeZone: string;
  localDay: string;
  weekday: number;
  hour: number;
  firstResponseSeconds: number | null;
  firstResponseAgent: string | null;
  queue: StoredStint[];
  leftUnanswered: boolean;
  resolutionSeconds: number[];
  botResolved: boolean;
  handoffReasons: string[];
  holdings: StoredHolding[];
  /** Agents who held it and teams it was transferred to, as `|a|b|` (matched with instr()). */
  agents: string;
  teams: string;
  transfers: number;
  reopens: number;
}

const WEEKDAY_INDEX: Record<Weekday, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };
const bars = (list: readonly string[]) => (list.length ? `|${list.join('|')}|` : '');
const unbar = (s: string | null | undefined): string[] => (s ? s.slice(1, -1).split('|') : []);

/** What the store keeps of a replayed log; `timeZone` is the site's (for the local day and hour). */
export function storedFacts(f: ConversationFacts, timeZone: string): StoredFacts {
  const l = localDateTime(timeZone, f.createdAt);
  return {
    createdAt: f.createdAt,
    via: f.via,
    status: f.status,
    timeZone,
    localDay: l.date,
    weekday: WEEKDAY_INDEX[l.weekday],
    hour: l.hour,
    firstResponseSeconds: f.firstResponse ? f.firstResponse.seconds : null,
    firstResponseAgent: f.firstResponse ? f.firstResponse.agentId : null,
    queue: f.queue.map((s) => [s.from, s.to, s.outcome]),
    leftUnanswered: f.leftQueueUnanswered,
    resolutionSeconds: f.resolutions.map((r) => r.seconds),
    botResolved: f.botResolved,
    handoffReasons: [...f.handoffReasons],
    holdings: f.holdings.map((h) => [h.agentId, h.from, h.to]),
    agents: bars(f.agents),
    teams: bars(f.teams),
    transfers: f.transfers,
    reopens: f.reopens,
  };
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * A conversation for the report functions from the stored columns a report read; what it did not
 * read is empty (each report reads only the columns it needs).
 */
export function fromStored(
  id: string,
  p: {
    createdAt: number;
    via?: string;
    firstResponseSeconds?: number | null;
    queue?: readonly StoredStint[];
    leftUnanswered?: boolean;
    resolutionSeconds?: readonly number[];
    botResolved?: boolean;
    handoffReasons?: readonly string[];
    holdings?: readonly StoredHolding[];
    agents?: string;
    teams?: string;
    language?: string | null;
    team?: string | null;
    channel?: string;
    customerId?: string | null;
  },
): ReportConversation {
  return {
    id,
    createdAt: p.createdAt,
    via: p.via ?? 'shopper',
    firstResponse: p.firstResponseSeconds == null ? null : { agentId: '', at: 0, seconds: p.firstResponseSeconds },
    queue: p.queue ? p.queue.map(([from, to, outcome]) => ({ from, to, outcome })) : (NONE as never[]),
    resolutions: p.resolutionSeconds ? p.resolutionSeconds.map((seconds) => ({ at: 0, seconds, agentId: null, fromBot: false })) : (NONE as never[]),
    handoffReasons: p.handoffReasons ? [...p.handoffReasons] : (NONE as never[]),
    holdings: p.holdings ? p.holdings.map(([agentId, from, to]) => ({ agentId, from, to })) : (NONE as never[]),
    agents: unbar(p.agents),
    teams: unbar(p.teams),
    transfers: 0,
    reopens: 0,
    returnsToBot: 0,
    botResolved: p.botResolved ?? false,
    leftQueueUnanswered: p.leftUnanswered ?? false,
    status: 'resolved',
    locale: p.language ?? null,
    team: p.team ?? null,
    channel: p.channel ?? 'chat',
    customerId: p.customerId ?? null,
  };
}

/** Groups rows by conversation (keeping their order) and replays each. */
export function replayAll(events: readonly EventRow[]): ConversationFacts[] {
  const byId = new Map<string, EventRow[]>();
  for (const e of events) {
    let list = byId.get(e.conversationId);
    if (!list) byId.set(e.conversationId, (list = []));
    list.push(e);
  }
  return [...byId.values()].map(replay);
}

/** Nearest-rank percentile (p in 0..100) of `values`; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * "We usually reply in X min": the median of first responses by a person (seconds; the widget
 * asks for those of the chats created in the last 7 days), in whole minutes rounded up (at least
 * 1); null when there was none to go by.
 */
export function typicalReplyMinutes(seconds: readonly number[]): number | null {
  const median = percentile(seconds, 50);
  return median === null ? null : Math.max(1, Math.ceil(median / 60));
}

const round = (n: number | null, digits = 1): number | null => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

// ---------------------------------------------------------------------------------------------
// Ranges, filters, buckets

export interface ReportRange {
  /** Local dates, inclusive. */
  from: string;
  to: string;
  timeZone: string;
}

/** The local dates of the range, in order. */
export function rangeDays(range: ReportRange): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The instants the range starts and ends (exclusive), in the site's time zone. */
export function rangeBounds(range: ReportRange): { start: number; end: number } {
  return { start: localMidnight(range.timeZone, range.from), end: localMidnight(range.timeZone, addDays(range.to, 1)) };
}

/** Finds the local day index of instants quickly: the day starts of the range, searched. */
export class DayBuckets {
  readonly days: string[];
  /** The instants each day starts, and the day after the range. */
  readonly starts: number[];
  constructor(range: ReportRange) {
    this.days = rangeDays(range);
    this.starts = [...this.days, addDays(range.to, 1)].map((d) => localMidnight(range.timeZone, d));
  }
  /** The day index of `at`, or -1 outside the range. */
  index(at: number): number {
    const s = this.starts;
    if (at < s[0]! || at >= s[s.length - 1]!) return -1;
    let lo = 0;
    let hi = s.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! <= at) lo = mid;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Local date, weekday and hour of instants, memoised per 15-minute slot (every zone's offset is
 * a multiple of 15 minutes, so a slot never straddles a local hour): a 90-day report asks for
 * tens of thousands of instants and a time-zone conversion is costly.
 */
export class LocalClock {
  private readonly memo = new Map<number, { date: string; weekday: Weekday; hour: number }>();
  constructor(readonly timeZone: string) {}
  at(instant: number): { date: string; weekday: Weekday; hour: number } {
    const slot = Math.floor(instant / 900_000);
    let hit = this.memo.get(slot);
    if (!hit) {
      const l = localDateTime(this.timeZone, slot * 900_000);
      hit = { date: l.date, weekday: l.weekday, hour: l.hour };
      this.memo.set(slot, hit);
    }
    return hit;
  }
}

/** What a report is filtered by. Absent: all. Channel: every chat today is channel `chat`. */
export interface ReportFilter {
  team?: string | undefined;
  agentId?: string | undefined;
  channel?: string | undefined;
  language?: string | undefined;
  /** Only conversations with this tag (normalised; applied by app/reports from the tag index); null: a tag no chat can have. */
  tag?: string | null | undefined;
}

/** A conversation as reports see it: its replayed log plus what the conversation row knows. */
export interface ReportConversation extends ConversationFacts {
  locale: string | null;
  /** The conversation's current team. */
  team: string | null;
  channel: string;
  customerId: string | null;
}

/** True when `c` passes the filter. Team: transferred to the team, or held by one of its members. */
export function matches(c: ReportConversation, f: ReportFilter, teamsOf: (agentId: string) => readonly string[]): boolean {
  if (f.channel && c.channel !== f.channel) return false;
  if (f.language && (c.locale ?? '').slice(0, 2) !== f.language) return false;
  if (f.agentId && !c.agents.includes(f.agentId)) return false;
  if (f.team && c.team !== f.team && !c.teams.includes(f.team) && !c.agents.some((a) => teamsOf(a).includes(f.team!))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Tables: every report is a table (what the chart draws, what a screen reader reads, the CSV)

export type Cell = string | number | null;
export interface ReportTable {
  name: string;
  columns: string[];
  rows: Record<string, Cell>[];
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function toCsv(table: ReportTable): string {
  const cell = (v: Cell): string => {
    if (v === null) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [table.columns.join(','), ...table.rows.map((r) => table.columns.map((c) => cell(r[c] ?? null)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// The figures

export interface MessageCount {
  /** Day index into the range. */
  day: number;
  authorKind: 'visitor' | 'agent' | 'bot';
  count: number;
}

/** Conversations and messages per local day. `messages`: counts of text and card messages (no notes, no system lines). */
export function volume(range: ReportRange, conversations: readonly ReportConversation[], messages: readonly MessageCount[]): ReportTable {
  const b = new DayBuckets(range);
  const rows = b.days.map((date) => ({ date, conversations: 0, messages: 0, shopperMessages: 0, agentMessages: 0, botMessages: 0 }));
  for (const c of conversations) {
    const i = b.index(c.createdAt);
    if (i >= 0) rows[i]!.conversations++;
  }
  for (const m of messages) {
    const r = rows[m.day];
    if (!r) continue;
    r.messages += m.count;
    if (m.authorKind === 'visitor') r.shopperMessages += m.count;
    else if (m.authorKind === 'agent') r.agentMessages += m.count;
    else r.botMessages += m.count;
  }
  return { name: 'volume', columns: ['date', 'conversations', 'messages', 'shopperMessages', 'agentMessages', 'botMessages'], rows };
}

const WEEK: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Incoming chats (started by the shopper or by a proactive message; not agent- or order-event-started) by local weekday × hour. */
export function heatmap(range: ReportRange, conversations: readonly ReportConversation[]): ReportTable {
  const grid = WEEK.map(() => new Array<number>(24).fill(0));
  const clock = new LocalClock(range.timeZone);
  for (const c of conversations) {
    if (c.via === 'agent' || c.via === 'order_event') continue;
    const l = clock.at(c.createdAt);
    grid[WEEK.indexOf(l.weekday)]![l.hour]!++;
  }
  const columns = ['weekday', ...Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}`)];
  const rows = WEEK.map((w, i) => Object.fromEntries([['weekday', w], ...grid[i]!.map((n, h) => [`h${String(h).padStart(2, '0')}`, n])]) as Record<string, Cell>);
  return { name: 'heatmap', columns, rows };
}

function perDay<T>(range: ReportRange, items: readonly T[], at: (t: T) => number, value: (t: T) => number | null) {
  const b = new DayBuckets(range);
  const lists = b.days.map(() => [] as number[]);
  for (const t of items) {
    const i = b.index(at(t));
    const v = value(t);
    if (i >= 0 && v !== null) lists[i]!.push(v);
  }
  return { days: b.days, lists };
}

/** First response time by a person, seconds: per day (of the conversation's creation), p50 and p90. */
export function firstResponse(range: ReportRange, conversations: readonly ReportConversation[]): ReportTable {
  const pairs: [number, number][] = [];
  for (const c of conversations) if (c.firstResponse) pairs.push([c.createdAt, c.firstResponse.seconds]);
  return firstResponseOf(range, pairs);
}

/** The same from [conversation created at, seconds] pairs (what the store reads). */
export function firstResponseOf(range: ReportRange, pairs: readonly (readonly [number, number])[]): ReportTable {
  const { days, lists } = perDay(range, pairs, (p) => p[0], (p) => p[1]);
  const all = lists.flat();
  const rows: Record<string, Cell>[] = days.map((date, i) => ({ date, answered: lists[i]!.length, p50: round(percentile(lists[i]!, 50)), p90: round(percentile(lists[i]!, 90)) }));
  rows.push({ date: 'total', answered: all.length, p50: round(percentile(all, 50)), p90: round(percentile(all, 90)) });
  return { name: 'first-response', columns: ['date', 'answered', 'p50', 'p90'], rows };
}

/** Waiting in the people queue (each stint that ended, seconds) and stints that ended unanswered. */
export function queue(range: ReportRange, conversations: readonly ReportConversation[]): ReportTable {
  const b = new DayBuckets(range);
  const waits = b.days.map(() => [] as number[]);
  const queued = b.days.map(() => 0);
  const abandoned = b.days.map(() => 0);
  const returned = b.days.map(() => 0);
  for (const c of conversations) {
    const i = b.index(c.createdAt);
    if (i < 0 || c.queue.length === 0) continue;
    queued[i]!++;
    if (c.leftQueueUnanswered) abandoned[i]!++;
    if (c.queue.some((s) => s.outcome === 'returned_to_bot')) returned[i]!++;
    for (const s of c.queue) if (s.to !== null && s.outcome === 'assigned') waits[i]!.push((s.to - s.from) / 1000);
  }
  const all = waits.flat();
  const rows: Record<string, Cell>[] = b.days.map((date, i) => ({
    date,
    queued: queued[i]!,
    waitP50: round(percentile(waits[i]!, 50)),
    waitP90: round(percentile(waits[i]!, 90)),
    leftUnanswered: abandoned[i]!,
    returnedToBot: returned[i]!,
  }));
  rows.push({
    date: 'total',
    queued: queued.reduce((a, n) => a + n, 0),
    waitP50: round(percentile(all, 50)),
    waitP90: round(percentile(all, 90)),
    leftUnanswered: abandoned.reduce((a, n) => a + n, 0),
    returnedToBot: returned.reduce((a, n) => a + n, 0),
  });
  return { name: 'queue', columns: ['date', 'queued', 'waitP50', 'waitP90', 'leftUnanswered', 'returnedToBot'], rows };
}

/** Resolution time, seconds: every resolution (a reopened chat's second resolve counts from the reopen). */
export function resolution(range: ReportRange, conversations: readonly ReportConversation[]): ReportTable {
  return resolutionOf(range, conversations.flatMap((c) => c.resolutions.map((r) => [c.createdAt, r.seconds] as const)));
}

/** The same from [conversation created at, seconds] pairs, one per resolve (what the store reads). */
export function resolutionOf(range: ReportRange, pairs: readonly (readonly [number, number])[]): ReportTable {
  const { days, lists } = perDay(range, pairs, (p) => p[0], (p) => p[1]);
  const flat = lists.flat();
  const rows: Record<string, Cell>[] = days.map((date, i) => ({ date, resolved: lists[i]!.length, p50: round(percentile(lists[i]!, 50)), p90: round(percentile(lists[i]!, 90)) }));
  rows.push({ date: 'total', resolved: flat.length, p50: round(percentile(flat, 50)), p90: round(percentile(flat, 90)) });
  return { name: 'resolution', columns: ['date', 'resolved', 'p50', 'p90'], rows };
}

/** The bot: share of chats it resolved with no person, and hand-offs by reason. */
export function bot(conversations: readonly ReportConversation[]): ReportTable {
  const reasons = new Map<string, number>();
  for (const c of conversations) for (const r of c.handoffReasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  return botOf(conversations.length, conversations.filter((c) => c.botResolved).length, reasons);
}

/** The same from counts: chats, chats the bot resolved alone, hand-offs per reason (what the store reads). */
export function botOf(total: number, botResolved: number, reasons: ReadonlyMap<string, number>): ReportTable {
  const rows: Record<string, Cell>[] = [
    { item: 'conversations', count: total, share: null },
    { item: 'bot_resolved', count: botResolved, share: total ? round(botResolved / total, 4) : null },
  ];
  const handoffs = [...reasons.values()].reduce((a, n) => a + n, 0);
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    rows.push({ item: `handoff:${reason}`, count: n, share: handoffs ? round(n / handoffs, 4) : null });
  }
  return { name: 'bot', columns: ['item', 'count', 'share'], rows };
}

export interface RatingRow {
  conversationId: string;
  score: number;
  agentId: string | null;
  team: string | null;
  createdAt: number;
}

export interface CsatFigures {
  average: number | null;
  count: number;
  /** Ratings over resolutions (each resolve asks once). */
  responseRate: number | null;
  distribution: number[];
}

/** CSAT over the ratings of the given conversations. */
export function csatFigures(conversations: readonly ReportConversation[], ratings: readonly RatingRow[]): CsatFigures {
  const ids = new Set(conversations.map((c) => c.id));
  const asked = conversations.reduce((a, c) => a + c.resolutions.length, 0);
  return csatFiguresOf(ratings.filter((r) => ids.has(r.conversationId)), asked);
}

/** CSAT of `ratings` (already those of the chats reported) over `asked` resolutions. */
export function csatFiguresOf(ratings: readonly RatingRow[], asked: number): CsatFigures {
  const distribution = [0, 0, 0, 0, 0];
  for (const r of ratings) distribution[r.score - 1]!++;
  const sum = ratings.reduce((a, r) => a + r.score, 0);
  return {
    average: ratings.length ? round(sum / ratings.length, 2) : null,
    count: ratings.length,
    responseRate: asked ? round(ratings.length / asked, 4) : null,
    distribution,
  };
}

/** CSAT: the distribution, then one row per agent (the agent the rating was stored with). */
export function csat(conversations: readonly ReportConversation[], ratings: readonly RatingRow[], agentName: (id: string) => string): ReportTable {
  const ids = new Set(conversations.map((c) => c.id));
  const asked = conversations.reduce((a, c) => a + c.resolutions.length, 0);
  return csatOf(ratings.filter((r) => ids.has(r.conversationId)), asked, agentName);
}

/** The same from the reported chats' ratings and their number of resolutions (what the store reads). */
export function csatOf(ratings: readonly RatingRow[], asked: number, agentName: (id: string) => string): ReportTable {
  const f = csatFiguresOf(ratings, asked);
  const rows: Record<string, Cell>[] = [{ item: 'all', agent: null, ratings: f.count, average: f.average, responseRate: f.responseRate, ...dist(f.distribution) }];
  const byAgent = new Map<string, number[]>();
  for (const r of ratings) {
    if (!r.agentId) continue;
    let list = byAgent.get(r.agentId);
    if (!list) byAgent.set(r.agentId, (list = []));
    list.push(r.score);
  }
  for (const [agentId, scores] of [...byAgent].sort((a, b) => agentName(a[0]).localeCompare(agentName(b[0])))) {
    const d = [0, 0, 0, 0, 0];
    for (const sc of scores) d[sc - 1]!++;
    rows.push({ item: 'agent', agent: agentName(agentId), ratings: scores.length, average: round(scores.reduce((a, sc) => a + sc, 0) / scores.length, 2), responseRate: null, ...dist(d) });
  }
  return { name: 'csat', columns: ['item', 'agent', 'ratings', 'average', 'responseRate', 's1', 's2', 's3', 's4', 's5'], rows };
}

function dist(d: number[]): Record<string, number> {
  return { s1: d[0]!, s2: d[1]!, s3: d[2]!, s4: d[3]!, s5: d[4]! };
}

/**
 * Concurrency: per agent and local hour of the day, the average number of chats they held
 * (time-weighted over the range's days) and the peak, against their capacity.
 */
export function concurrency(
  range: ReportRange,
  conversations: readonly ReportConversation[],
  agents: readonly { id: string; name: string; capacity: number }[],
  end: number,
): ReportTable {
  const { start, end: rangeEnd } = rangeBounds(range);
  const stop = Math.min(rangeEnd, end);
  const days = rangeDays(range).length;
  const HOUR = 3_600_000;
  // Per agent: change points (+1 / -1) to sweep.
  const points = new Map<string, [number, number][]>();
  for (const c of conversations) {
    for (const h of c.holdings) {
      const from = Math.max(h.from, start);
      const to = Math.min(h.to ?? stop, stop);
      if (to <= from) continue;
      let list = points.get(h.agentId);
      if (!list) points.set(h.agentId, (list = []));
      list.push([from, 1], [to, -1]);
    }
  }
  const rows: Record<string, Cell>[] = [];
  const clock = new LocalClock(range.timeZone);
  for (const a of agents) {
    const list = (points.get(a.id) ?? []).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const area = new Array<number>(24).fill(0);
    const peak = new Array<number>(24).fill(0);
    let load = 0;
    let t = start;
    // Sweep, splitting segments at 15-minute slots (a slot is always inside one local hour).
    const addSegment = (from: number, to: number, n: number) => {
      let s = from;
      while (s < to) {
        const SLOT = 900_000;
        const next = Math.min(to, Math.floor(s / SLOT) * SLOT + SLOT);
        const hour = clock.at(s).hour;
        area[hour]! += n * (next - s);
        if (n > peak[hour]!) peak[hour] = n;
        s = next;
      }
    };
    for (const [at, delta] of list) {
      if (at > t && load > 0) addSegment(t, at, load);
      t = at;
      load += delta;
    }
    for (let h = 0; h < 24; h++) {
      if (area[h] === 0 && peak[h] === 0) continue;
      rows.push({ agent: a.name, hour: h, average: round(area[h]! / (days * HOUR), 2), peak: peak[h]!, capacity: a.capacity });
    }
  }
  return { name: 'concurrency', columns: ['agent', 'hour', 'average', 'peak', 'capacity'], rows };
}

export interface OrderRow {
  customerId: string;
  createdAt: number;
  total: number;
  currency: string;
}

export const SALES_WINDOW_MS = 7 * 86_400_000;

/** Sales after chat: orders by the chat's customer within 7 days after it started; all chats, and those a proactive message started. */
export function sales(conversations: readonly ReportConversation[], orders: readonly OrderRow[]): ReportTable {
  const withCustomer = conversations.filter((c) => c.customerId).map((c) => [c.createdAt, c.via === 'proactive' ? 1 : 0, c.customerId!] as const);
  return salesOf({ all: conversations.length, proactive: conversations.filter((c) => c.via === 'proactive').length }, withCustomer, orders);
}

/**
 * The same from what the store reads: how many chats (all, proactive), and [created at,
 * proactive (1) or not (0), customer id] of the chats that have a customer.
 */
export function salesOf(chats: { all: number; proactive: number }, withCustomer: readonly (readonly [number, number, string])[], orders: readonly OrderRow[]): ReportTable {
  const byCustomer = new Map<string, OrderRow[]>();
  for (const o of orders) {
    let list = byCustomer.get(o.customerId);
    if (!list) byCustomer.set(o.customerId, (list = []));
    list.push(o);
  }
  const group = (name: string, total: number, proactiveOnly: boolean) => {
    let withOrder = 0;
    let count = 0;
    const totals = new Map<string, number>();
    for (const [createdAt, proactive, customerId] of withCustomer) {
      if (proactiveOnly && proactive !== 1) continue;
      const mine = (byCustomer.get(customerId) ?? []).filter((o) => o.createdAt >= createdAt && o.createdAt < createdAt + SALES_WINDOW_MS);
      if (mine.length) withOrder++;
      count += mine.length;
      for (const o of mine) totals.set(o.currency, (totals.get(o.currency) ?? 0) + o.total);
    }
    const currencies = [...totals.keys()].sort();
    const rows: Record<string, Cell>[] = (currencies.length ? currencies : ['']).map((cur) => ({
      group: name,
      chats: total,
      chatsWithOrder: withOrder,
      share: total ? round(withOrder / total, 4) : null,
      orders: count,
      currency: cur || null,
      total: cur ? totals.get(cur)! : 0,
    }));
    return rows;
  };
  return {
    name: 'sales',
    columns: ['group', 'chats', 'chatsWithOrder', 'share', 'orders', 'currency', 'total'],
    rows: [...group('all', chats.all, false), ...group('proactive', chats.proactive, true)],
  };
}

export interface Summary {
  from: string;
  to: string;
  timeZone: string;
  conversations: number;
  firstResponseSeconds: { p50: number | null; p90: number | null };
  resolutionSeconds: { p50: number | null; p90: number | null };
  botResolvedShare: number | null;
  csat: { average: number | null; count: number };
}

/** The headline figures. */
export function summary(range: ReportRange, conversations: readonly ReportConversation[], ratings: readonly RatingRow[]): Summary {
  const frt: number[] = [];
  const res: number[] = [];
  let botResolved = 0;
  for (const c of conversations) {
    if (c.firstResponse) frt.push(c.firstResponse.seconds);
    for (const r of c.resolutions) res.push(r.seconds);
    if (c.botResolved) botResolved++;
  }
  const ids = new Set(conversations.map((c) => c.id));
  return summaryOf(range, { conversations: conversations.length, botResolved, firstResponses: frt, resolutions: res, ratings: ratings.filter((r) => ids.has(r.conversationId)) });
}

/** The same from what the store reads: counts, the values, the reported chats' ratings. */
export function summaryOf(
  range: ReportRange,
  d: { conversations: number; botResolved: number; firstResponses: readonly number[]; resolutions: readonly number[]; ratings: readonly RatingRow[] },
): Summary {
  const f = csatFiguresOf(d.ratings, d.resolutions.length);
  return {
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    conversations: d.conversations,
    firstResponseSeconds: { p50: round(percentile(d.firstResponses, 50)), p90: round(percentile(d.firstResponses, 90)) },
    resolutionSeconds: { p50: round(percentile(d.resolutions, 50)), p90: round(percentile(d.resolutions, 90)) },
    botResolvedShare: d.conversations ? round(d.botResolved / d.conversations, 4) : null,
    csat: { average: f.average, count: f.count },
  };
}

export const REPORT_NAMES = ['volume', 'heatmap', 'first-response', 'queue', 'resolution', 'bot', 'csat', 'concurrency', 'sales'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
