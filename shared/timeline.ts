/**
 * A conversation as a client holds it: confirmed messages in `seq` order with no gaps, plus
 * the client's own sends that are not confirmed yet. Pure and framework-free, so the widget
 * and the console share it and unit tests cover every ordering case.
 */
import type { Author, Message, MessageKind } from './protocol';

export type SendState = 'sending' | 'sent' | 'failed';

export interface PendingSend {
  clientId: string;
  text: string;
  /** Agents may send internal notes. */
  kind?: 'text' | 'note';
  /** Uploaded files this message carries. */
  attachments?: AttachmentRef[];
  createdAt: number;
  state: SendState;
  /** Known once acked. */
  seq?: number;
  /** Failure reason code, when `state` is 'failed'. */
  error?: string;
}

export interface AttachmentRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url?: string;
}

export interface TimelineItem {
  /** Stable key for rendering: the message id, or the clientId while unconfirmed. */
  key: string;
  seq: number | null;
  clientId: string | null;
  author: Author;
  kind: MessageKind;
  text: string;
  payload: Record<string, unknown> | null;
  createdAt: number;
  /** 'sent' for confirmed messages; the send state for the client's own pending ones. */
  state: SendState;
  /** 'email': it came or went by e-mail. */
  channel?: 'chat' | 'email' | undefined;
}

export type ApplyResult = 'appended' | 'duplicate' | 'gap';

export class Timeline {
  protected confirmed: Message[] = [];
  protected pending: PendingSend[] = [];
  /** The seq just before the first message held (0: we hold the conversation from its start). */
  protected base = 0;

  /**
   * `visibleOnly`: this client does not receive internal notes (shoppers), so continuity is
   * checked with each message's `prevSeq` instead of `seq - 1`.
   */
  constructor(
    private readonly self: Author,
    protected readonly opts: { visibleOnly?: boolean } = {},
  ) {}

  /** The highest seq held with every earlier one present: what `sync.afterSeq` should say. */
  get lastSeq(): number {
    return this.confirmed.length === 0 ? this.base : this.confirmed[this.confirmed.length - 1]!.seq;
  }

  /**
   * Applies a live message. Only the next seq is appended; an older one is a duplicate, a
   * later one means frames were missed and the caller must `sync` from `lastSeq`.
   */
  apply(message: Message): ApplyResult {
    if (message.seq <= this.lastSeq) return 'duplicate';
    const previous = this.opts.visibleOnly && message.prevSeq !== undefined ? message.prevSeq : message.seq - 1;
    if (previous !== this.lastSeq) return 'gap';
    this.confirmed.push(message);
    if (message.clientId !== null) this.pending = this.pending.filter((p) => p.clientId !== message.clientId);
    return 'appended';
  }

  /** Applies a sync page (ascending seq). Returns false if the page does not continue `lastSeq`. */
  applyPage(messages: readonly Message[]): boolean {
    for (const m of messages) {
      if (this.apply(m) === 'gap') return false;
    }
    return true;
  }

  addPending(send: Omit<PendingSend, 'state'> & { state?: SendState }): void {
    if (this.pending.some((p) => p.clientId === send.clientId)) return;
    if (this.confirmed.some((m) => m.clientId === send.clientId)) return;
    this.pending.push({ ...send, state: send.state ?? 'sending' });
  }

  /** The server stored the send: keep showing it (as sent) until its message arrives. */
  ack(clientId: string, seq: number): void {
    const p = this.pending.find((x) => x.clientId === clientId);
    if (!p) return;
    if (seq <= this.lastSeq && this.confirmed.some((m) => m.seq === seq)) {
      this.pending = this.pending.filter((x) => x !== p);
      return;
    }
    p.state = 'sent';
    p.seq = seq;
  }

  markFailed(clientId: string, error: string): void {
    const p = this.pending.find((x) => x.clientId === clientId);
    if (p) {
      p.state = 'failed';
      p.error = error;
    }
  }

  markSending(clientId: string): void {
    const p = this.pending.find((x) => x.clientId === clientId);
    if (p) {
      p.state = 'sending';
      delete p.error;
    }
  }

  /** Unconfirmed sends that still need the server: what to (re)send after a reconnect. */
  unsent(): PendingSend[] {
    return this.pending.filter((p) => p.state === 'sending');
  }

  pendingSends(): readonly PendingSend[] {
    return this.pending;
  }

  /** Everything to show, oldest first: confirmed by seq, then acked sends by seq, then the rest in send order. */
  items(): TimelineItem[] {
    const out: TimelineItem[] = this.confirmed.map((m) => ({
      key: m.id,
      seq: m.seq,
      clientId: m.clientId,
      author: m.author,
      kind: m.kind,
      text: m.text,
      payload: m.payload ?? null,
      createdAt: m.createdAt,
      channel: m.channel,
      state: 'sent',
    }));
    const acked = this.pending.filter((p) => p.seq !== undefined).sort((a, b) => a.seq! - b.seq!);
    const rest = this.pending.filter((p) => p.seq === undefined);
    for (const p of [...acked, ...rest]) {
      out.push({
        key: p.clientId,
        seq: p.seq ?? null,
        clientId: p.clientId,
        author: this.self,
        kind: p.kind ?? 'text',
        text: p.text,
        payload: p.attachments?.length ? { attachments: p.attachments } : null,
        createdAt: p.createdAt,
        state: p.state,
      });
    }
    return out;
  }
}

/**
 * A timeline that holds the newest page of a long conversation and loads older pages on demand
 * (the console). Apart from Timeline so the widget, which loads a conversation from its start,
 * does not carry it.
 */
export class PagedTimeline extends Timeline {
  /** Older messages exist on the server that are not loaded yet. */
  hasEarlier = false;

  /** The first seq held (where loading earlier messages continues). */
  get firstSeq(): number {
    return this.confirmed[0]?.seq ?? this.base + 1;
  }

  /**
   * Starts from the newest page of a long conversation instead of its beginning: the page
   * becomes the held range; older pages come with `prepend`.
   */
  startAt(messages: readonly Message[], hasEarlier: boolean): void {
    const first = messages[0];
    this.confirmed = [...messages];
    this.base = first ? (this.opts.visibleOnly && first.prevSeq !== undefined ? first.prevSeq : first.seq - 1) : this.base;
    this.hasEarlier = hasEarlier && this.base > 0;
    for (const m of messages) if (m.clientId !== null) this.pending = this.pending.filter((p) => p.clientId !== m.clientId);
  }

  /** Adds the page just before the first held message (ascending). */
  prepend(messages: readonly Message[], hasEarlier: boolean): void {
    const older = messages.filter((m) => m.seq < this.firstSeq);
    const first = older[0];
    if (first) {
      this.confirmed = [...older, ...this.confirmed];
      this.base = this.opts.visibleOnly && first.prevSeq !== undefined ? first.prevSeq : first.seq - 1;
    }
    this.hasEarlier = hasEarlier && this.base > 0;
  }
}

/** Attachments from a message payload, or [] when it has none this client understands. */
export function attachmentsOf(payload: Record<string, unknown> | null): AttachmentRef[] {
  const list = payload?.attachments;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is AttachmentRef =>
      typeof a === 'object' && a !== null && typeof a.id === 'string' && typeof a.name === 'string' && typeof a.contentType === 'string' && typeof a.size === 'number',
  );
}

