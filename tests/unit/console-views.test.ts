import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../shared/protocol';
import { tabTitle } from '../../console/state/notify';
import { signal } from '@preact/signals';
import { createFilters, inView, matchesQuery, openChats, shopperWaitingSince, stepThrough, turn, visibleConversations, waited } from '../../console/state/views';

const conv = (over: Partial<ConversationSummary>): ConversationSummary => ({
  id: 'cv_1',
  status: 'queued',
  lastSeq: 1,
  visitorId: 'vi_1',
  visitorName: '',
  visitorEmail: null,
  verified: false,
  assigneeId: null,
  visitorReadSeq: 0,
  lastMessage: { text: 'hola', authorKind: 'visitor', createdAt: 1000 },
  createdAt: 1000,
  updatedAt: 1000,
  ...over,
});

describe('inView', () => {
  it.each([
    ['queue', conv({ status: 'queued' }), true],
    ['queue', conv({ status: 'assigned', assigneeId: 'ag_me' }), false],
    ['mine', conv({ status: 'assigned', assigneeId: 'ag_me' }), true],
    ['mine', conv({ status: 'assigned', assigneeId: 'ag_other' }), false],
    ['open', conv({ status: 'bot' }), true],
    ['open', conv({ status: 'resolved' }), false],
    ['bot', conv({ status: 'bot' }), true],
    ['resolved', conv({ status: 'resolved' }), true],
  ] as const)('%s holds %j → %s', (view, c, expected) => {
    expect(inView(c, view, 'ag_me')).toBe(expected);
  });
});

describe('matchesQuery', () => {
  it('matches name and email ignoring case and accents', () => {
    const c = conv({ visitorName: 'María García', visitorEmail: 'maria@example.com' });
    expect(matchesQuery(c, 'maria')).toBe(true);
    expect(matchesQuery(c, 'GARCÍA')).toBe(true);
    expect(matchesQuery(c, 'example.com')).toBe(true);
    expect(matchesQuery(c, 'john')).toBe(false);
    expect(matchesQuery(c, '  ')).toBe(true);
  });

  it('matches a verified customer’s order number, with or without #, from its start', () => {
    const c = conv({ visitorName: 'María García', orderNumbers: ['1001', '0994'] });
    expect(matchesQuery(c, '1001')).toBe(true);
    expect(matchesQuery(c, '#0994')).toBe(true);
    expect(matchesQuery(c, '100')).toBe(true);
    expect(matchesQuery(c, '001')).toBe(false);
    expect(matchesQuery(conv({ visitorName: 'Sin pedidos' }), '1001')).toBe(false);
  });
});

describe('visibleConversations', () => {
  it('shows the queue longest-waiting first (since it joined the queue) and other views newest first', () => {
    const list = [
      conv({ id: 'a', updatedAt: 3, queuedAt: 20 }),
      // Created earlier but re-queued later (a transfer or a requeue): it waits less.
      conv({ id: 'b', updatedAt: 1, createdAt: 5, queuedAt: 30 }),
      conv({ id: 'd', updatedAt: 4, createdAt: 10, queuedAt: null }),
      conv({ id: 'c', updatedAt: 2, status: 'resolved' }),
    ];
    expect(visibleConversations(list, 'queue', 'me', '').map((c) => c.id)).toEqual(['d', 'a', 'b']);
    expect(visibleConversations(list, 'open', 'me', '').map((c) => c.id)).toEqual(['d', 'a', 'b']);
  });
});

describe('turn and waited', () => {
  it('says whose turn it is', () => {
    expect(turn(conv({}))).toBe('shopper-waiting');
    expect(turn(conv({ lastMessage: { text: 'x', authorKind: 'agent', createdAt: 1 } }))).toBe('waiting-for-shopper');
    expect(turn(conv({ status: 'resolved' }))).toBeNull();
    expect(turn(conv({ lastMessage: null }))).toBeNull();
  });

  // Issue 12 item 1: bot, note, system and order-event messages do not answer the shopper.
  it('takes whose turn from the lifecycle: the shopper waits until a person answers, whatever was written last', () => {
    const botLast = { text: 'Te paso con una persona', authorKind: 'bot' as const, createdAt: 5 };
    const systemLast = { text: 'Transferred', authorKind: 'system' as const, createdAt: 5 };
    expect(turn(conv({ status: 'queued', waitingSince: 1, lastMessage: botLast }))).toBe('shopper-waiting');
    expect(turn(conv({ status: 'assigned', waitingSince: 1, lastMessage: systemLast }))).toBe('shopper-waiting');
    expect(turn(conv({ status: 'assigned', waitingSince: null, lastMessage: { text: 'Hola', authorKind: 'agent', createdAt: 5 } }))).toBe('waiting-for-shopper');
    // Only the shop spoke (a proactive message): nobody is waiting on anyone.
    expect(turn(conv({ status: 'queued', waitingSince: null, lastMessage: botLast }))).toBeNull();
    expect(shopperWaitingSince(conv({ status: 'assigned', waitingSince: 42, lastMessage: systemLast }))).toBe(42);
  });
  it('formats short waiting times', () => {
    expect(waited(0, 42_000, 'en')).toBe('42 s');
    expect(waited(0, 5 * 60_000, 'es')).toBe('5 min');
    expect(waited(0, 3 * 3600_000, 'en')).toBe('3 h');
  });
});

describe('tabTitle', () => {
  it('counts unread and queued', () => {
    expect(tabTitle(0, 0)).toBe('Mostrador');
    expect(tabTitle(2, 1)).toBe('(3) Mostrador');
  });
});

describe('openChats', () => {
  it("maps each visitor to their newest open chat, ignoring resolved ones (Live visitors offers to open it)", () => {
    const list = [
      conv({ id: 'cv_new', visitorId: 'vi_a', status: 'assigned', updatedAt: 3000 }),
      conv({ id: 'cv_old', visitorId: 'vi_a', status: 'queued', updatedAt: 2000 }),
      conv({ id: 'cv_done', visitorId: 'vi_b', status: 'resolved', updatedAt: 2500 }),
      conv({ id: 'cv_bot', visitorId: 'vi_c', status: 'bot', updatedAt: 1000 }),
    ];
    expect(openChats(list)).toEqual(new Map([['vi_a', 'cv_new'], ['vi_c', 'cv_bot']]));
  });
});

describe('the inbox’s filters (createFilters)', () => {
  const list = signal<ConversationSummary[]>([
    conv({ id: 'q1', status: 'queued', updatedAt: 9, queuedAt: 5, tags: ['vip'] }),
    conv({ id: 'q2', status: 'queued', updatedAt: 8, queuedAt: 2, viaEmail: true }),
    conv({ id: 'm1', status: 'assigned', assigneeId: 'ag_me', updatedAt: 7, tags: ['devoluciones', 'vip'], visitorName: 'Lucía' }),
    conv({ id: 's1', status: 'assigned', assigneeId: 'ag_me', updatedAt: 6, snoozedAt: 1 }),
    conv({ id: 'r1', status: 'resolved', updatedAt: 5, tags: ['antiguo'] }),
  ]);

  it('leave what the view, search, channel and tag let through, and count the queue and the snoozed', () => {
    const f = createFilters(list, 'ag_me');
    expect(f.visible.value.map((c) => c.id)).toEqual(['q1', 'q2', 'm1', 's1']);
    f.view.value = 'queue';
    expect(f.visible.value.map((c) => c.id)).toEqual(['q2', 'q1']);
    f.channel.value = 'email';
    expect(f.visible.value.map((c) => c.id)).toEqual(['q2']);
    f.channel.value = 'chat';
    expect(f.visible.value.map((c) => c.id)).toEqual(['q1']);
    f.channel.value = 'all';
    f.view.value = 'open';
    f.tag.value = 'vip';
    expect(f.visible.value.map((c) => c.id)).toEqual(['q1', 'm1']);
    f.query.value = 'lucia';
    expect(f.visible.value.map((c) => c.id)).toEqual(['m1']);
    expect(f.tagsInUse.value).toEqual(['antiguo', 'devoluciones', 'vip']);
    expect([f.queued.value, f.snoozed.value]).toEqual([2, 1]);
  });
});

describe('stepThrough (↑/↓ in the list)', () => {
  const rows = [conv({ id: 'a' }), conv({ id: 'b' }), conv({ id: 'c' })];
  it('moves one row, stops at the ends, starts at the first (↓) or last (↑) when none is open', () => {
    expect(stepThrough(rows, 'a', 1)).toBe('b');
    expect(stepThrough(rows, 'c', 1)).toBe('c');
    expect(stepThrough(rows, 'a', -1)).toBe('a');
    expect(stepThrough(rows, null, 1)).toBe('a');
    expect(stepThrough(rows, 'gone', -1)).toBe('c');
    expect(stepThrough([], null, 1)).toBeNull();
  });
});
