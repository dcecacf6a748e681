/**
 * What one agent socket hears of its site's conversations. Every message of every chat used to
 * reach every agent: with many chats a busy site sent each agent thousands of frames a second
 * it never showed. Now:
 * - chats the agent has open (`watch`) or holds (assignee): every `message.created`, at once;
 * - the others: one `conversations.touched` frame at most every LIMITS.agentTouchMs, with each
 *   touched chat's newest seq and message and how many new messages the shopper wrote (enough
 *   for the list, unread counts and notifications).
 * Everything else on the site's agent topic (conversation.updated, typing, read, …) passes as it
 * is. A socket that has never sent `watch` hears every message (clients that predate it, tools). Which chats the agent holds is followed from the `conversation.updated` frames it hears
 * (published before the messages of the same commit), seeded at `hello` from the store.
 */
import type { BusEvent } from '../bus/bus';
import { LIMITS } from '../../shared/limits';
import type { Message } from '../../shared/protocol';

interface Touch {
  conversationId: string;
  lastSeq: number;
  updatedAt: number;
  lastMessage: { text: string; authorKind: Message['author']['kind']; createdAt: number };
  visitorMessages: number;
}

/**
 * A chat touched since the last frame: its newest message (the bus's own object, shared by every
 * agent) and the shopper's count, updated in place — the Touch is built once, when the frame goes.
 * (A new object per message and agent, kept up to agentTouchMs, was a large share of what
 * survived young-generation GC under load.)
 */
interface Pending {
  message: Message;
  visitorMessages: number;
}

/** Longest preview a touch carries (as the conversation list's). */
const PREVIEW = 140;

export class AgentScope {
  /** Null until the client first says what it has open: until then it hears everything. */
  private watched: Set<string> | null = null;
  private readonly held = new Set<string>();
  private readonly touched = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly agentId: string,
    private readonly send: (json: string) => void,
    private readonly touchMs: number = LIMITS.agentTouchMs,
  ) {}

  /** The chats the agent holds now (at hello, before the list is sent). */
  hold(ids: Iterable<string>): void {
    for (const id of ids) this.held.add(id);
  }

  /** The chats the agent has open (replaces the previous set). */
  watch(ids: readonly string[]): void {
    this.watched = new Set(ids.slice(0, LIMITS.agentWatch));
  }

  /** Whether the agent hears this chat's messages as they come. */
  follows(conversationId: string): boolean {
    return this.watched === null || this.watched.has(conversationId) || this.held.has(conversationId);
  }

  /** The bus listener: filters and coalesces, passes the rest. */
  readonly listener = (event: BusEvent): void => {
    const frame = event.frame;
    if (frame.type === 'conversation.updated' && 'assigneeId' in frame.conversation) {
      if (frame.conversation.assigneeId === this.agentId && frame.conversation.status === 'assigned') this.held.add(frame.conversation.id);
      else this.held.delete(frame.conversation.id);
    } else if (frame.type === 'message.created' && !this.follows(frame.message.conversationId)) {
      this.touch(frame.message);
      return;
    }
    this.send(event.json);
  };

  private touch(m: Message): void {
    const visitor = m.author.kind === 'visitor' ? 1 : 0;
    const prev = this.touched.get(m.conversationId);
    if (prev) {
      if (prev.message.seq >= m.seq) return;
      prev.message = m;
      prev.visitorMessages += visitor;
    } else this.touched.set(m.conversationId, { message: m, visitorMessages: visitor });
    if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => this.flush(), this.touchMs);
      this.timer.unref();
    }
  }

  private flush(): void {
    this.timer = null;
    if (this.touched.size === 0 || this.closed) return;
    const items: Touch[] = [];
    for (const [conversationId, { message: m, visitorMessages }] of this.touched) {
      items.push({ conversationId, lastSeq: m.seq, updatedAt: m.createdAt, lastMessage: { text: m.text.slice(0, PREVIEW), authorKind: m.author.kind, createdAt: m.createdAt }, visitorMessages });
    }
    this.touched.clear();
    this.send(JSON.stringify({ type: 'conversations.touched', items }));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.touched.clear();
  }
}
