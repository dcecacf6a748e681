/**
 * The panel app, running in our iframe. It owns the chat state and talks to the host page's
 * loader only through postMessage with the host's exact origin (passed in the URL fragment),
 * checking origin and source on every message it receives.
 */
import { effect } from '@preact/signals';
import { render } from 'preact';
import { BRIDGE_NS, isBridgeMessage, type FrameToHost, type HostToFrame } from '../../shared/bridge';
import { pickLocale } from '../../shared/i18n';
import { createChat } from './state/chat';
import { Panel } from './ui/Panel';
import '../styles/panel.css';

interface FrameConfig {
  siteName?: string;
  color?: string;
  greeting?: { es?: string; en?: string };
  /** The merchant lets agents see what the shopper is typing. */
  livePreview?: boolean;
  /** Ask for name and email before the first message. */
  preChatForm?: boolean;
}

function readConfig(): FrameConfig {
  try {
    return JSON.parse(document.getElementById('mostrador-config')?.textContent ?? '{}') as FrameConfig;
  } catch {
    return {};
  }
}

function safeStorage(): Storage | null {
  try {
    const s = window.localStorage;
    s.getItem('mostrador:probe');
    return s;
  } catch {
    return null;
  }
}

const params = new URLSearchParams(location.search);
const siteKey = params.get('site') ?? '';
const hostOrigin = (() => {
  const raw = new URLSearchParams(location.hash.slice(1)).get('host');
  try {
    return raw ? new URL(raw).origin : null;
  } catch {
    return null;
  }
})();
const config = readConfig();
const validColor = (c: unknown): string | undefined => (typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c) ? c : undefined);
const brandColor = validColor(config.color);

const toHost = (msg: FrameToHost) => {
  if (hostOrigin && window.parent !== window) window.parent.postMessage(msg, hostOrigin);
};

let isOpen = false;
let unread = 0;
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/visitor?site=${encodeURIComponent(siteKey)}`;
const chat = createChat({
  siteKey,
  brand: { siteName: config.siteName ?? '', color: brandColor ?? null, greeting: config.greeting ?? {} },
  socketUrl: wsUrl,
  uploadUrl: `${location.origin}/api/uploads/visitor?site=${encodeURIComponent(siteKey)}`,
  locale: pickLocale([params.get('lang'), ...navigator.languages]),
  storage: safeStorage(),
  onIncoming(item) {
    toHost({ ns: BRIDGE_NS, type: 'message', message: { text: item.text, authorKind: item.author.kind, ...(item.author.name ? { authorName: item.author.name } : {}) } });
    if (!isOpen) {
      unread++;
      toHost({ ns: BRIDGE_NS, type: 'unread', count: unread });
    }
  },
});

effect(() => {
  document.documentElement.lang = chat.locale.value;
});

// Branding, now and whenever the admin changes it: the panel and the launcher follow.
effect(() => {
  const color = validColor(chat.brand.value.color);
  if (color) document.documentElement.style.setProperty('--brand', color);
  else document.documentElement.style.removeProperty('--brand');
  if (color) toHost({ ns: BRIDGE_NS, type: 'brand', color });
});

// Read receipts: whatever arrives while the panel is open and the tab visible has been seen.
effect(() => {
  if (chat.items.value.length && isOpen && document.visibilityState === 'visible') chat.markRead();
});
document.addEventListener('visibilitychange', () => {
  if (isOpen && document.visibilityState === 'visible') chat.markRead();
});

/** The shop's cart, normalised to the protocol's shape (amounts in cents); null if unusable. */
function toCart(payload: unknown) {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as { items?: unknown; total?: unknown; currency?: unknown };
  if (!Array.isArray(p.items) || typeof p.total !== 'number' || typeof p.currency !== 'string') return null;
  const items = p.items
    .filter((i): i is { sku?: unknown; name: string; quantity: number; price: number } =>
      typeof i === 'object' && i !== null && typeof i.name === 'string' && typeof i.quantity === 'number' && typeof i.price === 'number')
    .slice(0, 100)
    .map((i) => ({
      ...(typeof i.sku === 'string' ? { sku: i.sku.slice(0, 64) } : {}),
      name: i.name.slice(0, 200),
      quantity: Math.max(0, Math.round(i.quantity)),
      price: Math.max(0, Math.round(i.price)),
    }));
  const currency = p.currency.toUpperCase();
  return /^[A-Z]{3}$/.test(currency) ? { items, total: Math.max(0, Math.round(p.total)), currency } : null;
}

const inputRef: { current: HTMLTextAreaElement | null } = { current: null };
const close = () => toHost({ ns: BRIDGE_NS, type: 'close' });

window.addEventListener('message', (e: MessageEvent) => {
  if (e.origin !== hostOrigin || e.source !== window.parent || !isBridgeMessage(e.data)) return;
  const msg = e.data as HostToFrame;
  switch (msg.type) {
    case 'open':
      isOpen = true;
      // Opening shows who is available (and offline mode) right away.
      unread = 0;
      toHost({ ns: BRIDGE_NS, type: 'unread', count: 0 });
      chat.start();
      chat.markRead();
      inputRef.current?.focus();
      break;
    case 'close':
      isOpen = false;
      break;
    case 'locale':
      chat.locale.value = msg.locale;
      break;
    case 'shutdown':
      chat.shutdown();
      break;
    case 'command':
      if (msg.name === 'identify') {
        chat.identify(msg.payload);
        chat.start();
      } else if (msg.name === 'page') {
        const p = (msg.payload ?? {}) as { url?: unknown; title?: unknown };
        if (typeof p.url === 'string') chat.setContext({ url: p.url.slice(0, 2048), ...(typeof p.title === 'string' ? { title: p.title.slice(0, 300) } : {}) });
      } else if (msg.name === 'cart') {
        chat.setContext({ cart: toCart(msg.payload) });
      }
      break;
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') close();
});

// A returning shopper with a conversation (or unsent messages) connects at once for live replies.
if (chat.hasHistory()) chat.start();

render(
  <Panel chat={chat} onClose={close} inputRef={inputRef} livePreview={config.livePreview === true} preChatForm={config.preChatForm === true} />,
  document.getElementById('app')!,
);
toHost({ ns: BRIDGE_NS, type: 'ready', ...(brandColor ? { color: brandColor } : {}) });
