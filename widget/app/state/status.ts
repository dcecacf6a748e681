/**
 * The shopper's conversations and where the one shown stands: its status, the place in the
 * queue, and whether anyone of the team is online (offline mode, "back at"). Which conversation
 * is shown: after a welcome the open one (else the newest); a verified identity's open one when
 * none or a resolved one is shown; whichever conversation a message, ack or update comes from
 * when none is shown yet; and a new one whose message arrives while a resolved one is shown.
 */
import { signal } from './signal';
import type { Signal } from './signal';
import type { Availability, ConversationStatus, VisitorConversation, VisitorServerFrame } from '../../../shared/protocol';

type Frame<T extends VisitorServerFrame['type']> = Extract<VisitorServerFrame, { type: T }>;

/** `current`: the conversation shown; `show` shows another (log.ts). */
export function createStatus(current: Signal<string | null>, show: (id: string) => unknown) {
  /** The shopper's conversations on this site (this device, or theirs as a verified customer), newest first. */
  const conversations = signal<VisitorConversation[]>([]);
  /** The status of the conversation shown. */
  const status = signal<ConversationStatus | null>(null);
  /** Place in the queue while waiting for a person. */
  const queue = signal<{ position: number; estimatedWaitMs: number | null } | null>(null);
  /** Is anyone of the team online (null until the first welcome). */
  const availability = signal<Availability | null>(null);
  /** "We usually reply in X min" (the last 7 days' median first response); null: nothing to go by. */
  const replyMin = signal<number | null>(null);
  const open = (c: VisitorConversation) => {
    show(c.id);
    status.value = c.status;
    return c;
  };
  const unresolved = () => conversations.value.find((c) => c.status !== 'resolved');

  return {
    conversations,
    status,
    queue,
    availability,
    replyMin,

    /** A (re)connect: the conversation it shows, if the shopper has any. */
    welcome(f: Frame<'welcome'>): VisitorConversation | undefined {
      availability.value = f.availability;
      replyMin.value = f.replyMin ?? null;
      conversations.value = f.conversations;
      const c = unresolved() ?? f.conversations[0];
      return c && open(c);
    },

    /** The shop identified the shopper: true when their open conversation is now shown. */
    identified(list: VisitorConversation[]): boolean {
      conversations.value = list;
      const c = unresolved();
      return !!c && (!current.value || status.value === 'resolved') && !!open(c);
    },

    /** Shows one of `conversations` (the shopper picked it); undefined when it is not one. */
    open(id: string): VisitorConversation | undefined {
      const c = conversations.value.find((x) => x.id === id);
      return c && open(c);
    },

    /** A message from conversation `id` arrived: shown when none is, or a resolved one is. */
    follow(id: string): void {
      const c = current.value;
      if (!c || (id !== c && status.value === 'resolved')) show(id);
    },

    frame(f: Frame<'conversation.updated'> | Frame<'queue'> | Frame<'availability'>): void {
      const c = current.value;
      if (f.type === 'availability') availability.value = { available: f.available, names: f.names, backAt: f.backAt ?? null, ...(f.timeZone ? { timeZone: f.timeZone } : {}) };
      else if (f.type === 'queue') {
        if (f.conversationId === c || !c) queue.value = { position: f.position, estimatedWaitMs: f.estimatedWaitMs };
      } else if (!c || f.conversation.id === c) {
        if (!c) show(f.conversation.id);
        status.value = f.conversation.status;
        if (f.conversation.status !== 'queued') queue.value = null;
      }
    },

    /** Nothing shown (another shopper on this device). */
    clear(): void {
      conversations.value = [];
      status.value = null;
    },
  };
}
