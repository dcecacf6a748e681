/**
 * Inbox views and search: pure functions over conversation summaries, and the inbox's filters
 * (view, search, channel, tag) as signals over the list (`createFilters`).
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { ConversationSummary, VisitorSummary } from '../../shared/protocol';

export const VIEWS = ['queue', 'mine', 'open', 'bot', 'resolved', 'snoozed'] as const;
export type View = (typeof VIEWS)[number];

/** Snoozed: out of the queue and "mine" until it wakes (its time, the shopper writes, or by hand). */
export function isSnoozed(c: ConversationSummary): boolean {
  return c.snoozedAt !== undefined && c.status !== 'resolved';
}

/** Whether a conversation belongs in a view, for the agent `me`. */
export function inView(c: ConversationSummary, view: View, me: string): boolean {
  switch (view) {
    case 'queue':
      return c.status === 'queued' && !isSnoozed(c);
    case 'mine':
      return c.status === 'assigned' && c.assigneeId === me && !isSnoozed(c);
    case 'snoozed':
      return isSnoozed(c);
    case 'open':
      return c.status !== 'resolved';
    case 'bot':
      return c.status === 'bot';
    case 'resolved':
      return c.status === 'resolved';
  }
}

function normalise(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * Case- and accent-insensitive match on the shopper's name and email, or one of the verified
 * customer's order numbers ("1001" or "#1001", whole number from its start).
 */
export function matchesQuery(c: ConversationSummary, query: string): boolean {
  const q = normalise(query.trim());
  if (!q) return true;
  const number = q.replace(/^#/, '');
  if (number && (c.orderNumbers ?? []).some((n) => normalise(n).startsWith(number))) return true;
  return normalise(`${c.visitorName} ${c.visitorEmail ?? ''}`).includes(q);
}

/** Each visitor's open chat by visitor id: the first not resolved in `newestFirst`. */
export function openChats(newestFirst: readonly ConversationSummary[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of newestFirst) if (c.status !== 'resolved' && !out.has(c.visitorId)) out.set(c.visitorId, c.id);
  return out;
}

/** Since when a queued chat has waited (it joined the queue; older servers: created). */
export function waitingSince(c: ConversationSummary): number {
  return c.queuedAt ?? c.createdAt;
}

/** The conversations of a view, filtered by the query; the queue shows the longest waiting first. */
export function visibleConversations(list: readonly ConversationSummary[], view: View, me: string, query: string): ConversationSummary[] {
  const out = list.filter((c) => inView(c, view, me) && matchesQuery(c, query));
  if (view === 'queue') return out.sort((a, b) => waitingSince(a) - waitingSince(b));
  return out.sort((a, b) => b.updatedAt - a.updatedAt);
}

/**
 * Whose turn it is, from the server's lifecycle: the shopper is waiting from their first message
 * no person has answered (`waitingSince`); bot, note, system and order-event messages do not
 * answer. Once a person answered, it is the shopper's turn while someone holds the chat.
 */
export function turn(c: ConversationSummary): 'shopper-waiting' | 'waiting-for-shopper' | null {
  if (!c.lastMessage || c.status === 'resolved') return null;
  if (c.waitingSince === undefined) return c.lastMessage.authorKind === 'visitor' ? 'shopper-waiting' : 'waiting-for-shopper'; // an older server
  if (c.waitingSince !== null) return 'shopper-waiting';
  return c.status === 'assigned' ? 'waiting-for-shopper' : null;
}

/**
 * Alt+↓ / Alt+↑: the next chat below (above) the open one in `list` (the view as shown) whose
 * shopper waits for a reply, round the end; from no chat, the first (last) such chat. Chats the
 * agent has answered are passed over, so answering one (which moves it to the top) never sends
 * the agent back to it. Null when no other chat waits.
 */
export function nextNeedingReply(list: readonly ConversationSummary[], currentId: string | null, delta: 1 | -1): string | null {
  const n = list.length;
  const at = list.findIndex((c) => c.id === currentId);
  for (let step = 1; step <= n; step++) {
    const i = at === -1 ? (delta === 1 ? step - 1 : n - step) : (((at + delta * step) % n) + n) % n;
    const c = list[i]!;
    if (c.id !== currentId && turn(c) === 'shopper-waiting') return c.id;
  }
  return null;
}

/** Since when the shopper has been waiting for a person (for "Waiting · 3 min"). */
export function shopperWaitingSince(c: ConversationSummary): number | null {
  return c.waitingSince ?? (c.lastMessage?.authorKind === 'visitor' ? c.lastMessage.createdAt : null);
}

/** "3 min", "2 h", "now": how long since `since`, short. */
export function waited(since: number, now: number, lang: string): string {
  const s = Math.max(0, Math.round((now - since) / 1000));
  const rtf = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  if (s < 60) return `${rtf.format(s)} s`;
  if (s < 3600) return `${rtf.format(Math.floor(s / 60))} min`;
  return `${rtf.format(Math.floor(s / 3600))} h`;
}

/** Live visitors in the server's list order: online first, then the longest on the site. */
export function sortVisitors(list: Iterable<VisitorSummary>): VisitorSummary[] {
  return [...list].sort((a, b) => Number(b.online) - Number(a.online) || a.since - b.since || (a.visitorId < b.visitorId ? -1 : a.visitorId > b.visitorId ? 1 : 0));
}

/** How a list names a shopper: their name, else "Visitor" and the end of their id. */
export function visitorLabel(c: ConversationSummary, visitorWord: string): string {
  return c.visitorName || `${visitorWord} ${c.visitorId.slice(-4)}`;
}

/** The chat `delta` rows below (above) `currentId` in `list`, stopping at the ends; from none, the first (last). Null for an empty list. */
export function stepThrough(list: readonly ConversationSummary[], currentId: string | null, delta: 1 | -1): string | null {
  if (list.length === 0) return null;
  const at = list.findIndex((c) => c.id === currentId);
  const next = at === -1 ? (delta === 1 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta));
  return list[next]!.id;
}

/**
 * The inbox's filters over `sorted` (the list, newest first) for the agent `me`: the view, the
 * search, the channel and the tag; what they leave (`visible`), the tags in use (the tag
 * filter's choices) and the counts the view tabs show.
 */
export function createFilters(sorted: ReadonlySignal<ConversationSummary[]>, me: string) {
  const view = signal<View>('open');
  const query = signal('');
  /** The channel filter: every conversation, those only in the chat, or those with e-mail. */
  const channel = signal<'all' | 'chat' | 'email'>('all');
  /** The tag filter: '' for every conversation, else only those with this tag. */
  const tag = signal('');
  return {
    view,
    query,
    channel,
    tag,
    visible: computed(() =>
      visibleConversations(sorted.value, view.value, me, query.value).filter(
        (c) => (channel.value === 'all' || (channel.value === 'email') === (c.viaEmail === true)) && (!tag.value || (c.tags ?? []).includes(tag.value)),
      ),
    ),
    /** Every tag on a listed conversation, sorted. */
    tagsInUse: computed(() => [...new Set(sorted.value.flatMap((c) => c.tags ?? []))].sort()),
    queued: computed(() => sorted.value.filter((c) => c.status === 'queued' && !isSnoozed(c)).length),
    snoozed: computed(() => sorted.value.filter(isSnoozed).length),
  };
}
