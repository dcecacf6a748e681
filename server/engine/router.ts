/**
 * Carries out routing (domain/routing): when the queue or the team changes, assigns waiting
 * chats to online agents with free capacity — longest waiting and VIP first — each assignment a
 * system message committed with a guard (it applies only if the chat is still waiting), and tells
 * every shopper still waiting their position and expected wait. One pass per site at a time.
 */
import { DEFAULT_GRACE_MS, estimateWaitMs, nextAssignments, queuePositions, type AgentLoad, type RoutingSettings } from '../domain/routing';
import { canTakeChat } from '../domain/routing';
import type { AgentRef } from '../domain/lifecycle';
import { topics } from '../bus/bus';
import { requeue, routeTo } from '../app/conversations';
import type { CoreDeps, Routing } from '../app/deps';
import { RefusedError } from '../app/errors';
import type { TeamPresence } from '../presence';
import type { Cluster } from '../bus/cluster';

type RouterDeps = CoreDeps & { team: TeamPresence; cluster?: Pick<Cluster, 'withLock' | 'connected'> };

/** Another node is routing the site: try again after this long (plus up to as much again). */
const LOCKED_RETRY_MS = 50;
/** Redis cannot be reached: no node can take the lock; try again after this long. */
const UNREACHABLE_RETRY_MS = 1_000;

/** Average time an agent spends on a chat, until measured per site: 10 minutes. */
const DEFAULT_HANDLE_MS = 10 * 60_000;

export class Router implements Routing {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly lastAssigned = new Map<string, number>();
  private deps: RouterDeps | null = null;

  /** The use cases' deps include the router; they are attached after it is made. */
  attach(deps: RouterDeps): void {
    this.deps = deps;
  }

  private async settings(siteId: string): Promise<RoutingSettings | null> {
    const site = await this.deps?.store.sites.byId(siteId);
    return site ? site.settings.routing : null;
  }

  /** The agent, if they are online now and under capacity (a reopened chat goes back to them). */
  async agentWithRoom(siteId: string, agentId: string): Promise<AgentRef | null> {
    const deps = this.deps;
    const settings = await this.settings(siteId);
    if (!deps || !settings) return null;
    const online = deps.team.team(siteId).find((a) => a.id === agentId);
    const record = await deps.store.agents.byId(siteId, agentId);
    if (!online || !record || record.disabled) return null;
    const load = (await deps.store.conversations.loads(siteId)).get(agentId) ?? 0;
    const agent: AgentLoad = {
      id: agentId,
      presence: online.status,
      activeChats: load,
      lastAssignedAt: null,
      ...(record.capacity != null ? { capacity: record.capacity } : {}),
      languages: record.languages,
      teams: record.teams,
    };
    return canTakeChat(agent, settings) ? { id: agentId, name: record.name } : null;
  }

  private readonly graceTimers = new Map<string, NodeJS.Timeout>();

  /**
   * An agent's last socket closed: after the grace period (routing.graceMs, default 60 s), if
   * they are still offline, their chats go back to the queue — history and all — and get routed.
   */
  agentLeft(siteId: string, agent: { id: string; name: string }): void {
    const deps = this.deps;
    if (!deps || deps.team.team(siteId).find((a) => a.id === agent.id)?.status !== 'offline') return;
    const key = `${siteId}:${agent.id}`;
    clearTimeout(this.graceTimers.get(key));
    void deps.store.sites.byId(siteId).then((site) => {
      const graceMs = site?.settings.routing.graceMs ?? DEFAULT_GRACE_MS;
      const timer = setTimeout(() => {
        this.graceTimers.delete(key);
        void this.requeue(siteId, agent).catch((err: unknown) => deps.logger.error({ err }, 'requeue failed'));
      }, graceMs);
      timer.unref();
      this.graceTimers.set(key, timer);
    });
  }

  private async requeue(siteId: string, agent: { id: string; name: string }): Promise<void> {
    const deps = this.deps;
    if (!deps || deps.team.team(siteId).find((a) => a.id === agent.id)?.status !== 'offline') return; // came back in time
    const now = deps.now();
    for (const conversationId of await deps.store.conversations.assignedTo(siteId, agent.id)) {
      try {
        await requeue(deps, { siteId, conversationId, agent });
      } catch (err) {
        // Changed meanwhile (resolved, transferred): nothing to do for this one.
        if (!(err instanceof RefusedError)) throw err;
      }
    }
    await this.schedule(siteId);
  }

  /** Routes the site soon; calls while a pass runs coalesce into one more pass. */
  schedule(siteId: string): Promise<void> {
    if (this.running.has(siteId)) {
      this.again.add(siteId);
      return this.running.get(siteId)!;
    }
    const pass = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.routeLocked(siteId))
      .catch((err: unknown) => this.deps?.logger.error({ err }, 'routing pass failed'))
      .finally(() => {
        this.running.delete(siteId);
        if (this.again.delete(siteId)) void this.schedule(siteId);
      });
    this.running.set(siteId, pass);
    return pass;
  }

  /**
   * With several nodes, one routing pass per site at a time across all of them (a lock on Redis
   * held from reading the queue and the loads to the last assignment), so two nodes never hand
   * out the same seat; a node that finds the site locked routes again right after.
   */
  private async routeLocked(siteId: string): Promise<void> {
    const cluster = this.deps?.cluster;
    if (!cluster) return this.route(siteId);
    const done = await cluster.withLock(`route:${siteId}`, () => this.route(siteId));
    if (done.ok || this.retrying.has(siteId)) return;
    this.retrying.add(siteId);
    const timer = setTimeout(() => {
      this.retrying.delete(siteId);
      void this.schedule(siteId);
    }, cluster.connected() ? LOCKED_RETRY_MS * (1 + Math.random()) : UNREACHABLE_RETRY_MS);
    timer.unref();
  }

  private readonly retrying = new Set<string>();

  private async route(siteId: string): Promise<void> {
    const deps = this.deps;
    if (!deps) return;
    const settings = await this.settings(siteId);
    if (!settings) return;
    const queue = await deps.store.conversations.queue(siteId);
    const loads = await deps.store.conversations.loads(siteId);
    const team = deps.team.team(siteId);
    // Capacity, languages and teams are set by admins; read them fresh on every pass.
    const records = new Map((await deps.store.agents.list(siteId)).map((a) => [a.id, a]));
    const agents: AgentLoad[] = team
      .filter((a) => records.get(a.id)?.disabled !== true)
      .map((a) => {
        const r = records.get(a.id);
        return {
          id: a.id,
          presence: a.status,
          activeChats: loads.get(a.id) ?? 0,
          lastAssignedAt: this.lastAssigned.get(a.id) ?? null,
          ...(r?.capacity != null ? { capacity: r.capacity } : {}),
          languages: r?.languages ?? [],
          teams: r?.teams ?? [],
        };
      });
    const now = deps.now();
    const assigned = new Set<string>();
    const gained = new Map<string, number>();

    // Outside business hours the shop is closed: shoppers are told when people are back, and
    // nothing is handed out (an agent who is online anyway can still take a chat by hand).
    if (settings.mode === 'auto' && !deps.team.closed(siteId, now)) {
      for (const { conversationId, agentId } of nextAssignments(queue, agents, settings, now)) {
        const agent = team.find((a) => a.id === agentId);
        if (!agent) continue;
        try {
          await routeTo(deps, { siteId, conversationId, agent: { id: agent.id, name: agent.name } });
          this.lastAssigned.set(agent.id, now);
          assigned.add(conversationId);
          gained.set(agent.id, (gained.get(agent.id) ?? 0) + 1);
        } catch (err) {
          // Taken by someone else meanwhile: the next pass sees the new state.
          if (!(err instanceof RefusedError)) throw err;
        }
      }
    }

    // Everyone still waiting learns where they stand.
    const waiting = queue.filter((q) => !assigned.has(q.id));
    const loadsAfter = agents.map((a) => ({ ...a, activeChats: a.activeChats + (gained.get(a.id) ?? 0) }));
    const positions = queuePositions(waiting, settings);
    for (const chat of waiting) {
      const position = positions.get(chat.id);
      if (position === undefined) continue;
      deps.bus.publish(topics.visitor(siteId, chat.visitorId), {
        type: 'queue',
        conversationId: chat.id,
        position,
        estimatedWaitMs: estimateWaitMs(position, loadsAfter, settings, DEFAULT_HANDLE_MS),
      });
    }
  }
}
