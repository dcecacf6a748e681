/**
 * What reports read: the event log of a site's chats started in a time range (with what their
 * conversation rows know), message counts, ratings and orders. Plain prepared statements over
 * the indexes made for them (conversations by site and creation, messages by site and time,
 * events by conversation); the figures themselves are computed in server/domain/reports.
 */
import type Database from 'better-sqlite3';
import { newId } from '../ids';
import type { RatingRecord, ReportEventRow, ReportSource } from './types';

/** Message counts are grouped in 15-minute slots (every zone's offset is a multiple of 15 minutes). */
export const MESSAGE_SLOT_MS = 15 * 60_000;

export class ReportRepo {
  private readonly stmts: Record<string, Database.Statement>;

  constructor(sqlite: Database.Database) {
    const s = (sql: string) => sqlite.prepare(sql);
    this.stmts = {
      conversations: s(
        `SELECT c.id, c.locale, c.team, v.customer_id AS customerId
           FROM conversations c LEFT JOIN visitors v ON v.id = c.visitor_id
          WHERE c.site_id = ? AND c.created_at >= ? AND c.created_at < ?`,
      ),
      events: s(
        `SELECT e.conversation_id, e.id, e.type, e.actor_kind, e.actor_id, e.data, e.at
           FROM conversations c JOIN conversation_events e ON e.conversation_id = c.id
          WHERE c.site_id = ? AND c.created_at >= ? AND c.created_at < ?`,
      ),
      messageSlots: s(
        `SELECT (created_at - ?) / ${MESSAGE_SLOT_MS} AS slot, author_kind, count(*) AS n
           FROM messages
          WHERE site_id = ? AND created_at >= ? AND created_at < ? AND kind IN ('text', 'card') AND author_kind IN ('visitor', 'agent', 'bot')
          GROUP BY slot, author_kind`,
      ),
      messagesOf: s(
        `SELECT conversation_id, created_at, author_kind
           FROM messages
          WHERE site_id = ? AND created_at >= ? AND created_at < ? AND kind IN ('text', 'card') AND author_kind IN ('visitor', 'agent', 'bot')`,
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

  source(siteId: string, start: number, end: number): ReportSource {
    const meta = new Map<string, { locale: string | null; team: string | null; customerId: string | null }>();
    for (const r of this.stmts.conversations!.all(siteId, start, end) as { id: string; locale: string | null; team: string | null; customerId: string | null }[]) {
      meta.set(r.id, { locale: r.locale, team: r.team, customerId: r.customerId });
    }
    const raw = this.stmts.events!.raw(true).all(siteId, start, end) as [string, number, string, string, string | null, string, number][];
    const events: ReportEventRow[] = raw.map(([conversationId, id, type, actorKind, actorId, data, at]) => ({ conversationId, id, type, actorKind, actorId, data: JSON.parse(data) as Record<string, unknown>, at }));
    return { meta, events };
  }

  /** Text and card messages by 15-minute slot from `start`, per author kind. */
  messageSlots(siteId: string, start: number, end: number): { slot: number; authorKind: 'visitor' | 'agent' | 'bot'; count: number }[] {
    return (this.stmts.messageSlots!.raw(true).all(start, siteId, start, end) as [number, 'visitor' | 'agent' | 'bot', number][]).map(([slot, authorKind, count]) => ({ slot, authorKind, count }));
  }

  /** The text and card messages of the given conversations written in [start, end). */
  messagesOf(siteId: string, start: number, end: number, conversationIds: ReadonlySet<string>): { at: number; authorKind: 'visitor' | 'agent' | 'bot' }[] {
    const out: { at: number; authorKind: 'visitor' | 'agent' | 'bot' }[] = [];
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

  /** The latest resolution's event id, and whether it is rated (what the widget asks about). */
  pendingRating(conversationId: string): { resolvedEventId: number; rated: boolean } | null {
    const last = this.stmts.lastResolved!.get(conversationId) as { id: number } | undefined;
    if (!last) return null;
    const rated = this.stmts.pendingRated!.get(conversationId, last.id);
    return { resolvedEventId: last.id, rated: Boolean(rated) };
  }
}
