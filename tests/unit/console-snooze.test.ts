/** Snoozed chats and Alt+↓ in the console's pure state (views.ts, SnoozeDialog's times). */
import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../shared/protocol';
import { inView, isSnoozed, nextNeedingReply } from '../../console/state/views';
import { snoozeUntil } from '../../console/state/snooze';

const conv = (over: Partial<ConversationSummary>): ConversationSummary => ({
  id: 'cv_1',
  status: 'assigned',
  lastSeq: 1,
  visitorId: 'vi_1',
  visitorName: '',
  visitorEmail: null,
  verified: false,
  assigneeId: 'me',
  visitorReadSeq: 0,
  lastMessage: { text: 'hola', authorKind: 'visitor', createdAt: 1000 },
  waitingSince: null,
  createdAt: 1000,
  updatedAt: 1000,
  ...over,
});

describe('snoozed chats', () => {
  it('leave "queue" and "mine" for "snoozed", and stay in "all open"', () => {
    const mine = conv({ snoozedAt: 5, snoozedUntil: null });
    const queued = conv({ status: 'queued', assigneeId: null, snoozedAt: 5, snoozedUntil: 9999 });
    expect([inView(mine, 'mine', 'me'), inView(mine, 'snoozed', 'me'), inView(mine, 'open', 'me')]).toEqual([false, true, true]);
    expect([inView(queued, 'queue', 'me'), inView(queued, 'snoozed', 'me')]).toEqual([false, true]);
    const awake = conv({});
    expect([inView(awake, 'mine', 'me'), inView(awake, 'snoozed', 'me')]).toEqual([true, false]);
    expect(isSnoozed(conv({ status: 'resolved', snoozedAt: 5 }))).toBe(false);
  });

  it('the dialog’s choices: in 1 h / 4 h, tomorrow at 9:00 local, until the shopper writes, a future date and time', () => {
    const now = new Date(2026, 10, 29, 16, 30);
    expect(snoozeUntil('1h', '', now)).toBe(now.getTime() + 3_600_000);
    expect(snoozeUntil('4h', '', now)).toBe(now.getTime() + 4 * 3_600_000);
    expect(snoozeUntil('tomorrow', '', now)).toBe(new Date(2026, 10, 30, 9, 0).getTime());
    expect(snoozeUntil('reply', '', now)).toBeNull();
    expect(snoozeUntil('at', '2026-12-01T10:15', now)).toBe(new Date(2026, 11, 1, 10, 15).getTime());
    expect(snoozeUntil('at', '2026-11-29T10:00', now)).toBeUndefined();
    expect(snoozeUntil('at', '', now)).toBeUndefined();
  });
});

describe('Alt+↓ / Alt+↑: the next chat that needs a reply', () => {
  // The view as shown (newest activity first); a, c and e wait for a reply.
  const list = [
    conv({ id: 'a', waitingSince: 30, updatedAt: 90 }),
    conv({ id: 'b', waitingSince: null, updatedAt: 80, lastMessage: { text: 'ok', authorKind: 'agent', createdAt: 80 } }),
    conv({ id: 'c', waitingSince: 10, updatedAt: 70 }),
    conv({ id: 'd', status: 'bot', assigneeId: null, waitingSince: null, updatedAt: 60 }),
    conv({ id: 'e', waitingSince: 20, updatedAt: 50 }),
  ];
  it('goes down (up) the view to the next chat waiting for a reply, round the end', () => {
    const seen: string[] = [];
    let at: string | null = null;
    for (let i = 0; i < 4; i++) seen.push((at = nextNeedingReply(list, at, 1)!));
    expect(seen).toEqual(['a', 'c', 'e', 'a']);
    expect(nextNeedingReply(list, null, -1)).toBe('e');
    expect(nextNeedingReply(list, 'c', -1)).toBe('a');
    expect(nextNeedingReply(list, 'a', -1)).toBe('e');
  });
  it('passes over the chat just answered, which moved to the top: no bouncing between the two newest', () => {
    // The agent answered c: it is now first and no longer waits.
    const answered = [conv({ id: 'c', waitingSince: null, updatedAt: 95, lastMessage: { text: 'ok', authorKind: 'agent', createdAt: 95 } }), ...list.filter((x) => x.id !== 'c')];
    expect(nextNeedingReply(answered, 'c', 1)).toBe('a');
    expect(nextNeedingReply(answered, 'b', 1)).toBe('e');
  });
  it('none left but the open one: null', () => {
    expect(nextNeedingReply([list[0]!, list[1]!], 'a', 1)).toBeNull();
    expect(nextNeedingReply([list[1]!, list[3]!], 'b', 1)).toBeNull();
    expect(nextNeedingReply([], null, 1)).toBeNull();
  });
});
