/** The mail outbox and the conversations' reply tokens (issue 13). Runs inside the caller's transaction. */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import { newId } from '../ids';
import type { Db } from './db';
import * as t from './schema';
import type { MailDraft, MailOutcome, MailRecord } from './types';

export function toMail(row: typeof t.mailOutbox.$inferSelect): MailRecord {
  return { ...row };
}

/** A reply token: 26 lowercase base32 characters (130 bits), safe in a case-folded local part. */
export function replyToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(26);
  let out = '';
  for (const b of bytes) out += alphabet[b & 31];
  return out;
}

export class MailRepo {
  constructor(private readonly db: Db) {}

  /**
   * Queues a mail. A digest joins the conversation's pending digest if there is one (it is sent
   * later, when the newest reply has gone unread long enough): one mail for many replies.
   */
  enqueue(siteId: string, conversationId: string | null, draft: MailDraft, now: number): MailRecord {
    if (draft.kind === 'digest' && conversationId) {
      const pending = this.db
        .select()
        .from(t.mailOutbox)
        .where(and(eq(t.mailOutbox.siteId, siteId), eq(t.mailOutbox.conversationId, conversationId), eq(t.mailOutbox.kind, 'digest'), eq(t.mailOutbox.status, 'pending')))
        .get();
      if (pending) {
        const row = this.db
          .update(t.mailOutbox)
          .set({ nextAttemptAt: Math.max(pending.nextAttemptAt, draft.sendAfter) })
          .where(eq(t.mailOutbox.id, pending.id))
          .returning()
          .get();
        return toMail(row);
      }
    }
    if (draft.kind === 'offline_confirmation' && conversationId) {
      // One confirmation per conversation, whatever became of it.
      const sent = this.db
        .select()
        .from(t.mailOutbox)
        .where(and(eq(t.mailOutbox.siteId, siteId), eq(t.mailOutbox.conversationId, conversationId), eq(t.mailOutbox.kind, 'offline_confirmation')))
        .get();
      if (sent) return toMail(sent);
    }
    const id = newId('mail');
    const row = this.db
      .insert(t.mailOutbox)
      .values({
        id,
        siteId,
        conversationId,
        kind: draft.kind,
        toAddress: draft.toAddress ?? null,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: draft.sendAfter,
        messageIdHeader: `${id}.${randomBytes(6).toString('hex')}`,
        subject: draft.subject ?? null,
        textBody: draft.textBody ?? null,
        htmlBody: draft.htmlBody ?? null,
        messageIds: draft.messageIds ?? [],
        createdAt: now,
      })
      .returning()
      .get();
    return toMail(row);
  }

  /** Due mail, oldest first, marked `sending` in the same transaction (one dispatcher claims each). */
  claimDue(now: number, limit: number): MailRecord[] {
    const rows = this.db
      .select()
      .from(t.mailOutbox)
      // Due, or claimed by a dispatcher whose lease ran out (it died mid-send).
      .where(and(or(eq(t.mailOutbox.status, 'pending'), eq(t.mailOutbox.status, 'sending')), lte(t.mailOutbox.nextAttemptAt, now)))
      .orderBy(asc(t.mailOutbox.nextAttemptAt))
      .limit(limit)
      .all();
    if (rows.length === 0) return [];
    this.db
      .update(t.mailOutbox)
      .set({ status: 'sending', nextAttemptAt: now + MAIL_LEASE_MS })
      .where(inArray(t.mailOutbox.id, rows.map((r) => r.id)))
      .run();
    return rows.map((r) => toMail({ ...r, status: 'sending', nextAttemptAt: now + MAIL_LEASE_MS }));
  }

  /** After a crash: mail claimed but not settled is sent again (with the same Message-ID). */
  release(): number {
    // Due again when it was claimed (the claim moved it to the lease's end).
    return this.db
      .update(t.mailOutbox)
      .set({ status: 'pending', nextAttemptAt: sql`${t.mailOutbox.nextAttemptAt} - ${MAIL_LEASE_MS}` })
      .where(eq(t.mailOutbox.status, 'sending'))
      .run().changes;
  }

  settle(id: string, outcome: MailOutcome, now: number): MailRecord | null {
    const current = this.db.select().from(t.mailOutbox).where(eq(t.mailOutbox.id, id)).get();
    if (!current) return null;
    return toMail(this.db.update(t.mailOutbox).set(settlePatch(current.attempts, outcome, now)).where(eq(t.mailOutbox.id, id)).returning().get());
  }

  list(siteId: string, opts: { limit: number; status?: MailRecord['status'] }): MailRecord[] {
    return this.db
      .select()
      .from(t.mailOutbox)
      .where(and(eq(t.mailOutbox.siteId, siteId), opts.status ? eq(t.mailOutbox.status, opts.status) : undefined))
      .orderBy(desc(t.mailOutbox.createdAt), desc(t.mailOutbox.id))
      .limit(opts.limit)
      .all()
      .map(toMail);
  }

  byId(siteId: string, id: string): MailRecord | null {
    const row = this.db.select().from(t.mailOutbox).where(and(eq(t.mailOutbox.siteId, siteId), eq(t.mailOutbox.id, id))).get();
    return row ? toMail(row) : null;
  }

  forConversation(siteId: string, conversationId: string): MailRecord[] {
    return this.db
      .select()
      .from(t.mailOutbox)
      .where(and(eq(t.mailOutbox.siteId, siteId), eq(t.mailOutbox.conversationId, conversationId)))
      .orderBy(asc(t.mailOutbox.createdAt))
      .all()
      .map(toMail);
  }

  /** The conversation's reply token, created on first use. */
  thread(siteId: string, conversationId: string, now: number): string {
    const found = this.db.select().from(t.mailThreads).where(and(eq(t.mailThreads.siteId, siteId), eq(t.mailThreads.conversationId, conversationId))).get();
    if (found) return found.replyToken;
    const token = replyToken();
    this.db.insert(t.mailThreads).values({ conversationId, siteId, replyToken: token, createdAt: now }).run();
    return token;
  }

  /** Records that the shopper wants no more mail about this conversation. */
  unsubscribe(siteId: string, conversationId: string, now: number): void {
    this.thread(siteId, conversationId, now);
    this.db.update(t.mailThreads).set({ unsubscribedAt: now }).where(and(eq(t.mailThreads.siteId, siteId), eq(t.mailThreads.conversationId, conversationId))).run();
  }

  unsubscribed(siteId: string, conversationId: string): boolean {
    const row = this.db.select({ at: t.mailThreads.unsubscribedAt }).from(t.mailThreads).where(and(eq(t.mailThreads.siteId, siteId), eq(t.mailThreads.conversationId, conversationId))).get();
    return row?.at != null;
  }

  byReplyToken(token: string): { siteId: string; conversationId: string } | null {
    const row = this.db.select().from(t.mailThreads).where(eq(t.mailThreads.replyToken, token.toLowerCase())).get();
    return row ? { siteId: row.siteId, conversationId: row.conversationId } : null;
  }
}

/** What settling a mail writes, given the attempts it had. */
/**
 * A claimed mail is leased to its dispatcher for this long (its next attempt moves to the lease's
 * end): settled within it, or claimed again by any dispatcher after it (the one that claimed it
 * died). Another node's start-up never takes back a live lease.
 */
export const MAIL_LEASE_MS = 5 * 60_000;

export function settlePatch(attemptsBefore: number, outcome: MailOutcome, now: number): Partial<typeof t.mailOutbox.$inferInsert> {
  // A deferred mail waits again: not an attempt, no error.
  if (outcome.status === 'defer') return { status: 'pending', nextAttemptAt: outcome.nextAttemptAt };
  const attempts = attemptsBefore + (outcome.status === 'skipped' ? 0 : 1);
  const patch: Partial<typeof t.mailOutbox.$inferInsert> =
    outcome.status === 'sent'
      ? {
          status: 'sent',
          attempts,
          sentAt: now,
          lastError: null,
          toAddress: outcome.toAddress,
          subject: outcome.subject,
          textBody: outcome.textBody,
          htmlBody: outcome.htmlBody,
          messageIds: outcome.messageIds,
          transport: outcome.transport,
        }
      : outcome.status === 'retry'
        ? { status: 'pending', attempts, lastError: outcome.error, nextAttemptAt: outcome.nextAttemptAt }
        : { status: outcome.status, attempts, lastError: outcome.error, ...(outcome.messageIds ? { messageIds: outcome.messageIds } : {}), ...(outcome.toAddress ? { toAddress: outcome.toAddress } : {}) };
  return patch;
}
