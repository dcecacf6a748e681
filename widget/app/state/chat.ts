/**
 * The shopper's chat as signals, composed of small models that each get the connection, the
 * clock and the storage passed in: the message log of the conversation shown (log.ts), the
 * outbox of sends until the server has them (outbox.ts), the conversations and where the shown
 * one stands (status.ts), typing and read receipts (receipts.ts). This module owns the socket
 * and the session (token, identity, page context, profile, uploads) and routes each frame to
 * its model. Components read the signals and call the actions.
 */
import { batch, signal } from './signal';
import { nanoid } from 'nanoid';
import { realClock } from '../../../shared/clock';
import type { Locale } from '../../../shared/i18n';
import { PROTOCOL_VERSION } from '../../../shared/limits';
import type { VisitorClientFrame, VisitorConversation, VisitorServerFrame } from '../../../shared/protocol';
import { parseServerFrame } from './frames';
import { ReconnectingSocket, type ReconnectingSocketOptions, type SocketStatus } from '../../../shared/reconnecting-socket';
import type { AttachmentRef, TimelineItem } from '../../../shared/timeline';
import { safeStore, type OutboxItem } from './storage';
import type { Conn } from './conn';
import { createLog } from './log';
import { createOutbox } from './outbox';
import { createReceipts } from './receipts';
import { createStatus } from './status';

export interface Brand {
  siteName: string;
  color: string | null;
  greeting: { es?: string; en?: string };
  logoUrl?: string | null;
  side?: 'left' | 'right';
  theme?: 'light' | 'dark';
  livePreview?: boolean;
  preChatForm?: boolean;
}

export interface ChatOptions {
  siteKey: string;
  /** POST endpoint for shopper uploads (our origin). */
  uploadUrl?: string;
  brand: Brand;
  /** WebSocket URL of /ws/visitor for this site. */
  socketUrl: string;
  locale: Locale;
  /** The shopper's own language (their browser's), which may differ from the page's: agents see it. */
  lang?: Locale;
  storage: Storage | null;
  /** Called when an agent's or bot's message arrives (for unread counts and host events). */
  onIncoming?(item: TimelineItem): void;
  /** The connection (default: a ReconnectingSocket to `socketUrl`); tests pass a fake. */
  transport?(handlers: ReconnectingSocketOptions<VisitorServerFrame>): Transport;
}

/** What the chat needs of its connection. */
export type Transport = Pick<ReconnectingSocket<VisitorServerFrame>, 'start' | 'stop' | 'send' | 'resetBackoff'>;

export interface Upload {
  key: string;
  name: string;
  progress: number;
  error: 'too_large' | 'unsupported' | 'rate_limited' | 'failed' | null;
}

const ACCEPTED = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'];

export type Chat = ReturnType<typeof createChat>;

export function createChat(opts: ChatOptions) {
  /** Where this site's things are kept in the shopper's storage (token, outbox, identity, preferences). */
  const key = (name: string) => `mostrador:${opts.siteKey}:${name}`;
  const status = signal<SocketStatus>('closed');
  const locale = signal<Locale>(opts.locale);
  /** The shop's name, colour and greeting; the admin can change them while the panel is open. */
  const brand = signal<Brand>(opts.brand);
  /** What the shopper told us (pre-chat form, offline email). */
  const profile = signal<{ name: string | null; email: string | null }>({ name: null, email: null });
  const verified = signal<boolean | null>(null);
  const uploads = signal<Upload[]>([]);
  /** The page and cart the shop reported; re-sent after every welcome. */
  let context: { url?: string; title?: string; cart?: unknown } = {};
  let welcomed = false;
  /** Who the shop says the shopper is; sent after every welcome. */
  let identity: { id: string; email?: string; name?: string; hash?: string } | null = null;
  /** Hears every frame first: the lazily loaded rating (ui/Rating.tsx) waits for its answer. */
  let tap: ((frame: VisitorServerFrame) => void) | undefined;
  const store = safeStore(opts.storage);

  const socket = (opts.transport ?? ((h) => new ReconnectingSocket(h)))({
    url: () => opts.socketUrl,
    parse: parseServerFrame,
    onOpen() {
      welcomed = false;
      const token = store.get(key('token'));
      socket.send({ type: 'hello', v: PROTOCOL_VERSION, locale: opts.lang ?? locale.value, ...(token ? { token } : {}) });
    },
    onFrame: handleFrame,
    onStatus(s) {
      status.value = s;
    },
    onFatal() {
      status.value = 'closed';
    },
  });
  const conn: Conn = { send: (f) => socket.send(f), ready: () => welcomed };
  const log = createLog(conn, () => rc.reset());
  const rc = createReceipts(conn, realClock, log.current, log.tl);
  const st = createStatus(log.current, log.show);
  const out = createOutbox(
    {
      ready: conn.ready,
      /** Puts one send on the wire (the outbox calls it only once welcomed). */
      send(p) {
        rc.typing(false);
        // Into the known conversation, a resolved one too: the server reopens it (to the agent who
        // had it when they can take it), so the shopper keeps the whole history. Without one the
        // server picks or creates it.
        const id = log.current.value;
        socket.send({
          type: 'message.send',
          clientId: p.clientId,
          text: p.text,
          ...(id ? { conversationId: id } : {}),
          ...(p.attachments?.length ? { attachments: p.attachments.map((a) => a.id) } : {}),
          // A language the site switched the widget to (Mostrador('locale', …)) is news for the server.
          ...(locale.value !== opts.locale ? { locale: locale.value } : {}),
        });
      },
    },
    realClock,
    store,
    key('outbox'),
    log.tl,
    log.refresh,
  );

  function handleFrame(frame: VisitorServerFrame): void {
    tap?.(frame);
    switch (frame.type) {
      case 'welcome': {
        store.set(key('token'), frame.token);
        profile.value = frame.profile;
        welcomed = true;
        socket.resetBackoff();
        const c = st.welcome(frame);
        if (c) {
          rc.seen(c);
          log.sync();
        }
        if (identity) socket.send({ type: 'identify', ...identity });
        if (Object.keys(context).length) socket.send({ type: 'context', ...context });
        out.flush();
        log.refresh();
        return;
      }
      case 'identified': {
        verified.value = frame.verified;
        // The shop vouched for this email (verified identify): never ask the shopper for it.
        if (frame.verified && identity?.email && !profile.value.email) profile.value = { ...profile.value, email: identity.email };
        if (st.identified(frame.conversations)) {
          log.sync();
          log.refresh();
        }
        return;
      }
      case 'ack':
        log.ack(frame);
        out.acked(frame.clientId);
        return;
      case 'message.created': {
        const m = frame.message;
        st.follow(m.conversationId);
        if (log.message(m)) {
          if (m.author.kind === 'agent') rc.agentTyping.value = null;
          if (m.author.kind !== 'visitor') opts.onIncoming?.(log.items.value.at(-1)!);
        }
        return;
      }
      case 'history.result':
        // The shopper's panel loads from the start; older pages are not requested yet.
        return;
      case 'sync.result':
        log.page(frame);
        return;
      case 'conversation.updated':
      case 'queue':
      case 'availability':
        st.frame(frame);
        return;
      case 'error':
        out.refused(frame);
        return;
      case 'typing':
      case 'read':
        rc.frame(frame);
        return;
      case 'profile.saved':
        profile.value = { name: frame.name, email: frame.email };
        return;
      case 'site.updated':
        // Branding and the public settings (live preview, pre-chat form), as a new page would get them.
        brand.value = { ...frame, logoUrl: frame.logoUrl ?? null };
        return;
      case 'pong':
      case 'proactive':
        return;
      default: {
        const never: never = frame;
        return never;
      }
    }
  }

  // ---- actions ----
  function start(): void {
    socket.start();
  }

  function send(text: string, attachments?: AttachmentRef[]): void {
    const trimmed = text.trim();
    if (!trimmed && !attachments?.length) return;
    out.add({ clientId: nanoid(), text: trimmed, createdAt: Date.now(), ...(attachments?.length ? { attachments } : {}) } satisfies OutboxItem);
    start();
    out.pump();
  }

  function setUpload(key: string, patch: Partial<Upload>): void {
    uploads.value = uploads.value.map((u) => (u.key === key ? { ...u, ...patch } : u));
  }

  /** Uploads a file (with progress) and sends it as a message once stored. */
  async function attach(file: File): Promise<void> {
    const key = nanoid();
    uploads.value = [...uploads.value, { key, name: file.name, progress: 0, error: null }];
    if (file.size > 10 * 1024 * 1024) return setUpload(key, { error: 'too_large' });
    if (!ACCEPTED.includes(file.type)) return setUpload(key, { error: 'unsupported' });
    start();
    const token = await whenToken();
    if (!token || !opts.uploadUrl) return setUpload(key, { error: 'failed' });
    const xhr = new XMLHttpRequest();
    xhr.open('POST', opts.uploadUrl);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setUpload(key, { progress: Math.round((e.loaded / e.total) * 100) });
    };
    xhr.onerror = () => setUpload(key, { error: 'failed' });
    xhr.onload = () => {
      if (xhr.status !== 201) return setUpload(key, { error: xhr.status === 413 ? 'too_large' : xhr.status === 415 ? 'unsupported' : xhr.status === 429 ? 'rate_limited' : 'failed' });
      const stored = JSON.parse(xhr.responseText) as AttachmentRef;
      uploads.value = uploads.value.filter((u) => u.key !== key);
      send('', [stored]);
    };
    xhr.send(file);
  }

  function dismissUpload(key: string): void {
    uploads.value = uploads.value.filter((u) => u.key !== key);
  }

  /** The visitor token, once the server has issued it (waits for the first welcome). */
  function whenToken(): Promise<string | null> {
    const existing = store.get(key('token'));
    if (existing && welcomed) return Promise.resolve(existing);
    return new Promise((resolve) => {
      let tries = 0;
      const timer = setInterval(() => {
        const token = store.get(key('token'));
        if ((token && welcomed) || ++tries > 100) {
          clearInterval(timer);
          resolve(token);
        }
      }, 100);
    });
  }

  /** Saves the name and email the shopper typed (connects first if needed). */
  async function saveProfile(p: { name?: string; email?: string }): Promise<void> {
    start();
    await whenToken();
    if (welcomed) socket.send({ type: 'profile', ...p });
  }

  /** Asks the server for a proactive rule's message (it re-checks the rule and the caps). */
  async function proactive(ruleId: string, extra: { exitIntent?: boolean; onPageMs?: number; device?: 'desktop' | 'tablet' | 'mobile' }): Promise<void> {
    const asked = Date.now();
    start();
    await whenToken();
    // Time spent connecting counts as time on the page.
    if (welcomed) socket.send({ type: 'proactive', ruleId, ...extra, ...(extra.onPageMs !== undefined ? { onPageMs: extra.onPageMs + Date.now() - asked } : {}) });
  }

  /** Reports the shopper's page and cart (the shop's `page` and `cart` commands). */
  function setContext(update: { url?: string; title?: string; cart?: unknown; timeZone?: string }): void {
    context = { ...context, ...update };
    if (welcomed) socket.send({ type: 'context', ...update });
  }

  /** Tells the server who the shopper is (the shop's `identify` command). */
  function identify(payload: unknown): void {
    if (typeof payload !== 'object' || payload === null) return;
    const p = payload as Record<string, unknown>;
    if (typeof p.id !== 'string' && typeof p.id !== 'number') return;
    const str = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
    const id = String(p.id);
    const previous = store.get(key('identity'));
    if (previous !== null && previous !== id) {
      // Another person signed in on this device: their chat must not show the previous one's.
      forget();
      socket.stop();
    }
    store.set(key('identity'), id);
    identity = {
      id,
      ...(str(p.email) ? { email: str(p.email)! } : {}),
      ...(str(p.name) ? { name: str(p.name)! } : {}),
      ...(str(p.hash) ? { hash: str(p.hash)! } : {}),
    };
    if (welcomed) socket.send({ type: 'identify', ...identity });
  }

  function forget(): void {
    store.set(key('token'), null);
    out.clear();
    store.set(key('identity'), null);
    identity = null;
    welcomed = false;
    verified.value = null;
    batch(() => {
      log.clear();
      st.clear();
    });
  }

  /** Asks for the conversation shown by e-mail (to the address the shopper left). */
  function transcript(): void {
    const id = log.current.value;
    if (id && welcomed) socket.send({ type: 'transcript', conversationId: id });
  }

  /** Shows one of the shopper's conversations (from `conversations`); writing in it continues it. */
  function openConversation(id: string): void {
    let c: VisitorConversation | undefined;
    batch(() => {
      c = st.open(id);
      if (c) {
        rc.readSeq.value = c.readSeq;
        log.refresh();
      }
    });
    if (c) log.sync();
  }

  /** Forget this visitor on this device (e.g. the shop's logout). */
  function shutdown(): void {
    socket.stop();
    forget();
  }

  log.refresh();

  return {
    status,
    items: log.items,
    locale,
    brand,
    availability: st.availability,
    profile,
    replyMin: st.replyMin,
    conversations: st.conversations,
    current: log.current,
    openConversation,
    transcript,
    notice: out.notice,
    queue: st.queue,
    saveProfile,
    conversationStatus: st.status,
    verified,
    agentTyping: rc.agentTyping,
    readSeq: rc.readSeq,
    seenSeq: rc.seenSeq,
    proactive,
    /** The shopper's small preferences and markers on this site (sound, first visit, caps). */
    pref: {
      get: (name: string) => store.get(key(name)),
      set: (name: string, value: string) => store.set(key(name), value),
    },
    start,
    send,
    retry: out.retry,
    attach,
    uploads,
    dismissUpload,
    identify,
    setContext,
    /** Rates the current conversation (ui/Rating.tsx), `listen` hearing every frame from then on. */
    rate(frame: Omit<Extract<VisitorClientFrame, { type: 'conversation.rate' }>, 'conversationId'>, listen: typeof tap) {
      tap = listen;
      socket.send({ ...frame, conversationId: log.current.value });
    },
    typing: rc.typing,
    markRead: rc.markRead,
    shutdown,
  };
}
