/**
 * The agent's inbox over /ws/agent, composed of small models that each get the connection (and
 * the clock) passed in: the conversation list (conversation-list.ts), the chats open here with
 * their messages and sends (open-chats.ts), unread counts (unread.ts), the filters (views.ts),
 * tag changes (tags.ts), actions (actions.ts) and live visitors (live-visitors.ts). This module
 * owns the socket, the selection and the agent's own state, and routes each frame to its model.
 */
import { batch, computed, signal } from '@preact/signals';
import { nanoid } from 'nanoid';
import { realClock } from '../../shared/clock';
import { PROTOCOL_VERSION, parseAgentServerFrame, type AgentClientFrame, type AgentServerFrame, type ConversationSummary } from '../../shared/protocol';
import { ReconnectingSocket, type ReconnectingSocketOptions, type SocketStatus } from '../../shared/reconnecting-socket';
import type { AgentInfo } from './session';
import { createActions, type ConversationAction } from './actions';
import { createConversationList } from './conversation-list';
import { createLiveVisitors } from './live-visitors';
import { createOpenChats } from './open-chats';
import { createTagging } from './tags';
import { createUnread } from './unread';
import { createDraftFiles } from './uploads';
import { createFilters, nextNeedingReply, stepThrough } from './views';

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
  const selectedId = signal<string | null>(null);
  /** The team and who is online, away or offline. */
  const team = signal<{ id: string; name: string; status: 'online' | 'away' | 'offline' }[]>([]);
  /** Messages whose e-mail was given up: message id → the mail server's answer (shown beside the message). */
  const emailFailures = signal<Map<string, string>>(new Map());
  /** The server sends e-mail (SMTP_URL, or the demo's mailbox). */
  const emailConfigured = signal(true);
  /** This agent's chosen status. */
  const myStatus = signal<'online' | 'away'>('online');
  /** Unsent drafts per conversation, kept while switching chats. */
  const drafts = new Map<string, { text: string; mode: 'text' | 'note' }>();
  /** And the files for each conversation's next message (uploading or stored). */
  const draftFiles = createDraftFiles();
  let welcomed = false;

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
  const conn = { send: (frame: AgentClientFrame) => socket.send(frame), ready: () => welcomed, newId: nanoid };
  const list = createConversationList(realClock);
  const chats = createOpenChats(conn, realClock, { kind: 'agent', id: agent.id, name: agent.name }, selectedId);
  const unread = createUnread((id) => id === selectedId.value && document.visibilityState === 'visible');
  const filters = createFilters(list.sorted, agent.id);
  const tagging = createTagging(conn);
  const actions = createActions(conn);
  /** Live visitors, over the same connection. */
  const live = createLiveVisitors(conn);
  const selected = computed(() => (selectedId.value ? list.conversations.value.get(selectedId.value) ?? null : null));

  function handle(frame: AgentServerFrame): void {
    if (live.handle(frame)) return;
    switch (frame.type) {
      case 'welcome': {
        welcomed = true;
        socket.resetBackoff();
        list.welcome(frame.conversations);
        live.welcome(frame);
        team.value = frame.team;
        myStatus.value = frame.status;
        emailConfigured.value = frame.email !== false;
        chats.welcome();
        return;
      }
      case 'conversation.updated': {
        const isNew = list.updated(frame.conversation);
        if (isNew && welcomed) opts.onIncoming?.({ kind: 'conversation', conversationId: frame.conversation.id, text: frame.conversation.lastMessage?.text ?? '' });
        return;
      }
      case 'message.created': {
        const m = frame.message;
        list.message(m);
        chats.frame(frame);
        if (m.author.kind === 'visitor') {
          unread.add([[m.conversationId, 1]]);
          opts.onIncoming?.({ kind: 'message', conversationId: m.conversationId, text: m.text });
        }
        return;
      }
      case 'conversations.touched': {
        // Chats not open here: the list's preview and order, unread counts, notifications.
        batch(() => {
          list.touched(frame.items);
          unread.add(frame.items.map((i) => [i.conversationId, i.visitorMessages] as const));
        });
        for (const item of frame.items) {
          if (item.visitorMessages > 0) opts.onIncoming?.({ kind: 'message', conversationId: item.conversationId, text: item.lastMessage.text });
        }
        return;
      }
      case 'history.result':
      case 'sync.result':
        chats.frame(frame);
        return;
      case 'ack': {
        if (actions.acked(frame)) {
          // The chat the agent started: open it in their own view.
          filters.view.value = 'mine';
          select(frame.conversationId);
        }
        chats.frame(frame);
        return;
      }
      case 'error': {
        if (tagging.refused(frame) || actions.refused(frame)) return;
        chats.frame(frame);
        return;
      }
      case 'team':
        team.value = frame.agents;
        return;
      case 'visitors.delta':
      case 'visitors.page':
      case 'visitor.detail':
        return; // live visitors (above)
      case 'typing':
      case 'read':
        list.frame(frame);
        return;
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

  function select(id: string): void {
    if (selectedId.value !== id) tagging.tagError.value = null;
    selectedId.value = id;
    performance.mark('mostrador:select');
    chats.open(id);
    unread.clear(id);
    chats.refresh();
  }

  /** Opens a chat that may not be in the agent's list (a past conversation of the contact). */
  function open(summary: ConversationSummary): void {
    if (!list.conversations.value.has(summary.id)) list.upsert(summary);
    select(summary.id);
  }

  /** Opens a chat at one of its messages (a search result); the chat may not be in the agent's list. */
  function openAt(summary: ConversationSummary, seq: number): void {
    if (!list.conversations.value.has(summary.id)) list.upsert(summary);
    chats.focus.value = { conversationId: summary.id, seq };
    select(summary.id);
    chats.loadUntilFocus(summary.id);
  }

  return {
    status,
    conversations: list.sorted,
    selected,
    selectedId,
    selectedItems: chats.selectedItems,
    unread: unread.unread,
    visitors: live.visitors,
    visitorsMore: live.more,
    visitorCounts: live.counts,
    loadMoreVisitors: live.loadMore,
    presence: live.presence,
    watchVisitor: live.watch,
    view: filters.view,
    query: filters.query,
    visible: filters.visible,
    queued: filters.queued,
    snoozed: filters.snoozed,
    drafts,
    draftFiles,
    /** Moves the selection up or down the current view (keyboard shortcut). */
    selectNext(delta: 1 | -1): void {
      const id = stepThrough(filters.visible.value, selectedId.value, delta);
      if (id) select(id);
    },
    /** Alt+↓ / Alt+↑: the next or previous chat of the view whose shopper waits for a reply; false when none does. */
    selectNeedingReply(delta: 1 | -1): boolean {
      const id = nextNeedingReply(filters.visible.value, selectedId.value, delta);
      if (id) select(id);
      return id !== null;
    },
    loadEarlier: chats.loadEarlier,
    selectedHasEarlier: chats.selectedHasEarlier,
    clearUnread: unread.clear,
    typing: list.typing,
    sendTyping: chats.sendTyping,
    markRead: chats.markRead,
    /** Shares one of the (verified) customer's orders with the shopper as a card. */
    shareOrder(orderId: string): void {
      const id = selectedId.value;
      if (!id || !welcomed) return;
      socket.send({ type: 'order.share', conversationId: id, clientId: nanoid(), orderId });
    },
    team,
    emailFailures,
    emailConfigured,
    channel: filters.channel,
    tag: filters.tag,
    tagsInUse: filters.tagsInUse,
    setTag: tagging.setTag,
    tagError: tagging.tagError,
    myStatus,
    /** Online (takes chats) or away (does not); shoppers see whether anyone is online. */
    setStatus(s: 'online' | 'away'): void {
      myStatus.value = s;
      if (welcomed) socket.send({ type: 'status', status: s });
    },
    /**
     * Takes, transfers (to an agent or a team, with an optional note), resolves, reopens or
     * returns the selected conversation to the bot.
     */
    act(action: ConversationAction, to?: { agentId?: string; team?: string; note?: string; until?: number }): void {
      const id = selectedId.value;
      if (id) actions.act(list.conversations.value.get(id) ?? { id }, action, to);
    },
    /** Acts on any conversation, selected or not (the supervisor view reassigns from its list). */
    actOn: actions.act,
    actionError: actions.actionError,
    startChat: actions.startChat,
    startError: actions.startError,
    started: actions.started,
    start: () => socket.start(),
    stop: () => socket.stop(),
    select,
    send: chats.send,
    retry: chats.retry,
    focus: chats.focus,
    openAt,
    open,
  };
}

export type Inbox = ReturnType<typeof createInbox>;
