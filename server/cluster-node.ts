/**
 * This node's part in a cluster (REDIS_URL; bus/cluster.ts): it tells the other nodes who of the
 * team is connected here, and applies what they tell: their agents (an agent online on any node
 * is online) and its visitors (the Live visitors list shows shoppers connected to any node), ended sessions (signing out closes the agent's sockets on every node), changed
 * sites (cached copies dropped, business hours re-applied). A node that stops speaking for
 * NODE_TTL_MS (while this node's own link is up) is taken for dead: its agents go offline everywhere, and their chats go back to the
 * queue after the grace period, armed by every surviving node (the requeue is guarded and runs
 * under the site's lock, so once). With one process (LocalCluster) none of this runs.
 */
import type { Cluster, ClusterEvent } from './bus/cluster';
import { topics, type Bus } from './bus/bus';
import type { Logger } from './logger';
import type { Store } from './store/types';
import type { RateLimiter, SpendSink } from './domain/rate-limit';

/** A budget other nodes' spending is taken from (rate limiters, failure counters). */
interface Debitable {
  debit(key: string, n: number, now: number): void;
}
import type { FileStorage } from './file-storage';
import { applyHours, siteHours, type PresenceRegistry, type TeamPresence } from './presence';

/** How often a node repeats what it holds (its heartbeat). */
export const NODE_HEARTBEAT_MS = 2_000;
/** A node silent for this long is dead. */
export const NODE_TTL_MS = 3 * NODE_HEARTBEAT_MS + 1_000;

export interface ClusterNodeDeps {
  cluster: Cluster;
  bus: Bus;
  store: Store;
  logger: Logger;
  team: TeamPresence;
  /** Visitors on the shop: an agent on any node lists the shoppers connected to every node. */
  presence: PresenceRegistry;
  now: () => number;
  router: { schedule(siteId: string): unknown; agentLeft(siteId: string, agent: { id: string; name: string }): void };
  /** Closes this node's sockets of one session, or of every session of an agent. */
  endSession(tokenHash: string): Promise<void>;
  endAgent(agentId: string): Promise<void>;
  /** The link to the other nodes came back: this node's clients may have missed events. */
  resync(): void;
  /** Another node left or died: timers it held (snoozes) are re-armed here from the store. */
  rearm?(): void;
  /** Rate limits shared with the other nodes. */
  budgets: SharedBudgets;
  /**
   * This node's DATA_DIR as the others must see it: a fingerprint of its server.key, and its
   * file storage, where it leaves a marker file for the others to find (docs/deploy.md).
   */
  dataDir?: { keyFingerprint: string; files: FileStorage };
}

/** How often a node tells the others what it spent of the shared budgets. */
export const SPENT_FLUSH_MS = 200;

/**
 * Rate limits shared across nodes: each node decides from its own copy of a budget at once, and
 * every SPENT_FLUSH_MS tells the others what it spent, which they debit from theirs. A client
 * spreading its requests over N nodes gets one budget, give or take what the others spent in
 * the last SPENT_FLUSH_MS.
 */
export class SharedBudgets implements SpendSink {
  private readonly limiters = new Map<string, Debitable>();
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly cluster: Pick<Cluster, 'broadcast' | 'shared'>) {}

  /** Shares `limiter` under `name` (the same name on every node). */
  share<L extends RateLimiter>(name: string, limiter: L): L {
    if (!this.cluster.shared) return limiter;
    this.limiters.set(name, limiter.shareAs(name, this));
    return limiter;
  }

  /** Registers limiters that were shared (`shareAs`) by their own owner. */
  add(entries: Iterable<[string, Debitable]>): void {
    for (const [name, limiter] of entries) this.limiters.set(name, limiter);
  }

  spent(limiter: string, key: string, tokens: number): void {
    const k = `${limiter}\u0000${key}`;
    this.pending.set(k, (this.pending.get(k) ?? 0) + tokens);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), SPENT_FLUSH_MS);
      this.timer.unref();
    }
  }

  private flush(): void {
    this.timer = null;
    const entries: [string, string, number][] = [];
    for (const [k, n] of this.pending) {
      const i = k.indexOf('\u0000');
      entries.push([k.slice(0, i), k.slice(i + 1), n]);
    }
    this.pending = new Map();
    for (let i = 0; i < entries.length; i += 500) this.cluster.broadcast({ kind: 'spent', entries: entries.slice(i, i + 500) });
  }

  /** What another node spent. */
  debit(entries: [string, string, number][], now: number): void {
    for (const [name, key, n] of entries) this.limiters.get(name)?.debit(key, n, now);
  }
}

export function joinCluster(deps: ClusterNodeDeps): () => void {
  const { cluster, team } = deps;
  if (!cluster.shared) return () => {};

  deps.presence.onLocal = (siteId, visitorId, record) => cluster.broadcast({ kind: 'visitor', siteId, visitorId, record });
  const sendVisitors = () => {
    for (const v of deps.presence.localRecords()) cluster.broadcast({ kind: 'visitor', ...v });
  };
  const sendTeam = (siteId: string) => cluster.broadcast({ kind: 'team', siteId, agents: team.snapshot(siteId) });
  team.onLocalChange = sendTeam;
  const key = deps.dataDir?.keyFingerprint;
  const sendAll = () => {
    cluster.broadcast({ kind: 'alive', ...(key ? { key } : {}) });
    for (const siteId of team.localSites()) sendTeam(siteId);
  };

  /** What each node computes for itself when the team changed without a socket of its own moving. */
  const teamChanged = (siteId: string) => {
    deps.bus.publishLocal?.(topics.siteAgents(siteId), { type: 'team', agents: team.team(siteId) });
    deps.bus.publishLocal?.(topics.siteVisitors(siteId), { type: 'availability', ...team.availability(siteId) });
  };

  /** A node left or died: its agents are offline now; their chats wait for the grace period. */
  const nodeGone = (nodeId: string, why: string) => {
    deps.presence.forgetNode(nodeId);
    deps.rearm?.();
    const held = team.forgetNode(nodeId);
    if (held.size === 0) return;
    deps.logger.warn({ node: nodeId, why, sites: held.size }, 'a node left the cluster: its agents are offline');
    for (const [siteId, agents] of held) {
      teamChanged(siteId);
      for (const a of agents) deps.router.agentLeft(siteId, { id: a.id, name: a.name });
      void deps.router.schedule(siteId);
    }
  };

  const onEvent = (event: ClusterEvent, from: string) => {
    const now = deps.now();
    switch (event.kind) {
      case 'team':
        team.applyRemote(from, event.siteId, event.agents, now);
        return;
      case 'alive':
        team.touchNode(from, now);
        checkShared(from, event.key);
        return;
      case 'sync':
        team.touchNode(from, now);
        sendVisitors();
        return sendAll();
      case 'visitor':
        return deps.presence.applyRemote(from, event.siteId, event.visitorId, event.record);
      case 'spent':
        return deps.budgets.debit(event.entries, now);
      case 'bye':
        return nodeGone(from, 'closed');
      case 'end-session':
        void deps.endSession(event.tokenHash);
        return;
      case 'end-agent':
        void deps.endAgent(event.agentId);
        return;
      case 'site': {
        deps.store.sites.forget(event.siteId);
        // Open widgets got `site.updated` over the bus; this node re-reads the hours it watches.
        void deps.store.sites.byId(event.siteId).then((site) => {
          if (!site) return;
          applyHours({ bus: deps.bus, team, now: deps.now, router: deps.router }, site.id, siteHours(site));
          teamChanged(site.id);
        });
        return;
      }
      default: {
        const never: never = event;
        return never;
      }
    }
  };

  // Every node must see the same DATA_DIR: a file uploaded through one is served by any, and a
  // link one signs is checked by any. A node that does not is named in the log, once.
  const marker = (nodeId: string) => `.node-${nodeId}`;
  const checked = new Set<string>();
  const checkShared = (from: string, theirKey: string | undefined) => {
    const dataDir = deps.dataDir;
    if (!dataDir || checked.has(from)) return;
    checked.add(from);
    if (theirKey && theirKey !== dataDir.keyFingerprint) deps.logger.error({ node: from }, 'another node signs file links with a different server.key: every node must share one DATA_DIR (docs/deploy.md, "Several nodes")');
    void dataDir.files.read(marker(from)).then((found) => {
      if (!found) deps.logger.error({ node: from }, 'another node stores uploads where this one cannot read them: every node must share one DATA_DIR (docs/deploy.md, "Several nodes")');
    });
  };
  if (deps.dataDir) void deps.dataDir.files.put(marker(cluster.nodeId), Buffer.from(`${Date.now()}\n`)).catch((err: unknown) => deps.logger.error({ err }, 'could not write to the uploads directory'));

  const offEvent = cluster.onEvent(onEvent);
  const offReconnect = cluster.onReconnect(() => {
    team.touchAll(deps.now());
    deps.logger.warn('the link to the other nodes is back: clients reconnect and catch up from the store');
    cluster.broadcast({ kind: 'sync' });
    sendAll();
    sendVisitors();
    deps.resync();
  });
  cluster.broadcast({ kind: 'sync' });
  const heartbeat = setInterval(() => {
    // While this node cannot hear anyone, the others' silence says nothing about them.
    if (!cluster.connected()) return;
    sendAll();
    for (const nodeId of team.silentNodes(deps.now(), NODE_TTL_MS)) nodeGone(nodeId, 'silent');
  }, NODE_HEARTBEAT_MS);
  heartbeat.unref();
  return () => {
    if (deps.dataDir) void deps.dataDir.files.remove(marker(cluster.nodeId));
    clearInterval(heartbeat);
    offEvent();
    offReconnect();
  };
}

/**
 * Tells the other nodes when this node's store writes a site (settings, origins, keys), so they
 * drop their cached copies at once instead of at the cache's expiry.
 */
export function announceSiteWrites(store: Store, cluster: Cluster): void {
  if (!cluster.shared) return;
  const sites = store.sites;
  const announce = <A extends [string, ...unknown[]], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args);
      cluster.broadcast({ kind: 'site', siteId: args[0] });
      return result;
    };
  sites.update = announce(sites.update.bind(sites));
  sites.rotateSecret = announce(sites.rotateSecret.bind(sites));
  sites.retirePreviousSecret = announce(sites.retirePreviousSecret.bind(sites));
}
