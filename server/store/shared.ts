/**
 * Pure helpers both stores (SQLite and PostgreSQL) use, so a rule lives in one place: what they
 * compute from rows they have read, without IO.
 */
import { replay, storedFacts, type EventRow, type StoredHolding, type StoredStint } from '../domain/reports';
import type { ConversationState } from '../domain/lifecycle';
import type { FactColumn, FactsFilter } from './types';

/**
 * Whether a commit's lifecycle state differs from the conversation row it was decided on (a new
 * conversation always moves). The row may keep `humanReplied` as SQLite's 0/1.
 */
export function stateMoved(s: ConversationState, row: (Omit<ConversationState, 'humanReplied'> & { humanReplied: boolean | number }) | null | undefined): boolean {
  return (
    !row ||
    s.status !== row.status ||
    s.assigneeId !== row.assigneeId ||
    s.lastAssigneeId !== row.lastAssigneeId ||
    s.queuedAt !== row.queuedAt ||
    s.team !== row.team ||
    s.waitingSince !== row.waitingSince ||
    s.resolvedFrom !== row.resolvedFrom ||
    s.humanReplied !== Boolean(row.humanReplied) ||
    s.snoozedAt !== row.snoozedAt ||
    s.snoozedUntil !== row.snoozedUntil
  );
}

/**
 * The proactive-message log after rule `ruleId` fires now, or null when a cap forbids it: the
 * rule fired within `minGapMs`, or `maxPerDay` messages went out in the last 24 h. Entries older
 * than both windows are dropped; at most 50 are kept.
 */
export function proactiveClaim(
  sent: { ruleId: string; at: number }[],
  ruleId: string,
  now: number,
  caps: { minGapMs: number; maxPerDay: number },
): { ruleId: string; at: number }[] | null {
  const kept = sent.filter((x) => now - x.at < Math.max(caps.minGapMs, 24 * 3_600_000));
  if (kept.some((x) => x.ruleId === ruleId && now - x.at < caps.minGapMs)) return null;
  if (kept.filter((x) => now - x.at < 24 * 3_600_000).length >= caps.maxPerDay) return null;
  return [...kept, { ruleId, at: now }].slice(-50);
}

/** The questions the assistant could not answer, from conversations' bot state, newest first. */
export function unansweredOf(rows: { id: string; botState: unknown }[], limit: number): { conversationId: string; text: string; at: number; locale: string }[] {
  const out: { conversationId: string; text: string; at: number; locale: string }[] = [];
  for (const r of rows) {
    const list = (r.botState as { unanswered?: unknown } | null)?.unanswered;
    if (!Array.isArray(list)) continue;
    for (const q of list as { text?: unknown; at?: unknown; locale?: unknown }[]) {
      if (typeof q?.text === 'string' && typeof q.at === 'number') out.push({ conversationId: r.id, text: q.text, at: q.at, locale: q.locale === 'en' ? 'en' : 'es' });
    }
  }
  return out.sort((a, b) => b.at - a.at).slice(0, limit);
}

/** The keys identity hashes are checked against: the current one, then the previous one while it overlaps. */
export function liveSecretKeys(row: { secretKey: string; previous: string | null; until: number | null }, now: number): string[] {
  return row.previous && (row.until === null || row.until > now) ? [row.secretKey, row.previous] : [row.secretKey];
}

// ---------------------------------------------------------------------------------------------
// Report facts (conversation_facts): what one row holds, and how reports select rows

/** One conversation's `conversation_facts` row (lists as values; SQLite stores them as JSON text, PostgreSQL as jsonb). */
export interface FactsValues {
  conversationId: string;
  siteId: string;
  createdAt: number;
  via: string;
  channel: string;
  language: string | null;
  team: string | null;
  status: string;
  timeZone: string;
  localDay: string;
  weekday: number;
  hour: number;
  firstResponseSeconds: number | null;
  firstResponseAgent: string | null;
  queued: number;
  queue: StoredStint[];
  leftUnanswered: number;
  resolutions: number;
  resolutionSeconds: number[];
  botResolved: number;
  handoffReasons: string[];
  holdings: StoredHolding[];
  agents: string;
  teams: string;
  transfers: number;
  reopens: number;
  shopperMessages: number;
  agentMessages: number;
  botMessages: number;
  countedSeq: number;
  updatedAt: number;
}

/**
 * A conversation's facts from its event log (oldest first) and its messages: the counts already
 * stored (`previous`) plus those of the text and card messages written since (`countedSince`,
 * per author kind, seqs in (previous.countedSeq, lastSeq]). The channel is its first message's
 * when the row is new. Null when the log is empty.
 */
export function factsValues(input: {
  siteId: string;
  conversationId: string;
  conversation: { locale: string | null; team: string | null; lastSeq: number };
  events: EventRow[];
  previous: { countedSeq: number; shopper: number; agent: number; bot: number } | null;
  countedSince: readonly (readonly [string, number])[];
  firstChannel: string | null;
  timeZone: string;
  now: number;
}): FactsValues | null {
  if (input.events.length === 0) return null;
  const prev = input.previous;
  const counts = { shopper: prev?.shopper ?? 0, agent: prev?.agent ?? 0, bot: prev?.bot ?? 0 };
  for (const [kind, n] of input.countedSince) {
    if (kind === 'visitor') counts.shopper += n;
    else if (kind === 'agent') counts.agent += n;
    else counts.bot += n;
  }
  const f = storedFacts(replay(input.events), input.timeZone);
  return {
    conversationId: input.conversationId,
    siteId: input.siteId,
    createdAt: f.createdAt,
    via: f.via,
    channel: prev ? 'chat' : (input.firstChannel ?? 'chat'),
    language: input.conversation.locale ? input.conversation.locale.slice(0, 2) : null,
    team: input.conversation.team,
    status: f.status,
    timeZone: f.timeZone,
    localDay: f.localDay,
    weekday: f.weekday,
    hour: f.hour,
    firstResponseSeconds: f.firstResponseSeconds,
    firstResponseAgent: f.firstResponseAgent,
    queued: f.queue.length,
    queue: f.queue,
    leftUnanswered: f.leftUnanswered ? 1 : 0,
    resolutions: f.resolutionSeconds.length,
    resolutionSeconds: f.resolutionSeconds,
    botResolved: f.botResolved ? 1 : 0,
    handoffReasons: f.handoffReasons,
    holdings: f.holdings,
    agents: f.agents,
    teams: f.teams,
    transfers: f.transfers,
    reopens: f.reopens,
    shopperMessages: counts.shopper,
    agentMessages: counts.agent,
    botMessages: counts.bot,
    countedSeq: input.conversation.lastSeq,
    updatedAt: input.now,
  };
}

/** The SQL of each column a report may ask for, over `conversation_facts f` (both dialects). */
export const FACT_COLUMNS: Readonly<Record<FactColumn, string>> = {
  createdAt: 'f.created_at',
  via: 'f.via',
  channel: 'f.channel',
  language: 'f.language',
  team: 'f.team',
  timeZone: 'f.time_zone',
  localDay: 'f.local_day',
  weekday: 'f.weekday',
  hour: 'f.hour',
  firstResponseSeconds: 'f.first_response_seconds',
  queued: 'f.queued',
  queue: 'f.queue',
  leftUnanswered: 'f.left_unanswered',
  resolutions: 'f.resolutions',
  resolutionSeconds: 'f.resolution_seconds',
  botResolved: 'f.bot_resolved',
  handoffReasons: 'f.handoff_reasons',
  holdings: 'f.holdings',
  agents: 'f.agents',
  teams: 'f.teams',
  shopperMessages: 'f.shopper_messages',
  agentMessages: 'f.agent_messages',
  botMessages: 'f.bot_messages',
  customerId: '(SELECT v.customer_id FROM conversations c JOIN visitors v ON v.id = c.visitor_id WHERE c.id = f.conversation_id)',
};

const FACTS_HAVING: Record<NonNullable<FactsFilter['having']>, string> = {
  firstResponse: 'f.first_response_seconds IS NOT NULL',
  queue: 'f.queued > 0',
  // An empty JSON list: text in SQLite, jsonb in PostgreSQL (the literal takes the column's type).
  holdings: "f.holdings != '[]'",
  resolutions: 'f.resolutions > 0',
};

/**
 * `WHERE` over `conversation_facts f` for the site, the range and the filter: SQL with `?`
 * placeholders and its parameters. `contains` is the dialect's substring position function
 * (SQLite `instr`, PostgreSQL `strpos`; both take the text, then what to find).
 */
export function factsWhere(siteId: string, start: number, end: number, filter: FactsFilter, contains: 'instr' | 'strpos'): { sql: string; params: unknown[] } {
  const parts = ['f.site_id = ?', 'f.created_at >= ?', 'f.created_at < ?'];
  const params: unknown[] = [siteId, start, end];
  if (filter.language) {
    parts.push('f.language = ?');
    params.push(filter.language);
  }
  if (filter.channel) {
    parts.push('f.channel = ?');
    params.push(filter.channel);
  }
  if (filter.agentId) {
    parts.push(`${contains}(f.agents, ?) > 0`);
    params.push(`|${filter.agentId}|`);
  }
  if (filter.team) {
    const members = filter.teamMembers ?? [];
    parts.push(`(f.team = ? OR ${contains}(f.teams, ?) > 0${members.map(() => ` OR ${contains}(f.agents, ?) > 0`).join('')})`);
    params.push(filter.team, `|${filter.team}|`, ...members.map((m) => `|${m}|`));
  }
  if (filter.tag === null) parts.push('1 = 0');
  else if (filter.tag !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = f.conversation_id AND ct.site_id = f.site_id AND ct.tag = ?)');
    params.push(filter.tag);
  }
  if (filter.having) parts.push(FACTS_HAVING[filter.having]);
  if (filter.timeZone) {
    parts.push(filter.timeZone.other ? 'f.time_zone != ?' : 'f.time_zone = ?');
    params.push(filter.timeZone.zone);
  }
  return { sql: parts.join(' AND '), params };
}
