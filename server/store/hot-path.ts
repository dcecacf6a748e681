/**
 * The message-append hot path as statements prepared once. Building a query per message was
 * most of the cost of a send (see docs/benchmarks.md); these run the same SQL without it.
 * Rows come back in the drizzle schema's shape so the rest of the store is unchanged.
 */
import type Database from 'better-sqlite3';
import type * as t from './schema';

/** The conversation columns the hot path reads (not the bot's memory). */
export type ConversationRow = Omit<typeof t.conversations.$inferSelect, 'botState' | 'handoff'>;
type MessageRow = typeof t.messages.$inferSelect;

const CONVERSATION_COLUMNS = `id, site_id AS siteId, visitor_id AS visitorId, status, assignee_id AS assigneeId, last_seq AS lastSeq,
  last_visible_seq AS lastVisibleSeq, visitor_read_seq AS visitorReadSeq, agent_read_seq AS agentReadSeq,
  last_message_text AS lastMessageText, last_message_author AS lastMessageAuthor, last_message_at AS lastMessageAt,
  locale, team, queued_at AS queuedAt, last_assignee_id AS lastAssigneeId, waiting_since AS waitingSince, resolved_from AS resolvedFrom,
  human_replied AS humanReplied, snoozed_at AS snoozedAt, snoozed_until AS snoozedUntil, created_at AS createdAt, updated_at AS updatedAt`;

const MESSAGE_COLUMNS = `id, site_id AS siteId, conversation_id AS conversationId, seq, client_id AS clientId, author_kind AS authorKind,
  author_id AS authorId, author_name AS authorName, kind, payload, prev_visible_seq AS prevVisibleSeq, text, channel, created_at AS createdAt`;

type RawMessage = Omit<MessageRow, 'payload'> & { payload: string | null };

function message(raw: RawMessage | undefined): MessageRow | undefined {
  if (!raw) return undefined;
  return { ...raw, payload: raw.payload === null ? null : (JSON.parse(raw.payload) as Record<string, unknown>) };
}

export class HotPath {
  private readonly conversationById;
  private readonly openConversationOfVisitor;
  private readonly messageByClientId;
  private readonly bumpVisible;
  private readonly bumpHidden;
  private readonly writeState;
  private readonly insertEvent;
  private readonly bumpEvent;
  private readonly insertMessage;
  private readonly verifiedCustomer;
  private readonly dataOf;
  private readonly writeData;
  private readonly writeVisitor;

  constructor(sqlite: Database.Database) {
    this.conversationById = sqlite.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE site_id = ? AND id = ?`);
    this.openConversationOfVisitor = sqlite.prepare(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE site_id = ? AND visitor_id = ? AND status != 'resolved' ORDER BY updated_at DESC LIMIT 1`,
    );
    this.messageByClientId = sqlite.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND client_id = ?`);
    this.bumpVisible = sqlite.prepare(
      `UPDATE conversations SET last_seq = last_seq + 1, last_visible_seq = last_seq + 1, last_message_text = ?, last_message_author = ?,
        last_message_at = ?, updated_at = ?
       WHERE site_id = ? AND id = ? RETURNING ${CONVERSATION_COLUMNS}`,
    );
    this.writeState = sqlite.prepare(
      `UPDATE conversations SET status = @status, assignee_id = @assigneeId, last_assignee_id = @lastAssigneeId, queued_at = @queuedAt, team = @team,
        waiting_since = @waitingSince, resolved_from = @resolvedFrom, human_replied = @humanReplied, snoozed_at = @snoozedAt,
        snoozed_until = @snoozedUntil, updated_at = max(updated_at, @now)
       WHERE site_id = @siteId AND id = @id RETURNING ${CONVERSATION_COLUMNS}`,
    );
    this.insertEvent = sqlite.prepare(
      `INSERT INTO conversation_events (site_id, conversation_id, type, actor_kind, actor_id, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // System events are visible but are not "the last message" a list previews.
    this.bumpEvent = sqlite.prepare(
      `UPDATE conversations SET last_seq = last_seq + 1, last_visible_seq = last_seq + 1, updated_at = ? WHERE site_id = ? AND id = ? RETURNING ${CONVERSATION_COLUMNS}`,
    );
    this.bumpHidden = sqlite.prepare(`UPDATE conversations SET last_seq = last_seq + 1 WHERE site_id = ? AND id = ? RETURNING ${CONVERSATION_COLUMNS}`);
    this.insertMessage = sqlite.prepare(
      `INSERT INTO messages (id, site_id, conversation_id, seq, client_id, author_kind, author_id, author_name, kind, payload, prev_visible_seq, text, channel, created_at)
       VALUES (@id, @siteId, @conversationId, @seq, @clientId, @authorKind, @authorId, @authorName, @kind, @payload, @prevVisibleSeq, @text, @channel, @createdAt)
       RETURNING ${MESSAGE_COLUMNS}`,
    );
    this.verifiedCustomer = sqlite.prepare(`SELECT customer_id AS customerId FROM visitors WHERE id = ? AND verified = 1`);
    this.dataOf = sqlite.prepare(`SELECT bot_state AS botState, handoff, locale FROM conversations WHERE site_id = ? AND id = ?`);
    this.writeData = sqlite.prepare(
      `UPDATE conversations SET bot_state = iif(@setBotState, @botState, bot_state), handoff = iif(@setHandoff, @handoff, handoff),
        locale = iif(@setLocale, @locale, locale)
       WHERE site_id = @siteId AND id = @id RETURNING ${CONVERSATION_COLUMNS}`,
    );
    // An email the shopper gave is kept only while the merchant has not verified who they are.
    this.writeVisitor = sqlite.prepare(
      `UPDATE visitors SET locale = iif(@setLocale, @locale, locale), email = iif(@setEmail AND verified = 0, @email, email) WHERE site_id = @siteId AND id = @id`,
    );
  }

  /** The assistant's memory, handoff packet and language of a conversation. */
  data(siteId: string, id: string): { botState: Record<string, unknown> | null; handoff: Record<string, unknown> | null; locale: string | null } | null {
    const raw = this.dataOf.get(siteId, id) as { botState: string | null; handoff: string | null; locale: string | null } | undefined;
    if (!raw) return null;
    return {
      botState: raw.botState === null ? null : (JSON.parse(raw.botState) as Record<string, unknown>),
      handoff: raw.handoff === null ? null : (JSON.parse(raw.handoff) as Record<string, unknown>),
      locale: raw.locale,
    };
  }

  /** Writes the fields of `patch` that are set (others stay as they are). */
  saveData(
    siteId: string,
    id: string,
    patch: { botState?: Record<string, unknown>; handoff?: Record<string, unknown> | null; locale?: string },
  ): ConversationRow | undefined {
    return this.writeData.get({
      siteId,
      id,
      setBotState: patch.botState !== undefined ? 1 : 0,
      botState: patch.botState !== undefined ? JSON.stringify(patch.botState) : null,
      setHandoff: patch.handoff !== undefined ? 1 : 0,
      handoff: patch.handoff != null ? JSON.stringify(patch.handoff) : null,
      setLocale: patch.locale !== undefined ? 1 : 0,
      locale: patch.locale ?? null,
    }) as ConversationRow | undefined;
  }

  /** The visitor's language and (while unverified) email. */
  saveVisitor(siteId: string, id: string, patch: { locale?: string; email?: string }): void {
    this.writeVisitor.run({
      siteId,
      id,
      setLocale: patch.locale !== undefined ? 1 : 0,
      locale: patch.locale ?? null,
      setEmail: patch.email ? 1 : 0,
      email: patch.email ?? null,
    });
  }

  conversation(siteId: string, id: string): ConversationRow | undefined {
    return this.conversationById.get(siteId, id) as ConversationRow | undefined;
  }

  openConversation(siteId: string, visitorId: string): ConversationRow | undefined {
    return this.openConversationOfVisitor.get(siteId, visitorId) as ConversationRow | undefined;
  }

  existing(conversationId: string, clientId: string): MessageRow | undefined {
    return message(this.messageByClientId.get(conversationId, clientId) as RawMessage | undefined);
  }

  /** Takes the next seq (and, for visible messages, updates the preview) in the caller's transaction. */
  bump(
    siteId: string,
    id: string,
    visible: { preview: string | null; author: string; at: number } | null,
  ): ConversationRow | undefined {
    if (!visible) return this.bumpHidden.get(siteId, id) as ConversationRow | undefined;
    if (visible.preview === null) return this.bumpEvent.get(visible.at, siteId, id) as ConversationRow | undefined;
    return this.bumpVisible.get(visible.preview, visible.author, visible.at, visible.at, siteId, id) as ConversationRow | undefined;
  }

  /** Writes the lifecycle state a commit decided. */
  state(
    siteId: string,
    id: string,
    s: {
      status: string;
      assigneeId: string | null;
      lastAssigneeId: string | null;
      queuedAt: number | null;
      team: string | null;
      waitingSince: number | null;
      resolvedFrom: string | null;
      humanReplied: boolean;
      snoozedAt: number | null;
      snoozedUntil: number | null;
    },
    now: number,
  ): ConversationRow | undefined {
    return this.writeState.get({
      siteId,
      id,
      now,
      status: s.status,
      assigneeId: s.assigneeId,
      lastAssigneeId: s.lastAssigneeId,
      queuedAt: s.queuedAt,
      team: s.team,
      waitingSince: s.waitingSince,
      resolvedFrom: s.resolvedFrom,
      humanReplied: s.humanReplied ? 1 : 0,
      snoozedAt: s.snoozedAt,
      snoozedUntil: s.snoozedUntil,
    }) as ConversationRow | undefined;
  }

  event(siteId: string, conversationId: string, type: string, actorKind: string, actorId: string | null, data: Record<string, unknown>, at: number): void {
    this.insertEvent.run(siteId, conversationId, type, actorKind, actorId, JSON.stringify(data), at);
  }

  insert(row: Omit<MessageRow, 'payload'> & { payload: Record<string, unknown> | null }): MessageRow {
    return message(this.insertMessage.get({ ...row, payload: row.payload === null ? null : JSON.stringify(row.payload) }) as RawMessage)!;
  }

  verifiedCustomerOf(visitorId: string): string | null {
    return (this.verifiedCustomer.get(visitorId) as { customerId: string | null } | undefined)?.customerId ?? null;
  }
}
