/**
 * The panel's outbox (widget/app/state/outbox.ts) with the connection, clock and storage passed
 * in: one send on the wire at a time, kept across reloads, resent after a reconnect or a lost
 * reply, later after a retryable refusal, failed for good after any other.
 */
import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../widget/app/state/outbox';
import { readOutbox, safeStore } from '../../widget/app/state/storage';
import { Timeline, type PendingSend } from '../../shared/timeline';
import { manualClock } from '../helpers/clock';
import { memoryStorage } from '../helpers/memory-storage';

const KEY = 'mostrador:pk_test:outbox';
const item = (n: number) => ({ clientId: `c_${n}xxxxxx`, text: `mensaje ${n}`, createdAt: n });

function model(storage = memoryStorage()) {
  const time = manualClock();
  const store = safeStore(storage);
  const wire: string[] = [];
  let ready = true;
  const tl = new Timeline({ kind: 'visitor' }, { visibleOnly: true });
  let refreshed = 0;
  const out = createOutbox(
    { ready: () => ready, send: (p: PendingSend) => void wire.push(p.clientId) },
    time.clock,
    store,
    KEY,
    () => tl,
    () => refreshed++,
  );
  let seq = 0;
  return {
    out,
    tl,
    /** The server's ack, as the chat passes it on: to the log first (the send is then sent), then to the outbox. */
    ack(clientId: string): void {
      tl.ack(clientId, ++seq);
      out.acked(clientId);
    },
    time,
    wire,
    storage,
    stored: () => readOutbox(store, KEY).map((x) => x.clientId),
    setReady: (r: boolean) => (ready = r),
    refreshed: () => refreshed,
  };
}

describe('the panel’s outbox', () => {
  it('sends one at a time, the next after the previous ack, keeping each stored until its ack', () => {
    const m = model();
    m.out.add(item(1));
    m.out.add(item(2));
    expect(m.refreshed()).toBe(2);
    m.out.pump();
    m.out.pump();
    expect(m.wire).toEqual(['c_1xxxxxx']);
    expect(m.stored()).toEqual(['c_1xxxxxx', 'c_2xxxxxx']);
    m.ack('c_1xxxxxx');
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_2xxxxxx']);
    expect(m.stored()).toEqual(['c_2xxxxxx']);
    // An ack for something not on the wire (a duplicate ack) frees nothing and sends nothing twice.
    m.ack('c_1xxxxxx');
    expect(m.wire).toHaveLength(2);
    m.ack('c_2xxxxxx');
    expect(m.stored()).toEqual([]);
    expect(m.storage.getItem(KEY)).toBeNull();
  });

  it('sends nothing before the welcome; after a reconnect resends what was on the wire, oldest first, with the same clientId', () => {
    const m = model();
    m.setReady(false);
    m.out.add(item(1));
    m.out.add(item(2));
    m.out.pump();
    expect(m.wire).toEqual([]);
    m.setReady(true);
    m.out.flush();
    expect(m.wire).toEqual(['c_1xxxxxx']);
    // The socket drops before the ack; the next welcome flushes again: the same send goes again.
    m.out.flush();
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_1xxxxxx']);
    m.ack('c_1xxxxxx');
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_1xxxxxx', 'c_2xxxxxx']);
  });

  it('brings back what a reload interrupted, in order, as sending', () => {
    const storage = memoryStorage();
    const first = model(storage);
    first.out.add(item(1));
    first.out.add(item(2));
    const again = model(storage);
    expect(again.tl.pendingSends().map((p) => [p.clientId, p.state])).toEqual([
      ['c_1xxxxxx', 'sending'],
      ['c_2xxxxxx', 'sending'],
    ]);
    again.out.flush();
    expect(again.wire).toEqual(['c_1xxxxxx']);
  });

  it('a reply the socket never brought frees the wire after 10 s: the send goes again', () => {
    const m = model();
    m.out.add(item(1));
    m.out.pump();
    m.time.tick(9_999);
    expect(m.wire).toEqual(['c_1xxxxxx']);
    m.time.tick(1);
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_1xxxxxx']);
    // Acked: the wait ends, nothing more goes.
    m.ack('c_1xxxxxx');
    m.time.tick(60_000);
    expect(m.wire).toHaveLength(2);
    expect(m.time.pending).toBe(0);
  });

  it('rate limited: says slow down, keeps the send stored and sending, and tries again after the server’s hint, once', () => {
    const m = model();
    m.out.add(item(1));
    m.out.add(item(2));
    m.out.pump();
    m.out.refused({ code: 'rate_limited', ref: 'c_1xxxxxx', retryAfterMs: 5_000 });
    expect(m.out.notice.value).toBe('slow_down');
    expect(m.tl.pendingSends()[0]).toMatchObject({ state: 'sending' });
    expect(m.stored()).toEqual(['c_1xxxxxx', 'c_2xxxxxx']);
    // Nothing overtakes it meanwhile, and a second refusal does not add a second retry.
    m.out.pump();
    m.out.refused({ code: 'rate_limited', ref: 'c_1xxxxxx', retryAfterMs: 5_000 });
    expect(m.wire).toEqual(['c_1xxxxxx']);
    m.time.tick(4_999);
    expect(m.wire).toEqual(['c_1xxxxxx']);
    m.time.tick(1);
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_1xxxxxx']);
    expect(m.out.notice.value).toBeNull();
  });

  it('shows the slow-down notice at least 3 s, and retries other retryable refusals after 3 s without a hint', () => {
    const m = model();
    m.out.add(item(1));
    m.out.pump();
    m.out.refused({ code: 'rate_limited', ref: 'c_1xxxxxx', retryAfterMs: 500 });
    m.time.tick(500);
    expect(m.wire).toHaveLength(2);
    expect(m.out.notice.value).toBe('slow_down');
    m.time.tick(2_500);
    expect(m.out.notice.value).toBeNull();

    m.out.refused({ code: 'store_unavailable', ref: 'c_1xxxxxx' });
    expect(m.out.notice.value).toBeNull();
    m.time.tick(2_999);
    expect(m.wire).toHaveLength(2);
    m.time.tick(1);
    expect(m.wire).toHaveLength(3);
  });

  it('a refusal for good marks the send failed, forgets it and lets the next go; retry sends it again', () => {
    const m = model();
    m.out.add(item(1));
    m.out.add(item(2));
    m.out.pump();
    m.out.refused({ code: 'bad_frame', ref: 'c_1xxxxxx' });
    expect(m.tl.pendingSends()[0]).toMatchObject({ clientId: 'c_1xxxxxx', state: 'failed', error: 'bad_frame' });
    expect(m.stored()).toEqual(['c_2xxxxxx']);
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_2xxxxxx']);
    m.ack('c_2xxxxxx');
    m.out.retry('c_2xxxxxx'); // not failed: nothing
    m.out.retry('c_1xxxxxx');
    expect(m.tl.pendingSends()[0]).toMatchObject({ clientId: 'c_1xxxxxx', state: 'sending' });
    expect(m.stored()).toEqual(['c_1xxxxxx']);
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_2xxxxxx', 'c_1xxxxxx']);
  });

  it('a retried send is stored again with its files, so a reload before its ack resends all of it', () => {
    const storage = memoryStorage();
    const m = model(storage);
    const files = [{ id: 'att_1', name: 'foto.jpg', contentType: 'image/jpeg', size: 1200 }];
    m.out.add({ ...item(1), attachments: files });
    m.out.pump();
    m.out.refused({ code: 'bad_frame', ref: 'c_1xxxxxx' });
    expect(m.stored()).toEqual([]);
    m.out.retry('c_1xxxxxx');
    expect(readOutbox(safeStore(storage), KEY)).toEqual([{ ...item(1), attachments: files }]);
    // The panel reloads before the ack: the new outbox resends the message with its files.
    const again = model(storage);
    again.out.pump();
    expect(again.tl.pendingSends()).toMatchObject([{ clientId: 'c_1xxxxxx', attachments: files, state: 'sending' }]);
    expect(again.wire).toEqual(['c_1xxxxxx']);
  });

  it('errors about something else (no ref, or not one of its sends) leave the wire as it is', () => {
    const m = model();
    m.out.add(item(1));
    m.out.pump();
    m.out.refused({ code: 'bad_frame' });
    m.out.refused({ code: 'not_found', ref: 'cv_other' });
    m.out.add(item(2));
    m.out.pump();
    expect(m.wire).toEqual(['c_1xxxxxx']);
    expect(m.tl.pendingSends().map((p) => p.state)).toEqual(['sending', 'sending']);
  });

  it('clear forgets every stored send and frees the wire', () => {
    const m = model();
    m.out.add(item(1));
    m.out.pump();
    m.out.clear();
    expect(m.storage.getItem(KEY)).toBeNull();
    m.out.pump();
    expect(m.wire).toEqual(['c_1xxxxxx', 'c_1xxxxxx']);
  });
});
