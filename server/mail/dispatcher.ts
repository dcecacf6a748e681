/**
 * Sends the mail outbox: claims due rows, composes each (the unread replies of a digest, a
 * transcript, an offline confirmation), sends it, and records the outcome. A temporary failure
 * (no connection, a 4xx answer) is retried with back-off; a permanent one (a 5xx answer, no
 * address) is given up at once, shown to the site's agents and sent as the `email.failed`
 * webhook. Rows claimed when the process died are sent again after a restart with the same
 * Message-ID (at least once; see docs/email.md).
 */
import type { Message } from '../../shared/protocol';
import { topics, type Bus } from '../bus/bus';
import type { MailConfig } from '../config';
import type { Logger } from '../logger';
import { logoUrl } from '../routes/frame-page';
import type { MailRecord, Store } from '../store/types';
import type { MailLinks } from './links';
import { mailLang, renderConversationMail, renderRatingMail, type Rendered } from './render';
import { domainOf, isPermanent, publicMailError, type Mailer } from './transport';

export const MAIL_MAX_ATTEMPTS = 8;

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
}

type Composed = { skip: string } | { to: string; rendered: Rendered; messageIds: string[]; replyTo: string | null; unsubscribeUrl: string | null; automatic: boolean; siteName: string };

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
      return { to, rendered, messageIds: [], replyTo: null, unsubscribeUrl, automatic: true, siteName: site.name };
    }

    let messages: Message[];
    if (row.kind === 'digest') {
      // The replies the shopper has not seen: none left (they came back and read them) → nothing to send.
      messages = (await store.messages.after(row.siteId, conversation.id, conversation.visitorReadSeq, 200, { visibleOnly: true })).filter(
        (m) => m.author.kind === 'agent' && (m.kind === 'text' || m.kind === 'card'),
      );
      if (messages.length === 0) return { skip: 'read in the chat' };
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
    const rendered = renderConversationMail({
      kind: row.kind,
      lang: mailLang(conversation.locale ?? visitor?.locale),
      shop: { name: site.name, logoUrl: logoUrl(site.settings) },
      messages,
      chatUrl,
      unsubscribeUrl,
      canReply: replyTo !== null,
    });
    return { to, rendered, messageIds: messages.map((m) => m.id), replyTo, unsubscribeUrl, automatic: row.kind === 'transcript' || row.kind === 'offline_confirmation', siteName: site.name };
  }
}
