/**
 * What a mail says, in plain text and HTML, in the conversation's language (Spanish or English),
 * with the shop's name and logo. Everything a person wrote is escaped: it is never HTML.
 */
import type { Message } from '../../shared/protocol';

export type MailLang = 'es' | 'en';

export function mailLang(locale: string | null | undefined): MailLang {
  return locale?.toLowerCase().startsWith('en') ? 'en' : 'es';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const T = {
  es: {
    digestSubject: (shop: string) => `Tienes respuesta de ${shop}`,
    digestIntro: (shop: string) => `Te hemos respondido en el chat de ${shop}:`,
    replySubject: (shop: string) => `Respuesta de ${shop}`,
    transcriptSubject: (shop: string) => `Tu conversación con ${shop}`,
    transcriptIntro: 'Aquí tienes la conversación completa:',
    offlineSubject: (shop: string) => `Hemos recibido tu mensaje — ${shop}`,
    offlineIntro: (shop: string) => `Gracias por escribir a ${shop}. Ahora no hay nadie conectado; te responderemos a este correo lo antes posible. Tu mensaje:`,
    open: 'Abrir el chat',
    replyHint: 'Puedes responder a este correo: tu respuesta llegará al mismo chat.',
    linkHint: 'El enlace caduca en 7 días.',
    unsubscribe: 'No quiero más correos de esta conversación',
    you: 'Tú',
    shop: 'Tienda',
    ratingSubject: (shop: string) => `¿Qué tal te hemos atendido? — ${shop}`,
    ratingIntro: (shop: string) => `Gracias por escribir a ${shop}. ¿Qué tal te hemos atendido? Elige una nota (1 es lo peor, 5 lo mejor):`,
    ratingScore: (n: number) => `${n} de 5`,
    ratingHint: 'Podrás añadir un comentario antes de enviarla. El enlace caduca en 7 días.',
    attached: 'adjunto a este correo',
    filesHint: 'Los enlaces a los archivos caducan en 7 días.',
  },
  en: {
    digestSubject: (shop: string) => `You have a reply from ${shop}`,
    digestIntro: (shop: string) => `We answered you in ${shop}'s chat:`,
    replySubject: (shop: string) => `Reply from ${shop}`,
    transcriptSubject: (shop: string) => `Your conversation with ${shop}`,
    transcriptIntro: 'Here is the whole conversation:',
    offlineSubject: (shop: string) => `We got your message — ${shop}`,
    offlineIntro: (shop: string) => `Thanks for writing to ${shop}. Nobody is online right now; we will answer you at this address as soon as we can. Your message:`,
    open: 'Open the chat',
    replyHint: 'You can reply to this e-mail: your answer reaches the same chat.',
    linkHint: 'The link expires in 7 days.',
    unsubscribe: 'No more e-mail about this conversation',
    you: 'You',
    shop: 'Shop',
    ratingSubject: (shop: string) => `How did we do? — ${shop}`,
    ratingIntro: (shop: string) => `Thanks for writing to ${shop}. How did we do? Pick a score (1 is the worst, 5 the best):`,
    ratingScore: (n: number) => `${n} of 5`,
    ratingHint: 'You can add a comment before sending it. The link expires in 7 days.',
    attached: 'attached to this e-mail',
    filesHint: 'The links to the files expire in 7 days.',
  },
} as const;

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

/** A file of a message in the mail: attached to it (`url` null), or linked with a signed, expiring URL. */
export interface MailFile {
  name: string;
  url: string | null;
}

export interface RenderInput {
  kind: 'digest' | 'reply' | 'transcript' | 'offline_confirmation';
  lang: MailLang;
  shop: { name: string; logoUrl: string | null };
  messages: Message[];
  /** Opens the chat again (signed, expiring). */
  chatUrl: string | null;
  unsubscribeUrl: string | null;
  /** The shopper may answer by e-mail. */
  canReply: boolean;
  /** The files of each message (by message id), attached or linked. */
  files?: ReadonlyMap<string, MailFile[]>;
}

function who(m: Message, t: (typeof T)[MailLang]): string {
  if (m.author.kind === 'visitor') return t.you;
  return m.author.name || t.shop;
}

/** Plain text and HTML of a conversation mail. */
export function renderConversationMail(input: RenderInput): Rendered {
  const t = T[input.lang];
  const shop = input.shop.name;
  const subject =
    input.kind === 'digest' ? t.digestSubject(shop) : input.kind === 'reply' ? t.replySubject(shop) : input.kind === 'transcript' ? t.transcriptSubject(shop) : t.offlineSubject(shop);
  const intro = input.kind === 'transcript' ? t.transcriptIntro : input.kind === 'offline_confirmation' ? t.offlineIntro(shop) : t.digestIntro(shop);
  const filesOf = (m: Message) => input.files?.get(m.id) ?? [];
  const lines = input.messages.filter((m) => m.kind !== 'note' && (m.text.trim() !== '' || filesOf(m).length > 0));
  const linked = lines.some((m) => filesOf(m).some((f) => f.url !== null));
  const fileLine = (f: MailFile) => `📎 ${f.name} — ${f.url ?? t.attached}`;
  const text = [
    intro,
    '',
    ...lines.flatMap((m) => [`${who(m, t)}:`, ...(m.text.trim() ? [m.text] : []), ...filesOf(m).map(fileLine), '']),
    ...(linked ? [t.filesHint, ''] : []),
    ...(input.chatUrl ? [`${t.open}: ${input.chatUrl}`, t.linkHint, ''] : []),
    ...(input.canReply ? [t.replyHint, ''] : []),
    '—',
    shop,
    ...(input.unsubscribeUrl ? [`${t.unsubscribe}: ${input.unsubscribeUrl}`] : []),
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${input.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#18181b">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
${input.shop.logoUrl ? `<img src="${e(input.shop.logoUrl)}" alt="${e(shop)}" style="max-height:48px;max-width:200px;margin-bottom:16px">` : `<p style="font-weight:600;font-size:18px;margin:0 0 16px">${e(shop)}</p>`}
<p style="margin:0 0 16px">${e(intro)}</p>
${lines
  .map(
    (m) =>
      `<div style="margin:0 0 12px;padding:12px;border-radius:6px;background:${m.author.kind === 'visitor' ? '#f4f4f5' : '#eef2ff'}"><div style="font-size:13px;color:#52525b;margin-bottom:4px">${e(who(m, t))}</div>${m.text.trim() ? `<div style="white-space:pre-wrap">${e(m.text)}</div>` : ''}${filesOf(m)
        .map((f) => `<div style="margin-top:6px">📎 ${f.url ? `<a href="${e(f.url)}">${e(f.name)}</a>` : `${e(f.name)} <span style="color:#52525b">(${e(t.attached)})</span>`}</div>`)
        .join('')}</div>`,
  )
  .join('\n')}
${linked ? `<p style="font-size:13px;color:#52525b;margin:0 0 16px">${e(t.filesHint)}</p>` : ''}
${input.chatUrl ? `<p style="margin:24px 0 8px"><a href="${e(input.chatUrl)}" style="display:inline-block;background:#1d4ed8;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">${e(t.open)}</a></p><p style="font-size:13px;color:#52525b;margin:0 0 16px">${e(t.linkHint)}</p>` : ''}
${input.canReply ? `<p style="font-size:13px;color:#52525b">${e(t.replyHint)}</p>` : ''}
${input.unsubscribeUrl ? `<p style="font-size:12px;color:#71717a;margin-top:24px"><a href="${e(input.unsubscribeUrl)}" style="color:#71717a">${e(t.unsubscribe)}</a></p>` : ''}
</div></body></html>`;
  return { subject, text, html };
}

/** The rating question by e-mail: five links (1 to 5) to the page that stores the answer (a link only opens it; the page's button sends). */
export function renderRatingMail(input: { lang: MailLang; shop: { name: string; logoUrl: string | null }; rateUrl: string; unsubscribeUrl: string | null }): Rendered {
  const t = T[input.lang];
  const shop = input.shop.name;
  const subject = t.ratingSubject(shop);
  const scores = [1, 2, 3, 4, 5].map((n) => ({ n, label: t.ratingScore(n), url: `${input.rateUrl}?score=${n}` }));
  const text = [
    t.ratingIntro(shop),
    '',
    ...scores.map((s) => `${s.label}: ${s.url}`),
    '',
    t.ratingHint,
    '',
    '—',
    shop,
    ...(input.unsubscribeUrl ? [`${t.unsubscribe}: ${input.unsubscribeUrl}`] : []),
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${input.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#18181b">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
${input.shop.logoUrl ? `<img src="${e(input.shop.logoUrl)}" alt="${e(shop)}" style="max-height:48px;max-width:200px;margin-bottom:16px">` : `<p style="font-weight:600;font-size:18px;margin:0 0 16px">${e(shop)}</p>`}
<p style="margin:0 0 16px">${e(t.ratingIntro(shop))}</p>
<p style="margin:0 0 16px">${scores.map((s) => `<a href="${e(s.url)}" style="display:inline-block;margin:0 6px 6px 0;background:#1d4ed8;color:#fff;text-decoration:none;padding:10px 14px;border-radius:6px">${e(s.label)}</a>`).join('')}</p>
<p style="font-size:13px;color:#52525b">${e(t.ratingHint)}</p>
${input.unsubscribeUrl ? `<p style="font-size:12px;color:#71717a;margin-top:24px"><a href="${e(input.unsubscribeUrl)}" style="color:#71717a">${e(t.unsubscribe)}</a></p>` : ''}
</div></body></html>`;
  return { subject, text, html };
}
