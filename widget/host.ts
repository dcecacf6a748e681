/**
 * widget-host.js — the host-page half of the widget, loaded by widget.js when the browser is
 * idle or the shopper shows intent. It takes over the launcher widget.js drew (`Mostrador.l`),
 * bridges to our iframes with postMessage (exact target origin; origin and source checked on
 * receipt), reports single-page navigation and desktop exit intent, raises `on()` events, and
 * replays the commands queued so far. Everything else runs inside our iframes.
 *
 * Two frames, one at a time but for the hand-over. Until the shopper shows intent only the
 * presence frame (/widget/presence, hidden, ~3 KB) runs: it keeps the shopper on Live visitors
 * and says when the panel is needed. The panel frame (/widget/frame) boots on intent — hover or
 * focus on the launcher, open/toggle, identify — or when the presence frame asks (a message for
 * the shopper, unread replies, a proactive rule that holds). Once the panel's socket is welcomed
 * the presence frame is removed. The host shows the panel in one of three modes: hidden,
 * teaser, open.
 */
import { BRIDGE_NS, type FrameToHost, type HostCommand, type HostToFrame } from '../shared/bridge';
import { HOST_STRINGS, type Locale } from '../shared/i18n';
import { FRAME_CSS, isHexColor, type LoaderApi } from './launcher';

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
  /** An iframe of ours and the messages waiting for it to say `ready`. */
  type Channel = { el: HTMLIFrameElement; ready: boolean; outbox: HostToFrame[] };
  let frame: HTMLIFrameElement | undefined;
  let panel: Channel | undefined;
  let presence: Channel | undefined;
  let unread = 0;
  /** What the page told us, for whichever frame comes next: the last cart, when this page began, exit intent on it. */
  let cart: unknown;
  let since = performance.timeOrigin;
  let exited = false;
  const listeners: Record<string, Listener[]> = {};
  const badge = button.querySelector('span')!;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(FRAME_CSS);
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];

  const send = (ch: Channel | undefined, msg: HostCommand) => {
    const m: HostToFrame = { ns: BRIDGE_NS, ...msg };
    if (ch?.ready) ch.el.contentWindow!.postMessage(m, base);
    else ch?.outbox.push(m);
  };
  /** To the panel once there is one, else to the presence frame (the two overlap only until the panel's socket is welcomed). */
  const post = (msg: HostCommand) => send(panel ?? presence, msg);
  const channel = (path: string, extra = ''): Channel => {
    const el = document.createElement('iframe');
    // The host origin travels in the fragment: it never reaches our server's logs.
    el.src = `${base}/widget/${path}?site=${encodeURIComponent(site!)}&lang=${locale}#host=${encodeURIComponent(location.origin)}${extra}`;
    wrap.prepend(el);
    return { el, ready: false, outbox: [] };
  };
  /** A new frame hears the page (and when it began), the cart, and exit intent on this page. */
  const brief = () => {
    page();
    post({ type: 'command', name: 'cart', payload: cart });
    if (exited) post({ type: 'exit' });
  };
  const emit = (event: string, payload?: unknown) => listeners[event]?.forEach((fn) => {
    try {
      fn(payload);
    } catch (err) {
      console.error(err);
    }
  });
  const page = () => post({ type: 'command', name: 'page', payload: { url: location.href, title: document.title, since } });

  function render(teaser = wrap.classList.contains('t')): void {
    const s = HOST_STRINGS[locale];
    wrap.className = isOpen ? 'o' : teaser ? 't' : '';
    const label = isOpen ? s.closeChat : s.openChat;
    button.setAttribute('aria-label', unread && !isOpen ? `${label} (${unread} ${s.unread})` : label);
    button.setAttribute('aria-expanded', String(isOpen));
    badge.textContent = unread ? (unread > 99 ? '99+' : String(unread)) : '';
    if (frame) frame.title = s.frameTitle;
  }

  function setColor(color: unknown): void {
    if (isHexColor(color)) host.style.setProperty('--mostrador-color', color);
  }

  /** Boots the panel (once); `boot`: why the presence frame asked for it. */
  function ensureFrame(boot?: string): void {
    if (panel) return;
    panel = channel('frame', `&side=${host.getAttribute('data-side') ?? ''}${boot ? `&boot=${boot}` : ''}`);
    frame = panel.el;
    frame.className = 'f';
    frame.setAttribute('allow', 'autoplay; clipboard-write');
    render();
    brief();
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
    if (e.origin !== base || d?.ns !== BRIDGE_NS) return;
    const ch = [panel, presence].find((c) => e.source === c?.el.contentWindow);
    if (!ch) return;
    if (d.type === 'ready') {
      ch.ready = true;
      ch.outbox.splice(0).forEach((m) => ch.el.contentWindow!.postMessage(m, base));
      if (isOpen) post({ type: 'open' });
    }
    if (d.type === 'ready' || d.type === 'brand') {
      setColor(d.color);
      if (d.side) host.setAttribute('data-side', d.side);
    }
    if (ch === presence) {
      if (d.type === 'boot') ensureFrame(d.reason);
      return;
    }
    // The panel's socket is welcomed: the presence frame goes, and its socket closes.
    if (d.type === 'live') presence?.el.remove();
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
      since = Date.now();
      exited = false;
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
    if (!e.relatedTarget && e.clientY <= 0) {
      exited = true;
      post({ type: 'exit' });
    }
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
      // Identity is the panel's (verified hashes, history across devices): it boots it.
      if (command === 'identify') ensureFrame();
      else if (command === 'cart') cart = arg;
      else since = Date.now();
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
      // The frame forgets the visitor (both frames share its storage); removing the host below
      // removes them, and their sockets close.
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

  button.onclick = () => (isOpen ? close() : open());
  // Intent: the panel boots while the pointer is on its way or focus arrives, ready by the click.
  button.onpointerenter = button.onfocus = () => ensureFrame();
  // (A handler property returning false would cancel the key: keep the body a statement.)
  wrap.onkeydown = (e) => {
    if (e.key === 'Escape') close();
  };
  w.Mostrador = api;
  // Replay what was queued before us, in order (the stub keeps queueing until this line).
  for (const call of Array.from(stub.q ?? [])) api(...Array.from(call));
  // Loaded on intent (the pointer is still on the launcher, or focus; open was replayed above):
  // the panel; loaded because the browser was idle: presence alone.
  if (button.matches(':hover,:focus')) ensureFrame();
  else if (!panel) {
    // The presence frame: hidden, so out of the tab order and the accessibility tree.
    presence = channel('presence');
    presence.el.hidden = true;
    brief();
  }
})();
