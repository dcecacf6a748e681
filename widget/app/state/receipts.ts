/**
 * Typing and read receipts in the conversation shown. The team's: who is typing (an "on" never
 * followed by its "off" goes out after 8 s) and how far they have read (`readSeq`, only forward).
 * The shopper's: typing at most one "on" every 3 s and an "off" after 5 s quiet or a send, and
 * "read" up to the last seq held only when it moved (`seenSeq`: later messages are unread).
 */
import { signal } from './signal';
import type { Conn } from './conn';
import type { Clock } from '../../../shared/clock';
import type { Signal } from './signal';
import type { Timeline } from '../../../shared/timeline';
import type { VisitorServerFrame } from '../../../shared/protocol';

type Frame<T extends VisitorServerFrame['type']> = Extract<VisitorServerFrame, { type: T }>;

/** `current`: the conversation shown; `tl`: its log. */
export function createReceipts(conn: Conn, clock: Clock, current: Signal<string | null>, tl: () => Timeline) {
  /** Who of the team is typing now ('' when the server did not say). */
  const agentTyping = signal<string | null>(null);
  /** How far the team has read. */
  const readSeq = signal(0);
  /** How far the shopper has read. */
  const seenSeq = signal(0);
  let readSent = 0;
  let typingSentAt = 0;
  let quiet = () => {};
  let expire = () => {};

  /** The shopper is (or stopped) typing; `preview` goes to the team where the site allows it. */
  function typing(on: boolean, preview?: string): void {
    const id = current.value;
    if (!id || !conn.ready()) return;
    const now = clock.now();
    quiet();
    if (on) {
      if (now - typingSentAt > 3000) {
        typingSentAt = now;
        conn.send({ type: 'typing', conversationId: id, on: true, ...(preview ? { preview: preview.slice(0, 1000) } : {}) });
      }
      quiet = clock.after(5000, () => typing(false));
    } else if (typingSentAt) {
      typingSentAt = 0;
      conn.send({ type: 'typing', conversationId: id, on: false });
    }
  }

  return {
    agentTyping,
    readSeq,
    seenSeq,
    typing,

    /** Marks everything held as read (while the panel is open and visible). */
    markRead(): void {
      const id = current.value;
      const seq = tl().lastSeq;
      if (!id || !conn.ready() || seq <= readSent) return;
      readSent = seq;
      seenSeq.value = seq;
      conn.send({ type: 'read', conversationId: id, seq });
    },

    /** Another conversation is shown: nothing of it read yet. */
    reset(): void {
      readSent = 0;
      readSeq.value = 0;
      seenSeq.value = 0;
    },

    /** What the server says was read of the conversation a welcome shows (the shopper's side only forward). */
    seen(c: { readSeq: number; seenSeq?: number | undefined }): void {
      readSeq.value = c.readSeq;
      if ((c.seenSeq ?? 0) > seenSeq.value) seenSeq.value = c.seenSeq ?? 0;
    },

    /** The team's typing and read frames. */
    frame(f: Frame<'typing'> | Frame<'read'>): void {
      if (f.conversationId !== current.value) return;
      if (f.type === 'read') {
        if (f.by === 'agent' && f.seq > readSeq.value) readSeq.value = f.seq;
      } else if (f.who.kind === 'agent') {
        expire();
        agentTyping.value = f.on ? (f.who.name ?? '') : null;
        if (f.on) expire = clock.after(8000, () => (agentTyping.value = null));
      }
    },
  };
}
