/**
 * The message-append hot path as statements prepared once. Building a query per message was
 * most of the cost of a send (see docs/benchmarks.md); these run the same SQL without it.
 * Rows come back in the drizzle schema's shape so the rest of the store is unchanged.
 */
import type Database from 'better-sqlite3';
import type * as t from './schema';

type ConversationRow = typeof t.conversations.$inferSelect;
type MessageRow = typeof t.messages.$inferSelect;

const CONVERSATION_COLUMNS = `id, site_id AS siteId, visitor_id AS visitorId, status, assignee_id AS assigneeId, last_seq AS lastSeq,
  last_visible_seq AS lastVisibleSeq, visitor_read_seq AS visitorReadSeq, agent_read_seq AS agentReadSeq,
  last_message_text AS lastMessageText, last_message_author AS lastMessageAuthor, last_message_at AS lastMessageAt,
  created_at AS createdAt, updated_at AS updatedAt`;

const MESSAGE_COLUMNS = `id, site_id AS siteId, conversation_id AS conversationId, seq, client_id AS clientId, author_kind AS authorKind,
  author_id AS authorId, author_name AS authorName, kind, payload, prev_visible_seq AS prevVisibleSeq, text, created_at AS createdAt`;

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
  private readonly bumpVisibleReopen;
  private readonly bumpHidden;
  private readonly bumpEvent;
  private readonly insertMessage;
  private readonly verifiedCustomer;

  constructor(sqlite: Database.Database) {
    this.conversationById = sqlite.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE site_id = ? AND id = ?`);
    this.openConversationOfVisitor = sqlite.prepare(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE site_id = ? AND visitor_id = ? AND status != 'resolved' ORDER BY updated_at DESC LIMIT 1`,
    );
    this.messageByClientId = sqlite.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND client_id = ?`);
    const bump = (reopen: boolean) =>
      sqlite.prepare(
        `UPDATE conversations SET last_seq = last_seq + 1, last_visible_seq = last_seq + 1, last_message_text = ?, last_message_author = ?,
          last_message_at = ?, updated_at = ?${reopen ? ", status = 'queued', assignee_id = NULL" : ''}
         WHERE site_id = ? AND id = ? RETURNING ${CONVERSATION_COLUMNS}`,
      );
    this.bumpVisible = bump(false);
    this.bumpVisibleReopen = bump(true);
    // System events are visible but are not "the last message" a list previews.
    this.bumpEvent = sqlite.prepare(
      `UPDATE conversations SET last_seq = last_seq + 1, last_visible_seq = last_seq + 1, updated_at = ? WHERE site_id = ? AND id = ? RETURNING ${CONVERSATION_COLUMNS}`,
    );
    this.bumpHidden = sqlite.prepare(`UPDATE conversations SET last_seq = last_seq + 1 WHERE site_id = ? AND id = ? RETURNING ${CONVERSATION_COLUMNS}`);
    this.insertMessage = sqlite.prepare(
      `INSERT INTO messages (id, site_id, conversation_id, seq, client_id, author_kind, author_id, author_name, kind, payload, prev_visible_seq, text, created_at)
       VALUES (@id, @siteId, @conversationId, @seq, @clientId, @authorKind, @authorId, @authorName, @kind, @payload, @prevVisibleSeq, @text, @createdAt)
       RETURNING ${MESSAGE_COLUMNS}`,
    );
    this.verifiedCustomer = sqlite.prepare(`SELECT customer_id AS customerId FROM visitors WHERE id = ? AND verified = 1`);
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
    visible: { text: string; author: string; at: number; reopen: boolean; event?: boolean } | null,
  ): ConversationRow | undefined {
    if (!visible) return this.bumpHidden.get(siteId, id) as ConversationRow | undefined;
    if (visible.event) return this.bumpEvent.get(visible.at, siteId, id) as ConversationRow | undefined;
    const stmt = visible.reopen ? this.bumpVisibleReopen : this.bumpVisible;
    return stmt.get(visible.text, visible.author, visible.at, visible.at, siteId, id) as ConversationRow | undefined;
  }

  insert(row: Omit<MessageRow, 'payload'> & { payload: Record<string, unknown> | null }): MessageRow {
    return message(this.insertMessage.get({ ...row, payload: row.payload === null ? null : JSON.stringify(row.payload) }) as RawMessage)!;
  }

  verifiedCustomerOf(visitorId: string): string | null {
    return (this.verifiedCustomer.get(visitorId) as { customerId: string | null } | undefined)?.customerId ?? null;
  }
}
