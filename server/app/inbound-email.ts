/**
 * A mail comes in (issue 13): from the built-in SMTP listener or POST /api/v1/inbound-email.
 * Too large, malformed or addressed to no conversation (of this site): refused, nothing stored.
 * Automatic mail (auto-replies, bounces, Auto-Submitted): dropped and logged. Otherwise the new
 * text (quoted history and signature cut off) and its files continue the conversation: from the
 * conversation's address, a shopper message on the `email` channel; from anyone else, kept for
 * the agents only (a note marked as from an unverified sender). A mail delivered twice (same
 * Message-ID) is stored once.
 */
import { createHash } from 'node:crypto';
import { LIMITS } from '../../shared/limits';
import { MAX_UPLOAD_BYTES, safeFileName, sniffType } from '../domain/files';
import { newId } from '../ids';
import { InboundRefused, parseInbound, replyTokens } from '../mail/inbound-parse';
import { commitChange, previewOf } from './core';
import { sendShopperMessage, shopperAddress } from './conversations';
import type { CoreDeps } from './deps';
import type { FileStorage } from '../file-storage';

export { InboundRefused };

import type { RateLimiter } from '../domain/rate-limit';

export interface InboundDeps extends CoreDeps {

  /** Where the files' bytes are kept (file-storage.ts). */
  files: FileStorage;
  /** MAIL_REPLY_DOMAIN */
  replyDomain: string;
  /** MAIL_MAX_BYTES */
  maxBytes: number;
  /** With several nodes: shares a budget with the others under a name (cluster-node.ts). */
  share?: (name: string, limiter: RateLimiter) => RateLimiter;
}

export type InboundOutcome =
  | { status: 'stored'; conversationId: string; messageId: string; channel: 'email'; unverifiedSender: boolean; duplicate: boolean }
  | { status: 'dropped'; reason: string };

const MAX_FILES = 10;

export async function receiveEmail(
  deps: InboundDeps,
  input: { raw: Buffer; envelope?: { to?: string[]; from?: string | null }; siteId?: string },
): Promise<InboundOutcome> {
  if (input.raw.length > deps.maxBytes) throw new InboundRefused('too_large', `the message is larger than ${Math.floor(deps.maxBytes / (1024 * 1024))} MB`);
  const mail = await parseInbound(input.raw, input.envelope ?? {});
  // Which conversation: the first reply token that belongs to one (of this site, over HTTP).
  let target: { siteId: string; conversationId: string } | null = null;
  for (const token of replyTokens(mail.recipients, deps.replyDomain)) {
    const found = await deps.store.mail.byReplyToken(token);
    if (found && (!input.siteId || found.siteId === input.siteId)) {
      target = found;
      break;
    }
  }
  if (!target) throw new InboundRefused('unknown_recipient', 'no conversation of this site has that reply address');
  if (mail.automatic) {
    deps.logger.info({ conversation: target.conversationId, reason: mail.automatic }, 'inbound automatic mail dropped');
    return { status: 'dropped', reason: mail.automatic };
  }
  const site = await deps.store.sites.byId(target.siteId);
  const conversation = await deps.store.conversations.get(target.siteId, target.conversationId);
  const visitor = conversation ? await deps.store.visitors.byId(target.siteId, conversation.visitorId) : null;
  if (!site || !conversation || !visitor) throw new InboundRefused('unknown_recipient', 'no conversation of this site has that reply address');

  const files = mail.attachments
    .filter((a) => a.content.length > 0 && a.content.length <= MAX_UPLOAD_BYTES && sniffType(a.content.subarray(0, 16)) !== null)
    .slice(0, MAX_FILES);
  const text = mail.text.slice(0, LIMITS.maxTextLength);
  if (!text && files.length === 0) throw new InboundRefused('empty', 'the message has no new text and no accepted file');

  const expected = (await shopperAddress(deps, site.id, conversation.id))?.toLowerCase() ?? null;
  const verified = expected !== null && expected === mail.from;
  const clientId = `em_${createHash('sha256')
    .update(mail.messageId ?? input.raw)
    .digest('hex')
    .slice(0, 32)}`;
  const attachmentIds = await storeFiles(deps, site.id, visitor.id, files);

  if (verified) {
    const result = await sendShopperMessage(deps, { site, visitor, conversationId: conversation.id, clientId, text, attachmentIds, channel: 'email' });
    const message = result.messages.find((m) => m.clientId === clientId) ?? result.messages[0]!;
    return { status: 'stored', conversationId: conversation.id, messageId: message.id, channel: 'email', unverifiedSender: false, duplicate: result.duplicate };
  }
  // Someone else wrote to the reply address: the agents see it, the shopper does not, nothing moves.
  const result = await commitChange(deps, {
    siteId: site.id,
    target: { conversationId: conversation.id },
    clientId,
    attachmentIds,
    change: (snapshot) => {
      const claimed = snapshot.attachments.filter((a) => a.uploaderKind === 'visitor' && a.uploaderId === visitor.id && a.conversationId === null);
      const payload: Record<string, unknown> = {
        unverifiedSender: mail.from,
        ...(claimed.length ? { attachments: claimed.map((a) => ({ id: a.id, name: a.fileName, contentType: a.contentType, size: a.size })) } : {}),
      };
      return {
        actor: { kind: 'visitor' },
        commands: [],
        message: { author: { kind: 'visitor', id: visitor.id, name: mail.from ?? '' }, kind: 'note', text, payload, preview: previewOf(text, payload), channel: 'email' },
        claimAttachments: claimed.map((a) => a.id),
      };
    },
  });
  const message = result.messages.find((m) => m.clientId === clientId) ?? result.messages[0]!;
  return { status: 'stored', conversationId: conversation.id, messageId: message.id, channel: 'email', unverifiedSender: true, duplicate: result.duplicate };
}

/** Files of the mail as chat attachments (the chat's types and limits; others are left out). */
async function storeFiles(deps: InboundDeps, siteId: string, visitorId: string, files: { fileName: string; content: Buffer }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const file of files) {
    const type = sniffType(file.content.subarray(0, 16))!;
    const id = newId('file');
    await deps.files.put(id, file.content);
    try {
      await deps.store.attachments.create({
        id,
        siteId,
        uploaderKind: 'visitor',
        uploaderId: visitorId,
        fileName: safeFileName(file.fileName, type),
        contentType: type,
        size: file.content.length,
        sha256: createHash('sha256').update(file.content).digest('hex'),
        createdAt: deps.now(),
      });
    } catch (err) {
      await deps.files.remove(id);
      throw err;
    }
    ids.push(id);
  }
  return ids;
}
