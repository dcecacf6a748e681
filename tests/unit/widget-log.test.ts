/**
 * The panel's message log (widget/app/state/log.ts) with the connection passed in: seq order,
 * duplicates, gaps and catch-up by seq, and which sends follow the shopper to another conversation.
 */
import { describe, expect, it } from 'vitest';
import { createLog } from '../../widget/app/state/log';
import type { Message, VisitorClientFrame } from '../../shared/protocol';

const msg = (seq: number, over: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  conversationId: 'cv_1',
  seq,
  clientId: null,
  author: { kind: 'agent', id: 'ag_ana', name: 'Ana' },
  kind: 'text',
  text: `texto ${seq}`,
  payload: null,
  createdAt: 1000 + seq,
  ...over,
});

function model(ready = true) {
  const sent: VisitorClientFrame[] = [];
  const conn = { send: (f: VisitorClientFrame) => sent.push(f), ready: () => ready };
  let shown = 0;
  const log = createLog(conn, () => shown++);
  return { log, sent, shownCount: () => shown, syncs: () => sent.filter((f) => f.type === 'sync') };
}

describe('the panel’s message log', () => {
  it('appends the next message, ignores a duplicate frame, and draws each message once', () => {
    const { log } = model();
    log.show('cv_1');
    expect(log.message(msg(1))).toBe(true);
    expect(log.message(msg(2))).toBe(true);
    const drawn = log.items.value;
    expect(log.message(msg(2))).toBe(false);
    expect(log.message(msg(1))).toBe(false);
    // Nothing redrawn for a duplicate: the same list.
    expect(log.items.value).toBe(drawn);
    expect(drawn.map((i) => i.seq)).toEqual([1, 2]);
  });

  it('on a frame past a gap asks for what follows the last seq held, and holds the later one back until the page comes', () => {
    const { log, syncs } = model();
    log.show('cv_1');
    log.message(msg(1));
    expect(log.message(msg(3))).toBe(false);
    expect(syncs()).toEqual([{ type: 'sync', conversationId: 'cv_1', afterSeq: 1 }]);
    expect(log.items.value.map((i) => i.seq)).toEqual([1]);
    log.page({ conversationId: 'cv_1', messages: [msg(2), msg(3)], hasMore: false });
    expect(log.items.value.map((i) => i.seq)).toEqual([1, 2, 3]);
    // The live frame of 3 arriving after its page is a duplicate.
    expect(log.message(msg(3))).toBe(false);
    expect(syncs()).toHaveLength(1);
  });

  it('checks continuity by prevSeq: internal notes take seqs the shopper never gets', () => {
    const { log, syncs } = model();
    log.show('cv_1');
    log.message(msg(1));
    expect(log.message(msg(4, { prevSeq: 1 }))).toBe(true);
    expect(log.message(msg(6, { prevSeq: 5 }))).toBe(false);
    expect(syncs().at(-1)).toEqual({ type: 'sync', conversationId: 'cv_1', afterSeq: 4 });
  });

  it('catches up page by page after a reconnect, and stops when a page does not move it', () => {
    const { log, syncs } = model();
    log.show('cv_1');
    log.message(msg(1));
    log.sync();
    expect(syncs().at(-1)).toMatchObject({ afterSeq: 1 });
    log.page({ conversationId: 'cv_1', messages: [msg(2), msg(3)], hasMore: true });
    expect(syncs().at(-1)).toMatchObject({ afterSeq: 3 });
    // A page that does not continue the log (the server's answer to an older request): no loop.
    log.page({ conversationId: 'cv_1', messages: [msg(9)], hasMore: true });
    expect(syncs()).toHaveLength(2);
    // A page of a conversation not shown is not this log's.
    log.page({ conversationId: 'cv_2', messages: [msg(4, { conversationId: 'cv_2' })], hasMore: true });
    expect(log.tl().lastSeq).toBe(3);
    expect(syncs()).toHaveLength(2);
  });

  it('asks nothing before the welcome or without a conversation, and ignores messages of other conversations', () => {
    const early = model(false);
    early.log.show('cv_1');
    early.log.sync();
    expect(early.sent).toEqual([]);
    const none = model();
    none.log.sync();
    expect(none.sent).toEqual([]);
    none.log.show('cv_1');
    expect(none.log.message(msg(1, { conversationId: 'cv_2' }))).toBe(false);
    expect(none.log.items.value).toEqual([]);
  });

  it('the first send’s ack names the conversation it started; an ack shows the send as sent until its message comes', () => {
    const { log, shownCount } = model();
    log.tl().addPending({ clientId: 'c_1xxxxxx', text: 'Hola', createdAt: 1 });
    log.ack({ clientId: 'c_1xxxxxx', conversationId: 'cv_new', seq: 1 });
    expect(log.current.value).toBe('cv_new');
    expect(shownCount()).toBe(1);
    expect(log.items.value).toMatchObject([{ key: 'c_1xxxxxx', seq: 1, state: 'sent' }]);
    // Its message arrives: one item, confirmed.
    log.message(msg(1, { conversationId: 'cv_new', clientId: 'c_1xxxxxx', author: { kind: 'visitor' }, text: 'Hola' }));
    expect(log.items.value).toMatchObject([{ key: 'm1', seq: 1, clientId: 'c_1xxxxxx' }]);
    // A resent send acked as a duplicate of a message already held adds nothing.
    log.tl().addPending({ clientId: 'c_2xxxxxx', text: 'otra', createdAt: 2 });
    log.message(msg(2, { conversationId: 'cv_new', clientId: 'c_2xxxxxx', author: { kind: 'visitor' }, text: 'otra' }));
    log.ack({ clientId: 'c_2xxxxxx', conversationId: 'cv_new', seq: 2 });
    expect(log.items.value.map((i) => i.key)).toEqual(['m1', 'm2']);
  });

  it('showing another conversation starts an empty log (told first), keeping only the sends no conversation has yet', () => {
    const { log, shownCount } = model();
    log.show('cv_1');
    log.message(msg(1));
    log.tl().addPending({ clientId: 'c_ackedxx', text: 'ya guardado', createdAt: 1 });
    log.tl().ack('c_ackedxx', 2);
    log.tl().addPending({ clientId: 'c_waitxxx', text: 'sin confirmar', createdAt: 2 });
    log.show('cv_1');
    expect(shownCount()).toBe(1);
    expect(log.tl().lastSeq).toBe(1);
    log.show('cv_2');
    expect(shownCount()).toBe(2);
    expect(log.current.value).toBe('cv_2');
    expect(log.tl().lastSeq).toBe(0);
    expect(log.tl().pendingSends().map((p) => p.clientId)).toEqual(['c_waitxxx']);
  });

  it('clears to nothing shown (another shopper on this device)', () => {
    const { log } = model();
    log.show('cv_1');
    log.message(msg(1));
    log.tl().addPending({ clientId: 'c_1xxxxxx', text: 'x', createdAt: 1 });
    log.clear();
    expect(log.current.value).toBeNull();
    expect(log.items.value).toEqual([]);
  });
});
