/**
 * Typing and read receipts in the panel (widget/app/state/receipts.ts), with the connection and
 * the clock passed in.
 */
import { describe, expect, it } from 'vitest';
import { createReceipts } from '../../widget/app/state/receipts';
import { signal } from '../../widget/app/state/signal';
import { Timeline } from '../../shared/timeline';
import type { Message, VisitorClientFrame } from '../../shared/protocol';
import { manualClock } from '../helpers/clock';

const agentTyping = (on: boolean, conversationId = 'cv_1', name?: string) => ({ type: 'typing' as const, conversationId, who: { kind: 'agent' as const, ...(name ? { name } : {}) }, on });

function model(shown: string | null = 'cv_1', ready = true) {
  const time = manualClock();
  const sent: VisitorClientFrame[] = [];
  const current = signal<string | null>(shown);
  const tl = new Timeline({ kind: 'visitor' }, { visibleOnly: true });
  const rc = createReceipts({ send: (f: VisitorClientFrame) => sent.push(f), ready: () => ready }, time.clock, current, () => tl);
  const arrive = (seq: number) => tl.apply({ id: `m${seq}`, conversationId: 'cv_1', seq, clientId: null, author: { kind: 'agent' }, kind: 'text', text: 'x', payload: null, createdAt: seq } as Message);
  return { rc, time, sent, current, arrive, ofType: (t: string) => sent.filter((f) => f.type === t) };
}

describe('the team’s typing in the panel', () => {
  it('shows who types, goes out on "off" or after 8 s without one, each "on" restarting the wait', () => {
    const { rc, time } = model();
    rc.frame(agentTyping(true, 'cv_1', 'Ana'));
    expect(rc.agentTyping.value).toBe('Ana');
    time.tick(7_000);
    rc.frame(agentTyping(true, 'cv_1', 'Ana'));
    time.tick(7_000);
    expect(rc.agentTyping.value).toBe('Ana');
    time.tick(1_000);
    expect(rc.agentTyping.value).toBeNull();
    rc.frame(agentTyping(true));
    expect(rc.agentTyping.value).toBe('');
    rc.frame(agentTyping(false));
    expect(rc.agentTyping.value).toBeNull();
    expect(time.pending).toBe(0);
  });

  it('ignores typing in other conversations and the shopper’s own echo', () => {
    const { rc } = model();
    rc.frame(agentTyping(true, 'cv_2', 'Luis'));
    rc.frame({ type: 'typing', conversationId: 'cv_1', who: { kind: 'visitor' }, on: true });
    expect(rc.agentTyping.value).toBeNull();
  });
});

describe('read receipts in the panel', () => {
  it('the team’s: only forward, only the team’s, only for the conversation shown', () => {
    const { rc } = model();
    rc.frame({ type: 'read', conversationId: 'cv_1', by: 'agent', seq: 4 });
    rc.frame({ type: 'read', conversationId: 'cv_1', by: 'agent', seq: 2 });
    rc.frame({ type: 'read', conversationId: 'cv_1', by: 'visitor', seq: 9 });
    rc.frame({ type: 'read', conversationId: 'cv_2', by: 'agent', seq: 9 });
    expect(rc.readSeq.value).toBe(4);
  });

  it('the shopper’s: sent only when the log moved, and again from zero after another conversation is shown', () => {
    const { rc, arrive, ofType } = model();
    rc.markRead();
    expect(ofType('read')).toEqual([]);
    arrive(1);
    arrive(2);
    rc.markRead();
    rc.markRead();
    expect(ofType('read')).toEqual([{ type: 'read', conversationId: 'cv_1', seq: 2 }]);
    expect(rc.seenSeq.value).toBe(2);
    rc.frame({ type: 'read', conversationId: 'cv_1', by: 'agent', seq: 2 });
    rc.reset();
    expect([rc.readSeq.value, rc.seenSeq.value]).toEqual([0, 0]);
    rc.markRead();
    expect(ofType('read')).toHaveLength(2);
  });

  it('takes what a welcome says was read: the team’s as it is, the shopper’s only forward', () => {
    const { rc, arrive } = model();
    arrive(1);
    arrive(2);
    arrive(3);
    rc.markRead();
    rc.seen({ readSeq: 1, seenSeq: 2 });
    expect([rc.readSeq.value, rc.seenSeq.value]).toEqual([1, 3]);
    rc.seen({ readSeq: 2, seenSeq: 5 });
    expect([rc.readSeq.value, rc.seenSeq.value]).toEqual([2, 5]);
    rc.seen({ readSeq: 0 });
    expect([rc.readSeq.value, rc.seenSeq.value]).toEqual([0, 5]);
  });

  it('says nothing before the welcome or without a conversation', () => {
    for (const m of [model('cv_1', false), model(null)]) {
      m.arrive(1);
      m.rc.markRead();
      m.rc.typing(true);
      expect(m.sent).toEqual([]);
    }
  });
});

describe('the shopper’s typing', () => {
  it('sends one "on" every 3 s at most, with the preview cut to 1,000 characters, and "off" after 5 s quiet', () => {
    const { rc, time, ofType } = model();
    rc.typing(true, 'h'.repeat(1200));
    expect(ofType('typing')).toEqual([{ type: 'typing', conversationId: 'cv_1', on: true, preview: 'h'.repeat(1000) }]);
    time.tick(2_000);
    rc.typing(true, 'ho');
    expect(ofType('typing')).toHaveLength(1);
    time.tick(1_001);
    rc.typing(true);
    expect(ofType('typing').at(-1)).toEqual({ type: 'typing', conversationId: 'cv_1', on: true });
    time.tick(4_999);
    expect(ofType('typing')).toHaveLength(2);
    time.tick(1);
    expect(ofType('typing').at(-1)).toEqual({ type: 'typing', conversationId: 'cv_1', on: false });
    // Nothing to stop: no second "off".
    rc.typing(false);
    expect(ofType('typing')).toHaveLength(3);
  });

  it('a send stops it at once, and the quiet timer does not send a second "off"', () => {
    const { rc, time, ofType } = model();
    rc.typing(true);
    rc.typing(false);
    time.tick(10_000);
    expect(ofType('typing').map((f) => (f as { on: boolean }).on)).toEqual([true, false]);
  });
});
