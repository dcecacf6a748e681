/**
 * The demo's mailbox, /demo/correo/ (only with SEED_DEMO=1 and no SMTP_URL): the mail the server
 * "sent" is kept in the database; this lists it, newest first. Each has a "Responder" form that
 * writes a reply as the shopper's mail program would (raw MIME, to the conversation's reply
 * address) and posts it to POST /api/v1/inbound-email with the demo's secret key — the real
 * inbound path, over HTTP, like a mail provider's inbound webhook.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { isSameOrigin } from '../http';
import { escapeHtml as e } from '../mail/render';
import { DEMO } from '../store/seed';
import type { Store } from '../store/types';

export interface DemoMailDeps {
  store: Store;
  publicUrl?: string;
  replyDomain: string;
  /** Where the inbound call goes; default: the local address the request came in on. */
  apiBase?: string;
}

function apiBase(deps: DemoMailDeps, c: Context): string {
  if (deps.apiBase) return deps.apiBase;
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  if (socket?.localAddress && socket.localPort) {
    const address = socket.localAddress.includes(':') ? `[${socket.localAddress}]` : socket.localAddress;
    return `http://${address}:${socket.localPort}`;
  }
  return new URL(c.req.url).origin;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:0;background:#faf7f2;color:#1f1a17}header{background:#3b2a20;color:#fff;padding:1rem}header a{color:#fff;margin-right:1rem}main{max-width:52rem;margin:0 auto;padding:1rem}article{background:#fff;border:1px solid #e5ded5;border-radius:.5rem;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap;font:inherit}.meta{color:#5c524a;font-size:.9rem}textarea{width:100%;min-height:5rem;box-sizing:border-box;font:inherit}button{font:inherit;padding:.4rem 1rem;margin-top:.5rem}.ok{background:#e7f5e9;padding:.5rem;border-radius:.25rem}.err{background:#fdecea;padding:.5rem;border-radius:.25rem}`;

export function demoMailRoutes(deps: DemoMailDeps) {
  const app = new Hono();
  const demoSite = () => deps.store.sites.byPublicKey(DEMO.publicKey);

  app.get('/correo', (c) => c.redirect('/demo/correo/'));
  app.get('/correo/', async (c) => {
    const site = await demoSite();
    if (!site) return c.text('no demo site', 404);
    const mails = (await deps.store.mail.list(site.id, { limit: 50, status: 'sent' })).filter((m) => m.transport === 'demo').sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0));
    const notice = c.req.query('enviado') === '1' ? '<p class="ok" role="status">Respuesta enviada: ya está en el chat.</p>' : c.req.query('error') ? `<p class="err" role="alert">${e(c.req.query('error')!)}</p>` : '';
    const items = mails
      .map(
        (m) => `<article aria-labelledby="s-${e(m.id)}"><h2 id="s-${e(m.id)}">${e(m.subject ?? '')}</h2>
<p class="meta">Para: ${e(m.toAddress ?? '')} · ${e(new Date(m.sentAt ?? m.createdAt).toLocaleString('es-ES', { timeZone: 'Europe/Madrid' }))}</p>
<pre>${e(m.textBody ?? '')}</pre>
${m.conversationId ? `<form method="post" action="/demo/correo/${e(m.id)}/responder"><label for="r-${e(m.id)}">Responder como ${e(m.toAddress ?? '')}</label><textarea id="r-${e(m.id)}" name="text" required maxlength="4000"></textarea><button type="submit">Responder</button></form>` : ''}
</article>`,
      )
      .join('\n');
    c.header('Cache-Control', 'no-store');
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    return c.html(`<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Correo (demo) — Café La Esquina</title><style>${CSS}</style></head>
<body><header><a href="/demo/">Tienda</a><a href="/demo/pedidos.html">Mis pedidos</a><a href="/demo/trastienda.html">Trastienda</a><a href="/demo/correo/" aria-current="page">Correo (demo)</a></header>
<main><h1>Correo (demo)</h1><p>Sin servidor de correo (SMTP_URL), la demo guarda aquí lo que Mostrador enviaría a los clientes. «Responder» contesta como lo haría el cliente desde su correo.</p>
${notice}${items || '<p>Todavía no se ha enviado ningún correo. Deja tu email en el chat cuando no haya nadie conectado, o responde desde la consola a un cliente que se haya ido.</p>'}</main></body></html>`);
  });

  app.post('/correo/:mailId/responder', async (c) => {
    if (!isSameOrigin(c, c.req.header('origin'), deps.publicUrl ?? '')) return c.text('Solo desde la propia demo.', 403);
    const site = await demoSite();
    if (!site) return c.text('no demo site', 404);
    const mail = await deps.store.mail.byId(site.id, c.req.param('mailId'));
    if (!mail?.conversationId || !mail.toAddress) return c.redirect('/demo/correo/?error=' + encodeURIComponent('Ese correo no existe.'), 303);
    const form = await c.req.parseBody();
    const text = typeof form.text === 'string' ? form.text.trim().slice(0, 4000) : '';
    if (!text) return c.redirect('/demo/correo/?error=' + encodeURIComponent('Escribe la respuesta.'), 303);
    const token = await deps.store.mail.thread(site.id, mail.conversationId, Date.now());
    const quoted = (mail.textBody ?? '').split('\n').map((l) => `> ${l}`).join('\r\n');
    const body = `${text}\r\n\r\nEl ${new Date(mail.sentAt ?? mail.createdAt).toUTCString()}, ${site.name} escribió:\r\n${quoted}\r\n`;
    const raw = [
      `From: ${mail.toAddress}`,
      `To: reply+${token}@${deps.replyDomain}`,
      `Subject: =?UTF-8?B?${Buffer.from(`Re: ${mail.subject ?? ''}`).toString('base64')}?=`,
      `Message-ID: <demo-${randomUUID()}@correo.demo>`,
      `In-Reply-To: <${mail.messageIdHeader}>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(body).toString('base64').replace(/.{76}/g, '$&\r\n'),
      '',
    ].join('\r\n');
    const secret = await deps.store.sites.secretKey(site.id);
    const res = await fetch(`${apiBase(deps, c)}/api/v1/inbound-email`, { method: 'POST', headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'message/rfc822' }, body: raw });
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { title?: string };
      return c.redirect('/demo/correo/?error=' + encodeURIComponent(`No se pudo entregar: ${problem.title ?? res.status}`), 303);
    }
    return c.redirect('/demo/correo/?enviado=1', 303);
  });

  return app;
}
