/**
 * widget-host.js — the host-page half of the widget, loaded by widget.js when the browser is
 * idle or the shopper shows intent. It takes over the launcher widget.js drew (`Mostrador.l`),
 * adds the panel iframe, bridges to it with postMessage (exact target origin; origin and source
 * checked on receipt), reports single-page navigation and desktop exit intent, raises `on()`
 * events, and replays the commands queued so far. Everything else runs inside our iframe; the
 * host side only shows the frame in one of three modes: hidden, teaser, open.
 */
import { BRIDGE_NS, type FrameToHost, type HostCommand, type HostToFrame } from '../shared/bridge';
import { LOADER_STRINGS, type Locale } from '../shared/i18n';
import { FRAME_CSS, type LoaderApi } from './launcher';

type Listener = (payload?: unknown) => void;

(() => {
  const w = window as unknown as { Mostrador?: LoaderApi };
  const stub = w.Mostrador;
  const parts = stub?.l;
  if (!stub || !parts) return; // loaded without widget.js, or already taken over
  delete stub.l;
  const { host, shadow, wrap, button, site, base } = parts;
  let locale: Locale = parts.locale;
  let isOpen = false;
  let frame: HTMLIFrameElement | undefined;
  let ready = false;
  let unread = 0;
  const outbox: HostToFrame[] = [];
  const listeners: Record<string, Listener[]> = {};
  const badge = button.querySelector('span')!;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(FRAME_CSS);
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];

  const post = (msg: HostCommand) => {
    const m: HostToFrame = { ns: BRIDGE_NS, ...msg };
    if (ready) frame!.contentWindow!.postMessage(m, base);
    else outbox.push(m);
  };
  const emit = (event: string, payload?: unknown) => listeners[event]?.forEach((fn) => {
    try {
      fn(payload);
    } catch (err) {
      console.error(err);
    }
  });
  const page = () => post({ type: 'command', name: 'page', payload: { url: location.href, title: document.title } });

  function render(teaser = wrap.classList.contains('t')): void {
    const s = LOADER_STRINGS[locale];
    wrap.className = isOpen ? 'o' : teaser ? 't' : '';
    const label = isOpen ? s.closeChat : s.openChat;
    button.setAttribute('aria-label', unread && !isOpen ? `${label} (${unread} ${s.unread})` : label);
    button.setAttribute('aria-expanded', String(isOpen));
    badge.textContent = unread ? (unread > 99 ? '99+' : String(unread)) : '';
    if (frame) frame.title = s.frameTitle;
  }

  function setColor(color: unknown): void {
    if (typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)) host.style.setProperty('--mostrador-color', color);
  }

  function ensureFrame(): void {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.className = 'f';
    frame.setAttribute('allow', 'autoplay; clipboard-write');
    // The host origin travels in the fragment: it never reaches our server's logs.
    frame.src = `${base}/widget/frame?site=${encodeURIComponent(site!)}&lang=${locale}#host=${encodeURIComponent(location.origin)}&side=${host.getAttribute('data-side') ?? ''}`;
    wrap.prepend(frame);
    render();
    page();
  }

  function open(): void {
    if (isOpen) return;
    isOpen = true;
    ensureFrame();
    render(false);
    post({ type: 'open' });
    frame!.focus();
    emit('open');
  }

  function close(): void {
    if (!isOpen) return;
    isOpen = false;
    render(false);
    post({ type: 'close' });
    button.focus();
    emit('close');
  }

  function onMessage(e: MessageEvent<FrameToHost>): void {
    const d = e.data;
    if (e.origin !== base || !frame || e.source !== frame.contentWindow || d?.ns !== BRIDGE_NS) return;
    if (d.type === 'ready') {
      ready = true;
      outbox.splice(0).forEach((m) => frame!.contentWindow!.postMessage(m, base));
      if (isOpen) post({ type: 'open' });
    }
    if (d.type === 'ready' || d.type === 'brand') {
      setColor(d.color);
      if (d.side) host.setAttribute('data-side', d.side);
    }
    if (d.type === 'close') close();
    if (d.type === 'open') open();
    if (d.type === 'teaser' && !isOpen) render(d.show);
    if (d.type === 'unread' && d.count !== unread) {
      unread = d.count;
      render();
      emit('unread', unread);
    }
    if (d.type === 'message') emit('message', d.message);
  }

  // Single-page shops: report navigation; desktop exit intent: the pointer leaves the top edge.
  let lastUrl = location.href;
  const onNav = () => {
    if (location.href !== lastUrl) {
      lastUrl = location.href;
      page();
    }
  };
  const push = history.pushState;
  const patched = function (this: History, ...args: Parameters<History['pushState']>) {
    push.apply(this, args);
    setTimeout(onNav);
  };
  history.pushState = patched;
  const onLeave = (e: MouseEvent) => {
    if (!e.relatedTarget && e.clientY <= 0) post({ type: 'exit' });
  };
  addEventListener('popstate', onNav);
  addEventListener('message', onMessage);
  document.addEventListener('mouseout', onLeave);

  const api: LoaderApi = (command: unknown, ...args: unknown[]) => {
    const arg = args[0];
    if (command === 'open') open();
    else if (command === 'close') close();
    else if (command === 'toggle') isOpen ? close() : open();
    else if (command === 'identify' || command === 'cart' || command === 'page') {
      ensureFrame();
      post({ type: 'command', name: command, payload: arg });
    } else if (command === 'locale') {
      if (arg === 'es' || arg === 'en') {
        locale = arg;
        render();
        post({ type: 'locale', locale });
      }
    } else if (command === 'on') {
      if (typeof args[1] === 'function') (listeners[String(arg)] ??= []).push(args[1] as Listener);
    } else if (command === 'shutdown') {
      post({ type: 'shutdown' });
      removeEventListener('message', onMessage);
      removeEventListener('popstate', onNav);
      document.removeEventListener('mouseout', onLeave);
      if (history.pushState === patched) history.pushState = push;
      host.remove();
      delete w.Mostrador;
    } else console.warn(`[Mostrador] unknown command "${command}"`);
  };
  api.loaded = true;

  setColor(parts.color);
  button.onclick = () => (isOpen ? close() : open());
  button.onpointerenter = button.onfocus = null;
  // (A handler property returning false would cancel the key: keep the body a statement.)
  wrap.onkeydown = (e) => {
    if (e.key === 'Escape') close();
  };
  ensureFrame();
  w.Mostrador = api;
  // Replay what was queued before us, in order (the stub keeps queueing until this line).
  for (const call of Array.from(stub.q ?? [])) api(...Array.from(call));
})();
