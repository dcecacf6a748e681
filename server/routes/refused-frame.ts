/**
 * What the panel iframe shows on a page whose origin the site does not allow: instead of the
 * browser's broken-frame icon, a short note for the shopper (in their language) with a way to
 * close it, and — for the shop's developer in the browser's console — the origin to add and where.
 * It holds no site data, so any page may frame it.
 */
import { randomBytes } from 'node:crypto';
import { BRIDGE_NS } from '../../shared/bridge';

const TEXT = {
  es: { title: 'Chat no disponible', body: 'El chat no está disponible en esta página ahora mismo. Disculpa las molestias.', close: 'Cerrar' },
  en: { title: 'Chat unavailable', body: 'Chat is not available on this page right now. Sorry about that.', close: 'Close' },
};

/** The developer's hint: which origin to add, where. */
export function refusedOriginHint(origin: string, publicKey: string): string {
  return `Mostrador: this page's origin ${origin} is not an allowed origin of site ${publicKey}, so the chat cannot open here. Add ${origin} in the Mostrador console: Settings → Embed → Allowed origins (or PATCH /api/agent/admin/site allowedOrigins).`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The page and its CSP (a nonce for its one inline script). */
export function refusedFrame(embedder: string, publicKey: string, lang: string | undefined): { html: string; csp: string } {
  const locale = lang === 'en' ? 'en' : 'es';
  const t = TEXT[locale];
  const nonce = randomBytes(16).toString('base64');
  // JSON in a script: `<` escaped so no value can close the element.
  const data = JSON.stringify({ ns: BRIDGE_NS, origin: embedder, hint: refusedOriginHint(embedder, publicKey) }).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<style nonce="${nonce}">
html,body{height:100%;margin:0}
body{font:15px/1.5 system-ui,sans-serif;color:#222;background:#fff;display:flex;flex-direction:column}
header{display:flex;justify-content:space-between;align-items:center;padding:12px 16px;border-bottom:1px solid #e5e5e5}
h1{font-size:16px;margin:0}
main{padding:24px 16px}
button{font:inherit;padding:6px 12px;border:1px solid #888;border-radius:6px;background:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #1a66d2;outline-offset:2px}
</style></head>
<body><header><h1>${escapeHtml(t.title)}</h1><button type="button" id="close">${escapeHtml(t.close)}</button></header>
<main><p role="status">${escapeHtml(t.body)}</p></main>
<script nonce="${nonce}">
(function(){var d=${data};console.warn(d.hint);
function send(type){try{parent.postMessage({ns:d.ns,type:type},d.origin)}catch(e){}}
send('ready');
document.getElementById('close').addEventListener('click',function(){send('close')});
addEventListener('keydown',function(e){if(e.key==='Escape')send('close')});
addEventListener('message',function(e){if(e.origin===d.origin&&e.data&&e.data.ns===d.ns&&e.data.type==='open')document.getElementById('close').focus()});
})();
</script></body></html>`;
  return { html, csp: `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors *` };
}
