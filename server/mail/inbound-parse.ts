/**
 * Reading an inbound mail (issue 13): parsed with mailparser; the reply tokens it is addressed
 * to; whether it is an automatic message (auto-replies, bounces, Auto-Submitted: a loop if we
 * answered); and the new text with the quoted history and the signature cut off.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

export interface InboundAttachment {
  fileName: string;
  content: Buffer;
}

export interface InboundMail {
  from: string | null;
  /** Every recipient address (To, Cc, Delivered-To, X-Original-To, and the SMTP envelope). */
  recipients: string[];
  messageId: string | null;
  text: string;
  attachments: InboundAttachment[];
  /** Why this is an automatic message (dropped), or null. */
  automatic: string | null;
}

/** Refused input: nothing is stored; `code` is what the HTTP answer and the SMTP reply carry. */
export class InboundRefused extends Error {
  constructor(
    readonly code: 'too_large' | 'malformed' | 'unknown_recipient' | 'empty',
    message: string,
  ) {
    super(message);
    this.name = 'InboundRefused';
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.flatMap((v) => [v.address ?? '', ...(v.group ?? []).map((g) => g.address ?? '')])).filter(Boolean);
}

function header(parsed: ParsedMail, name: string): string {
  const v = parsed.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'string') return (v as { value: string }).value;
  if (typeof v === 'object' && 'text' in v) return String((v as { text: unknown }).text);
  return String(v);
}

/** An auto-reply, a bounce or any Auto-Submitted mail: answering it could loop. */
export function automaticReason(parsed: ParsedMail, from: string | null): string | null {
  const auto = header(parsed, 'auto-submitted').trim().toLowerCase();
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`;
  if (parsed.headers.has('x-autoreply') || parsed.headers.has('x-autorespond')) return 'auto-reply header';
  const precedence = header(parsed, 'precedence').trim().toLowerCase();
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  const contentType = header(parsed, 'content-type').toLowerCase();
  if (contentType.includes('multipart/report')) return 'delivery report (bounce)';
  const returnPath = header(parsed, 'return-path').trim();
  if (returnPath === '<>' || (parsed.headers.has('return-path') && returnPath === '')) return 'null sender (bounce)';
  if (from && /^(mailer-daemon|postmaster)@/i.test(from)) return 'bounce sender';
  return null;
}

const QUOTE_HEADS = [
  /^On .{1,200}wrote:\s*$/i,
  /^El .{1,200}escribió:\s*$/i,
  /^-{2,}\s*(Original Message|Mensaje original|Forwarded message|Mensaje reenviado)\s*-{2,}/i,
  /^_{10,}\s*$/,
  /^(From|De):\s.+/,
];

/** The new text of a reply: up to the quoted history; without the signature. */
export function stripReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const joined = `${line} ${lines[i + 1] ?? ''}`.trim();
    // "On Mon, 1 Jan 2026 at 10:00, Shop <reply+…@…>" may wrap before "wrote:".
    if (QUOTE_HEADS.some((re) => re.test(line.trim())) || (/^(On|El) /.test(line.trim()) && /(wrote|escribió):\s*$/i.test(joined))) break;
    if (/^-- ?$/.test(line)) break; // the signature delimiter
    if (line.startsWith('>')) continue;
    out.push(line);
  }
  while (out.length && /^\s*((Sent from|Enviado desde) my .{1,40}|Enviado desde mi .{1,40}|Get Outlook for .{1,40})\s*$/i.test(out[out.length - 1]!)) out.pop();
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Parses raw MIME. Refuses what is not a mail (no headers, no sender). */
export async function parseInbound(raw: Buffer, envelope: { to?: string[]; from?: string | null } = {}): Promise<InboundMail> {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(head) || !/\r?\n\r?\n/.test(head)) throw new InboundRefused('malformed', 'not a MIME message: it must start with headers, then a blank line');
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (err) {
    throw new InboundRefused('malformed', `the message could not be parsed: ${err instanceof Error ? err.message : 'unknown error'}`);
  }
  const from = addresses(parsed.from)[0]?.toLowerCase() ?? envelope.from?.toLowerCase() ?? null;
  if (!from) throw new InboundRefused('malformed', 'the message has no sender (From)');
  const recipients = [
    ...addresses(parsed.to),
    ...addresses(parsed.cc),
    ...['delivered-to', 'x-original-to'].map((h) => header(parsed, h)),
    ...(envelope.to ?? []),
  ]
    .map((a) => a.trim().replace(/^<|>$/g, '').toLowerCase())
    .filter(Boolean);
  const body = parsed.text ?? (typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]*>/g, ' ') : '');
  return {
    from,
    recipients,
    messageId: parsed.messageId ?? null,
    text: stripReply(body),
    attachments: parsed.attachments.filter((a) => a.contentDisposition !== 'inline' || a.contentType.startsWith('image/')).map((a) => ({ fileName: a.filename ?? 'file', content: a.content })),
    automatic: automaticReason(parsed, from),
  };
}

/** The reply tokens among the recipients: reply+<token>@<domain>. */
export function replyTokens(recipients: string[], domain: string): string[] {
  const out: string[] = [];
  for (const r of recipients) {
    const m = /^reply\+([a-z2-7]{26})@(.+)$/.exec(r);
    if (m && (!domain || m[2] === domain)) out.push(m[1]!);
  }
  return [...new Set(out)];
}
