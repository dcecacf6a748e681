/**
 * The panel app, running in our iframe. It owns the chat state and talks to the host page's
 * loader only through postMessage with the host's exact origin (passed in the URL fragment),
 * checking origin and source on every message it receives.
 */
import { render } from 'preact';
import { BRIDGE_NS, isBridgeMessage, type FrameToHost, type HostToFrame } from '../../shared/bridge';
import type { WidgetStrings } from '../../shared/widget-strings/en';
import { pickLocale, type Locale } from '../../shared/locale';
import { createChat } from './state/chat';
import type { ClientRule } from './state/proactive';
import { lazyProactive } from './state/proactive-lazy';
import { toCart } from './state/cart';
import { effect, signal } from './state/signal';
import { Panel } from './ui/Panel';
import { lazy } from './lazy';
import { addStrings, strings } from './strings';
import type { TimelineItem } from '../../shared/timeline';
import { isHexColor } from '../launcher';
import '../styles/panel.css';

interface FrameConfig {
  siteName?: string;
  color?: string;
  greeting?: { es?: string; en?: string };
  /** The merchant lets agents see what the shopper is typing. */
  livePreview?: boolean;
  /** Ask for name and email before the first message. */
  preChatForm?: boolean;
  /** E-mail is not configured: no offer to answer by e-mail. */
  noEmail?: boolean;
  /** Which bottom corner the launcher sits in (default right). */
  side?: 'left' | 'right';
  /** Colours fixed by the site (absent: light or dark mode decides). */
  theme?: 'light' | 'dark';
  /** The shop's logo (https only; the server checks it). */
  logoUrl?: string;
  /** Proactive rules (shared/triggers.ts) with their local cap. */
  proactive?: ClientRule[];
  /** The panel's strings in `lang`, the shopper's language as the server picked it. */
  lang?: Locale;
  t?: WidgetStrings;
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
/** What the host put in the fragment (never sent to our server): its origin, the snippet's side, why it booted us. */
const hash = new URLSearchParams(location.hash.slice(1));
const siteKey = params.get('site') ?? '';
const hostOrigin = (() => {
  const raw = hash.get('host');
  try {
    return raw ? new URL(raw).origin : null;
  } catch {
    return null;
  }
})();
const config = readConfig();
if (config.lang && config.t) addStrings(config.lang, config.t);
const validColor = (c: unknown): string | undefined => (isHexColor(c) ? c : undefined);
const brandColor = validColor(config.color);

const toHost = (msg: FrameToHost) => {
  if (hostOrigin && window.parent !== window) window.parent.postMessage(msg, hostOrigin);
};

let isOpen = false;
let unread = -1;
/** The message the teaser shows while the panel is closed. */
const teaser = signal<TimelineItem | null>(null);

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/visitor?site=${encodeURIComponent(siteKey)}`;
const chat = createChat({
  siteKey,
  brand: {
    siteName: config.siteName ?? '',
    color: brandColor ?? null,
    greeting: config.greeting ?? {},
    logoUrl: config.logoUrl ?? null,
    ...(config.side ? { side: config.side } : {}),
    ...(config.theme ? { theme: config.theme } : {}),
    livePreview: config.livePreview === true,
    preChatForm: config.preChatForm === true,
  },
  socketUrl: wsUrl,
  uploadUrl: `${location.origin}/api/uploads/visitor?site=${encodeURIComponent(siteKey)}`,
  locale: pickLocale([params.get('lang'), ...navigator.languages]),
  lang: pickLocale([...navigator.languages, params.get('lang')]),
  storage: safeStorage(),
  onIncoming: incoming,
});

function incoming(item: TimelineItem): void {
  toHost({ ns: BRIDGE_NS, type: 'message', message: { text: item.text, authorKind: item.author.kind, ...(item.author.name ? { authorName: item.author.name } : {}) } });
  if (!isOpen && item.kind !== 'system') {
    teaser.value = item;
    if (sound.value) void import('./sound').then((m) => m.playChime());
  }
}

/** Chime for new messages while the panel is closed; the shopper can turn it off. */
const pref = chat.pref;
const sound = signal(pref.get('sound') !== 'off');

// The socket is welcomed: the host lets the presence frame (and its socket) go.
let live = false;
effect(() => {
  if (!live && chat.availability.value) {
    live = true;
    toHost({ ns: BRIDGE_NS, type: 'live' });
  }
});

// Unread: what the shop said after the shopper last read, counted while the panel is closed
// (live, and on the next visit from where they left off). Booted by the presence frame for a
// message that reached the shopper before this panel was there (widget/presence.ts): once
// synced, the newest unread one is announced as if it had arrived now (teaser, chime, `on`).
let announce = hash.get('boot') === 'message';
effect(() => {
  const seen = chat.seenSeq.value;
  const fresh = chat.items.value.filter((i) => i.seq !== null && i.seq > seen && i.author.kind !== 'visitor' && i.kind !== 'system');
  if (announce && fresh.length) {
    announce = false;
    incoming(fresh.at(-1)!);
  }
  const n = isOpen ? 0 : fresh.length;
  if (n !== unread) {
    unread = n;
    toHost({ ns: BRIDGE_NS, type: 'unread', count: n });
  }
});

// The teaser strip: shown while closed with a message to show; the host sizes the frame.
let teasing = false;
effect(() => {
  const show = !isOpen && teaser.value !== null;
  if (show === teasing) return;
  teasing = show;
  document.documentElement.classList.toggle('teasing', show);
  toHost({ ns: BRIDGE_NS, type: 'teaser', show });
});

const proactive = lazyProactive({
  rules: Array.isArray(config.proactive) ? config.proactive : [],
  storage: pref,
  now: Date.now,
  locale: () => chat.locale.value,
  identified: () => chat.verified.value === true,
  chatActive: () => chat.conversationStatus.value !== null && chat.conversationStatus.value !== 'resolved',
  device: matchMedia('(pointer: coarse)').matches ? 'mobile' : 'desktop',
  ask: (ruleId, extra) => void chat.proactive(ruleId, extra),
});

effect(() => {
  document.documentElement.lang = chat.locale.value;
});

// Branding, now and whenever the admin changes it: the panel and the launcher follow.
let shown = '';
effect(() => {
  const color = validColor(chat.brand.value.color);
  // The site's setting, when there is one, wins over the snippet's data-position.
  const side = chat.brand.value.side;
  if (`${color}${side}` === shown) return;
  shown = `${color}${side}`;
  if (color) document.documentElement.style.setProperty('--brand', color);
  else document.documentElement.style.removeProperty('--brand');
  document.documentElement.dataset.side = side ?? (hash.get('side') === 'left' ? 'left' : 'right');
  toHost({ ns: BRIDGE_NS, type: 'brand', ...(color ? { color } : {}), ...(side ? { side } : {}) });
});

// Dark or light: the site's choice (settings `theme`), else the shopper's light or dark mode (the
// same prefers-color-scheme the shop page sees), now and whenever either changes.
const darkMode = matchMedia('(prefers-color-scheme: dark)');
const theme = () => document.documentElement.classList.toggle('dark', (chat.brand.value.theme ?? (darkMode.matches ? 'dark' : '')) == 'dark');
effect(theme);
darkMode.onchange = theme;

// Read receipts: whatever arrives while the panel is open and the tab visible has been seen.
effect(() => {
  if (chat.items.value.length && isOpen && document.visibilityState === 'visible') chat.markRead();
});
document.addEventListener('visibilitychange', () => {
  if (isOpen && document.visibilityState === 'visible') chat.markRead();
});

/** The teaser is shown only while the panel is closed: its own chunk. */
const Teaser = lazy(() => import('./ui/Teaser'));

const inputRef: { current: HTMLTextAreaElement | null } = { current: null };
const close = () => toHost({ ns: BRIDGE_NS, type: 'close' });

window.addEventListener('message', (e: MessageEvent) => {
  if (e.origin !== hostOrigin || e.source !== window.parent || !isBridgeMessage(e.data)) return;
  const msg = e.data as HostToFrame;
  switch (msg.type) {
    case 'open':
      isOpen = true;
      teaser.value = null;
      // Opening shows who is available (and offline mode) right away.
      chat.start();
      chat.markRead();
      rerender();
      setTimeout(() => inputRef.current?.focus());
      break;
    case 'close':
      isOpen = false;
      rerender();
      break;
    case 'exit':
      proactive.exit();
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
        const p = (msg.payload ?? {}) as { url?: unknown; title?: unknown; since?: unknown };
        if (typeof p.url === 'string') {
          chat.setContext({ url: p.url.slice(0, 2048), ...(typeof p.title === 'string' ? { title: p.title.slice(0, 300) } : {}) });
          proactive.page(p.url, p.since);
        }
      } else if (msg.name === 'cart') {
        const cart = toCart(msg.payload);
        chat.setContext({ cart });
        proactive.cart(cart?.total ?? 0, cart?.items.reduce((n, i) => n + i.quantity, 0) ?? 0);
      }
      break;
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') close();
});

// The panel loads when the browser is idle; connecting then puts the shopper on the team's live
// visitors list (page, cart) and gives a returning shopper their replies and unread count.
try {
  chat.setContext({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
} catch {
  /* no time zone: agents just do not see the shopper's local time */
}
chat.start();

const open = () => toHost({ ns: BRIDGE_NS, type: 'open' });
const toggleSound = () => {
  sound.value = !sound.value;
  pref.set('sound', sound.value ? 'on' : 'off');
};

function Root() {
  const item = teaser.value;
  if (!isOpen && item) {
    return (
      <Teaser
        t={strings(chat.locale.value)}
        name={item.author.name || chat.brand.value.siteName || strings(chat.locale.value).agent}
        text={item.text}
        onOpen={open}
        onDismiss={() => (teaser.value = null)}
      />
    );
  }
  return (
    <Panel
      chat={chat}
      onClose={close}
      inputRef={inputRef}
      livePreview={chat.brand.value.livePreview === true}
      preChatForm={chat.brand.value.preChatForm === true}
      noEmail={config.noEmail}
      sound={sound.value}
      onToggleSound={toggleSound}
    />
  );
}

const root = document.getElementById('app')!;
const rerender = () => render(<Root />, root);
// Any change re-renders the panel (see state/signal.ts); Preact applies only the differences.
effect(rerender);
toHost({ ns: BRIDGE_NS, type: 'ready', ...(brandColor ? { color: brandColor } : {}), ...(config.side ? { side: config.side } : {}) });
