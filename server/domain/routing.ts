/**
 * Routing: which agent gets which queued chat. Pure: agent loads, the queue and the clock come
 * in; assignments come out. The store applies a batch under one transaction (each via
 * lifecycle `transition`, which refuses a chat someone else already holds), so a batch computed
 * here never gives one chat to two agents nor pushes an agent over capacity.
 *
 * Rules:
 * - Only agents whose presence is `online` and who are under capacity take new chats; `away`
 *   and `offline` agents keep the chats they hold but get no new ones.
 * - Least busy first (fewest active chats, an absolute count: fewer chats means a faster first
 *   reply), then the one idle longest (oldest `lastAssignedAt`; never assigned counts as idle
 *   longest), then agent id, so the choice is deterministic.
 * - Skills: a chat with a language goes to agents who speak it (an agent with no languages
 *   listed speaks everything: single-language shops never fill the field in). A chat with a team
 *   goes to that team's members only (teams are opt-in routing). When no matching agent is
 *   free, the chat waits, unless the site sets `fallbackToAnyAgent`.
 * - Fair backfill: priority customers (VIP tag, or lifetime value at or above the site's
 *   threshold) first, then the longest waiting. A chat no free agent can serve does not block
 *   the chats behind it.
 * - Manual mode: agents pick from the queue; nothing is assigned automatically.
 */
import type { ConversationStatus } from '../../shared/protocol';

export const DEFAULT_CAPACITY = 5;
export const DEFAULT_GRACE_MS = 60_000;

export type AgentPresence = 'online' | 'away' | 'offline';

export interface AgentLoad {
  id: string;
  presence: AgentPresence;
  /** Chats the agent holds now (status `assigned`). */
  activeChats: number;
  /** Concurrent chat limit; the site default when absent. */
  capacity?: number;
  /** Language codes the agent handles (`es`, `en`, `es-MX`…); empty or absent: any. */
  languages?: readonly string[];
  teams?: readonly string[];
  /** When the agent last got a chat (epoch ms); null if never. */
  lastAssignedAt: number | null;
}

export interface QueuedChat {
  id: string;
  /** When it joined the queue (lifecycle `waitingSince`). */
  waitingSince: number;
  language?: string | null;
  team?: string | null;
  customerTags?: readonly string[];
  /** The customer's lifetime value in minor units (cents), when known. */
  lifetimeValue?: number | null;
}

export interface RoutingSettings {
  /** `auto`: the server assigns. `manual`: agents pick from the queue. */
  mode: 'auto' | 'manual';
  defaultCapacity: number;
  /** Customer tag that marks a VIP (compared case-insensitively). */
  vipTag: string;
  /** Lifetime value (cents) from which a customer is treated as VIP; null: no threshold. */
  vipLifetimeValue: number | null;
  /** When no agent matching language/team is free, give the chat to any free agent. */
  fallbackToAnyAgent: boolean;
}

export const DEFAULT_ROUTING_SETTINGS: RoutingSettings = {
  mode: 'auto',
  defaultCapacity: DEFAULT_CAPACITY,
  vipTag: 'vip',
  vipLifetimeValue: null,
  fallbackToAnyAgent: false,
};

export interface Assignment {
  conversationId: string;
  agentId: string;
}

/** The agent's concurrent chat limit under `settings`. */
export function capacityOf(agent: AgentLoad, settings: RoutingSettings): number {
  return agent.capacity ?? settings.defaultCapacity;
}

/** True when the agent may take one more chat now: online and below capacity. */
export function canTakeChat(agent: AgentLoad, settings: RoutingSettings): boolean {
  return agent.presence === 'online' && agent.activeChats < capacityOf(agent, settings);
}

/** `es-MX` → `es`: a Mexican shopper is served by any Spanish speaker. */
function baseLanguage(code: string): string {
  return code.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/** True when the agent has the chat's language and team (ignoring load). */
export function matchesSkills(agent: AgentLoad, chat: Pick<QueuedChat, 'language' | 'team'>): boolean {
  if (chat.language) {
    const wanted = baseLanguage(chat.language);
    const langs = agent.languages ?? [];
    if (langs.length > 0 && !langs.some((l) => baseLanguage(l) === wanted)) return false;
  }
  if (chat.team) {
    const team = chat.team.toLowerCase();
    if (!(agent.teams ?? []).some((t) => t.toLowerCase() === team)) return false;
  }
  return true;
}

/** True for VIP-tagged customers or those at or above the site's lifetime-value threshold. */
export function isPriorityCustomer(
  customer: { customerTags?: readonly string[] | null; lifetimeValue?: number | null },
  settings: Pick<RoutingSettings, 'vipTag' | 'vipLifetimeValue'>,
): boolean {
  const tag = settings.vipTag.toLowerCase();
  if ((customer.customerTags ?? []).some((t) => t.toLowerCase() === tag)) return true;
  return settings.vipLifetimeValue !== null && customer.lifetimeValue != null && customer.lifetimeValue >= settings.vipLifetimeValue;
}

/**
 * Agent order. `batchTurn` ranks agents given a chat earlier in the same batch (all stamped with
 * the same `now`) as idle longer than those given one later, so a batch rotates through equally
 * loaded agents instead of favouring the lowest id.
 */
function compareAgents(a: AgentLoad, b: AgentLoad, batchTurn: ReadonlyMap<string, number>): number {
  if (a.activeChats !== b.activeChats) return a.activeChats - b.activeChats;
  const idleA = a.lastAssignedAt ?? -Infinity;
  const idleB = b.lastAssignedAt ?? -Infinity;
  if (idleA !== idleB) return idleA < idleB ? -1 : 1;
  const turnA = batchTurn.get(a.id) ?? -1;
  const turnB = batchTurn.get(b.id) ?? -1;
  if (turnA !== turnB) return turnA - turnB;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function choose(
  chat: Pick<QueuedChat, 'language' | 'team'>,
  agents: readonly AgentLoad[],
  settings: RoutingSettings,
  batchTurn: ReadonlyMap<string, number>,
): AgentLoad | null {
  const free = agents.filter((a) => canTakeChat(a, settings));
  const best = (pool: AgentLoad[]): AgentLoad | null =>
    pool.length === 0 ? null : pool.reduce((x, y) => (compareAgents(y, x, batchTurn) < 0 ? y : x));
  return best(free.filter((a) => matchesSkills(a, chat))) ?? (settings.fallbackToAnyAgent ? best(free) : null);
}

/** The agent that should get `chat` now, or null when nobody suitable is free. */
export function pickAgent(chat: Pick<QueuedChat, 'language' | 'team'>, agents: readonly AgentLoad[], settings: RoutingSettings): AgentLoad | null {
  return choose(chat, agents, settings, new Map());
}

function compareQueued(a: QueuedChat, b: QueuedChat, settings: RoutingSettings): number {
  const pa = isPriorityCustomer(a, settings);
  const pb = isPriorityCustomer(b, settings);
  if (pa !== pb) return pa ? -1 : 1;
  if (a.waitingSince !== b.waitingSince) return a.waitingSince - b.waitingSince;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The queue in service order: priority customers first, then longest waiting, duplicates dropped. */
export function queueOrder(queue: readonly QueuedChat[], settings: RoutingSettings): QueuedChat[] {
  const byId = new Map<string, QueuedChat>();
  for (const c of queue) if (!byId.has(c.id)) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => compareQueued(a, b, settings));
}

/**
 * The assignments to make now, as one consistent batch: each chat at most once, each agent
 * at most up to capacity, taking into account the chats handed out earlier in the same batch.
 */
export function nextAssignments(queue: readonly QueuedChat[], agents: readonly AgentLoad[], settings: RoutingSettings, now: number): Assignment[] {
  if (settings.mode === 'manual') return [];
  // Working copy of loads, first entry wins when an agent is listed twice.
  const loads = new Map<string, AgentLoad>();
  for (const a of agents) if (!loads.has(a.id)) loads.set(a.id, { ...a });
  const batchTurn = new Map<string, number>();
  const out: Assignment[] = [];
  for (const chat of queueOrder(queue, settings)) {
    const pool = [...loads.values()];
    if (!pool.some((a) => canTakeChat(a, settings))) break;
    const agent = choose(chat, pool, settings, batchTurn);
    if (!agent) continue; // nobody with these skills is free; the chats behind may still be servable
    out.push({ conversationId: chat.id, agentId: agent.id });
    // The agent just served becomes the least idle, so equally loaded agents take turns.
    loads.set(agent.id, { ...agent, activeChats: agent.activeChats + 1, lastAssignedAt: now });
    batchTurn.set(agent.id, out.length);
  }
  return out;
}

/** 1-based position of a chat in service order, or null when it is not queued. */
/** Every queued chat's 1-based place, ordered once (queuePosition for all of them at once). */
export function queuePositions(queue: readonly QueuedChat[], settings: RoutingSettings): Map<string, number> {
  return new Map(queueOrder(queue, settings).map((c, i) => [c.id, i + 1]));
}

export function queuePosition(queue: readonly QueuedChat[], conversationId: string, settings: RoutingSettings): number | null {
  const i = queueOrder(queue, settings).findIndex((c) => c.id === conversationId);
  return i < 0 ? null : i + 1;
}

/**
 * Estimated wait (ms) for the chat at 1-based `position`, or null when no agent is online (the
 * widget then shows the offline message instead of a number).
 *
 * Formula: let S = total capacity of online agents (seats), F = free seats now, T = recent
 * average handle time. If position ≤ F the chat is served on the next backfill: 0. Otherwise it
 * needs (position − F) seats to free up. In steady state each seat frees once per T, so seats
 * free at a rate of S / T, and the wait is ⌈(position − F) · T / S⌉.
 * It ignores language/team skills and presence changes: an estimate, refreshed on every queue
 * change.
 */
export function estimateWaitMs(position: number, agents: readonly AgentLoad[], settings: RoutingSettings, averageHandleMs: number): number | null {
  const online = agents.filter((a) => a.presence === 'online');
  const seats = online.reduce((n, a) => n + Math.max(0, capacityOf(a, settings)), 0);
  if (seats === 0) return null;
  const free = online.reduce((n, a) => n + Math.max(0, capacityOf(a, settings) - a.activeChats), 0);
  if (position <= free) return 0;
  return Math.ceil(((position - free) * Math.max(0, averageHandleMs)) / seats);
}
