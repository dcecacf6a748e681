/**
 * The chats open in this console (the selected one and those opened before it, up to the
 * server's watch limit): one timeline each, loaded newest page first and older pages on demand
 * (to the message a search result points at), kept gap-free by `sync` after a live frame past a
 * gap and after every reconnect; the agent's sends with resend after reconnect (deduped by
 * clientId), retry after a refusal; the agent's typing (one "on" every 3 s at most) and read
 * receipts (only when the seq moved). The connection, the clock and the selection are passed in.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Clock } from '../../shared/clock';
import { RETRYABLE_ERRORS } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import type { AgentClientFrame, AgentServerFrame, Author } from '../../shared/protocol';
import { PagedTimeline, type AttachmentRef, type PendingSend, type TimelineItem } from '../../shared/timeline';

type Frame<T extends AgentServerFrame['type']> = Extract<AgentServerFrame, { type: T }>;

/** Newest page size when a conversation opens; older pages load on demand. */
export const PAGE = 100;

export function createOpenChats(
  conn: { send(frame: AgentClientFrame): unknown; ready(): boolean; newId(): string },
  clock: Clock,
  self: Author,
  selectedId: ReadonlySignal<string | null>,
) {
  const timelines = new Map<string, PagedTimeline>();
  /** Conversations whose newest page is still on its way (live messages wait for it). */
  const loading = new Set<string>();
  const readSent = new Map<string, number>();
  let lastTypingSent = 0;
  /** The selected chat's messages and sends, as shown. */
  const selectedItems = signal<TimelineItem[]>([]);
  /** Older messages of the selected chat are on the server (`loadEarlier`). */
  const selectedHasEarlier = signal(false);
  /** The message a search result opened the chat at: older pages load until it is there. */
  const focus = signal<{ conversationId: string; seq: number } | null>(null);

  const selected = () => {
    const id = selectedId.value;
    return id ? timelines.get(id) : undefined;
  };

  function refresh(): void {
    const tl = selected();
    selectedItems.value = tl?.items() ?? [];
    selectedHasEarlier.value = tl?.hasEarlier ?? false;
  }

  function sync(id: string): void {
    const tl = timelines.get(id);
    if (!tl || !conn.ready()) return;
    if (loading.has(id)) {
      // Newest page first: a long history is paged, never loaded whole.
      conn.send({ type: 'history', conversationId: id, beforeSeq: 2_147_483_647, limit: PAGE });
      return;
    }
    conn.send({ type: 'sync', conversationId: id, afterSeq: tl.lastSeq });
  }

  function loadUntilFocus(id: string): void {
    const f = focus.value;
    const tl = timelines.get(id);
    if (!f || f.conversationId !== id || !tl || loading.has(id) || !conn.ready()) return;
    if (tl.hasEarlier && tl.firstSeq > f.seq) conn.send({ type: 'history', conversationId: id, beforeSeq: tl.firstSeq, limit: PAGE });
  }

  /**
   * Tells the server which chats are open here: it sends their messages as they come, and only
   * coalesced list updates for the rest. The oldest closed timeline is dropped past the limit
   * (it loads again when opened).
   */
  function sendWatch(): void {
    while (timelines.size > LIMITS.agentWatch) {
      const oldest = [...timelines.keys()].find((id) => id !== selectedId.value);
      if (oldest === undefined) break;
      timelines.delete(oldest);
      loading.delete(oldest);
    }
    if (conn.ready()) conn.send({ type: 'watch', conversationIds: [...timelines.keys()] });
  }

  /** The frame of a pending send (a first send, a resend after reconnect, a retry): its files go with it. */
  function sendFrame(conversationId: string, p: Pick<PendingSend, 'clientId' | 'text' | 'kind' | 'attachments'>, byEmail = false): AgentClientFrame {
    const kind = p.kind ?? 'text';
    return {
      type: 'message.send',
      conversationId,
      clientId: p.clientId,
      text: p.text,
      kind,
      ...(p.attachments?.length ? { attachments: p.attachments.map((a) => a.id) } : {}),
      ...(byEmail && kind === 'text' ? { byEmail: true } : {}),
    };
  }

  /** Tells the shopper of the selected chat the agent is typing; at most one "on" every 3 s. */
  function sendTyping(on: boolean): void {
    const id = selectedId.value;
    if (!id || !conn.ready()) return;
    const now = clock.now();
    if (on && now - lastTypingSent < 3000) return;
    if (!on && lastTypingSent === 0) return;
    lastTypingSent = on ? now : 0;
    conn.send({ type: 'typing', conversationId: id, on });
  }

  return {
    selectedItems,
    selectedHasEarlier,
    focus,
    refresh,
    loadUntilFocus,
    sendTyping,

    /** Opens chat `id` (the selection moved to it): its newest page the first time, else what it missed. */
    open(id: string): void {
      if (!timelines.has(id)) {
        timelines.set(id, new PagedTimeline(self));
        loading.add(id);
        sendWatch();
      }
      sync(id);
    },

    /** Loads the page before the first message shown. */
    loadEarlier(): void {
      const id = selectedId.value;
      const tl = selected();
      if (!id || !tl || !tl.hasEarlier || !conn.ready()) return;
      conn.send({ type: 'history', conversationId: id, beforeSeq: tl.firstSeq, limit: PAGE });
    },

    /** A (re)connect: the open chats are told again, each catches up, and unacked sends go again. */
    welcome(): void {
      sendWatch();
      for (const [id, tl] of timelines) {
        sync(id);
        for (const p of tl.unsent()) conn.send(sendFrame(id, p));
      }
    },

    /** Sends a reply or a note in the selected chat, with the files the agent uploaded for it (text may then be empty). */
    send(text: string, kind: 'text' | 'note' = 'text', byEmail = false, attachments: AttachmentRef[] = []): void {
      const id = selectedId.value;
      const tl = selected();
      const trimmed = text.trim();
      if (!id || !tl || (!trimmed && attachments.length === 0)) return;
      const pending = { clientId: conn.newId(), text: trimmed, createdAt: clock.now(), kind, ...(attachments.length ? { attachments } : {}) };
      tl.addPending(pending);
      refresh();
      if (kind === 'text') sendTyping(false);
      if (conn.ready()) conn.send(sendFrame(id, pending, byEmail));
    },

    /** Sends a failed (or unanswered) message of the selected chat again. */
    retry(clientId: string): void {
      const id = selectedId.value;
      const tl = selected();
      const p = tl?.pendingSends().find((x) => x.clientId === clientId);
      if (!id || !tl || !p) return;
      tl.markSending(clientId);
      refresh();
      if (conn.ready()) conn.send(sendFrame(id, p));
    },

    /** Marks the selected chat read up to what is shown. */
    markRead(): void {
      const id = selectedId.value;
      const tl = selected();
      if (!id || !tl || !conn.ready()) return;
      const seq = tl.lastSeq;
      if (seq <= (readSent.get(id) ?? 0)) return;
      readSent.set(id, seq);
      conn.send({ type: 'read', conversationId: id, seq });
    },

    /** The frames about open chats' messages and sends. */
    frame(f: Frame<'message.created'> | Frame<'history.result'> | Frame<'sync.result'> | Frame<'ack'> | Frame<'error'>): void {
      switch (f.type) {
        case 'message.created': {
          const m = f.message;
          const tl = timelines.get(m.conversationId);
          if (tl && !loading.has(m.conversationId)) {
            if (tl.apply(m) === 'gap') sync(m.conversationId);
            if (m.conversationId === selectedId.value) refresh();
          }
          return;
        }
        case 'history.result': {
          const tl = timelines.get(f.conversationId);
          if (!tl) return;
          if (loading.delete(f.conversationId)) {
            if (f.conversationId === selectedId.value) performance.mark('mostrador:data');
            tl.startAt(f.messages, f.hasMore);
            sync(f.conversationId); // anything that arrived while the page was on its way
          } else {
            tl.prepend(f.messages, f.hasMore);
          }
          loadUntilFocus(f.conversationId);
          if (f.conversationId === selectedId.value) refresh();
          return;
        }
        case 'sync.result': {
          const tl = timelines.get(f.conversationId);
          if (!tl) return;
          const before = tl.lastSeq;
          tl.applyPage(f.messages);
          if (f.conversationId === selectedId.value) refresh();
          if (f.hasMore && tl.lastSeq > before) sync(f.conversationId);
          return;
        }
        case 'ack':
          timelines.get(f.conversationId)?.ack(f.clientId, f.seq);
          if (f.conversationId === selectedId.value) refresh();
          return;
        case 'error': {
          const ref = f.ref;
          if (!ref || RETRYABLE_ERRORS.includes(f.code)) return;
          for (const [id, tl] of timelines) {
            if (tl.pendingSends().some((p) => p.clientId === ref)) {
              tl.markFailed(ref, f.code);
              if (id === selectedId.value) refresh();
            }
          }
        }
      }
    },
  };
}

export type OpenChats = ReturnType<typeof createOpenChats>;
