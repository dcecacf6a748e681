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

/** The lifecycle columns a commit writes. */
export interface CommitState {
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
}

const CONVERSATION_COLUMNS = `id, site_id AS siteId, visitor_id AS visitorId, status, assignee_id AS assigneeId, last_seq AS lastSeq,
  last_visible_seq AS lastVisibleSeq, visitor_read_seq AS visitorReadSeq, agent_read_seq AS agentReadSeq,
  last_message_text AS lastMessageText, last_message_author AS lastMessageAuthor, last_message_at AS lastMessageAt,
  locale, team, queued_at AS queuedAt, last_assignee_id AS lastAssigneeId, waiting_since AS waitingSince, resolved_from AS resolvedFrom,
  human_replied AS humanReplied, snoozed_at AS snoozedAt, snoozed_until AS snoozedUntil, created_at AS createdAt, updated_at AS updatedAt`;

const MESSAGE_COLUMNS = `id, site_id AS siteId, conversation_id AS conversationId, seq, client_id AS clientId, author_kind AS authorKind,
  author_id AS authorId, author_name AS authorName, kind, payload, prev_visible_seq AS prevVisibleSeq, text, channel, created_at AS createdAt`;

/** The statements a deferred commit (hot-writer.ts) runs, on the writer thread's connection. */
export const INSERT_MESSAGE_SQL = `INSERT INTO messages (id, site_id, conversation_id, seq, client_id, author_kind, author_id, author_name, kind, payload, prev_visible_seq, text, channel, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const FINISH_MESSAGES_SQL = `UPDATE conversations SET last_seq = ?, last_visible_seq = ?, last_message_text = ?, last_message_author = ?, last_message_at = ?, locale = ?, updated_at = ?,
        bot_state = iif(?, ?, bot_state), handoff = iif(?, ?, handoff)
       WHERE site_id = ? AND id = ?`;
// An email the shopper gave is kept only while the merchant has not verified who they are.
export const WRITE_VISITOR_SQL = `UPDATE visitors SET locale = iif(@setLocale, @locale, locale), email = iif(@setEmail AND verified = 0, @email, email) WHERE site_id = @siteId AND id = @id`;

/** What `HotPath.finish` writes, as a statement to run: the row as written and the statement's parameters. */
export interface FinishPlan {
  next: ConversationRow;
  /** `state`: the lifecycle columns too (HotPath's `finishCommit`); `messages`: FINISH_MESSAGES_SQL. */
  kind: 'state' | 'messages';
  params: unknown[];
  /** The assistant's memory and handoff packet as written (JSON; null: none), or undefined where the commit keeps them. */
  botStateJson: string | null | undefined;
  handoffJson: string | null | undefined;
}

/** The assistant's memory of a conversation as stored (JSON text), with the seq it was read or written at. */
export interface StoredMemory {
  botState: string | null;
  handoff: string | null;
}

type RawMessage = Omit<MessageRow, 'payload'> & { payload: string | null };

/**
 * A conversation row read with `.raw()` (an array in CONVERSATION_COLUMNS' order), as an object
 * literal: better-sqlite3 builds a row object per read with keys set one by one, which costs twice
 * the read itself on the hot path.
 */
function conversationRow(r: unknown[] | undefined): ConversationRow | undefined {
  if (!r) return undefined;
  return {
    id: r[0] as string,
    siteId: r[1] as string,
    visitorId: r[2] as string,
    status: r[3] as ConversationRow['status'],
    assigneeId: r[4] as string | null,
    lastSeq: r[5] as number,
    lastVisibleSeq: r[6] as number,
    visitorReadSeq: r[7] as number,
    agentReadSeq: r[8] as number,
    lastMessageText: r[9] as string | null,
    lastMessageAuthor: r[10] as string | null,
    lastMessageAt: r[11] as number | null,
    locale: r[12] as string | null,
    team: r[13] as string | null,
    queuedAt: r[14] as number | null,
    lastAssigneeId: r[15] as string | null,
    waitingSince: r[16] as number | null,
    resolvedFrom: r[17] as ConversationRow['resolvedFrom'],
    // As stored (0/1): readers take Boolean() of it.
    humanReplied: r[18] as boolean,
    snoozedAt: r[19] as number | null,
    snoozedUntil: r[20] as number | null,
    createdAt: r[21] as number,
    updatedAt: r[22] as number,
  };
}

function message(raw: RawMessage | undefined): MessageRow | undefined {
  if (!raw) return undefined;
  return { ...raw, payload: raw.payload === null ? null : (JSON.parse(raw.payload) as Record<string, unknown>) };
}

export class HotPath {
  private readonly conversationById;
  private readonly openConversationOfVisitor;
  private readonly messageByClientId;
  private readonly finishCommit;
  private readonly finishMessages;
  private readonly commitTarget;
  private readonly insertEvent;
  private readonly insertMessage;
  private readonly verifiedCustomer;
  private readonly dataOf;
  private readonly writeData;
  private readonly writeVisitor;

  constructor(sqlite: Database.Database) {
    this.conversationById = sqlite.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE site_id = ? AND id = ?`).raw();
    this.openConversationOfVisitor = sqlite
      .prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE site_id = ? AND visitor_id = ? AND status != 'resolved' ORDER BY updated_at DESC LIMIT 1`)
      .raw();
    this.messageByClientId = sqlite.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND client_id = ?`);
    // Everything a commit changes on the conversation row, in one statement: the seqs its
    // messages took, the preview, the lifecycle state and the assistant's data. Positional
    // parameters and no RETURNING: the caller computes the row it writes.
    this.finishCommit = sqlite.prepare(
      `UPDATE conversations SET last_seq = ?, last_visible_seq = ?, last_message_text = ?, last_message_author = ?, last_message_at = ?,
        status = ?, assignee_id = ?, last_assignee_id = ?, queued_at = ?, team = ?, waiting_since = ?, resolved_from = ?, human_replied = ?,
        snoozed_at = ?, snoozed_until = ?, locale = ?, updated_at = ?, bot_state = iif(?, ?, bot_state), handoff = iif(?, ?, handoff)
       WHERE site_id = ? AND id = ?`,
    );
    // The same for a commit that moved no lifecycle column (most messages): SQLite rewrites the
    // entries of every index over a column an UPDATE sets, changed or not — here the status and
    // snooze indexes — so a plain message sets only what it changes (measured: half the cost).
    this.finishMessages = sqlite.prepare(FINISH_MESSAGES_SQL);
    this.commitTarget = sqlite
      .prepare(
        `SELECT ${CONVERSATION_COLUMNS}, (SELECT v.customer_id FROM visitors v WHERE v.id = c.visitor_id AND v.verified = 1) AS ownerCustomerId
         FROM conversations c WHERE site_id = ? AND id = ?`,
      )
      .raw();
    this.insertEvent = sqlite.prepare(
      `INSERT INTO conversation_events (site_id, conversation_id, type, actor_kind, actor_id, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMessage = sqlite.prepare(INSERT_MESSAGE_SQL);
    this.verifiedCustomer = sqlite.prepare(`SELECT customer_id AS customerId FROM visitors WHERE id = ? AND verified = 1`);
    this.dataOf = sqlite.prepare(`SELECT status, bot_state AS botState, handoff, locale, last_seq AS lastSeq FROM conversations WHERE site_id = ? AND id = ?`);
    this.writeData = sqlite.prepare(
      `UPDATE conversations SET bot_state = iif(@setBotState, @botState, bot_state), handoff = iif(@setHandoff, @handoff, handoff),
        locale = iif(@setLocale, @locale, locale)
       WHERE site_id = @siteId AND id = @id RETURNING ${CONVERSATION_COLUMNS}`,
    );
    this.writeVisitor = sqlite.prepare(WRITE_VISITOR_SQL);
  }

  /** The assistant's memory, handoff packet and language of a conversation, and who holds it now. */
  data(siteId: string, id: string): { status: ConversationRow['status']; memory: StoredMemory; locale: string | null; lastSeq: number } | null {
    const raw = this.dataOf.get(siteId, id) as { status: ConversationRow['status']; botState: string | null; handoff: string | null; locale: string | null; lastSeq: number } | undefined;
    if (!raw) return null;
    return { status: raw.status, memory: { botState: raw.botState, handoff: raw.handoff }, locale: raw.locale, lastSeq: raw.lastSeq };
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
    this.writeVisitor.run(visitorParams(siteId, id, patch));
  }

  conversation(siteId: string, id: string): ConversationRow | undefined {
    return conversationRow(this.conversationById.get(siteId, id) as unknown[] | undefined);
  }

  openConversation(siteId: string, visitorId: string): ConversationRow | undefined {
    return conversationRow(this.openConversationOfVisitor.get(siteId, visitorId) as unknown[] | undefined);
  }

  existing(conversationId: string, clientId: string): MessageRow | undefined {
    return message(this.messageByClientId.get(conversationId, clientId) as RawMessage | undefined);
  }

  /** The conversation a commit writes to, with the verified customer who owns it (same read). */
  target(siteId: string, id: string): { row: ConversationRow; ownerCustomerId: string | null } | undefined {
    const raw = this.commitTarget.get(siteId, id) as unknown[] | undefined;
    return raw ? { row: conversationRow(raw)!, ownerCustomerId: raw[23] as string | null } : undefined;
  }

  /**
   * Writes what a commit changed on the conversation row `row` (read in this transaction) in one
   * statement — the seqs its messages took, the preview of its last previewed message, the
   * lifecycle state when it moved, the language, the assistant's memory when it changed — and
   * returns the row as written. `touch` moves `updated_at` (a visible message or a new state; not
   * a note or data alone).
   */
  finish(row: ConversationRow, f: FinishInput, now: number): ConversationRow {
    const plan = planFinish(row, f, now);
    const changed = (plan.kind === 'state' ? this.finishCommit.run(...plan.params) : this.finishMessages.run(...plan.params)).changes;
    if (changed === 0) throw new Error(`conversation ${row.id} vanished inside its commit`);
    return plan.next;
  }

  event(siteId: string, conversationId: string, type: string, actorKind: string, actorId: string | null, data: Record<string, unknown>, at: number): void {
    this.insertEvent.run(siteId, conversationId, type, actorKind, actorId, JSON.stringify(data), at);
  }

  /** Inserts a message row (no read back: the caller has every column). */
  insert(row: MessageRow): void {
    this.insertMessage.run(...insertParams(row));
  }

  verifiedCustomerOf(visitorId: string): string | null {
    return (this.verifiedCustomer.get(visitorId) as { customerId: string | null } | undefined)?.customerId ?? null;
  }
}

export interface FinishInput {
  lastSeq: number;
  lastVisibleSeq: number;
  preview: { text: string; author: string } | null;
  state: CommitState;
  data: { botState?: Record<string, unknown>; handoff?: Record<string, unknown> | null; locale?: string } | undefined;
  touch: boolean;
  /** Whether `state` differs from the row's (else only the seqs, preview, language, memory and time are written). */
  moved: boolean;
}

/**
 * The row a commit leaves and the one UPDATE that writes it: the lifecycle columns only when
 * they moved — SQLite rewrites the entries of every index over a column an UPDATE sets, changed
 * or not (here the status and snooze indexes), so a plain message sets only what it changes.
 */
export function planFinish(row: ConversationRow, f: FinishInput, now: number): FinishPlan {
  const s = f.state;
  const d = f.data;
  const next: ConversationRow = {
    ...row,
    lastSeq: f.lastSeq,
    lastVisibleSeq: f.lastVisibleSeq,
    ...(f.preview ? { lastMessageText: f.preview.text, lastMessageAuthor: f.preview.author, lastMessageAt: now } : {}),
    status: s.status as ConversationRow['status'],
    assigneeId: s.assigneeId,
    lastAssigneeId: s.lastAssigneeId,
    queuedAt: s.queuedAt,
    team: s.team,
    waitingSince: s.waitingSince,
    resolvedFrom: s.resolvedFrom as ConversationRow['resolvedFrom'],
    humanReplied: (s.humanReplied ? 1 : 0) as unknown as boolean,
    snoozedAt: s.snoozedAt,
    snoozedUntil: s.snoozedUntil,
    locale: d?.locale !== undefined ? d.locale : row.locale,
    updatedAt: f.touch ? Math.max(row.updatedAt, now) : row.updatedAt,
  };
  // The assistant's memory and handoff packet, when the commit changed them (else kept as they are).
  const botStateJson = d?.botState !== undefined ? JSON.stringify(d.botState) : undefined;
  const handoffJson = d?.handoff !== undefined ? (d.handoff === null ? null : JSON.stringify(d.handoff)) : undefined;
  const memory = [botStateJson !== undefined ? 1 : 0, botStateJson ?? null, handoffJson !== undefined ? 1 : 0, handoffJson ?? null];
  if (!f.moved) {
    return {
      next,
      botStateJson,
      handoffJson,
      kind: 'messages',
      params: [next.lastSeq, next.lastVisibleSeq, next.lastMessageText, next.lastMessageAuthor, next.lastMessageAt, next.locale, next.updatedAt, ...memory, row.siteId, row.id],
    };
  }
  return {
    next,
    botStateJson,
    handoffJson,
    kind: 'state',
    params: [
      next.lastSeq,
      next.lastVisibleSeq,
      next.lastMessageText,
      next.lastMessageAuthor,
      next.lastMessageAt,
      next.status,
      next.assigneeId,
      next.lastAssigneeId,
      next.queuedAt,
      next.team,
      next.waitingSince,
      next.resolvedFrom,
      next.humanReplied,
      next.snoozedAt,
      next.snoozedUntil,
      next.locale,
      next.updatedAt,
      ...memory,
      row.siteId,
      row.id,
    ],
  };
}

/** INSERT_MESSAGE_SQL's parameters for a message row. */
export function insertParams(r: MessageRow): unknown[] {
  return [r.id, r.siteId, r.conversationId, r.seq, r.clientId, r.authorKind, r.authorId, r.authorName, r.kind, r.payload === null ? null : JSON.stringify(r.payload), r.prevVisibleSeq, r.text, r.channel, r.createdAt];
}

/** WRITE_VISITOR_SQL's parameters: the visitor's language and (while unverified) email, where set. */
export function visitorParams(siteId: string, id: string, patch: { locale?: string; email?: string }): Record<string, unknown> {
  return { siteId, id, setLocale: patch.locale !== undefined ? 1 : 0, locale: patch.locale ?? null, setEmail: patch.email ? 1 : 0, email: patch.email ?? null };
}

/**
 * The memory after a commit that wrote `botState` and/or `handoff` (JSON; undefined: kept) over
 * `known`; undefined when part of it is not known.
 */
export function nextMemory(known: StoredMemory | undefined, botState: string | null | undefined, handoff: string | null | undefined): StoredMemory | undefined {
  if (botState === undefined && handoff === undefined) return known;
  const b = botState !== undefined ? botState : known?.botState;
  const h = handoff !== undefined ? handoff : known?.handoff;
  return b === undefined || h === undefined ? undefined : { botState: b, handoff: h };
}

/** The memory as the assistant reads it. */
export function parseMemory(m: StoredMemory): { botState: Record<string, unknown> | null; handoff: Record<string, unknown> | null } {
  return {
    botState: m.botState === null ? null : (JSON.parse(m.botState) as Record<string, unknown>),
    handoff: m.handoff === null ? null : (JSON.parse(m.handoff) as Record<string, unknown>),
  };
}
