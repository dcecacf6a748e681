/**
 * What the nodes of one deployment tell each other, besides the frames the bus carries to
 * sockets: who of the team is connected where, which sessions ended, which site changed, and
 * locks for work that must happen on one node at a time. One process (no REDIS_URL) is a cluster
 * of one: `LocalCluster` sends nothing and every lock is free (the process serialises its own
 * work). With REDIS_URL, `RedisCluster` (bus/redis.ts) carries these over Redis.
 */
import { randomBytes } from 'node:crypto';

/** One agent as one node sees them: its sockets, and the status they chose (and when). */
export interface TeamEntry {
  id: string;
  name: string;
  chosen: 'online' | 'away';
  chosenAt: number;
  sockets: number;
}

export type ClusterEvent =
  /** A node's agents on a site, whole (sent on change and as a heartbeat). */
  | { kind: 'team'; siteId: string; agents: TeamEntry[] }
  /** A node that just started asks the others for their state. */
  | { kind: 'sync' }
  /**
   * A node's heartbeat (the sites it has agents on follow as `team` events), with a fingerprint
   * of its file-signing key: every node must share one DATA_DIR (server.key and uploads/).
   */
  | { kind: 'alive'; key?: string }
  /** A node is closing cleanly: forget its agents now rather than at expiry. */
  | { kind: 'bye' }
  /** An agent session ended (signed out): close its sockets everywhere. */
  | { kind: 'end-session'; tokenHash: string }
  /** Every session of an agent ended (disabled, password changed). */
  | { kind: 'end-agent'; agentId: string }
  /** A node's record of one visitor on the shop (pages, cart, tabs connected there); null: gone. */
  | { kind: 'visitor'; siteId: string; visitorId: string; record: object | null }
  /** Budgets a node spent lately: [limiter name, key, tokens] (rate limits shared across nodes). */
  | { kind: 'spent'; entries: [string, string, number][] }
  /** A site's record changed (settings, keys): drop cached copies and apply it. */
  | { kind: 'site'; siteId: string };

export type ClusterListener = (event: ClusterEvent, from: string) => void;

export type LockResult<T> = { ok: true; value: T } | { ok: false };

export interface Cluster {
  /** This node's id (random per process start). */
  readonly nodeId: string;
  /** True when other nodes may exist (REDIS_URL set). */
  readonly shared: boolean;
  /** Whether this node can hear the others now (false while Redis is unreachable). */
  connected(): boolean;
  /** Tells every other node (never this one). Best effort: a lost event is repaired by heartbeats or the store. */
  broadcast(event: ClusterEvent): void;
  /** Events from other nodes. */
  onEvent(listener: ClusterListener): () => void;
  /** Called when the link to the other nodes came back after an outage (events may have been missed). */
  onReconnect(listener: () => void): () => void;
  /**
   * Runs `fn` while holding the cluster-wide lock `name` (kept alive while `fn` runs); `{ok:false}`
   * without running it when another node holds it or the lock service cannot be reached.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<LockResult<T>>;
  close(): Promise<void>;
}

export function newNodeId(): string {
  return randomBytes(6).toString('hex');
}

/** A single process: nothing to tell anyone, and its own queues already serialise its work. */
export class LocalCluster implements Cluster {
  readonly nodeId = newNodeId();
  readonly shared = false;
  connected(): boolean {
    return true;
  }
  broadcast(): void {}
  onEvent(): () => void {
    return () => {};
  }
  onReconnect(): () => void {
    return () => {};
  }
  async withLock<T>(_name: string, fn: () => Promise<T>): Promise<LockResult<T>> {
    return { ok: true, value: await fn() };
  }
  async close(): Promise<void> {}
}
