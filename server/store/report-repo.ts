/**
 * What reports read: the per-conversation facts of a site's chats started in a time range
 * (`conversation_facts`, kept by facts-repo in the commit that writes each lifecycle event),
 * ratings and orders. Plain prepared statements over `conversation_facts_site_created_idx`, each
 * reading only the columns its report needs, filters in SQL; the figures themselves are computed
 * in server/domain/reports.
 */
import type Database from 'better-sqlite3';
import { newId } from '../ids';
import { FACT_COLUMNS, factsWhere } from './shared';
import type { FactColumn, FactRow, FactsFilter, RatingRecord, ReportRating } from './types';

/** `WHERE` over `conversation_facts f` for the site, the range and the filter, with its parameters. */
const where = (siteId: string, start: number, end: number, filter: FactsFilter) => factsWhere(siteId, start, end, filter, 'instr');

export class ReportRepo {
  private readonly stmts: Record<string, Database.Statement>;
  /** Report statements by their SQL (one per combination of columns and filters). */
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {
    const s = (sql: string) => sqlite.prepare(sql);
    this.stmts = {
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

  private statement(sql: string): Database.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) this.cache.set(sql, (stmt = this.sqlite.prepare(sql)));
    return stmt;
  }

  /** The named facts of the site's chats created in [start, end) that pass the filter. */
  facts<C extends FactColumn>(siteId: string, start: number, end: number, filter: FactsFilter, columns: readonly C[]): FactRow<C>[] {
    const w = where(siteId, start, end, filter);
    const sql = `SELECT f.conversation_id AS id${columns.map((c) => `, ${FACT_COLUMNS[c]} AS ${c}`).join('')} FROM conversation_facts f WHERE ${w.sql}`;
    return this.statement(sql).all(...w.params) as FactRow<C>[];
  }

  /** How many chats, how many the bot resolved alone, how many resolves. */
  totals(siteId: string, start: number, end: number, filter: FactsFilter): { conversations: number; botResolved: number; resolutions: number; proactive: number } {
    const w = where(siteId, start, end, filter);
    const sql = `SELECT count(*) AS conversations, coalesce(sum(f.bot_resolved), 0) AS botResolved, coalesce(sum(f.resolutions), 0) AS resolutions,
                        coalesce(sum(f.via = 'proactive'), 0) AS proactive FROM conversation_facts f WHERE ${w.sql}`;
    return this.statement(sql).get(...w.params) as { conversations: number; botResolved: number; resolutions: number; proactive: number };
  }

  /** [created at, proactive (1) or not (0), customer id] of the chats whose shopper is a customer. */
  customers(siteId: string, start: number, end: number, filter: FactsFilter): [number, number, string][] {
    const w = where(siteId, start, end, filter);
    const sql = `SELECT f.created_at, f.via = 'proactive', v.customer_id FROM conversation_facts f JOIN conversations c ON c.id = f.conversation_id
                   JOIN visitors v ON v.id = c.visitor_id WHERE ${w.sql} AND v.customer_id IS NOT NULL`;
    return this.statement(sql).raw(true).all(...w.params) as [number, number, string][];
  }

  /** [chat created at, seconds]: each chat's first response, or each resolve (a chat resolved twice gives two). */
  pairs(siteId: string, start: number, end: number, filter: FactsFilter, what: 'firstResponse' | 'resolution'): [number, number][] {
    const w = where(siteId, start, end, filter);
    const sql =
      what === 'firstResponse'
        ? `SELECT f.created_at, f.first_response_seconds FROM conversation_facts f WHERE ${w.sql} AND f.first_response_seconds IS NOT NULL`
        : `SELECT f.created_at, j.value FROM conversation_facts f, json_each(f.resolution_seconds) j WHERE ${w.sql} AND f.resolutions > 0`;
    return this.statement(sql).raw(true).all(...w.params) as [number, number][];
  }

  /** Hand-offs per reason. */
  handoffs(siteId: string, start: number, end: number, filter: FactsFilter): [string, number][] {
    const w = where(siteId, start, end, filter);
    const sql = `SELECT j.value, count(*) FROM conversation_facts f, json_each(f.handoff_reasons) j WHERE ${w.sql} AND f.handoff_reasons != '[]' GROUP BY j.value`;
    return this.statement(sql).raw(true).all(...w.params) as [string, number][];
  }

  /** Chats and their counted messages per local day (rows written in `timeZone` only). */
  perDay(siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string): { day: string; conversations: number; shopper: number; agent: number; bot: number }[] {
    const w = where(siteId, start, end, { ...filter, timeZone: { zone: timeZone } });
    const sql = `SELECT f.local_day AS day, count(*) AS conversations, sum(f.shopper_messages) AS shopper, sum(f.agent_messages) AS agent, sum(f.bot_messages) AS bot
                   FROM conversation_facts f WHERE ${w.sql} GROUP BY f.local_day`;
    return this.statement(sql).all(...w.params) as { day: string; conversations: number; shopper: number; agent: number; bot: number }[];
  }

  /** Incoming chats (not started by an agent or an order event) per local weekday (0 = Monday) and hour (rows written in `timeZone` only). */
  perWeekHour(siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string): { weekday: number; hour: number; n: number }[] {
    const w = where(siteId, start, end, { ...filter, timeZone: { zone: timeZone } });
    const sql = `SELECT f.weekday AS weekday, f.hour AS hour, count(*) AS n FROM conversation_facts f
                  WHERE ${w.sql} AND f.via NOT IN ('agent', 'order_event') GROUP BY f.weekday, f.hour`;
    return this.statement(sql).all(...w.params) as { weekday: number; hour: number; n: number }[];
  }

  /**
   * Text and card messages not yet in the facts' counts (written after the chat's last lifecycle
   * event), per chat and author: read through the conversation index for those chats alone.
   */
  uncounted(siteId: string, start: number, end: number, filter: FactsFilter): { createdAt: number; authorKind: 'visitor' | 'agent' | 'bot'; n: number }[] {
    const w = where(siteId, start, end, filter);
    const sql = `SELECT f.created_at AS createdAt, m.author_kind AS authorKind, count(*) AS n
                   FROM conversation_facts f JOIN conversations c ON c.id = f.conversation_id
                   JOIN messages m ON m.conversation_id = f.conversation_id AND m.seq > f.counted_seq
                  WHERE ${w.sql} AND c.last_seq > f.counted_seq AND m.kind IN ('text', 'card') AND m.author_kind IN ('visitor', 'agent', 'bot')
                  GROUP BY f.conversation_id, m.author_kind`;
    return this.statement(sql).all(...w.params) as { createdAt: number; authorKind: 'visitor' | 'agent' | 'bot'; n: number }[];
  }

  /** Ratings of the site's chats created in [start, end) that pass the filter. */
  ratings(siteId: string, start: number, end: number, filter: FactsFilter): ReportRating[] {
    const w = where(siteId, start, end, filter);
    const sql = `SELECT r.conversation_id AS conversationId, r.score, r.agent_id AS agentId, r.team, r.created_at AS createdAt
                   FROM conversation_facts f JOIN conversation_ratings r ON r.conversation_id = f.conversation_id WHERE ${w.sql}`;
    return this.statement(sql).all(...w.params) as ReportRating[];
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
