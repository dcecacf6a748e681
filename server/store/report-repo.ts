/**
 * What reports read: the event log of a site's chats started in a time range (with what their
 * conversation rows know), message counts, ratings and orders. Plain prepared statements over
 * the indexes made for them (conversations by site and creation, messages by site and time,
 * events by conversation); the figures themselves are computed in server/domain/reports.
 */
import type Database from 'better-sqlite3';
import { newId } from '../ids';
import type { RatingRecord, ReportConversationRow, ReportEventRow } from './types';

export class ReportRepo {
  private readonly stmts: Record<string, Database.Statement>;

  constructor(sqlite: Database.Database) {
    const s = (sql: string) => sqlite.prepare(sql);
    this.stmts = {
      conversations: s(
        `SELECT c.id, c.locale, c.team, v.customer_id AS customerId, c.updated_at AS updatedAt, c.last_seq AS lastSeq, c.status, c.assignee_id AS assigneeId
           FROM conversations c LEFT JOIN visitors v ON v.id = c.visitor_id
          WHERE c.site_id = ? AND c.created_at >= ? AND c.created_at < ?`,
      ),
      events: s(
        `SELECT e.conversation_id, e.id, e.type, e.actor_kind, e.actor_id, e.data, e.at
           FROM conversations c JOIN conversation_events e ON e.conversation_id = c.id
          WHERE c.site_id = ? AND c.created_at >= ? AND c.created_at < ?`,
      ),
      eventsOf: s(`SELECT conversation_id, id, type, actor_kind, actor_id, data, at FROM conversation_events WHERE site_id = ? AND conversation_id = ?`),
      messagesBetween: s(
        `SELECT author_kind, count(*) AS n
           FROM messages
          WHERE site_id = ? AND created_at >= ? AND created_at < ? AND kind IN ('text', 'card') AND author_kind IN ('visitor', 'agent', 'bot')
          GROUP BY author_kind`,
      ),
      messagesOf: s(
        `SELECT conversation_id, created_at, author_kind
           FROM messages
          WHERE site_id = ? AND created_at >= ? AND created_at < ? AND kind IN ('text', 'card') AND author_kind IN ('visitor', 'agent', 'bot')`,
      ),
      messagesOfOne: s(
        `SELECT created_at, author_kind FROM messages
          WHERE site_id = ? AND conversation_id = ? AND created_at >= ? AND created_at < ? AND kind IN ('text', 'card') AND author_kind IN ('visitor', 'agent', 'bot')`,
      ),
      ratings: s(
        `SELECT r.id, r.conversation_id AS conversationId, r.resolved_event_id AS resolvedEventId, r.score, r.comment, r.agent_id AS agentId, r.team, r.created_at AS createdAt
           FROM conversations c JOIN conversation_ratings r ON r.conversation_id = c.id
          WHERE c.site_id = ? AND c.created_at >= ? AND c.created_at < ?`,
      ),
      ratingsOf: s(
        `SELECT id, conversation_id AS conversationId, resolved_event_id AS resolvedEventId, score, comment, agent_id AS agentId, team, created_at AS createdAt
           FROM conversation_ratings WHERE site_id = ? AND conversation_id = ? ORDER BY created_at`,
      ),
      orders: s(
        `SELECT customer_id AS customerId, created_at AS createdAt, total, currency
           FROM orders WHERE site_id = ? AND created_at >= ? AND created_at < ? AND status NOT IN ('cancelled')`,
      ),
      conversationRow: s(`SELECT id, status, last_assignee_id AS lastAssigneeId, team FROM conversations WHERE site_id = ? AND id = ?`),
      pendingRated: s(`SELECT 1 FROM conversation_ratings WHERE conversation_id = ? AND resolved_event_id = ?`),
      lastResolved: s(`SELECT id, at FROM conversation_events WHERE conversation_id = ? AND type = 'resolved' ORDER BY id DESC LIMIT 1`),
      insertRating: s(
        `INSERT INTO conversation_ratings (id, site_id, conversation_id, resolved_event_id, score, comment, agent_id, team, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id, resolved_event_id) DO NOTHING`,
      ),
    };
  }

  conversations(siteId: string, start: number, end: number): ReportConversationRow[] {
    return this.stmts.conversations!.all(siteId, start, end) as ReportConversationRow[];
  }

  /**
   * The event log of the site's chats created in [start, end); with `only`, of those chats alone
   * (a few are read one by one through the conversation index, many by the range).
   */
  events(siteId: string, start: number, end: number, only?: ReadonlySet<string>): ReportEventRow[] {
    type Raw = [string, number, string, string, string | null, string, number];
    const out: ReportEventRow[] = [];
    const push = ([conversationId, id, type, actorKind, actorId, data, at]: Raw) =>
      out.push({ conversationId, id, type, actorKind, actorId, data: JSON.parse(data) as Record<string, unknown>, at });
    if (only && only.size <= 2000) {
      const stmt = this.stmts.eventsOf!.raw(true);
      for (const id of only) for (const row of stmt.all(siteId, id) as Raw[]) push(row);
      return out;
    }
    for (const row of this.stmts.events!.raw(true).iterate(siteId, start, end) as Iterable<Raw>) {
      if (!only || only.has(row[0])) push(row);
    }
    return out;
  }

  /** Text and card messages per span between consecutive `bounds` (day starts), per author kind: one index range each. */
  messageCounts(siteId: string, bounds: readonly number[]): { day: number; authorKind: 'visitor' | 'agent' | 'bot'; count: number }[] {
    const out: { day: number; authorKind: 'visitor' | 'agent' | 'bot'; count: number }[] = [];
    const stmt = this.stmts.messagesBetween!.raw(true);
    for (let day = 0; day + 1 < bounds.length; day++) {
      for (const [authorKind, count] of stmt.all(siteId, bounds[day], bounds[day + 1]) as [ 'visitor' | 'agent' | 'bot', number][]) out.push({ day, authorKind, count });
    }
    return out;
  }

  /**
   * The text and card messages of the given conversations written in [start, end): up to 20,000
   * conversations through the conversation index, one by one; more by the site's time index.
   */
  messagesOf(siteId: string, start: number, end: number, conversationIds: ReadonlySet<string>): { at: number; authorKind: 'visitor' | 'agent' | 'bot' }[] {
    const out: { at: number; authorKind: 'visitor' | 'agent' | 'bot' }[] = [];
    if (conversationIds.size <= 20_000) {
      const stmt = this.stmts.messagesOfOne!.raw(true);
      for (const id of conversationIds) {
        for (const [at, authorKind] of stmt.all(siteId, id, start, end) as [number, 'visitor' | 'agent' | 'bot'][]) out.push({ at, authorKind });
      }
      return out;
    }
    for (const [id, at, authorKind] of this.stmts.messagesOf!.raw(true).iterate(siteId, start, end) as Iterable<[string, number, 'visitor' | 'agent' | 'bot']>) {
      if (conversationIds.has(id)) out.push({ at, authorKind });
    }
    return out;
  }

  ratings(siteId: string, start: number, end: number): RatingRecord[] {
    return this.stmts.ratings!.all(siteId, start, end) as RatingRecord[];
  }

  ratingsOf(siteId: string, conversationId: string): RatingRecord[] {
    return this.stmts.ratingsOf!.all(siteId, conversationId) as RatingRecord[];
  }

  orders(siteId: string, start: number, end: number): { customerId: string; createdAt: number; total: number; currency: string }[] {
    return this.stmts.orders!.all(siteId, start, end) as { customerId: string; createdAt: number; total: number; currency: string }[];
  }

  /**
   * Stores the shopper's rating of the conversation's latest resolution, once. Null when the
   * conversation is not resolved now (nothing to rate) or that resolution is already rated.
   */
  rate(siteId: string, conversationId: string, input: { score: number; comment: string | null }, now: number): RatingRecord | null {
    const conversation = this.stmts.conversationRow!.get(siteId, conversationId) as { id: string; status: string; lastAssigneeId: string | null; team: string | null } | undefined;
    if (!conversation || conversation.status !== 'resolved') return null;
    const last = this.stmts.lastResolved!.get(conversation.id) as { id: number; at: number } | undefined;
    if (!last) return null;
    const id = newId('rat');
    const done = this.stmts.insertRating!.run(id, siteId, conversation.id, last.id, input.score, input.comment, conversation.lastAssigneeId, conversation.team, now);
    if (done.changes === 0) return null;
    return { id, conversationId: conversation.id, resolvedEventId: last.id, score: input.score, comment: input.comment, agentId: conversation.lastAssigneeId, team: conversation.team, createdAt: now };
  }

  /** Inside a commit: rates the conversation's latest resolution; false when it is already rated or was never resolved. */
  rateInCommit(siteId: string, conversationId: string, input: { score: number; comment: string | null }, now: number): boolean {
    return this.rate(siteId, conversationId, input, now) !== null;
  }

  /** The latest resolution's event id, and whether it is rated (what the widget asks about). */
  pendingRating(conversationId: string): { resolvedEventId: number; rated: boolean } | null {
    const last = this.stmts.lastResolved!.get(conversationId) as { id: number } | undefined;
    if (!last) return null;
    const rated = this.stmts.pendingRated!.get(conversationId, last.id);
    return { resolvedEventId: last.id, rated: Boolean(rated) };
  }
}
