/**
 * The agent's inbox over /ws/agent: the conversation list, one timeline per opened
 * conversation, unread counts, and sends with resend-after-reconnect (deduped by clientId).
 */
import { computed, signal } from '@preact/signals';
import { nanoid } from 'nanoid';
import { RETRYABLE_ERRORS } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import {
  PROTOCOL_VERSION,
  parseAgentServerFrame,
  type AgentServerFrame,
  type ConversationSummary,
  type Message,
} from '../../shared/protocol';
import { ReconnectingSocket, type ReconnectingSocketOptions, type SocketStatus } from '../../shared/reconnecting-socket';
import { PagedTimeline, type AttachmentRef, type PendingSend, type TimelineItem } from '../../shared/timeline';
import type { AgentInfo } from './session';
import { createActions, type ConversationAction } from './actions';
import { createLiveVisitors } from './live-visitors';
import { createDraftFiles } from './uploads';
import { isSnoozed, nextNeedingReply, visibleConversations, type View } from './views';

export interface IncomingEvent {
  kind: 'message' | 'conversation';
  conversationId: string;
  text: string;
}

/** What the inbox needs of its connection. */
export type InboxTransport = Pick<ReconnectingSocket<AgentServerFrame>, 'start' | 'stop' | 'send' | 'resetBackoff'>;

export function createInbox(
  agent: AgentInfo,
  opts: {
    socketUrl: string;
    onSessionEnded(): void;
    onIncoming?(e: IncomingEvent): void;
    /** The connection (default: a ReconnectingSocket to `socketUrl`); tests pass a fake. */
    transport?(handlers: ReconnectingSocketOptions<AgentServerFrame>): InboxTransport;
  },
) {
  const status = signal<SocketStatus>('closed');
  const conversations = signal<Map<string, ConversationSummary>>(new Map());
  const selectedId = signal<string | null>(null);
  const unread = signal<Map<string, number>>(new Map());
  const selectedItems = signal<TimelineItem[]>([]);
  /** The team and who is online, away or offline. */
  const team = signal<{ id: string; name: string; status: 'online' | 'away' | 'offline' }[]>([]);
  /** Messages whose e-mail was given up: message id → the mail server's answer (shown beside the message). */
  const emailFailures = signal<Map<string, string>>(new Map());
  /** The server sends e-mail (SMTP_URL, or the demo's mailbox). */
  const emailConfigured = signal(true);
  /** This agent's chosen status. */
  const myStatus = signal<'online' | 'away'>('online');
  /** Conversations whose shopper is typing now, with the live preview when the site allows it. */
  const typing = signal<Map<string, { preview?: string; at: number }>>(new Map());
  const timelines = new Map<string, PagedTimeline>();
  /** Conversations whose newest page is still on its way (live messages wait for it). */
  const loading = new Set<string>();
  const selectedHasEarlier = signal(false);
  /** Newest page size when a conversation opens; older pages load on demand. */
  const PAGE = 100;
  let welcomed = false;
  let lastTypingSent = 0;
  const readSent = new Map<string, number>();

  const sorted = computed(() => [...conversations.value.values()].sort((a, b) => b.updatedAt - a.updatedAt));
  const view = signal<View>('open');
  const query = signal('');
  /** The channel filter: every conversation, those only in the chat, or those with e-mail. */
  const channel = signal<'all' | 'chat' | 'email'>('all');
  /** The tag filter: '' for every conversation, else only those with this tag. */
  const tag = signal('');
  const visible = computed(() =>
    visibleConversations(sorted.value, view.value, agent.id, query.value).filter(
      (c) => (channel.value === 'all' || (channel.value === 'email') === (c.viaEmail === true)) && (!tag.value || (c.tags ?? []).includes(tag.value)),
    ),
  );
  /** Every tag on a listed conversation, sorted (the tag filter's choices). */
  const tagsInUse = computed(() => [...new Set(sorted.value.flatMap((c) => c.tags ?? []))].sort());
  /** Tag changes on their way (by clientId), and the last one refused. */
  const pendingTags = new Set<string>();
  const tagError = signal<{ code: string; message: string } | null>(null);
  const queued = computed(() => sorted.value.filter((c) => c.status === 'queued' && !isSnoozed(c)).length);
  const snoozed = computed(() => sorted.value.filter(isSnoozed).length);
  /** Unsent drafts per conversation, kept while switching chats. */
  const drafts = new Map<string, { text: string; mode: 'text' | 'note' }>();
  /** And the files for each conversation's next message (uploading or stored). */
  const draftFiles = createDraftFiles();
  const selected = computed(() => (selectedId.value ? conversations.value.get(selectedId.value) ?? null : null));

  const socket = (opts.transport ?? ((h) => new ReconnectingSocket(h)))({
    url: () => opts.socketUrl,
    parse: parseAgentServerFrame,
    onOpen() {
      welcomed = false;
      socket.send({ type: 'hello', v: PROTOCOL_VERSION });
    },
    onFrame: handle,
    onStatus(s) {
      status.value = s;
    },
    onFatal() {
      opts.onSessionEnded();
    },
  });
  /** Live visitors, over the same connection. */
  const live = createLiveVisitors({ send: (frame) => socket.send(frame), ready: () => welcomed });

  function refreshSelected(): void {
    const id = selectedId.value;
    const tl = id ? timelines.get(id) : undefined;
    selectedItems.value = tl?.items() ?? [];
    selectedHasEarlier.value = tl?.hasEarlier ?? false;
  }

  function upsert(summary: ConversationSummary): void {
    const next = new Map(conversations.value);
    next.set(summary.id, summary);
    conversations.value = next;
  }

  function sync(id: string): void {
    const tl = timelines.get(id);
    if (!tl || !welcomed) return;
    if (loading.has(id)) {
      // Newest page first: a long history is paged, never loaded whole.
      socket.send({ type: 'history', conversationId: id, beforeSeq: 2_147_483_647, limit: PAGE });
      return;
    }
    socket.send({ type: 'sync', conversationId: id, afterSeq: tl.lastSeq });
  }

  /** The message a search result opened the chat at: older pages load until it is there. */
  const focus = signal<{ conversationId: string; seq: number } | null>(null);

  function loadUntilFocus(id: string): void {
    const f = focus.value;
    const tl = timelines.get(id);
    if (!f || f.conversationId !== id || !tl || loading.has(id) || !welcomed) return;
    if (tl.hasEarlier && tl.firstSeq > f.seq) socket.send({ type: 'history', conversationId: id, beforeSeq: tl.firstSeq, limit: PAGE });
  }

  /** Opens a chat at one of its messages (a search result); the chat may not be in the agent's list. */
  function openAt(summary: ConversationSummary, seq: number): void {
    if (!conversations.value.has(summary.id)) upsert(summary);
    focus.value = { conversationId: summary.id, seq };
    select(summary.id);
    loadUntilFocus(summary.id);
  }

  /** Opens a chat that may not be in the agent's list (a past conversation of the contact). */
  function open(summary: ConversationSummary): void {
    if (!conversations.value.has(summary.id)) upsert(summary);
    select(summary.id);
  }

  /** Loads the page before the first message shown. */
  function loadEarlier(): void {
    const id = selectedId.value;
    const tl = id ? timelines.get(id) : undefined;
    if (!id || !tl || !tl.hasEarlier || !welcomed) return;
    socket.send({ type: 'history', conversationId: id, beforeSeq: tl.firstSeq, limit: PAGE });
  }

  /**
   * Tells the server which chats are open here (their timelines): it sends their messages as they
   * come, and only coalesced list updates for the rest. The oldest closed timeline is dropped past
   * the limit (it loads again when opened).
   */
  function sendWatch(): void {
    while (timelines.size > LIMITS.agentWatch) {
      const oldest = [...timelines.keys()].find((id) => id !== selectedId.value);
      if (oldest === undefined) break;
      timelines.delete(oldest);
      loading.delete(oldest);
    }
    if (welcomed) socket.send({ type: 'watch', conversationIds: [...timelines.keys()] });
  }

  function noteMessage(m: Message): void {
    const current = conversations.value.get(m.conversationId);
    if (current && m.seq > current.lastSeq) {
      upsert({ ...current, lastSeq: m.seq, updatedAt: m.createdAt, lastMessage: { text: m.text.slice(0, 140), authorKind: m.author.kind, createdAt: m.createdAt } });
    }
  }

  function handle(frame: AgentServerFrame): void {
    if (live.handle(frame)) return;
    switch (frame.type) {
      case 'welcome': {
        welcomed = true;
        socket.resetBackoff();
        conversations.value = new Map(frame.conversations.map((c) => [c.id, c]));
        live.welcome(frame);
        team.value = frame.team;
        myStatus.value = frame.status;
        emailConfigured.value = frame.email !== false;
        sendWatch();
        for (const [id, tl] of timelines) {
          sync(id);
          for (const p of tl.unsent()) socket.send(sendFrame(id, p));
        }
        return;
      }
      case 'conversation.updated': {
        const isNew = !conversations.value.has(frame.conversation.id);
        upsert(frame.conversation);
        if (isNew && welcomed) opts.onIncoming?.({ kind: 'conversation', conversationId: frame.conversation.id, text: frame.conversation.lastMessage?.text ?? '' });
        return;
      }
      case 'message.created': {
        const m = frame.message;
        noteMessage(m);
        if (m.author.kind === 'visitor' && typing.value.has(m.conversationId)) {
          const next = new Map(typing.value);
          next.delete(m.conversationId);
          typing.value = next;
        }
        const tl = timelines.get(m.conversationId);
        if (tl && !loading.has(m.conversationId)) {
          const r = tl.apply(m);
          if (r === 'gap') sync(m.conversationId);
          if (m.conversationId === selectedId.value) refreshSelected();
        }
        if (m.author.kind === 'visitor') {
          if (m.conversationId !== selectedId.value || document.visibilityState !== 'visible') {
            const next = new Map(unread.value);
            next.set(m.conversationId, (next.get(m.conversationId) ?? 0) + 1);
            unread.value = next;
          }
          opts.onIncoming?.({ kind: 'message', conversationId: m.conversationId, text: m.text });
        }
        return;
      }
      case 'conversations.touched': {
        // Chats not open here: the list's preview and order, unread counts, notifications.
        const next = new Map(conversations.value);
        const unreadNext = new Map(unread.value);
        let typingNext: Map<string, { preview?: string; at: number }> | null = null;
        for (const item of frame.items) {
          const current = next.get(item.conversationId);
          if (current && item.lastSeq > current.lastSeq) next.set(item.conversationId, { ...current, lastSeq: item.lastSeq, updatedAt: item.updatedAt, lastMessage: item.lastMessage });
          if (item.visitorMessages === 0) continue;
          if (typing.value.has(item.conversationId)) (typingNext ??= new Map(typing.value)).delete(item.conversationId);
          if (item.conversationId !== selectedId.value || document.visibilityState !== 'visible') {
            unreadNext.set(item.conversationId, (unreadNext.get(item.conversationId) ?? 0) + item.visitorMessages);
          }
          opts.onIncoming?.({ kind: 'message', conversationId: item.conversationId, text: item.lastMessage.text });
        }
        conversations.value = next;
        unread.value = unreadNext;
        if (typingNext) typing.value = typingNext;
        return;
      }
      case 'history.result': {
        const tl = timelines.get(frame.conversationId);
        if (!tl) return;
        if (loading.delete(frame.conversationId)) {
          if (frame.conversationId === selectedId.value) performance.mark('mostrador:data');
          tl.startAt(frame.messages, frame.hasMore);
          sync(frame.conversationId); // anything that arrived while the page was on its way
        } else {
          tl.prepend(frame.messages, frame.hasMore);
        }
        loadUntilFocus(frame.conversationId);
        if (frame.conversationId === selectedId.value) refreshSelected();
        return;
      }
      case 'sync.result': {
        const tl = timelines.get(frame.conversationId);
        if (!tl) return;
        const before = tl.lastSeq;
        tl.applyPage(frame.messages);
        if (frame.conversationId === selectedId.value) refreshSelected();
        if (frame.hasMore && tl.lastSeq > before) sync(frame.conversationId);
        return;
      }
      case 'ack': {
        if (actions.acked(frame)) {
          // The chat the agent started: open it in their own view.
          view.value = 'mine';
          select(frame.conversationId);
        }
        timelines.get(frame.conversationId)?.ack(frame.clientId, frame.seq);
        if (frame.conversationId === selectedId.value) refreshSelected();
        return;
      }
      case 'error': {
        if (frame.ref && pendingTags.delete(frame.ref)) {
          tagError.value = { code: frame.code, message: frame.message ?? frame.code };
          return;
        }
        if (actions.refused(frame)) return;
        if (!frame.ref || RETRYABLE_ERRORS.includes(frame.code)) return;
        for (const [id, tl] of timelines) {
          if (tl.pendingSends().some((p) => p.clientId === frame.ref)) {
            tl.markFailed(frame.ref, frame.code);
            if (id === selectedId.value) refreshSelected();
          }
        }
        return;
      }
      case 'team':
        team.value = frame.agents;
        return;
      case 'visitors.delta':
      case 'visitors.page':
      case 'visitor.detail':
        return; // live visitors (above)
      case 'typing': {
        if (frame.who.kind !== 'visitor') return;
        const next = new Map(typing.value);
        if (frame.on) next.set(frame.conversationId, { ...(frame.preview ? { preview: frame.preview } : {}), at: Date.now() });
        else next.delete(frame.conversationId);
        typing.value = next;
        return;
      }
      case 'read': {
        const current = conversations.value.get(frame.conversationId);
        if (frame.by === 'visitor' && current && frame.seq > current.visitorReadSeq) upsert({ ...current, visitorReadSeq: frame.seq });
        return;
      }
      case 'email.failed': {
        const next = new Map(emailFailures.value);
        for (const id of frame.messageIds) next.set(id, frame.error);
        emailFailures.value = next;
        return;
      }
      case 'pong':
        return;
      default: {
        const never: never = frame;
        return never;
      }
    }
  }

  /** Moves the selection up or down the current view (keyboard shortcut). */
  function selectNext(delta: 1 | -1): void {
    const list = visible.value;
    if (list.length === 0) return;
    const at = list.findIndex((c) => c.id === selectedId.value);
    const next = at === -1 ? (delta === 1 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta));
    select(list[next]!.id);
  }

  /** Alt+↓ / Alt+↑: the next or previous chat of the view whose shopper waits for a reply; false when none does. */
  function selectNeedingReply(delta: 1 | -1): boolean {
    const id = nextNeedingReply(visible.value, selectedId.value, delta);
    if (id) select(id);
    return id !== null;
  }

  function clearUnread(id: string): void {
    if (!unread.value.get(id)) return;
    const next = new Map(unread.value);
    next.delete(id);
    unread.value = next;
  }

  function select(id: string): void {
    if (selectedId.value !== id) tagError.value = null;
    selectedId.value = id;
    performance.mark('mostrador:select');
    if (!timelines.has(id)) {
      timelines.set(id, new PagedTimeline({ kind: 'agent', id: agent.id, name: agent.name }));
      loading.add(id);
      sendWatch();
    }
    sync(id);
    if (unread.value.get(id)) {
      const next = new Map(unread.value);
      next.delete(id);
      unread.value = next;
    }
    refreshSelected();
  }

  /** The frame of a pending send (a first send, a resend after reconnect, a retry): its files go with it. */
  function sendFrame(conversationId: string, p: Pick<PendingSend, 'clientId' | 'text' | 'kind' | 'attachments'>, byEmail = false) {
    const kind = p.kind ?? 'text';
    return {
      type: 'message.send' as const,
      conversationId,
      clientId: p.clientId,
      text: p.text,
      kind,
      ...(p.attachments?.length ? { attachments: p.attachments.map((a) => a.id) } : {}),
      ...(byEmail && kind === 'text' ? { byEmail: true } : {}),
    };
  }

  /** Sends a reply or a note, with the files the agent uploaded for it (text may then be empty). */
  function send(text: string, kind: 'text' | 'note' = 'text', byEmail = false, attachments: AttachmentRef[] = []): void {
    const id = selectedId.value;
    const tl = id ? timelines.get(id) : undefined;
    const trimmed = text.trim();
    if (!id || !tl || (!trimmed && attachments.length === 0)) return;
    const clientId = nanoid();
    const pending = { clientId, text: trimmed, createdAt: Date.now(), kind, ...(attachments.length ? { attachments } : {}) };
    tl.addPending(pending);
    refreshSelected();
    if (kind === 'text') sendTyping(false);
    if (welcomed) socket.send(sendFrame(id, pending, byEmail));
  }

  const actions = createActions({ send: (frame) => socket.send(frame), ready: () => welcomed });

  /**
   * Takes, transfers (to an agent or a team, with an optional note), resolves, reopens or
   * returns the selected conversation to the bot.
   */
  function act(action: ConversationAction, to?: { agentId?: string; team?: string; note?: string; until?: number }): void {
    const id = selectedId.value;
    if (id) actions.act(conversations.value.get(id) ?? { id }, action, to);
  }

  /** Adds (`on`) or removes a tag on a conversation; every agent sees the change (`conversation.updated`). */
  function setTag(conversationId: string, name: string, on: boolean): void {
    if (!welcomed || !name.trim()) return;
    const clientId = nanoid();
    pendingTags.add(clientId);
    tagError.value = null;
    socket.send({ type: 'conversation.tag', clientId, conversationId, tag: name, on });
  }

  /** Online (takes chats) or away (does not); shoppers see whether anyone is online. */
  function setStatus(status: 'online' | 'away'): void {
    myStatus.value = status;
    if (welcomed) socket.send({ type: 'status', status });
  }

  /** Shares one of the (verified) customer's orders with the shopper as a card. */
  function shareOrder(orderId: string): void {
    const id = selectedId.value;
    if (!id || !welcomed) return;
    socket.send({ type: 'order.share', conversationId: id, clientId: nanoid(), orderId });
  }

  /** Tells the shopper the agent is typing; at most one "on" every 3 s. */
  function sendTyping(on: boolean): void {
    const id = selectedId.value;
    if (!id || !welcomed) return;
    const now = Date.now();
    if (on && now - lastTypingSent < 3000) return;
    if (!on && lastTypingSent === 0) return;
    lastTypingSent = on ? now : 0;
    socket.send({ type: 'typing', conversationId: id, on });
  }

  /** Marks the selected conversation read up to what is shown. */
  function markRead(): void {
    const id = selectedId.value;
    const tl = id ? timelines.get(id) : undefined;
    if (!id || !tl || !welcomed) return;
    const seq = tl.lastSeq;
    if (seq <= (readSent.get(id) ?? 0)) return;
    readSent.set(id, seq);
    socket.send({ type: 'read', conversationId: id, seq });
  }

  function retry(clientId: string): void {
    const id = selectedId.value;
    const tl = id ? timelines.get(id) : undefined;
    const p = tl?.pendingSends().find((x) => x.clientId === clientId);
    if (!id || !tl || !p) return;
    tl.markSending(clientId);
    refreshSelected();
    if (welcomed) socket.send(sendFrame(id, p));
  }

  return {
    status,
    conversations: sorted,
    selected,
    selectedId,
    selectedItems,
    unread,
    visitors: live.visitors,
    visitorsMore: live.more,
    visitorCounts: live.counts,
    loadMoreVisitors: live.loadMore,
    presence: live.presence,
    watchVisitor: live.watch,
    view,
    query,
    visible,
    queued,
    snoozed,
    drafts,
    draftFiles,
    selectNext,
    selectNeedingReply,
    loadEarlier,
    selectedHasEarlier,
    clearUnread,
    typing,
    sendTyping,
    markRead,
    shareOrder,
    team,
    emailFailures,
    emailConfigured,
    channel,
    tag,
    tagsInUse,
    setTag,
    tagError,
    myStatus,
    setStatus,
    act,
    /** Acts on any conversation, selected or not (the supervisor view reassigns from its list). */
    actOn: actions.act,
    actionError: actions.actionError,
    startChat: actions.startChat,
    startError: actions.startError,
    started: actions.started,
    start: () => socket.start(),
    stop: () => socket.stop(),
    select,
    send,
    retry,
    focus,
    openAt,
    open,
  };
}

export type Inbox = ReturnType<typeof createInbox>;
