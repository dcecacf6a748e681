/**
 * The shopper's chat as signals: connection status, the conversation timeline, and the outbox.
 * Components read the signals and call the actions; only this module talks to the socket and
 * to storage. The outbox lives in localStorage, so a message typed before a reload or while
 * offline is sent (once: the server dedupes by clientId) when the socket is back.
 */
import { batch, signal } from './signal';
import { nanoid } from 'nanoid';
import { RETRYABLE_ERRORS, type ErrorCode } from '../../../shared/errors';
import type { Locale } from '../../../shared/i18n';
import { PROTOCOL_VERSION } from '../../../shared/limits';
import type { ConversationStatus, VisitorClientFrame, VisitorConversation, VisitorServerFrame } from '../../../shared/protocol';
import { parseServerFrame } from './frames';
import { ReconnectingSocket, type ReconnectingSocketOptions, type SocketStatus } from '../../../shared/reconnecting-socket';
import { Timeline, type AttachmentRef, type PendingSend, type TimelineItem } from '../../../shared/timeline';
import { readOutbox, safeStore, writeOutbox, type OutboxItem } from './storage';

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
  const keys = {
    token: `mostrador:${opts.siteKey}:token`,
    outbox: `mostrador:${opts.siteKey}:outbox`,
    identity: `mostrador:${opts.siteKey}:identity`,
  };
  const status = signal<SocketStatus>('closed');
  const items = signal<TimelineItem[]>([]);
  const conversationStatus = signal<ConversationStatus | null>(null);
  const locale = signal<Locale>(opts.locale);
  /** The shop's name, colour and greeting; the admin can change them while the panel is open. */
  const brand = signal<Brand>(opts.brand);
  /** Is anyone of the team online (null until the first welcome). */
  const availability = signal<{ available: boolean; names: string[]; backAt?: number | null } | null>(null);
  /** What the shopper told us (pre-chat form, offline email). */
  const profile = signal<{ name: string | null; email: string | null }>({ name: null, email: null });
  /** "We usually reply in X min" (the last 7 days' median first response); null: nothing to go by. */
  const replyMin = signal<number | null>(null);
  /** The shopper's conversations on this site (this device, or theirs as a verified customer), newest first. */
  const conversations = signal<VisitorConversation[]>([]);
  /** The conversation shown. */
  const current = signal<string | null>(null);

  const newTimeline = () => new Timeline({ kind: 'visitor' }, { visibleOnly: true });
  let timeline = newTimeline();
  /** Who of the team is typing right now (cleared after a few quiet seconds). */
  const agentTyping = signal<string | null>(null);
  /** How far the team has read in the current conversation. */
  const readSeq = signal(0);
  /** How far the shopper has read (theirs): later messages from the shop are unread. */
  const seenSeq = signal(0);
  let typingTimer: ReturnType<typeof setTimeout> | null = null;
  let lastReadSent = 0;
  let sentTypingAt = 0;
  let typingOffTimer: ReturnType<typeof setTimeout> | null = null;
  /** The page and cart the shop reported; re-sent after every welcome. */
  let context: { url?: string; title?: string; cart?: unknown } = {};
  let conversationId: string | null = null;
  let welcomed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The one send on the wire. Sends go one at a time, each after the previous one's ack: a send
   * the server refuses for now (rate limit) can then never be overtaken by the next one, and the
   * first sends of a new chat cannot race each other into two conversations.
   */
  let inFlight: string | null = null;
  let inFlightTimer: ReturnType<typeof setTimeout> | null = null;
  /** Who the shop says the shopper is; sent after every welcome. */
  let identity: { id: string; email?: string; name?: string; hash?: string } | null = null;
  const verified = signal<boolean | null>(null);
  /** Hears every frame first: the lazily loaded rating (ui/Rating.tsx) waits for its answer. */
  let tap: ((frame: VisitorServerFrame) => void) | undefined;

  const store = safeStore(opts.storage);
  /** Changes the outbox: `update` gets what is stored and returns what to keep. */
  const outbox = (update: (list: OutboxItem[]) => OutboxItem[]) => writeOutbox(store, keys.outbox, update);
  const unqueue = (clientId: string) => outbox((l) => l.filter((x) => x.clientId !== clientId));

  const refresh = () => {
    items.value = timeline.items();
  };

  // ---- socket ----
  const socket = (opts.transport ?? ((h) => new ReconnectingSocket(h)))({
    url: () => opts.socketUrl,
    parse: parseServerFrame,
    onOpen() {
      welcomed = false;
      const token = store.get(keys.token);
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

  function sendFrame(send: PendingSend): void {
    if (!welcomed) return;
    typing(false);
    // Into the known conversation, a resolved one too: the server reopens it (to the agent who
    // had it when they can take it), so the shopper keeps the whole history. Without one the
    // server picks or creates it.
    const target = conversationId ? { conversationId } : {};
    const files = send.attachments?.length ? { attachments: send.attachments.map((a) => a.id) } : {};
    // A language the site switched the widget to (Mostrador('locale', …)) is news for the server.
    socket.send({ type: 'message.send', clientId: send.clientId, text: send.text, ...target, ...files, ...(locale.value !== opts.locale ? { locale: locale.value } : {}) });
  }

  /** Sends the oldest unsent message if nothing is on the wire and no retry is pending. */
  function pump(): void {
    if (!welcomed || inFlight || retryTimer) return;
    const next = timeline.unsent()[0];
    if (!next) return;
    inFlight = next.clientId;
    // A reply the socket never brought (a dropped frame) must not stall the outbox: resend,
    // which the server deduplicates by clientId.
    inFlightTimer = setTimeout(() => {
      landed(next.clientId);
      pump();
    }, 10_000);
    sendFrame(next);
  }

  /** The send `clientId` got its answer (ack or error): the next one may go. */
  function landed(clientId: string): void {
    if (inFlight !== clientId) return;
    inFlight = null;
    if (inFlightTimer) clearTimeout(inFlightTimer);
    inFlightTimer = null;
  }

  /** On a fresh connection whatever was on the old one is resent, oldest first. */
  function flushOutbox(): void {
    if (inFlight) landed(inFlight);
    pump();
  }

  function sync(): void {
    if (conversationId && welcomed) socket.send({ type: 'sync', conversationId, afterSeq: timeline.lastSeq });
  }

  function switchConversation(id: string): void {
    if (id === conversationId) return;
    const old = timeline;
    current.value = conversationId = id;
    lastReadSent = 0;
    readSeq.value = 0;
    seenSeq.value = 0;
    timeline = newTimeline();
    // Unconfirmed sends belong to whatever conversation the server puts them in.
    for (const p of old.pendingSends()) if (p.seq === undefined) timeline.addPending(p);
  }

  function handleFrame(frame: VisitorServerFrame): void {
    tap?.(frame);
    switch (frame.type) {
      case 'welcome': {
        store.set(keys.token, frame.token);
        availability.value = frame.availability;
        profile.value = frame.profile;
        replyMin.value = frame.replyMin ?? null;
        conversations.value = frame.conversations;
        welcomed = true;
        socket.resetBackoff();
        const current = frame.conversations.find((c) => c.status !== 'resolved') ?? frame.conversations[0];
        if (current) {
          switchConversation(current.id);
          conversationStatus.value = current.status;
          readSeq.value = current.readSeq;
          if ((current.seenSeq ?? 0) > seenSeq.value) seenSeq.value = current.seenSeq ?? 0;
          sync();
        }
        if (identity) socket.send({ type: 'identify', ...identity });
        if (Object.keys(context).length) socket.send({ type: 'context', ...context });
        flushOutbox();
        refresh();
        return;
      }
      case 'identified': {
        verified.value = frame.verified;
        conversations.value = frame.conversations;
        // The shop vouched for this email (verified identify): never ask the shopper for it.
        if (frame.verified && identity?.email && !profile.value.email) profile.value = { ...profile.value, email: identity.email };
        const open = frame.conversations.find((c) => c.status !== 'resolved');
        if (open && (!conversationId || conversationStatus.value === 'resolved')) {
          switchConversation(open.id);
          conversationStatus.value = open.status;
          sync();
          refresh();
        }
        return;
      }
      case 'ack': {
        unqueue(frame.clientId);
        if (!conversationId) switchConversation(frame.conversationId);
        timeline.ack(frame.clientId, frame.seq);
        refresh();
        landed(frame.clientId);
        pump();
        return;
      }
      case 'message.created': {
        const m = frame.message;
        if (!conversationId || (m.conversationId !== conversationId && conversationStatus.value === 'resolved')) {
          switchConversation(m.conversationId);
        }
        if (m.conversationId !== conversationId) return;
        const result = timeline.apply(m);
        if (result === 'gap') sync();
        if (result === 'appended') {
          if (m.author.kind === 'agent') agentTyping.value = null;
          refresh();
          if (m.author.kind !== 'visitor') opts.onIncoming?.(items.value[items.value.length - 1]!);
        }
        return;
      }
      case 'history.result':
        // The shopper's panel loads from the start; older pages are not requested yet.
        return;
      case 'sync.result': {
        if (frame.conversationId !== conversationId) return;
        const before = timeline.lastSeq;
        timeline.applyPage(frame.messages);
        refresh();
        if (frame.hasMore && timeline.lastSeq > before) sync();
        return;
      }
      case 'conversation.updated': {
        if (!conversationId || frame.conversation.id === conversationId) {
          if (!conversationId) switchConversation(frame.conversation.id);
          conversationStatus.value = frame.conversation.status;
          if (frame.conversation.status !== 'queued') queue.value = null;
        }
        return;
      }
      case 'error': {
        handleError(frame.code, frame.ref, frame.retryAfterMs);
        return;
      }
      case 'typing': {
        if (frame.conversationId !== conversationId || frame.who.kind !== 'agent') return;
        if (typingTimer) clearTimeout(typingTimer);
        agentTyping.value = frame.on ? (frame.who.name ?? '') : null;
        // A lost "stopped typing" must not leave the indicator on forever.
        if (frame.on) typingTimer = setTimeout(() => (agentTyping.value = null), 8000);
        return;
      }
      case 'read': {
        if (frame.conversationId === conversationId && frame.by === 'agent' && frame.seq > readSeq.value) readSeq.value = frame.seq;
        return;
      }
      case 'queue':
        if (frame.conversationId === conversationId || !conversationId) queue.value = { position: frame.position, estimatedWaitMs: frame.estimatedWaitMs };
        return;
      case 'availability':
        availability.value = { available: frame.available, names: frame.names, backAt: frame.backAt ?? null };
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

  function handleError(code: ErrorCode, ref: string | undefined, retryAfterMs: number | undefined): void {
    const failed = ref ? timeline.pendingSends().find((p) => p.clientId === ref) : undefined;
    if (!failed) return;
    landed(failed.clientId);
    if (code === 'rate_limited') {
      notice.value = 'slow_down';
      if (noticeTimer) clearTimeout(noticeTimer);
      noticeTimer = setTimeout(() => (notice.value = null), Math.max(3000, retryAfterMs ?? 0));
    }
    if (RETRYABLE_ERRORS.includes(code)) {
      // Stays in the outbox; try again after the server's hint.
      if (!retryTimer) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          flushOutbox();
        }, retryAfterMs ?? 3000);
      }
      return;
    }
    // The server will never take this one as it is: show it as failed and stop resending.
    unqueue(failed.clientId);
    timeline.markFailed(failed.clientId, code);
    refresh();
    pump();
  }

  // ---- actions ----
  function start(): void {
    socket.start();
  }

  function send(text: string, attachments?: AttachmentRef[]): void {
    const trimmed = text.trim();
    if (!trimmed && !attachments?.length) return;
    const send: OutboxItem = { clientId: nanoid(), text: trimmed, createdAt: Date.now(), ...(attachments?.length ? { attachments } : {}) };
    outbox((l) => [...l, send]);
    timeline.addPending(send);
    refresh();
    start();
    pump();
  }

  function retry(clientId: string): void {
    const p = timeline.pendingSends().find((x) => x.clientId === clientId);
    if (!p || p.state !== 'failed') return;
    timeline.markSending(clientId);
    outbox((l) => [...l, { clientId, text: p.text, createdAt: p.createdAt }]);
    refresh();
    pump();
  }

  const uploads = signal<Upload[]>([]);
  /** Place in the queue while waiting for a person. */
  const queue = signal<{ position: number; estimatedWaitMs: number | null } | null>(null);
  /** A passing notice for the shopper (e.g. slow down). */
  const notice = signal<'slow_down' | null>(null);
  let noticeTimer: ReturnType<typeof setTimeout> | null = null;

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
    const existing = store.get(keys.token);
    if (existing && welcomed) return Promise.resolve(existing);
    return new Promise((resolve) => {
      let tries = 0;
      const timer = setInterval(() => {
        const token = store.get(keys.token);
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

  /** Tells the team the shopper is (or stopped) typing; throttled to one "on" every 3 s. */
  function typing(on: boolean, preview?: string): void {
    if (!conversationId || !welcomed) return;
    const now = Date.now();
    if (typingOffTimer) clearTimeout(typingOffTimer);
    if (on) {
      if (now - sentTypingAt > 3000) {
        sentTypingAt = now;
        socket.send({ type: 'typing', conversationId, on: true, ...(preview ? { preview: preview.slice(0, 1000) } : {}) });
      }
      typingOffTimer = setTimeout(() => typing(false), 5000);
    } else if (sentTypingAt) {
      sentTypingAt = 0;
      socket.send({ type: 'typing', conversationId, on: false });
    }
  }

  /** Marks everything shown as read (call while the panel is open and visible). */
  function markRead(): void {
    const seq = timeline.lastSeq;
    if (!conversationId || !welcomed || seq <= lastReadSent) return;
    lastReadSent = seq;
    seenSeq.value = seq;
    socket.send({ type: 'read', conversationId, seq });
  }

  /** Tells the server who the shopper is (the shop's `identify` command). */
  function identify(payload: unknown): void {
    if (typeof payload !== 'object' || payload === null) return;
    const p = payload as Record<string, unknown>;
    if (typeof p.id !== 'string' && typeof p.id !== 'number') return;
    const str = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
    const id = String(p.id);
    const previous = store.get(keys.identity);
    if (previous !== null && previous !== id) {
      // Another person signed in on this device: their chat must not show the previous one's.
      forget();
      socket.stop();
    }
    store.set(keys.identity, id);
    identity = {
      id,
      ...(str(p.email) ? { email: str(p.email)! } : {}),
      ...(str(p.name) ? { name: str(p.name)! } : {}),
      ...(str(p.hash) ? { hash: str(p.hash)! } : {}),
    };
    if (welcomed) socket.send({ type: 'identify', ...identity });
  }

  function forget(): void {
    store.set(keys.token, null);
    store.set(keys.outbox, null);
    store.set(keys.identity, null);
    identity = null;
    welcomed = false;
    if (inFlight) landed(inFlight);
    verified.value = null;
    batch(() => {
      timeline = newTimeline();
      current.value = conversationId = null;
      conversations.value = [];
      conversationStatus.value = null;
      refresh();
    });
  }

  /** Asks for the conversation shown by e-mail (to the address the shopper left). */
  function transcript(): void {
    if (conversationId && welcomed) socket.send({ type: 'transcript', conversationId });
  }

  /** Shows one of the shopper's conversations (from `conversations`); writing in it continues it. */
  function openConversation(id: string): void {
    const c = conversations.value.find((x) => x.id === id);
    if (!c) return;
    batch(() => {
      switchConversation(id);
      conversationStatus.value = c.status;
      readSeq.value = c.readSeq;
      refresh();
    });
    sync();
  }

  /** Forget this visitor on this device (e.g. the shop's logout). */
  function shutdown(): void {
    socket.stop();
    forget();
  }

  // Restore sends that never reached the server (reload, crash, offline).
  for (const item of readOutbox(store, keys.outbox)) timeline.addPending(item);
  refresh();

  return {
    status,
    items,
    locale,
    brand,
    availability,
    profile,
    replyMin,
    conversations,
    current,
    openConversation,
    transcript,
    notice,
    queue,
    saveProfile,
    conversationStatus,
    verified,
    agentTyping,
    readSeq,
    seenSeq,
    proactive,
    /** The shopper's small preferences and markers on this site (sound, first visit, caps). */
    pref: {
      get: (key: string) => store.get(`mostrador:${opts.siteKey}:${key}`),
      set: (key: string, value: string) => store.set(`mostrador:${opts.siteKey}:${key}`, value),
    },
    start,
    send,
    retry,
    attach,
    uploads,
    dismissUpload,
    identify,
    setContext,
    /** Rates the current conversation (ui/Rating.tsx), `listen` hearing every frame from then on. */
    rate(frame: Omit<Extract<VisitorClientFrame, { type: 'conversation.rate' }>, 'conversationId'>, listen: typeof tap) {
      tap = listen;
      socket.send({ ...frame, conversationId });
    },
    typing,
    markRead,
    shutdown,
  };
}
