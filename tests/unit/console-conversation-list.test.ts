/**
 * The console's conversation list (console/state/conversation-list.ts) and unread counts
 * (console/state/unread.ts): rows only move forward, coalesced updates, typing, read receipts.
 */
import { describe, expect, it } from 'vitest';
import { createConversationList } from '../../console/state/conversation-list';
import { createUnread } from '../../console/state/unread';
import type { ConversationSummary, Message } from '../../shared/protocol';
import { manualClock } from '../helpers/clock';

const summary = (id: string, over: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id,
  status: 'queued',
  lastSeq: 1,
  visitorId: `v_${id}`,
  visitorName: '',
  visitorEmail: null,
  verified: false,
  assigneeId: null,
  visitorReadSeq: 0,
  lastMessage: { text: 'Hola', authorKind: 'visitor', createdAt: 1 },
  createdAt: 1,
  updatedAt: 1,
  ...over,
});
const message = (conversationId: string, seq: number, text: string, kind: Message['author']['kind'] = 'visitor'): Message =>
  ({ id: `m${seq}`, conversationId, seq, clientId: null, author: { kind }, kind: 'text', text, payload: null, createdAt: seq * 10 }) as Message;
const touch = (conversationId: string, lastSeq: number, text: string, visitorMessages: number) => ({
  conversationId,
  lastSeq,
  updatedAt: lastSeq * 10,
  lastMessage: { text, authorKind: 'visitor' as const, createdAt: lastSeq * 10 },
  visitorMessages,
});

function model() {
  const time = manualClock();
  return { list: createConversationList(time.clock), time };
}

describe('the console’s conversation list', () => {
  it('lists the newest first, tells a new row from a changed one, and a welcome replaces the rows', () => {
    const { list } = model();
    list.welcome([summary('c1'), summary('c2', { updatedAt: 5 })]);
    expect(list.sorted.value.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect(list.updated(summary('c1', { updatedAt: 9, status: 'assigned' }))).toBe(false);
    expect(list.updated(summary('c3', { updatedAt: 7 }))).toBe(true);
    expect(list.sorted.value.map((c) => c.id)).toEqual(['c1', 'c3', 'c2']);
    list.welcome([summary('c2')]);
    expect(list.sorted.value.map((c) => c.id)).toEqual(['c2']);
  });

  it('a message moves its row forward with a preview of 140 characters, never back (a duplicate or late frame)', () => {
    const { list } = model();
    list.welcome([summary('c1'), summary('c2', { updatedAt: 5 })]);
    list.message(message('c1', 3, 'x'.repeat(200)));
    expect(list.sorted.value[0]).toMatchObject({ id: 'c1', lastSeq: 3, updatedAt: 30, lastMessage: { text: 'x'.repeat(140), authorKind: 'visitor' } });
    list.message(message('c1', 2, 'tarde'));
    list.message(message('c1', 3, 'repetido'));
    expect(list.conversations.value.get('c1')?.lastMessage?.text).toBe('x'.repeat(140));
    // A message of a chat not in the list adds no row.
    list.message(message('c9', 1, 'hola'));
    expect(list.conversations.value.has('c9')).toBe(false);
  });

  it('takes coalesced updates for several chats at once, only forward', () => {
    const { list } = model();
    list.welcome([summary('c1'), summary('c2', { lastSeq: 8, updatedAt: 80 })]);
    list.touched([touch('c1', 5, 'nuevo', 2), touch('c2', 7, 'viejo', 0), touch('c9', 3, 'ajeno', 1)]);
    expect(list.conversations.value.get('c1')).toMatchObject({ lastSeq: 5, lastMessage: { text: 'nuevo' } });
    expect(list.conversations.value.get('c2')).toMatchObject({ lastSeq: 8, updatedAt: 80 });
    expect(list.conversations.value.has('c9')).toBe(false);
  });

  it('shows who is typing (with the preview) until they stop, or their message arrives live or coalesced', () => {
    const { list, time } = model();
    list.welcome([summary('c1'), summary('c2')]);
    list.frame({ type: 'typing', conversationId: 'c1', who: { kind: 'visitor' }, on: true, preview: 'quería' });
    list.frame({ type: 'typing', conversationId: 'c2', who: { kind: 'visitor' }, on: true });
    list.frame({ type: 'typing', conversationId: 'c2', who: { kind: 'agent', name: 'Luis' }, on: false });
    expect(list.typing.value.get('c1')).toEqual({ preview: 'quería', at: time.clock.now() });
    expect(list.typing.value.get('c2')).toEqual({ at: time.clock.now() });
    // An agent's message does not stop the shopper; the shopper's does.
    list.message(message('c1', 2, 'respuesta', 'agent'));
    expect(list.typing.value.has('c1')).toBe(true);
    list.message(message('c1', 3, 'quería saber'));
    expect(list.typing.value.has('c1')).toBe(false);
    // A coalesced update with no shopper message leaves the typing on.
    const before = list.typing.value;
    list.touched([touch('c2', 2, 'bot', 0)]);
    expect(list.typing.value).toBe(before);
    list.touched([touch('c2', 3, 'hola', 1)]);
    expect(list.typing.value.size).toBe(0);
    list.frame({ type: 'typing', conversationId: 'c1', who: { kind: 'visitor' }, on: true });
    list.frame({ type: 'typing', conversationId: 'c1', who: { kind: 'visitor' }, on: false });
    expect(list.typing.value.size).toBe(0);
  });

  it('keeps how far each shopper has read, only forward and only the shopper’s', () => {
    const { list } = model();
    list.welcome([summary('c1')]);
    list.frame({ type: 'read', conversationId: 'c1', by: 'visitor', seq: 4 });
    list.frame({ type: 'read', conversationId: 'c1', by: 'visitor', seq: 2 });
    list.frame({ type: 'read', conversationId: 'c1', by: 'agent', seq: 9 });
    list.frame({ type: 'read', conversationId: 'c9', by: 'visitor', seq: 9 });
    expect(list.conversations.value.get('c1')?.visitorReadSeq).toBe(4);
    expect(list.conversations.value.has('c9')).toBe(false);
  });
});

describe('unread counts in the console', () => {
  it('count the shopper’s messages except in the chat open and visible, and clear when opened', () => {
    let open: string | null = 'c1';
    let visible = true;
    const u = createUnread((id) => id === open && visible);
    u.add([['c1', 1], ['c2', 3], ['c3', 0]]);
    expect([...u.unread.value]).toEqual([['c2', 3]]);
    visible = false;
    u.add([['c1', 1], ['c2', 1]]);
    expect(Object.fromEntries(u.unread.value)).toEqual({ c1: 1, c2: 4 });
    open = 'c2';
    u.clear('c2');
    expect(Object.fromEntries(u.unread.value)).toEqual({ c1: 1 });
    // Nothing to count or clear: the same map (no redraw).
    const before = u.unread.value;
    u.add([['c3', 0]]);
    u.clear('c9');
    expect(u.unread.value).toBe(before);
  });
});
