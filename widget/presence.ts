/**
 * widget-presence.js — the presence frame (/widget/presence), what a shop page runs for the chat
 * until the shopper shows intent. widget-host.js adds it as a hidden iframe of our origin when the
 * browser is idle; it opens the shopper's socket (/ws/visitor, the panel's protocol, the token
 * from the same storage the panel uses: one visitor, whichever frame says hello first) and
 * reports the page and cart, so the shopper is on the team's Live visitors list. It asks the
 * host for the panel (`boot`) when the panel has something to show: a message for the shopper,
 * unread replies from an earlier visit, or a proactive rule that holds now (evaluated here with
 * the panel's own code and storage; the panel then asks the server, which decides, as always).
 * When the panel's socket is welcomed the host removes this frame: its socket closes after the
 * panel's opened, so the visitor is never shown offline in between nor counted twice.
 *
 * No Preact, no styles, no strings: a socket, the proactive rules and the bridge (~4 KB gzip).
 */
import { BRIDGE_NS, isBridgeMessage, type FrameToHost, type HostToFrame } from '../shared/bridge';
import { PROTOCOL_VERSION } from '../shared/limits';
import { pickLocale } from '../shared/locale';
import { ReconnectingSocket } from '../shared/reconnecting-socket';
import type { VisitorServerFrame } from '../shared/protocol';
import { parseServerFrame } from './app/state/frames';
import { createProactive, type ClientRule } from './app/state/proactive';
import { safeStore } from './app/state/storage';
import { toCart } from './app/state/cart';
import { isHexColor } from './launcher';

interface PresenceConfig {
  color?: string;
  side?: 'left' | 'right';
  proactive?: ClientRule[];
}

const params = new URLSearchParams(location.search);
const site = params.get('site') ?? '';
const hostOrigin = (() => {
  try {
    const raw = new URLSearchParams(location.hash.slice(1)).get('host');
    return raw ? new URL(raw).origin : null;
  } catch {
    return null;
  }
})();
let config: PresenceConfig = {};
try {
  config = JSON.parse(document.getElementById('mostrador-config')?.textContent ?? '{}') as PresenceConfig;
} catch {
  /* no rules, no colour */
}
const store = safeStore((() => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
})());
// The panel's keys (widget/app/state/chat.ts): the same token, markers and caps.
const key = (k: string) => `mostrador:${site}:${k}`;
let locale = pickLocale([params.get('lang'), ...navigator.languages]);

const toHost = (msg: FrameToHost) => {
  if (hostOrigin && window.parent !== window) window.parent.postMessage(msg, hostOrigin);
};
let booted = false;
const boot = (reason: 'message' | 'unread' | 'proactive') => {
  if (booted) return;
  booted = true;
  toHost({ ns: BRIDGE_NS, type: 'boot', reason });
};

/**
 * What the page reported (the panel's own socket sends it again after its welcome). Not the time
 * zone: the first `Intl.DateTimeFormat` of a page costs tens of milliseconds of main thread on a
 * throttled phone (ICU's set-up), so agents see the shopper's local time once the panel is there.
 */
let context: { url?: string; title?: string; cart?: ReturnType<typeof toCart> } = {};
let welcomed = false;
let chatActive = false;

const socket = new ReconnectingSocket<VisitorServerFrame>({
  url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/visitor?site=${encodeURIComponent(site)}`,
  parse: parseServerFrame,
  onOpen() {
    welcomed = false;
    const token = store.get(key('token'));
    // The shopper's own language first, as the panel says it (agents see it).
    socket.send({ type: 'hello', v: PROTOCOL_VERSION, locale: pickLocale([...navigator.languages, params.get('lang')]), ...(token ? { token } : {}) });
  },
  onFrame(frame) {
    if (frame.type === 'welcome') {
      // A panel that said hello first (another tab) may have stored a token already: keep one visitor.
      if (!store.get(key('token'))) store.set(key('token'), frame.token);
      welcomed = true;
      socket.resetBackoff();
      socket.send({ type: 'context', ...context });
      const current = frame.conversations.find((c) => c.status !== 'resolved') ?? frame.conversations[0];
      chatActive = !!current && current.status !== 'resolved';
      // Replies the shopper has not seen (the panel counts them exactly, for the badge).
      if (frame.conversations.some((c) => c.lastSeq > (c.seenSeq ?? 0))) boot('unread');
      proactive.check();
    } else if (frame.type === 'message.created' && frame.message.author.kind !== 'visitor') {
      boot('message');
    } else if (frame.type === 'conversation.updated') {
      chatActive = frame.conversation.status !== 'resolved';
    }
  },
});

const proactive = createProactive({
  rules: Array.isArray(config.proactive) ? config.proactive : [],
  // The rule's cap is recorded by the panel when it asks; here a rule that holds only boots it.
  storage: { get: (k) => store.get(key(k)), set: (k, v) => k !== 'proactive' && store.set(key(k), v) },
  now: Date.now,
  locale: () => locale,
  identified: () => false,
  chatActive: () => chatActive,
  device: matchMedia('(pointer: coarse)').matches ? 'mobile' : 'desktop',
  ask: () => boot('proactive'),
});

const sendContext = (part: typeof context) => {
  context = { ...context, ...part };
  if (welcomed) socket.send({ type: 'context', ...part });
};

window.addEventListener('message', (e: MessageEvent) => {
  if (e.origin !== hostOrigin || e.source !== window.parent || !isBridgeMessage(e.data)) return;
  const msg = e.data as HostToFrame;
  if (msg.type === 'exit') proactive.exit();
  else if (msg.type === 'locale') locale = msg.locale;
  else if (msg.type === 'shutdown') {
    // Forget the visitor on this device, as the panel does (its keys).
    socket.stop();
    for (const k of ['token', 'outbox', 'identity']) store.set(key(k), null);
  } else if (msg.type === 'command' && msg.name === 'page') {
    const p = (msg.payload ?? {}) as { url?: unknown; title?: unknown; since?: unknown };
    if (typeof p.url !== 'string') return;
    sendContext({ url: p.url.slice(0, 2048), ...(typeof p.title === 'string' ? { title: p.title.slice(0, 300) } : {}) });
    proactive.page(p.url, p.since);
  } else if (msg.type === 'command' && msg.name === 'cart') {
    const cart = toCart(msg.payload);
    sendContext({ cart });
    proactive.cart(cart?.total ?? 0, cart?.items.reduce((n, i) => n + i.quantity, 0) ?? 0);
  }
});

socket.start();
const color = isHexColor(config.color) ? config.color : undefined;
toHost({ ns: BRIDGE_NS, type: 'ready', ...(color ? { color } : {}), ...(config.side ? { side: config.side } : {}) });
