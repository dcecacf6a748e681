/**
 * The links in e-mail (issue 13): /email/chat/<signed> opens the conversation again — its
 * messages and a reply box, that conversation only, until the link expires — and
 * /email/unsubscribe/<signed> stops mail about it (RFC 8058 one-click POST; a GET only asks).
 * Server-rendered, every user text escaped; works on any device without the shop's page.
 */
import { Hono, type Context } from 'hono';
import { rateFromLink, replyFromLink } from '../app/email';
import type { CoreDeps } from '../app/deps';
import { MailLinks, type LinkPurpose } from '../mail/links';
import { escapeHtml as e, mailLang, type MailLang } from '../mail/render';
import { logoUrl } from './frame-page';

const S = {
  es: {
    invalid: 'Este enlace no es válido.',
    expired: 'Este enlace ha caducado. Escríbenos de nuevo desde la tienda o responde al último correo.',
    title: (shop: string) => `Tu chat con ${shop}`,
    you: 'Tú',
    shop: 'Tienda',
    label: 'Tu respuesta',
    send: 'Enviar',
    empty: 'Escribe tu respuesta.',
    unsubTitle: 'Dejar de recibir correos de esta conversación',
    unsubButton: 'No quiero más correos',
    unsubDone: 'Hecho: no te enviaremos más correos de esta conversación.',
    rateTitle: '¿Qué tal te hemos atendido?',
    rateScores: 'Tu nota',
    rateScore: (n: number) => `${n} de 5`,
    rateComment: 'Comentario (opcional)',
    rateSend: 'Enviar valoración',
    rateChoose: 'Elige una nota del 1 al 5.',
    rateThanks: '¡Gracias por tu valoración!',
    rateAlready: 'Esta conversación ya tiene tu valoración. ¡Gracias!',
    rateOpen: 'La conversación sigue abierta: podrás valorarla cuando se resuelva.',
  },
  en: {
    invalid: 'This link is not valid.',
    expired: 'This link has expired. Write to us again from the shop or reply to the last e-mail.',
    title: (shop: string) => `Your chat with ${shop}`,
    you: 'You',
    shop: 'Shop',
    label: 'Your reply',
    send: 'Send',
    empty: 'Write your reply.',
    unsubTitle: 'Stop e-mail about this conversation',
    unsubButton: 'No more e-mail',
    unsubDone: 'Done: we will not e-mail you about this conversation again.',
    rateTitle: 'How did we do?',
    rateScores: 'Your score',
    rateScore: (n: number) => `${n} of 5`,
    rateComment: 'Comment (optional)',
    rateSend: 'Send rating',
    rateChoose: 'Pick a score from 1 to 5.',
    rateThanks: 'Thanks for your rating!',
    rateAlready: 'This conversation already has your rating. Thank you!',
    rateOpen: 'The conversation is still open: you can rate it once it is resolved.',
  },
} as const;

const MAX_REPLY = 4000;
/** As the widget's rating comment. */
const MAX_COMMENT = 1000;

function page(c: Context, status: 200 | 400 | 403 | 404 | 410, lang: MailLang, title: string, body: string) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Content-Security-Policy', "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  return c.html(
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#18181b;background:#fafafa}.m{padding:.75rem;border-radius:.5rem;margin:.5rem 0;background:#fff;border:1px solid #e4e4e7}.v{background:#eef2ff}.w{font-size:.85rem;color:#52525b}.t{white-space:pre-wrap}textarea{width:100%;min-height:6rem;box-sizing:border-box;font:inherit}button{font:inherit;padding:.5rem 1rem;margin-top:.5rem}</style></head>
<body>${body}</body></html>`,
    status,
  );
}

export function emailLinkRoutes(deps: { core: CoreDeps; key: Buffer }) {
  const app = new Hono();
  const links = new MailLinks(deps.key);
  const { store } = deps.core;

  async function open(c: Context, purpose: LinkPurpose) {
    const lang = mailLang(c.req.header('accept-language'));
    const checked = links.verify(c.req.param('token') ?? '', purpose, deps.core.now());
    if (!checked.ok) {
      const msg = checked.reason === 'expired' ? S[lang].expired : S[lang].invalid;
      return { error: page(c, checked.reason === 'expired' ? 410 : 403, lang, msg, `<h1>${e(msg)}</h1>`) };
    }
    const { siteId, conversationId } = checked.claims;
    const [site, conversation] = await Promise.all([store.sites.byId(siteId), store.conversations.get(siteId, conversationId)]);
    if (!site || !conversation) return { error: page(c, 404, lang, S[lang].invalid, `<h1>${e(S[lang].invalid)}</h1>`) };
    return { site, conversation, lang: mailLang(conversation.locale) };
  }

  async function chatPage(c: Context, notice: string | null) {
    const o = await open(c, 'chat');
    if ('error' in o) return o.error;
    const t = S[o.lang];
    const messages = (await store.messages.after(o.site.id, o.conversation.id, 0, 500, { visibleOnly: true })).filter((m) => m.kind !== 'system' && m.text.trim());
    const logo = logoUrl(o.site.settings);
    const body = `<header>${logo ? `<img src="${e(logo)}" alt="${e(o.site.name)}" style="max-height:3rem">` : ''}<h1>${e(t.title(o.site.name))}</h1></header>
<main><div role="log" aria-label="${e(t.title(o.site.name))}">${messages
      .map((m) => `<div class="m${m.author.kind === 'visitor' ? ' v' : ''}"><div class="w">${e(m.author.kind === 'visitor' ? t.you : m.author.name || t.shop)}</div><div class="t">${e(m.text)}</div></div>`)
      .join('')}</div>
<form method="post"><input type="hidden" name="clientId" value="${e(`ml${crypto.randomUUID().replace(/-/g, '')}`.slice(0, 36))}">
<label for="reply">${e(t.label)}</label>${notice ? `<p role="alert">${e(notice)}</p>` : ''}<textarea id="reply" name="text" maxlength="${MAX_REPLY}" required></textarea><button type="submit">${e(t.send)}</button></form></main>`;
    return page(c, notice ? 400 : 200, o.lang, t.title(o.site.name), body);
  }

  app.get('/email/chat/:token', (c) => chatPage(c, null));

  app.post('/email/chat/:token', async (c) => {
    const o = await open(c, 'chat');
    if ('error' in o) return o.error;
    const form = await c.req.parseBody();
    const text = typeof form.text === 'string' ? form.text.trim().slice(0, MAX_REPLY) : '';
    const clientId = typeof form.clientId === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(form.clientId) ? form.clientId : null;
    if (!text || !clientId) return chatPage(c, S[o.lang].empty);
    await replyFromLink(deps.core, { siteId: o.site.id, conversationId: o.conversation.id, clientId, text });
    return c.redirect(c.req.path, 303);
  });

  // The rating question by e-mail (issue 14): the link opens a form with its score chosen; only the
  // form's button stores it (a mail scanner following links rates nothing).
  async function ratePage(c: Context, notice: string | null) {
    const o = await open(c, 'rate');
    if ('error' in o) return o.error;
    const t = S[o.lang];
    const chosen = Number(c.req.query('score'));
    const options = [1, 2, 3, 4, 5]
      .map((n) => `<label style="margin-right:1rem"><input type="radio" name="score" value="${n}"${n === chosen ? ' checked' : ''} required> ${e(t.rateScore(n))}</label>`)
      .join('');
    const body = `<main><h1>${e(t.rateTitle)}</h1><form method="post">${notice ? `<p role="alert">${e(notice)}</p>` : ''}<fieldset><legend>${e(t.rateScores)}</legend>${options}</fieldset>
<p><label for="comment">${e(t.rateComment)}</label><textarea id="comment" name="comment" maxlength="${MAX_COMMENT}"></textarea></p><button type="submit">${e(t.rateSend)}</button></form></main>`;
    return page(c, notice ? 400 : 200, o.lang, t.rateTitle, body);
  }

  app.get('/email/rate/:token', (c) => ratePage(c, null));

  app.post('/email/rate/:token', async (c) => {
    const o = await open(c, 'rate');
    if ('error' in o) return o.error;
    const t = S[o.lang];
    const form = await c.req.parseBody();
    const score = Number(form.score);
    if (!Number.isInteger(score) || score < 1 || score > 5) return ratePage(c, t.rateChoose);
    const comment = typeof form.comment === 'string' ? form.comment.trim().slice(0, MAX_COMMENT) || null : null;
    const outcome = await rateFromLink(deps.core, { siteId: o.site.id, conversationId: o.conversation.id, score, comment });
    const message = outcome === 'rated' ? t.rateThanks : outcome === 'already' ? t.rateAlready : t.rateOpen;
    return page(c, 200, o.lang, message, `<main><h1>${e(message)}</h1></main>`);
  });

  app.get('/email/unsubscribe/:token', async (c) => {
    const o = await open(c, 'unsubscribe');
    if ('error' in o) return o.error;
    const t = S[o.lang];
    return page(c, 200, o.lang, t.unsubTitle, `<h1>${e(t.unsubTitle)}</h1><form method="post"><button type="submit">${e(t.unsubButton)}</button></form>`);
  });

  app.post('/email/unsubscribe/:token', async (c) => {
    const o = await open(c, 'unsubscribe');
    if ('error' in o) return o.error;
    await store.mail.unsubscribe(o.site.id, o.conversation.id, deps.core.now());
    return page(c, 200, o.lang, S[o.lang].unsubDone, `<h1>${e(S[o.lang].unsubDone)}</h1>`);
  });

  return app;
}
