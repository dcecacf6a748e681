/**
 * widget.js — what merchants embed. It must cost the shop almost nothing: it draws the
 * launcher at once (no network wait), loads the panel iframe lazily (idle, hover, focus or
 * open), runs the commands queued in `Mostrador.q` before it arrived, and touches the page only
 * through its own element and `window.Mostrador`. Everything else runs inside our iframe.
 */
import { BRIDGE_NS, isBridgeMessage, type HostToFrame } from '../shared/bridge';
import { LOADER_STRINGS, pickLocale, type Locale } from '../shared/i18n';

type Listener = (payload?: unknown) => void;
type Api = ((command: string, ...args: unknown[]) => unknown) & { q?: IArguments[] | unknown[][]; loaded?: boolean };

const CSS = `
:host{all:initial}
.l{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;margin:0;padding:0;
background:var(--mostrador-color,#1f5f8b);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;
transition:transform .15s ease}
.l:hover{transform:scale(1.05)}
.l:focus-visible{outline:3px solid #fff;box-shadow:0 0 0 6px #1a1a1a}
.l svg{width:28px;height:28px;fill:currentColor}
.b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#c0182a;color:#fff;
font:700 12px/20px system-ui,sans-serif;text-align:center}
.b[hidden]{display:none}
.f{position:fixed;bottom:92px;right:20px;z-index:2147483000;width:380px;height:min(640px,calc(100vh - 112px));border:0;border-radius:14px;
background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.28);color-scheme:normal}
.f[hidden]{display:none}
@media (max-width:639px){.f{inset:0;width:100%;height:100%;border-radius:0}.open .l{display:none}}
@media (prefers-reduced-motion:reduce){.l{transition:none}}
`;

const ICON_CHAT =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
const ICON_CLOSE =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"/></svg>';

(function boot() {
  const w = window as unknown as { Mostrador?: Api };
  const existing = w.Mostrador;
  if (existing && existing.loaded) return; // the snippet was pasted twice
  const script = (document.currentScript ?? document.querySelector('script[data-site][src*="widget.js"]')) as HTMLScriptElement | null;
  const site = script?.getAttribute('data-site');
  if (!script || !site) {
    console.warn('[Mostrador] widget.js needs a data-site attribute with your public site key.');
    return;
  }
  const base = new URL(script.src, location.href).origin;

  let locale: Locale = pickLocale([document.documentElement.lang, ...(navigator.languages ?? [navigator.language])]);
  let isOpen = false;
  let frame: HTMLIFrameElement | null = null;
  let frameReady = false;
  let unread = 0;
  const outbox: HostToFrame[] = [];
  const listeners: Record<string, Listener[]> = {};

  // ---- launcher, drawn now ----
  const host = document.createElement('div');
  host.setAttribute('data-mostrador', '');
  const shadow = host.attachShadow({ mode: 'open' });
  // Constructable stylesheets are not subject to the page's style-src CSP.
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = CSS;
    shadow.appendChild(style);
  }
  const wrap = document.createElement('div');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'l';
  button.setAttribute('aria-haspopup', 'dialog');
  const badge = document.createElement('span');
  badge.className = 'b';
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  wrap.appendChild(button);
  shadow.appendChild(wrap);

  function renderButton(): void {
    const s = LOADER_STRINGS[locale];
    button.innerHTML = isOpen ? ICON_CLOSE : ICON_CHAT; // static markup only, never user content
    button.appendChild(badge);
    const label = isOpen ? s.closeChat : s.openChat;
    button.setAttribute('aria-label', unread > 0 && !isOpen ? `${label} (${unread} ${s.unread})` : label);
    button.setAttribute('aria-expanded', String(isOpen));
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.hidden = unread === 0 || isOpen;
    wrap.className = isOpen ? 'open' : '';
    if (frame) frame.title = s.frameTitle;
  }

  function setColor(color: unknown): void {
    if (typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)) host.style.setProperty('--mostrador-color', color);
  }
  setColor(script.getAttribute('data-color'));

  function mount(): void {
    if (!document.body) {
      document.addEventListener('DOMContentLoaded', mount, { once: true });
      return;
    }
    document.body.appendChild(host);
  }

  // ---- panel iframe, lazily ----
  function ensureFrame(): HTMLIFrameElement {
    if (frame) return frame;
    frame = document.createElement('iframe');
    frame.className = 'f';
    frame.hidden = true;
    frame.title = LOADER_STRINGS[locale].frameTitle;
    frame.setAttribute('allow', 'clipboard-write');
    // The host origin travels in the fragment: it never reaches our server's logs.
    frame.src = `${base}/widget/frame?site=${encodeURIComponent(site!)}&lang=${locale}#host=${encodeURIComponent(location.origin)}`;
    wrap.insertBefore(frame, button);
    post({ ns: BRIDGE_NS, type: 'command', name: 'page', payload: { url: location.href, title: document.title } });
    return frame;
  }

  function post(msg: HostToFrame): void {
    if (frame && frameReady && frame.contentWindow) frame.contentWindow.postMessage(msg, base);
    else outbox.push(msg);
  }

  function emit(event: string, payload?: unknown): void {
    for (const fn of listeners[event] ?? []) {
      try {
        fn(payload);
      } catch (err) {
        console.error('[Mostrador] listener failed', err);
      }
    }
  }

  function setUnread(n: number): void {
    if (n === unread) return;
    unread = n;
    renderButton();
    emit('unread', n);
  }

  function open(): void {
    if (isOpen) return;
    isOpen = true;
    const f = ensureFrame();
    f.hidden = false;
    renderButton();
    post({ ns: BRIDGE_NS, type: 'open' });
    f.focus();
    emit('open');
  }

  function close(restoreFocus = true): void {
    if (!isOpen) return;
    isOpen = false;
    if (frame) frame.hidden = true;
    renderButton();
    post({ ns: BRIDGE_NS, type: 'close' });
    if (restoreFocus) button.focus();
    emit('close');
  }

  function onFrameMessage(e: MessageEvent): void {
    if (e.origin !== base || !frame || e.source !== frame.contentWindow || !isBridgeMessage(e.data)) return;
    const data = e.data as { type: string; count?: unknown; message?: unknown; color?: unknown };
    switch (data.type) {
      case 'ready':
        frameReady = true;
        setColor(data.color);
        for (const msg of outbox.splice(0)) frame.contentWindow!.postMessage(msg, base);
        if (isOpen) frame.contentWindow!.postMessage({ ns: BRIDGE_NS, type: 'open' } satisfies HostToFrame, base);
        break;
      case 'brand':
        setColor(data.color);
        break;
      case 'close':
        close();
        break;
      case 'unread':
        if (typeof data.count === 'number') setUnread(data.count);
        break;
      case 'message':
        emit('message', data.message);
        break;
    }
  }

  // ---- single-page shops: report navigation ----
  let lastUrl = location.href;
  function pageChanged(): void {
    if (location.href === lastUrl) return;
    lastUrl = location.href;
    post({ ns: BRIDGE_NS, type: 'command', name: 'page', payload: { url: location.href, title: document.title } });
  }
  const originalPush = history.pushState;
  function patchedPush(this: History, ...args: Parameters<History['pushState']>) {
    originalPush.apply(this, args);
    setTimeout(pageChanged, 0);
  }
  history.pushState = patchedPush;
  addEventListener('popstate', pageChanged);
  addEventListener('message', onFrameMessage);

  function shutdown(): void {
    post({ ns: BRIDGE_NS, type: 'shutdown' });
    removeEventListener('message', onFrameMessage);
    removeEventListener('popstate', pageChanged);
    if (history.pushState === patchedPush) history.pushState = originalPush;
    host.remove();
    delete w.Mostrador;
  }

  // ---- the public API ----
  const api: Api = (command: string, ...args: unknown[]) => {
    switch (command) {
      case 'open':
        return open();
      case 'close':
        return close();
      case 'toggle':
        return isOpen ? close() : open();
      case 'identify':
      case 'cart':
      case 'page':
        ensureFrame();
        return post({ ns: BRIDGE_NS, type: 'command', name: command, payload: args[0] });
      case 'locale':
        if (args[0] === 'es' || args[0] === 'en') {
          locale = args[0];
          renderButton();
          post({ ns: BRIDGE_NS, type: 'locale', locale });
        }
        return;
      case 'on':
        if (typeof args[0] === 'string' && typeof args[1] === 'function') (listeners[args[0]] ??= []).push(args[1] as Listener);
        return;
      case 'shutdown':
        return shutdown();
      default:
        console.warn(`[Mostrador] unknown command "${command}"`);
    }
  };
  api.loaded = true;

  button.addEventListener('click', () => (isOpen ? close() : open()));
  wrap.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen) close();
  });
  // Warm the panel when the shopper shows intent, or when the browser is idle.
  button.addEventListener('pointerenter', ensureFrame, { once: true });
  button.addEventListener('focus', ensureFrame, { once: true });
  const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
  if (idle) idle(() => ensureFrame(), { timeout: 4000 });
  else setTimeout(ensureFrame, 2500);

  renderButton();
  mount();

  const queued = (existing?.q ?? []) as ArrayLike<unknown>[];
  w.Mostrador = api;
  for (const call of queued) {
    const [command, ...args] = Array.from(call);
    if (typeof command === 'string') api(command, ...args);
  }
})();
