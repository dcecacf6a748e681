/**
 * widget.js — what merchants embed, paid for on every shop page view, so it stays under
 * 1.5 KB gzip (`npm run size` fails above it). It draws the launcher at once (no network wait)
 * and keeps the queued API (`Mostrador.q`) working; the rest of the host-page side (the panel
 * iframe, the bridge to it, navigation and exit-intent tracking, events) is widget-host.js,
 * fetched when the browser is idle or the shopper shows intent (hover, focus, click).
 * Nothing global is added except `window.Mostrador`; the launcher lives in a shadow root.
 */
import { LAUNCHER_LABEL, pickLocale } from '../shared/i18n';
import { LAUNCHER_CSS, isHexColor, type LoaderApi } from './launcher';

(() => {
  const w = window as unknown as { Mostrador?: LoaderApi };
  const existing = w.Mostrador;
  if (existing?.loaded) return; // the snippet was pasted twice
  const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
  const site = script?.getAttribute('data-site');
  if (!site) return console.warn('[Mostrador] widget.js needs data-site="pk_…"');
  const base = new URL(script!.src, location.href).origin;
  const locale = pickLocale([document.documentElement.lang, ...navigator.languages]);

  // Our own tag (no page rule written for `div` matches it), reset inline with !important: a
  // page's `* { all: unset !important }` or `div { transform: … }` cannot move or restyle it.
  const host = document.createElement('mostrador-chat');
  host.setAttribute('data-mostrador', '');
  host.style.cssText = 'all:initial!important';
  if (script!.getAttribute('data-position') === 'left') host.setAttribute('data-side', 'left');
  // The shop's colour from the first paint (`data-color`); the host applies the site's setting later.
  const color = script!.getAttribute('data-color');
  if (isHexColor(color)) host.style.setProperty('--mostrador-color', color);
  const shadow = host.attachShadow({ mode: 'open' });
  // A constructable stylesheet is not subject to the page's style-src CSP (an inline <style> is).
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(LAUNCHER_CSS);
  shadow.adoptedStyleSheets = [sheet];
  const wrap = document.createElement('div');
  // Static icons (chat bubble; a cross while open) and an empty badge; never user content.
  wrap.innerHTML =
    '<button type="button" class="l" aria-expanded="false"><svg class="i" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16v11H9l-5 4z"/></svg><svg class="x" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18"/></svg><span class="b" aria-hidden="true"></span></button>';
  const button = wrap.firstChild as HTMLButtonElement;
  button.setAttribute('aria-label', LAUNCHER_LABEL[locale]);
  shadow.append(wrap);

  const q: ArrayLike<unknown>[] = Array.from(existing?.q ?? []);
  let requested = false;
  const load = () => {
    if (requested) return;
    requested = true;
    const s = document.createElement('script');
    s.src = base + '/widget-host.js';
    s.onload = () => s.remove();
    document.head.append(s);
  };
  const api: LoaderApi = (...args: unknown[]) => {
    q.push(args);
    if (args[0] === 'open' || args[0] === 'toggle') load();
  };
  api.q = q;
  api.loaded = true;
  api.l = { host, shadow, sheet, wrap, button, site, base, locale };
  button.onclick = () => api('toggle');
  button.onpointerenter = button.onfocus = load;
  if ('requestIdleCallback' in window) requestIdleCallback(load, { timeout: 3000 });
  else setTimeout(load, 2500);
  const mount = () => (document.body ? document.body.append(host) : setTimeout(mount, 50));
  mount();
  w.Mostrador = api;
})();
