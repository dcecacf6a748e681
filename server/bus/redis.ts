/**
 * REDIS_URL: the bus and the cluster over Redis (ioredis), for several nodes behind a load
 * balancer. Two connections: one in subscriber mode (a channel per topic a local socket listens
 * to, plus one control channel) and one for publishes and locks.
 *
 * - A publish is serialised once, delivered to this process's listeners at once (as MemoryBus
 *   does) and sent to Redis with this node's id; a node skips its own messages, so nothing is
 *   delivered twice locally. A frame for several topics goes to each topic's channel with the
 *   whole list, and a node that listens to more than one of them delivers it once.
 * - Order: Redis delivers one connection's publishes in order, and each node publishes on one
 *   connection, so what one node publishes arrives everywhere in the order it was published.
 * - The bus carries events, not truth: while Redis is unreachable publishes are dropped (not
 *   queued to arrive late), and when it comes back every node tells its sockets to reconnect, so
 *   clients catch up from the store by `seq` (`onReconnect`, wired in app.ts).
 * - Locks: SET NX PX with a random token, renewed while held, released only by their holder.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ServerFrame } from '../../shared/protocol';
import { MemoryBus, type Bus, type BusListener } from './bus';
import { newNodeId, type Cluster, type ClusterEvent, type ClusterListener, type LockResult } from './cluster';
import type { Logger } from '../logger';

/** A lock not renewed for this long is free (its holder died). */
const LOCK_TTL_MS = 15_000;
const LOCK_RENEW_MS = 5_000;
/** How many multi-topic messages a node remembers to deliver each once. */
const SEEN_MAX = 4096;
/** A hello waits at most this long for its subscriptions while Redis is unreachable. */
const SETTLE_MAX_MS = 2_000;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface RedisLink {
  bus: RedisBus;
  cluster: RedisCluster;
  close(): Promise<void>;
}

/** Connects both connections (fails when Redis cannot be reached at start: the operator asked for it). */
export async function connectRedis(url: string, opts: { prefix: string; logger: Logger }): Promise<RedisLink> {
  const common = { lazyConnect: true, connectTimeout: 5_000, retryStrategy: (times: number) => Math.min(100 * times, 2_000) };
  // Commands fail at once while Redis is down (a lock not taken, a publish dropped) instead of piling up.
  const cmd = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  // Subscriptions asked for during an outage wait for the reconnection (and ioredis re-subscribes the others).
  const sub = new Redis(url, { ...common, maxRetriesPerRequest: null });
  for (const [name, conn] of [['command', cmd], ['subscriber', sub]] as const) {
    let down = false;
    conn.on('error', (err: Error) => {
      if (!down) opts.logger.warn({ err: err.message, connection: name }, 'redis connection error');
      down = true;
    });
    conn.on('ready', () => {
      if (down) opts.logger.info({ connection: name }, 'redis connection back');
      down = false;
    });
  }
  try {
    await Promise.all([cmd.connect(), sub.connect()]);
  } catch (err) {
    cmd.disconnect();
    sub.disconnect();
    throw err;
  }
  const nodeId = newNodeId();
  const cluster = new RedisCluster(nodeId, cmd, sub, opts.prefix, opts.logger);
  const bus = new RedisBus(nodeId, cmd, sub, opts.prefix, opts.logger, cluster);
  return {
    bus,
    cluster,
    async close() {
      await cluster.close();
      sub.disconnect();
      await cmd.quit().catch(() => cmd.disconnect());
    },
  };
}

export class RedisBus implements Bus {
  private readonly local: MemoryBus;
  private readonly counts = new Map<string, number>();
  private readonly seen = new Set<string>();
  private seq = 0;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nodeId: string,
    private readonly cmd: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    cluster: RedisCluster,
  ) {
    this.local = new MemoryBus((err) => logger.error({ err }, 'bus listener failed'));
    const topicPrefix = `${prefix}t:`;
    sub.on('message', (channel: string, message: string) => {
      if (channel.startsWith(topicPrefix)) this.receive(message);
      else cluster.receive(channel, message);
    });
  }

  private channel(topic: string): string {
    return `${this.prefix}t:${topic}`;
  }

  subscribe(topic: string, listener: BusListener): () => void {
    const off = this.local.subscribe(topic, listener);
    const n = (this.counts.get(topic) ?? 0) + 1;
    this.counts.set(topic, n);
    if (n === 1) this.pending = this.sub.subscribe(this.channel(topic)).catch((err: unknown) => this.logger.warn({ err, topic }, 'redis subscribe failed'));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      const left = (this.counts.get(topic) ?? 1) - 1;
      if (left > 0) return void this.counts.set(topic, left);
      this.counts.delete(topic);
      this.pending = this.sub.unsubscribe(this.channel(topic)).catch(() => undefined);
    };
  }

  settled(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const max = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SETTLE_MAX_MS);
      timer.unref();
    });
    return Promise.race([this.pending.then(() => undefined), max]).finally(() => clearTimeout(timer));
  }

  publishLocal(topic: string | readonly string[], frame: ServerFrame, json?: string): void {
    this.local.publish(topic, frame, json);
  }

  publish(topic: string | readonly string[], frame: ServerFrame, json?: string): void {
    const body = json ?? JSON.stringify(frame);
    this.local.publish(topic, frame, body);
    if (this.cmd.status !== 'ready') return; // events, not truth: clients catch up from the store
    const list = typeof topic === 'string' ? [topic] : topic;
    const message = `${this.nodeId} ${(++this.seq).toString(36)} ${list.join(' ')}\n${body}`;
    for (const t of list) this.cmd.publish(this.channel(t), message).catch(() => undefined);
  }

  private receive(message: string): void {
    const nl = message.indexOf('\n');
    if (nl < 0) return;
    const [node, id, ...list] = message.slice(0, nl).split(' ');
    if (!node || !id || node === this.nodeId || list.length === 0) return;
    if (list.length > 1) {
      const key = `${node}:${id}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      if (this.seen.size > SEEN_MAX) for (const k of this.seen) if (this.seen.delete(k) && this.seen.size <= SEEN_MAX / 2) break;
    }
    const json = message.slice(nl + 1);
    let frame: ServerFrame;
    try {
      frame = JSON.parse(json) as ServerFrame;
    } catch {
      return;
    }
    this.local.publish(list.length === 1 ? list[0]! : list, frame, json);
  }
}

export class RedisCluster implements Cluster {
  readonly shared = true;
  private readonly listeners = new Set<ClusterListener>();
  private readonly reconnects = new Set<() => void>();
  private readonly control: string;
  private lost = false;
  private closed = false;

  constructor(
    readonly nodeId: string,
    private readonly cmd: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.control = `${prefix}ctl`;
    void sub.subscribe(this.control);
    sub.on('close', () => {
      if (!this.closed) this.lost = true;
    });
    sub.on('ready', () => {
      if (!this.lost) return;
      this.lost = false;
      // Wait for the command connection too: a reconnect handler publishes and takes locks.
      const fire = () => {
        for (const l of this.reconnects) l();
      };
      if (cmd.status === 'ready') fire();
      else cmd.once('ready', fire);
    });
  }

  connected(): boolean {
    return this.cmd.status === 'ready' && this.sub.status === 'ready' && !this.lost;
  }

  broadcast(event: ClusterEvent): void {
    if (this.cmd.status !== 'ready') return;
    this.cmd.publish(this.control, `${this.nodeId}\n${JSON.stringify(event)}`).catch(() => undefined);
  }

  receive(channel: string, message: string): void {
    if (channel !== this.control) return;
    const nl = message.indexOf('\n');
    const from = message.slice(0, nl);
    if (nl < 0 || from === this.nodeId) return;
    let event: ClusterEvent;
    try {
      event = JSON.parse(message.slice(nl + 1)) as ClusterEvent;
    } catch {
      return;
    }
    for (const l of this.listeners) {
      try {
        l(event, from);
      } catch (err) {
        this.logger.error({ err, kind: event.kind }, 'cluster event handler failed');
      }
    }
  }

  onEvent(listener: ClusterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnects.add(listener);
    return () => this.reconnects.delete(listener);
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<LockResult<T>> {
    const key = `${this.prefix}lock:${name}`;
    const token = randomBytes(9).toString('base64url');
    let got: string | null;
    try {
      got = await this.cmd.set(key, token, 'PX', LOCK_TTL_MS, 'NX');
    } catch {
      return { ok: false };
    }
    if (got !== 'OK') return { ok: false };
    const renew = setInterval(() => void this.cmd.eval(RENEW, 1, key, token, LOCK_TTL_MS).catch(() => undefined), LOCK_RENEW_MS);
    renew.unref();
    try {
      return { ok: true, value: await fn() };
    } finally {
      clearInterval(renew);
      await this.cmd.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.broadcast({ kind: 'bye' });
    this.closed = true;
  }
}
