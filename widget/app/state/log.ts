/**
 * The conversation shown, as a log: the confirmed messages in seq order with no gap and no
 * duplicate (shared/timeline.ts), then the shopper's sends not confirmed yet. A live message
 * past a gap, and every (re)connect, asks for what follows the last seq held (`sync`), page by
 * page. Showing another conversation keeps the unconfirmed sends: they belong to whichever
 * conversation the server puts them in.
 */
import { signal } from './signal';
import type { Conn } from './conn';
import type { Message } from '../../../shared/protocol';
import { Timeline, type TimelineItem } from '../../../shared/timeline';

export function createLog(conn: Conn, shown: () => void) {
  const fresh = () => new Timeline({ kind: 'visitor' }, { visibleOnly: true });
  let tl = fresh();
  /** The conversation shown (null until there is one: the first send creates it). */
  const current = signal<string | null>(null);
  /** What the panel draws. */
  const items = signal<TimelineItem[]>([]);
  const refresh = () => {
    items.value = tl.items();
  };
  const sync = () => {
    if (current.value && conn.ready()) conn.send({ type: 'sync', conversationId: current.value, afterSeq: tl.lastSeq });
  };
  /** Shows conversation `id` (`shown` is told before its log starts empty); nothing if it is shown already. */
  const show = (id: string): void => {
    if (id === current.value) return;
    const old = tl;
    current.value = id;
    shown();
    tl = fresh();
    for (const p of old.pendingSends()) if (p.seq === undefined) tl.addPending(p);
  };

  return {
    current,
    items,
    refresh,
    sync,
    show,
    /** The timeline of the conversation shown. */
    tl: () => tl,

    /** A live message: true when it was the next one of the conversation shown (then drawn). */
    message(m: Message): boolean {
      if (m.conversationId !== current.value) return false;
      const r = tl.apply(m);
      if (r === 'gap') sync();
      if (r === 'appended') refresh();
      return r === 'appended';
    },

    /** A sync page: applied, and the next one asked for while the server has more and this one moved. */
    page(f: { conversationId: string; messages: Message[]; hasMore: boolean }): void {
      if (f.conversationId !== current.value) return;
      const before = tl.lastSeq;
      tl.applyPage(f.messages);
      refresh();
      if (f.hasMore && tl.lastSeq > before) sync();
    },

    /** The server stored a send; the first send's ack names the conversation it started. */
    ack(f: { clientId: string; conversationId: string; seq: number }): void {
      if (!current.value) show(f.conversationId);
      tl.ack(f.clientId, f.seq);
      refresh();
    },

    /** Shows nothing (another shopper on this device). */
    clear(): void {
      tl = fresh();
      current.value = null;
      refresh();
    },
  };
}

export type Log = ReturnType<typeof createLog>;
