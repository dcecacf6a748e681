/**
 * Where mail goes: SMTP through nodemailer (SMTP_URL), or — the demo without SMTP_URL — nowhere
 * but the database (the outbox row keeps what was sent; /demo/correo/ lists it).
 */
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config';

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  replyTo?: string | undefined;
  subject: string;
  text: string;
  html: string;
  /** Full Message-ID, with the angle brackets. */
  messageId: string;
  headers: Record<string, string>;
  /** The chat's files put into the mail (under the size cap; the rest are linked in the text). */
  attachments?: { filename: string; content: Buffer; contentType: string }[] | undefined;
}

export interface Mailer {
  readonly kind: 'smtp' | 'demo';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** A send that will never succeed as it is (a 5xx answer: unknown mailbox, refused sender…). */
export function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** What agents see of a failure: the server's answer without credentials or internals. */
export function publicMailError(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string } | null;
  if (e?.responseCode && e.response) return e.response.replace(/[\r\n]+/g, ' ').slice(0, 300);
  if (e?.code) return `connection: ${e.code}`;
  return 'send failed';
}

export function createMailer(cfg: MailConfig, demo: boolean): Mailer | null {
  if (cfg.smtpUrl) {
    // Bounded waits: a mail server that stops answering must not hold the outbox for nodemailer's default 10 minutes.
    const transport = nodemailer.createTransport({ url: cfg.smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
    return {
      kind: 'smtp',
      async send(mail) {
        await transport.sendMail({
          from: mail.from,
          to: mail.to,
          ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          headers: mail.headers,
          ...(mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType, contentDisposition: 'attachment' as const })) } : {}),
        });
      },
      close: () => transport.close(),
    };
  }
  if (demo) return { kind: 'demo', send: async () => {}, close: () => {} };
  return null;
}

/** The domain of an address like `Name <a@b.example>` or `a@b.example`. */
export function domainOf(address: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address.trim());
  return m?.[1]?.toLowerCase() ?? 'localhost';
}
