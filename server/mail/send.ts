/**
 * Mail that is not about a conversation (account e-mails, password resets): queued in the same
 * outbox as conversation mail, so it gets the same transport, retries and crash safety. The
 * subject and bodies are sent as given: escape user content in `html` (mail/render `escapeHtml`).
 */
import type { MailRecord, Store } from '../store/types';

export interface PlainMail {
  siteId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Not before (epoch ms); default now. */
  sendAfter?: number;
}

/** Queues a mail; the mail dispatcher sends it (nothing is sent when e-mail is not configured). */
export function sendMail(store: Store, mail: PlainMail, now: number): Promise<MailRecord> {
  return store.mail.enqueue(
    mail.siteId,
    null,
    { kind: 'generic', sendAfter: mail.sendAfter ?? now, toAddress: mail.to, subject: mail.subject, textBody: mail.text, htmlBody: mail.html },
    now,
  );
}
