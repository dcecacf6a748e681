/**
 * The agent's conversation list: the rows the server sent (welcome, `conversation.updated`),
 * newest first, each row's preview and order moved forward — never back — by the messages of
 * the chats open here and by the coalesced `conversations.touched` updates for the rest; how far
 * each shopper has read; and which shoppers are typing now (with the live preview when the site
 * allows it), until they stop or their message arrives.
 */
import { computed, signal } from '@preact/signals';
import type { Clock } from '../../shared/clock';
import type { AgentServerFrame, ConversationSummary, Message } from '../../shared/protocol';

type Frame<T extends AgentServerFrame['type']> = Extract<AgentServerFrame, { type: T }>;

export function createConversationList(clock: Clock) {
  const conversations = signal<Map<string, ConversationSummary>>(new Map());
  /** Every row, the most recently updated first. */
  const sorted = computed(() => [...conversations.value.values()].sort((a, b) => b.updatedAt - a.updatedAt));
  /** Conversations whose shopper is typing now, with the live preview when the site allows it. */
  const typing = signal<Map<string, { preview?: string; at: number }>>(new Map());

  function upsert(summary: ConversationSummary): void {
    const next = new Map(conversations.value);
    next.set(summary.id, summary);
    conversations.value = next;
  }

  function stoppedTyping(ids: string[]): void {
    const stopped = ids.filter((id) => typing.value.has(id));
    if (!stopped.length) return;
    const next = new Map(typing.value);
    for (const id of stopped) next.delete(id);
    typing.value = next;
  }

  return {
    conversations,
    sorted,
    typing,
    upsert,

    /** A (re)connect's list replaces the rows. */
    welcome(list: ConversationSummary[]): void {
      conversations.value = new Map(list.map((c) => [c.id, c]));
    },

    /** A row changed (an action, a new chat): true when it is new to the list. */
    updated(summary: ConversationSummary): boolean {
      const isNew = !conversations.value.has(summary.id);
      upsert(summary);
      return isNew;
    },

    /** A message of a chat open here: its row moves forward; a shopper's ends their typing. */
    message(m: Message): void {
      const current = conversations.value.get(m.conversationId);
      if (current && m.seq > current.lastSeq) {
        upsert({ ...current, lastSeq: m.seq, updatedAt: m.createdAt, lastMessage: { text: m.text.slice(0, 140), authorKind: m.author.kind, createdAt: m.createdAt } });
      }
      if (m.author.kind === 'visitor') stoppedTyping([m.conversationId]);
    },

    /** The coalesced updates of chats not open here: rows move forward; shoppers who wrote stopped typing. */
    touched(items: Frame<'conversations.touched'>['items']): void {
      const next = new Map(conversations.value);
      for (const item of items) {
        const current = next.get(item.conversationId);
        if (current && item.lastSeq > current.lastSeq) next.set(item.conversationId, { ...current, lastSeq: item.lastSeq, updatedAt: item.updatedAt, lastMessage: item.lastMessage });
      }
      conversations.value = next;
      stoppedTyping(items.filter((i) => i.visitorMessages > 0).map((i) => i.conversationId));
    },

    /** A shopper typing (or stopping), and how far a shopper has read (only forward). */
    frame(f: Frame<'typing'> | Frame<'read'>): void {
      if (f.type === 'read') {
        const current = conversations.value.get(f.conversationId);
        if (f.by === 'visitor' && current && f.seq > current.visitorReadSeq) upsert({ ...current, visitorReadSeq: f.seq });
        return;
      }
      if (f.who.kind !== 'visitor') return;
      const next = new Map(typing.value);
      if (f.on) next.set(f.conversationId, { ...(f.preview ? { preview: f.preview } : {}), at: clock.now() });
      else next.delete(f.conversationId);
      typing.value = next;
    },
  };
}

export type ConversationList = ReturnType<typeof createConversationList>;
