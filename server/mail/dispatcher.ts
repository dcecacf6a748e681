/**
 * Sends the mail outbox: claims due rows, composes each (the unread replies of a digest, a
 * transcript, an offline confirmation), sends it, and records the outcome. A temporary failure
 * (no connection, a 4xx answer) is retried with back-off; a permanent one (a 5xx answer, no
 * address) is given up at once, shown to the site's agents and sent as the `email.failed`
 * webhook. Rows claimed when the process died are sent again after a restart with the same
 * Message-ID (at least once; see docs/email.md).
 */
import type { Message } from '../../shared/protocol';
import { attachmentsOf } from '../../shared/timeline';
import type { FileUrls } from '../file-urls';
import type { FileStorage } from '../file-storage';
import { topics, type Bus } from '../bus/bus';
import type { MailConfig } from '../config';
import type { Logger } from '../logger';
import { logoUrl } from '../routes/frame-page';
import type { MailRecord, Store } from '../store/types';
import type { MailLinks } from './links';
import { mailLang, renderConversationMail, renderRatingMail, type MailFile, type Rendered } from './render';
import { domainOf, isPermanent, publicMailError, type Mailer, type OutgoingMail } from './transport';

export const MAIL_MAX_ATTEMPTS = 8;

/**
 * A digest waits while its shopper's panel is connected, but at most this many MAIL_AWAY_MS from
 * the first unread reply (30 min by default): a connected panel that has not read them for that
 * long is a tab left open, not a shopper who is there.
 */
export const DIGEST_HOLD_FACTOR = 10;

/** Delay before retry number `attempt` (1-based): 30 s, 60 s, 2 min … capped at 2 h. */
export function mailRetryDelayMs(attempt: number): number {
  return Math.min(2 * 60 * 60 * 1000, 30_000 * 2 ** Math.max(0, attempt - 1));
}

export interface MailDispatcherOptions {
  store: Store;
  bus: Bus;
  logger: Logger;
  mailer: Mailer;
  config: MailConfig;
  links: MailLinks;
  /** The server's public base URL (links in mail); known once it listens. */
  baseUrl(): string;
  now?: () => number;
  retryDelayMs?: (attempt: number) => number;
  /** The chat's files: where they are stored and how to sign a link to one. Absent: files are only named. */
  files?: { storage: FileStorage; urls: FileUrls };
  /**
   * Whether the shopper is here (a panel's socket open now, or when the last closed; null: not
   * seen lately). Absent: a digest is judged by read marks only.
   */
  presence?: (siteId: string, visitorId: string) => { online: true } | { online: false; leftAt: number } | null;
}

type Composed =
  | { skip: string }
  | { defer: number }
  | {
      to: string;
      rendered: Rendered;
      messageIds: string[];
      replyTo: string | null;
      unsubscribeUrl: string | null;
      automatic: boolean;
      siteName: string;
      attachments: NonNullable<OutgoingMail['attachments']>;
    };

/** A plausible single address (what the offline form and identify() give us is checked again here). */
export function isMailAddress(s: string | null | undefined): s is string {
  return typeof s === 'string' && s.length <= 254 && /^[^\s@<>()",;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(s);
}

export class MailDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: MailDispatcherOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.config.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.opts.mailer.close();
  }

  /** Sends every due mail once; returns how many were attempted. */
  tick(): Promise<number> {
    this.running ??= this.runOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(): Promise<number> {
    let due: MailRecord[];
    try {
      due = await this.opts.store.mail.claimDue(this.now(), 20);
    } catch (err) {
      this.opts.logger.error({ err }, 'mail queue unavailable');
      return 0;
    }
    for (const row of due) await this.attempt(row);
    return due.length;
  }

  private async attempt(row: MailRecord): Promise<void> {
    const { store, logger } = this.opts;
    let composed: Composed;
    try {
      composed = await this.compose(row);
    } catch (err) {
      logger.error({ err, mail: row.id }, 'mail could not be composed');
      composed = { skip: 'could not be composed' };
    }
    if ('skip' in composed) {
      await store.mail.settle(row.id, { status: 'skipped', error: composed.skip }, this.now());
      return;
    }
    if ('defer' in composed) {
      await store.mail.settle(row.id, { status: 'defer', nextAttemptAt: composed.defer }, this.now());
      return;
    }
    const from = this.opts.config.from;
    const fromAddress = /<([^>]+)>/.exec(from)?.[1] ?? (from || `chat@${this.opts.config.replyDomain || 'localhost'}`);
    const headers: Record<string, string> = {};
    if (composed.unsubscribeUrl) {
      headers['List-Unsubscribe'] = `<${composed.unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    // Vacation responders must not answer confirmations and transcripts (RFC 3834).
    if (composed.automatic) headers['Auto-Submitted'] = 'auto-generated';
    try {
      await this.opts.mailer.send({
        from: { name: composed.siteName, address: fromAddress },
        to: composed.to,
        replyTo: composed.replyTo ?? undefined,
        subject: composed.rendered.subject,
        text: composed.rendered.text,
        html: composed.rendered.html,
        messageId: `<${row.messageIdHeader}@${domainOf(fromAddress)}>`,
        headers,
        ...(composed.attachments.length ? { attachments: composed.attachments } : {}),
      });
    } catch (err) {
      const attempts = row.attempts + 1;
      const error = publicMailError(err);
      logger.warn({ mail: row.id, attempts, error: err instanceof Error ? err.message : String(err) }, 'mail send failed');
      if (!isPermanent(err) && attempts < MAIL_MAX_ATTEMPTS) {
        await store.mail.settle(row.id, { status: 'retry', error, nextAttemptAt: this.now() + (this.opts.retryDelayMs ?? mailRetryDelayMs)(attempts) }, this.now());
        return;
      }
      await this.giveUp(row, error, composed.messageIds, composed.to);
      return;
    }
    await store.mail.settle(
      row.id,
      { status: 'sent', toAddress: composed.to, subject: composed.rendered.subject, textBody: composed.rendered.text, htmlBody: composed.rendered.html, messageIds: composed.messageIds, transport: this.opts.mailer.kind },
      this.now(),
    );
  }

  /** A permanent failure: recorded, shown to the site's agents beside the messages, and sent as a webhook. */
  private async giveUp(row: MailRecord, error: string, messageIds: string[], to: string | null): Promise<void> {
    const { store, bus } = this.opts;
    const now = this.now();
    await store.mail.settle(row.id, { status: 'failed', error, messageIds, toAddress: to }, now);
    if (!row.conversationId) return;
    bus.publish(topics.siteAgents(row.siteId), { type: 'email.failed', conversationId: row.conversationId, mailId: row.id, messageIds, error });
    await store.webhooks.enqueue(row.siteId, 'email.failed', { conversationId: row.conversationId, mail: { id: row.id, kind: row.kind, to }, messageIds, error }, now);
  }

  private async compose(row: MailRecord): Promise<Composed> {
    const { store } = this.opts;
    const site = await store.sites.byId(row.siteId);
    if (!site) return { skip: 'site gone' };
    if (row.kind === 'generic' || !row.conversationId) {
      if (!isMailAddress(row.toAddress)) return { skip: 'no address' };
      return {
        to: row.toAddress,
        rendered: { subject: row.subject ?? '', text: row.textBody ?? '', html: row.htmlBody ?? '' },
        messageIds: [],
        replyTo: null,
        unsubscribeUrl: null,
        automatic: true,
        siteName: site.name,
        attachments: [],
      };
    }
    const conversation = await store.conversations.get(row.siteId, row.conversationId);
    if (!conversation) return { skip: 'conversation gone' };
    const visitor = await store.visitors.byId(row.siteId, conversation.visitorId);
    const customer = visitor?.customerId ? await store.customers.byId(row.siteId, visitor.customerId) : null;
    const to = row.toAddress ?? customer?.email ?? visitor?.email ?? null;
    if (!isMailAddress(to)) return { skip: 'no address' };
    if (row.kind !== 'transcript' && (await store.mail.unsubscribed(row.siteId, conversation.id))) return { skip: 'unsubscribed' };

    if (row.kind === 'rating') {
      // Asked after a while: not when the shopper answered in the widget meanwhile, nor when the chat reopened.
      if (conversation.status !== 'resolved') return { skip: 'reopened' };
      const pending = await store.ratings.pending(row.siteId, conversation.id);
      if (!pending || pending.rated) return { skip: 'rated in the chat' };
      const now = this.now();
      const base = this.opts.baseUrl();
      const rateUrl = `${base}/email/rate/${this.opts.links.sign('rate', row.siteId, conversation.id, now)}`;
      const unsubscribeUrl = `${base}/email/unsubscribe/${this.opts.links.sign('unsubscribe', row.siteId, conversation.id, now)}`;
      const rendered = renderRatingMail({ lang: mailLang(conversation.locale ?? visitor?.locale), shop: { name: site.name, logoUrl: logoUrl(site.settings) }, rateUrl, unsubscribeUrl });
      return { to, rendered, messageIds: [], replyTo: null, unsubscribeUrl, automatic: true, siteName: site.name, attachments: [] };
    }

    let messages: Message[];
    if (row.kind === 'digest') {
      // The replies the shopper has not seen: none left (they came back and read them) → nothing to send.
      messages = (await store.messages.after(row.siteId, conversation.id, conversation.visitorReadSeq, 200, { visibleOnly: true })).filter(
        (m) => m.author.kind === 'agent' && (m.kind === 'text' || m.kind === 'card'),
      );
      if (messages.length === 0) return { skip: 'read in the chat' };
      // Away is judged by presence too: while the shopper has the chat open, or left it only
      // moments ago, the replies may still be read there — look again once they have been gone
      // long enough. A panel connected for DIGEST_HOLD_FACTOR away times without reading them is
      // a tab left open: they are away.
      const here = this.opts.presence?.(row.siteId, conversation.visitorId) ?? null;
      const awayMs = this.opts.config.awayMs;
      const holdUntil = row.createdAt + DIGEST_HOLD_FACTOR * awayMs;
      if (here?.online && this.now() < holdUntil) return { defer: Math.min(holdUntil, this.now() + Math.max(1000, awayMs)) };
      if (here && !here.online && this.now() - here.leftAt < awayMs) return { defer: here.leftAt + awayMs };
    } else {
      const all = await store.messages.after(row.siteId, conversation.id, 0, 1000, { visibleOnly: true });
      messages =
        row.kind === 'reply'
          ? all.filter((m) => row.messageIds.includes(m.id))
          : row.kind === 'offline_confirmation'
            ? all.filter((m) => m.author.kind === 'visitor')
            : all.filter((m) => m.kind !== 'system');
      if (messages.length === 0) return { skip: 'nothing to send' };
    }
    const now = this.now();
    const base = this.opts.baseUrl();
    const links = this.opts.links;
    const replyDomain = this.opts.config.replyDomain;
    const replyTo = replyDomain ? `reply+${await store.mail.thread(row.siteId, conversation.id, now)}@${replyDomain}` : null;
    const chatUrl = row.kind === 'digest' || row.kind === 'reply' ? `${base}/email/chat/${links.sign('chat', row.siteId, conversation.id, now)}` : null;
    const unsubscribeUrl = `${base}/email/unsubscribe/${links.sign('unsubscribe', row.siteId, conversation.id, now)}`;
    const { files, attachments } = await this.filesOf(row.siteId, conversation.id, messages, base, now);
    const rendered = renderConversationMail({
      files,
      kind: row.kind,
      lang: mailLang(conversation.locale ?? visitor?.locale),
      shop: { name: site.name, logoUrl: logoUrl(site.settings) },
      messages,
      chatUrl,
      unsubscribeUrl,
      canReply: replyTo !== null,
    });
    return { to, rendered, messageIds: messages.map((m) => m.id), replyTo, unsubscribeUrl, automatic: row.kind === 'transcript' || row.kind === 'offline_confirmation', siteName: site.name, attachments };
  }

  /**
   * The files of the mail's messages: attached in message order while the total stays under
   * MAIL_ATTACH_MAX_BYTES, the rest linked with signed URLs that expire (FILE_URL_TTL_SEC). Only
   * files stored for this conversation of this site are read; a file missing on disk is linked.
   */
  private async filesOf(siteId: string, conversationId: string, messages: Message[], base: string, now: number) {
    const files = new Map<string, MailFile[]>();
    const attachments: NonNullable<OutgoingMail['attachments']> = [];
    const store = this.opts.files;
    // The demo's mailbox keeps only the text: there every file is a link.
    let room = this.opts.mailer.kind === 'demo' ? 0 : this.opts.config.attachMaxBytes;
    for (const m of messages) {
      const refs = attachmentsOf(m.payload ?? null);
      if (refs.length === 0) continue;
      const list: MailFile[] = [];
      for (const ref of refs) {
        const record = await this.opts.store.attachments.byId(ref.id);
        if (!record || record.siteId !== siteId || record.conversationId !== conversationId) continue;
        let content: Buffer | null = null;
        if (store && record.size <= room) content = await store.storage.read(record.id);
        if (content) {
          room -= content.length;
          attachments.push({ filename: record.fileName, content, contentType: record.contentType });
          list.push({ name: record.fileName, url: null });
        } else {
          list.push({ name: record.fileName, url: store ? `${base}${store.urls.sign(record.id, record.fileName, now)}` : null });
        }
      }
      if (list.length) files.set(m.id, list);
    }
    return { files, attachments };
  }
}
