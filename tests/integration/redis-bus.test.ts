/**
 * The Redis bus and cluster (server/bus/redis.ts) as two nodes in one process, on the Redis of
 * TEST_REDIS_URL with a key prefix of this run: a publish reaches the other node once and in
 * order, a node's own listeners get its publishes once (not again from Redis), a frame for several
 * topics reaches a listener of more than one of them once, cluster events reach the others and not
 * the sender, and a lock is held by one node at a time.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../server/bus/bus';
import type { ClusterEvent } from '../../server/bus/cluster';
import { connectRedis, type RedisLink } from '../../server/bus/redis';
import { createLogger } from '../../server/logger';
import type { ServerFrame } from '../../shared/protocol';
import { TEST_REDIS_URL } from '../helpers/cluster';

const prefix = `mtest:bus:${randomBytes(4).toString('hex')}:`;
let a: RedisLink;
let b: RedisLink;
beforeAll(async () => {
  const logger = createLogger('silent');
  [a, b] = await Promise.all([connectRedis(TEST_REDIS_URL, { prefix, logger }), connectRedis(TEST_REDIS_URL, { prefix, logger })]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const pong = (t: number): ServerFrame => ({ type: 'pong', t });
/** Collects what a listener hears; `until(t)` waits for the frame `pong t` (published last: everything before it has arrived). */
function collector() {
  const heard: BusEvent[] = [];
  const waiters: { t: number; resolve: () => void }[] = [];
  return {
    heard,
    ts: () => heard.map((e) => (e.frame as { t: number }).t),
    listener: (e: BusEvent) => {
      heard.push(e);
      for (const w of waiters.filter((w) => (e.frame as { t?: number }).t === w.t)) w.resolve();
    },
    until: (t: number) =>
      heard.some((e) => (e.frame as { t?: number }).t === t)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`pong ${t} never arrived`)), 5000);
            waiters.push({ t, resolve: () => (clearTimeout(timer), resolve()) });
          }),
  };
}

describe('Redis bus between two nodes', () => {
  it('delivers to the other node once and in order, and to the publisher’s own listeners once', async () => {
    const onA = collector();
    const onB = collector();
    a.bus.subscribe('t1', onA.listener);
    b.bus.subscribe('t1', onB.listener);
    await Promise.all([a.bus.settled(), b.bus.settled()]);
    for (let i = 1; i <= 500; i++) b.bus.publish('t1', pong(i));
    await onA.until(500);
    // B's own listener heard each at once, and not again when Redis echoed it: wait for a later frame from A.
    a.bus.publish('t1', pong(501));
    await onB.until(501);
    const seq = Array.from({ length: 500 }, (_, i) => i + 1);
    // A heard B's 500 in order, then its own 501 (at once, locally) — once, though Redis echoes it.
    expect(onA.ts()).toEqual([...seq, 501]);
    expect(onB.ts()).toEqual([...seq, 501]);
    b.bus.publish('t1', pong(502));
    await onA.until(502);
    expect(onA.ts()).toEqual([...seq, 501, 502]);
    // Serialised once: what the other node delivers is the publisher's JSON as it was.
    expect(onA.heard[0]!.json).toBe(JSON.stringify(pong(1)));
  });

  it('delivers a frame for several topics once to a listener of more than one', async () => {
    const both = collector();
    const offs = [a.bus.subscribe('t2', both.listener), a.bus.subscribe('t3', both.listener)];
    await a.bus.settled();
    b.bus.publish(['t2', 't3'], pong(1));
    b.bus.publish('t3', pong(2));
    await both.until(2);
    expect(both.ts()).toEqual([1, 2]);
    for (const off of offs) off();
    // Unsubscribed: nothing more arrives (a later frame on a topic it still hears would come after).
    const other = collector();
    a.bus.subscribe('t4', other.listener);
    await a.bus.settled();
    b.bus.publish('t2', pong(3));
    b.bus.publish('t4', pong(4));
    await other.until(4);
    expect(both.ts()).toEqual([1, 2]);
  });

  it('tells cluster events to the other nodes, not to the sender', async () => {
    const heardA: [ClusterEvent, string][] = [];
    const heardB: [ClusterEvent, string][] = [];
    a.cluster.onEvent((e, from) => heardA.push([e, from]));
    const got = new Promise<void>((resolve) => b.cluster.onEvent((e, from) => (heardB.push([e, from]), e.kind === 'site' && e.siteId === 's2' && resolve())));
    a.cluster.broadcast({ kind: 'site', siteId: 's1' });
    a.cluster.broadcast({ kind: 'site', siteId: 's2' });
    await got;
    expect(heardB).toEqual([
      [{ kind: 'site', siteId: 's1' }, a.cluster.nodeId],
      [{ kind: 'site', siteId: 's2' }, a.cluster.nodeId],
    ]);
    expect(heardA).toEqual([]);
  });

  it('holds a lock on one node at a time', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const first = a.cluster.withLock('route:x', async () => {
      inside();
      await held;
      return 'a';
    });
    await entered;
    expect(await b.cluster.withLock('route:x', async () => 'b')).toEqual({ ok: false });
    release();
    expect(await first).toEqual({ ok: true, value: 'a' });
    expect(await b.cluster.withLock('route:x', async () => 'b')).toEqual({ ok: true, value: 'b' });
  });
});
