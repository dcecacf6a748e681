import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/protocol';
import { PagedTimeline, Timeline } from '../../shared/timeline';

const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  conversationId: 'cv_1',
  seq,
  clientId: null,
  author: { kind: 'agent', name: 'Ana' },
  kind: 'text',
  text: `text ${seq}`,
  createdAt: 1000 + seq,
  ...extra,
});

describe('Timeline', () => {
  it('appends the next seq and reports duplicates and gaps', () => {
    const t = new Timeline({ kind: 'visitor' });
    expect(t.apply(msg(1))).toBe('appended');
    expect(t.apply(msg(1))).toBe('duplicate');
    expect(t.apply(msg(3))).toBe('gap');
    expect(t.lastSeq).toBe(1);
    expect(t.apply(msg(2))).toBe('appended');
    expect(t.apply(msg(3))).toBe('appended');
    expect(t.items().map((i) => i.seq)).toEqual([1, 2, 3]);
  });

  it('applies a sync page that continues lastSeq, and refuses one that does not', () => {
    const t = new Timeline({ kind: 'visitor' });
    expect(t.applyPage([msg(1), msg(2)])).toBe(true);
    expect(t.applyPage([msg(2), msg(3)])).toBe(true);
    expect(t.applyPage([msg(5)])).toBe(false);
    expect(t.lastSeq).toBe(3);
  });

  it('shows a pending send until its message arrives, then shows it once', () => {
    const t = new Timeline({ kind: 'visitor' });
    t.addPending({ clientId: 'abcdefgh1', text: 'hola', createdAt: 5 });
    expect(t.items()).toMatchObject([{ key: 'abcdefgh1', state: 'sending', seq: null }]);
    expect(t.unsent()).toHaveLength(1);
    t.ack('abcdefgh1', 1);
    expect(t.items()).toMatchObject([{ state: 'sent', seq: 1 }]);
    expect(t.unsent()).toHaveLength(0);
    t.apply(msg(1, { clientId: 'abcdefgh1', author: { kind: 'visitor' }, text: 'hola' }));
    expect(t.items()).toHaveLength(1);
    expect(t.items()[0]).toMatchObject({ key: 'm1', state: 'sent' });
  });

  it('ignores adding a send twice or one already confirmed', () => {
    const t = new Timeline({ kind: 'visitor' });
    t.apply(msg(1, { clientId: 'abcdefgh1' }));
    t.addPending({ clientId: 'abcdefgh1', text: 'x', createdAt: 1 });
    t.addPending({ clientId: 'abcdefgh2', text: 'y', createdAt: 2 });
    t.addPending({ clientId: 'abcdefgh2', text: 'y', createdAt: 2 });
    expect(t.items().map((i) => i.key)).toEqual(['m1', 'abcdefgh2']);
  });

  it('orders acked sends by seq before unacked ones', () => {
    const t = new Timeline({ kind: 'visitor' });
    t.addPending({ clientId: 'aaaaaaaa1', text: 'a', createdAt: 1 });
    t.addPending({ clientId: 'bbbbbbbb2', text: 'b', createdAt: 2 });
    t.addPending({ clientId: 'cccccccc3', text: 'c', createdAt: 3 });
    t.ack('cccccccc3', 2);
    t.ack('bbbbbbbb2', 1);
    expect(t.items().map((i) => i.text)).toEqual(['b', 'c', 'a']);
  });

  it('checks shopper continuity with prevSeq across hidden notes', () => {
    const t = new Timeline({ kind: 'visitor' }, { visibleOnly: true });
    expect(t.apply(msg(1, { prevSeq: 0 }))).toBe('appended');
    // seq 2 was an internal note the shopper never receives.
    expect(t.apply(msg(3, { prevSeq: 1 }))).toBe('appended');
    expect(t.apply(msg(5, { prevSeq: 4 }))).toBe('gap');
    expect(t.lastSeq).toBe(3);
  });

  it('marks failures and lets them be retried', () => {
    const t = new Timeline({ kind: 'visitor' });
    t.addPending({ clientId: 'aaaaaaaa1', text: 'a', createdAt: 1 });
    t.markFailed('aaaaaaaa1', 'bad_frame');
    expect(t.items()[0]!.state).toBe('failed');
    expect(t.unsent()).toHaveLength(0);
    t.markSending('aaaaaaaa1');
    expect(t.unsent()).toHaveLength(1);
  });
});

describe('PagedTimeline (the console’s: the newest page first, older pages on demand)', () => {
  it('starts at the newest page, prepends older pages before the first held, and knows when the start is reached', () => {
    const t = new PagedTimeline({ kind: 'agent', id: 'ag_ana', name: 'Ana' });
    t.addPending({ clientId: 'c_mine', text: 'mía', createdAt: 1 });
    t.startAt([msg(5), msg(6, { clientId: 'c_mine' })], true);
    expect([t.firstSeq, t.lastSeq, t.hasEarlier]).toEqual([5, 6, true]);
    // The pending send whose message is on the page is shown once, confirmed.
    expect(t.items().map((i) => i.key)).toEqual(['m5', 'm6']);
    // A page that overlaps what is held adds only the older ones.
    t.prepend([msg(3), msg(4), msg(5)], true);
    expect(t.items().map((i) => i.seq)).toEqual([3, 4, 5, 6]);
    t.prepend([msg(1), msg(2)], false);
    expect([t.firstSeq, t.hasEarlier]).toEqual([1, false]);
    // Live messages continue after the newest page.
    expect(t.apply(msg(7))).toBe('appended');
    expect(t.apply(msg(9))).toBe('gap');
  });

  it('a conversation that starts on its first page has nothing earlier', () => {
    const t = new PagedTimeline({ kind: 'agent', id: 'ag_ana', name: 'Ana' });
    t.startAt([msg(1), msg(2)], true);
    expect(t.hasEarlier).toBe(false);
    // An empty newest page: an empty conversation.
    const empty = new PagedTimeline({ kind: 'agent', id: 'ag_ana', name: 'Ana' });
    empty.startAt([], true);
    expect([empty.lastSeq, empty.firstSeq, empty.hasEarlier]).toEqual([0, 1, false]);
  });
});
