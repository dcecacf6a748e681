/**
 * Who is on the shop right now: pages, cart and whether any of their tabs is connected. Live
 * state, kept in memory by the process holding the sockets (a multi-node deployment shares it
 * through the bus); nothing here is needed to recover a conversation.
 */
import type { AgentStatus, Availability, Cart, VisitorCounts, VisitorDetailFrame, VisitorSummary } from '../shared/protocol';
import type { BusinessHours } from '../shared/site-settings';
import { isOpen, nextOpening } from './domain/hours';
import type { SiteRecord } from './store/types';
import { topics, type Bus } from './bus/bus';
import type { TeamEntry } from './bus/cluster';

/** How often a site with business hours is checked for opening or closing. */
const HOURS_CHECK_MS = 30_000;

/**
 * The business hours a site set (`settings.hours`, from the console); sites configured before
 * that kept them in `settings.bot.hours`, which still counts. Null: always open.
 */
export function siteHours(site: Pick<SiteRecord, 'settings'>): BusinessHours | null {
  return site.settings.hours ?? site.settings.bot.hours;
}

/**
 * What one visitor's record may hold, whatever a client sends: the pages of this visit, the
 * length of a URL or title, the cart's lines and their names. An agent needs no more, and a
 * thousand shoppers stay a few megabytes (docs/security.md, "Live visitors").
 */
export const PRESENCE_BOUNDS = { pages: 10, urlChars: 1024, titleChars: 120, cartItems: 50, itemNameChars: 120, rowUrlChars: 300 } as const;
/** How long a visitor who closed every tab is still listed (as offline). */
export const OFFLINE_TTL_MS = 5 * 60 * 1000;
/** At most this many departed visitors stay listed per site (the most recent); older ones go early. */
export const MAX_DEPARTED_PER_SITE = 200;
/** How often departed visitors older than OFFLINE_TTL_MS are pruned. */
export const PRESENCE_SWEEP_MS = 15_000;

interface Presence {
  sockets: number;
  url: string | null;
  title: string | null;
  pages: { url: string; title: string; at: number }[];
  cart: Cart | null;
  /** Lines and units in the cart as the shop sent it (the record keeps at most PRESENCE_BOUNDS.cartItems lines). */
  cartLines: number;
  cartUnits: number;
  since: number;
  leftAt: number | null;
  who: VisitorWho;
  timeZone: string | null;
}

/** Who the visitor is, as far as we know: for the live visitors list. */
export interface VisitorWho {
  name: string | null;
  /** The shop identified them (identify); verified with a valid hash. */
  identified: boolean;
  verified: boolean;
  /** First seen on an earlier visit. */
  returning: boolean;
  /** A verified customer's orders (counted up to 100). */
  orders?: number;
}

const NOBODY: VisitorWho = { name: null, identified: false, verified: false, returning: false };

/** A URL the record keeps: whole when short; else without its query and fragment; else cut. */
function boundUrl(url: string, max: number = PRESENCE_BOUNDS.urlChars): string {
  if (url.length <= max) return url;
  try {
    const u = new URL(url);
    const bare = `${u.origin}${u.pathname}`;
    if (bare.length <= max) return bare;
  } catch {
    /* not a URL: cut below */
  }
  return url.slice(0, max);
}

function boundCart(cart: Cart): Cart {
  return {
    items: cart.items.slice(0, PRESENCE_BOUNDS.cartItems).map((i) => ({ ...i, name: i.name.slice(0, PRESENCE_BOUNDS.itemNameChars) })),
    total: cart.total,
    currency: cart.currency,
  };
}

/** Online first, then the longest on the site, then by id: the order agents page through. */
function listOrder(a: VisitorSummary, b: VisitorSummary): number {
  return Number(b.online) - Number(a.online) || a.since - b.since || (a.visitorId < b.visitorId ? -1 : a.visitorId > b.visitorId ? 1 : 0);
}

export class PresenceRegistry {
  private readonly sites = new Map<string, { all: Map<string, Presence>; departed: Map<string, number> }>();
  private sweeper: NodeJS.Timeout | null = null;
  /** Told of every change to a visitor's row (the feed to agents' sockets). */
  onChange: (siteId: string, visitorId: string) => void = () => {};
  /** Told of visitors no longer listed (pruned). */
  onGone: (siteId: string, visitorIds: string[]) => void = () => {};
  /**
   * Told of every change to this node's own record of a visitor (null: no longer listed), so the
   * other nodes can list them too (REDIS_URL; cluster-node.ts).
   */
  onLocal: (siteId: string, visitorId: string, record: object | null) => void = () => {};
  /** Other nodes' records of visitors whose tabs are connected there: site → visitor → node → record. */
  private readonly remote = new Map<string, Map<string, Map<string, Presence>>>();

  private changed(siteId: string, visitorId: string): void {
    this.onChange(siteId, visitorId);
    this.onLocal(siteId, visitorId, this.sites.get(siteId)?.all.get(visitorId) ?? null);
  }

  private gone(siteId: string, visitorIds: string[]): void {
    // Still listed when another node has them.
    const listed = visitorIds.filter((id) => this.remote.get(siteId)?.has(id));
    const away = visitorIds.filter((id) => !this.remote.get(siteId)?.has(id));
    for (const id of listed) this.onChange(siteId, id);
    if (away.length) this.onGone(siteId, away);
    for (const id of visitorIds) this.onLocal(siteId, id, null);
  }

  /** Every visitor listed on a site, here or on another node. */
  private *ids(siteId: string): Iterable<string> {
    const local = this.sites.get(siteId)?.all;
    if (local) yield* local.keys();
    for (const id of this.remote.get(siteId)?.keys() ?? []) if (!local?.has(id)) yield id;
  }

  /**
   * A visitor as every node together sees them: connected when a tab is connected anywhere; the
   * pages, cart and name of the record most recently active.
   */
  private view(siteId: string, visitorId: string): Presence | undefined {
    const local = this.sites.get(siteId)?.all.get(visitorId);
    const others = this.remote.get(siteId)?.get(visitorId);
    if (!others || others.size === 0) return local;
    const all = [...(local ? [local] : []), ...others.values()];
    const active = (p: Presence) => Math.max(p.since, p.pages[p.pages.length - 1]?.at ?? 0, p.leftAt ?? 0);
    let base = all[0]!;
    for (const p of all) if (Number(p.sockets > 0) - Number(base.sockets > 0) > 0 || (p.sockets > 0 === base.sockets > 0 && active(p) > active(base))) base = p;
    const sockets = all.reduce((n, p) => n + p.sockets, 0);
    const left = all.map((p) => p.leftAt).filter((t): t is number => t !== null);
    return { ...base, sockets, since: Math.min(...all.map((p) => p.since)), leftAt: sockets > 0 ? null : left.length ? Math.max(...left) : base.leftAt };
  }

  /** Another node's record of a visitor (null: no longer listed there). */
  applyRemote(nodeId: string, siteId: string, visitorId: string, record: object | null): void {
    let visitors = this.remote.get(siteId);
    if (record) {
      if (!visitors) this.remote.set(siteId, (visitors = new Map()));
      let nodes = visitors.get(visitorId);
      if (!nodes) visitors.set(visitorId, (nodes = new Map()));
      nodes.set(nodeId, record as Presence);
    } else {
      const nodes = visitors?.get(visitorId);
      if (!nodes?.delete(nodeId)) return;
      if (nodes.size === 0) visitors!.delete(visitorId);
      if (visitors!.size === 0) this.remote.delete(siteId);
    }
    if (this.view(siteId, visitorId)) this.onChange(siteId, visitorId);
    else this.onGone(siteId, [visitorId]);
  }

  /** A node left or died: its visitors' tabs reconnect elsewhere (or they left). */
  forgetNode(nodeId: string): void {
    for (const [siteId, visitors] of [...this.remote]) for (const [visitorId, nodes] of [...visitors]) if (nodes.has(nodeId)) this.applyRemote(nodeId, siteId, visitorId, null);
  }

  /** This node's own records (what a node that just started asks for). */
  *localRecords(): Iterable<{ siteId: string; visitorId: string; record: object }> {
    for (const [siteId, site] of this.sites) for (const [visitorId, record] of site.all) yield { siteId, visitorId, record };
  }

  private site(siteId: string) {
    let site = this.sites.get(siteId);
    if (!site) this.sites.set(siteId, (site = { all: new Map(), departed: new Map() }));
    return site;
  }

  private entry(siteId: string, visitorId: string, now: number): Presence {
    const site = this.site(siteId);
    let p = site.all.get(visitorId);
    if (!p) site.all.set(visitorId, (p = { sockets: 0, url: null, title: null, pages: [], cart: null, cartLines: 0, cartUnits: 0, since: now, leftAt: null, who: NOBODY, timeZone: null }));
    return p;
  }

  connected(siteId: string, visitorId: string, now: number, who?: VisitorWho): void {
    const p = this.entry(siteId, visitorId, now);
    p.sockets++;
    p.leftAt = null;
    this.site(siteId).departed.delete(visitorId);
    if (who) p.who = who;
    this.changed(siteId, visitorId);
  }

  /** The visitor identified themselves or gave their name. */
  identified(siteId: string, visitorId: string, who: Partial<VisitorWho>): void {
    const p = this.sites.get(siteId)?.all.get(visitorId);
    if (!p) return;
    p.who = { ...p.who, ...who };
    this.changed(siteId, visitorId);
  }

  /**
   * Whether a shopper is here: a socket (a panel) open now, or when their last one closed. Null
   * when this process has not seen them lately (never connected, or pruned): away.
   */
  lastSeen(siteId: string, visitorId: string): { online: true } | { online: false; leftAt: number } | null {
    const p = this.view(siteId, visitorId);
    if (!p) return null;
    if (p.sockets > 0) return { online: true };
    return p.leftAt === null ? null : { online: false, leftAt: p.leftAt };
  }

  disconnected(siteId: string, visitorId: string, now: number): void {
    const site = this.sites.get(siteId);
    const p = site?.all.get(visitorId);
    if (!site || !p) return;
    p.sockets = Math.max(0, p.sockets - 1);
    if (p.sockets > 0) return;
    p.leftAt = now;
    site.departed.delete(visitorId);
    site.departed.set(visitorId, now);
    this.changed(siteId, visitorId);
    // Many shoppers leaving at once: only the most recent stay listed.
    const evicted: string[] = [];
    for (const id of site.departed.keys()) {
      if (site.departed.size <= MAX_DEPARTED_PER_SITE) break;
      site.departed.delete(id);
      site.all.delete(id);
      evicted.push(id);
    }
    if (evicted.length) this.gone(siteId, evicted);
  }

  /** Records the page and cart the widget reported (bounded: PRESENCE_BOUNDS). */
  update(siteId: string, visitorId: string, now: number, ctx: { url?: string; title?: string; cart?: Cart | null; timeZone?: string }): void {
    const p = this.entry(siteId, visitorId, now);
    let changed = false;
    const url = ctx.url !== undefined ? boundUrl(ctx.url) : undefined;
    const title = ctx.title !== undefined ? ctx.title.slice(0, PRESENCE_BOUNDS.titleChars) : undefined;
    if (url !== undefined && url !== p.url) {
      p.url = url;
      p.title = title ?? null;
      p.pages.push({ url, title: title ?? '', at: now });
      if (p.pages.length > PRESENCE_BOUNDS.pages) p.pages.splice(0, p.pages.length - PRESENCE_BOUNDS.pages);
      changed = true;
    } else if (title !== undefined && title !== p.title) {
      p.title = title;
      changed = true;
    }
    if (ctx.cart !== undefined) {
      const cart = ctx.cart ? boundCart(ctx.cart) : null;
      if (JSON.stringify(cart) !== JSON.stringify(p.cart)) {
        p.cart = cart;
        p.cartLines = ctx.cart?.items.length ?? 0;
        p.cartUnits = ctx.cart?.items.reduce((n, i) => n + i.quantity, 0) ?? 0;
        changed = true;
      }
    }
    if (ctx.timeZone !== undefined && ctx.timeZone !== p.timeZone) {
      p.timeZone = ctx.timeZone;
      changed = true;
    }
    if (changed) this.changed(siteId, visitorId);
  }

  /** A visitor's row in the live list, or null when not listed. */
  summary(siteId: string, visitorId: string): VisitorSummary | null {
    const p = this.view(siteId, visitorId);
    return p ? toSummary(visitorId, p) : null;
  }

  /** What proactive rules check of this visit: the page, since when, the cart in figures. */
  visit(siteId: string, visitorId: string): { url: string | null; pageEnteredAt: number | null; cartTotal: number; cartUnits: number } | null {
    const p = this.view(siteId, visitorId);
    if (!p) return null;
    return { url: p.url, pageEnteredAt: p.pages[p.pages.length - 1]?.at ?? null, cartTotal: p.cart?.total ?? 0, cartUnits: p.cartUnits };
  }

  /** A visitor's pages this visit and cart lines, or null when not listed. */
  detail(siteId: string, visitorId: string): VisitorDetailFrame | null {
    const p = this.view(siteId, visitorId);
    if (!p) return null;
    return { type: 'visitor.detail', visitorId, online: p.sockets > 0, url: p.url, title: p.title, pages: [...p.pages], cart: p.cart, since: p.since, timeZone: p.timeZone, ...p.who };
  }

  counts(siteId: string): VisitorCounts {
    const site = this.sites.get(siteId);
    const others = this.remote.get(siteId);
    if (!others?.size) return site ? { online: site.all.size - site.departed.size, total: site.all.size } : { online: 0, total: 0 };
    let online = 0;
    let total = 0;
    for (const id of this.ids(siteId)) {
      total++;
      if ((this.view(siteId, id)?.sockets ?? 0) > 0) online++;
    }
    return { online, total };
  }

  /**
   * One page of the live list (online first, then the longest on the site), after `after` (the
   * last row the agent has). Visitors gone for longer than OFFLINE_TTL_MS are not listed.
   */
  page(siteId: string, after: { online: boolean; since: number; visitorId: string } | undefined, limit: number, now: number): { visitors: VisitorSummary[]; hasMore: boolean } {
    if (!this.sites.has(siteId) && !this.remote.has(siteId)) return { visitors: [], hasMore: false };
    const rows: VisitorSummary[] = [];
    for (const id of this.ids(siteId)) {
      const p = this.view(siteId, id);
      if (!p) continue;
      if (p.leftAt !== null && now - p.leftAt > OFFLINE_TTL_MS) continue;
      const row = toSummary(id, p);
      if (!after || listOrder(row, after as VisitorSummary) > 0) rows.push(row);
    }
    rows.sort(listOrder);
    return { visitors: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** Prunes visitors gone for longer than OFFLINE_TTL_MS (a timer calls it: see `start`). */
  sweep(now: number): void {
    for (const [siteId, visitors] of this.remote) {
      for (const [visitorId, nodes] of visitors) {
        for (const [nodeId, p] of nodes) if (p.sockets === 0 && p.leftAt !== null && now - p.leftAt > OFFLINE_TTL_MS) nodes.delete(nodeId);
        if (nodes.size === 0) visitors.delete(visitorId);
      }
      if (visitors.size === 0) this.remote.delete(siteId);
    }
    for (const [siteId, site] of this.sites) {
      const pruned: string[] = [];
      // Departed in the order they left: stop at the first one still within the TTL.
      for (const [id, leftAt] of site.departed) {
        if (now - leftAt <= OFFLINE_TTL_MS) break;
        site.departed.delete(id);
        site.all.delete(id);
        pruned.push(id);
      }
      if (site.all.size === 0) this.sites.delete(siteId);
      if (pruned.length) this.gone(siteId, pruned);
    }
  }

  /** Prunes departed visitors every `intervalMs`, whether or not anyone looks. */
  start(now: () => number, intervalMs: number = PRESENCE_SWEEP_MS): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(now()), intervalMs);
    this.sweeper.unref();
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

function toSummary(visitorId: string, p: Presence): VisitorSummary {
  return {
    visitorId,
    online: p.sockets > 0,
    // The list's row links the page; the whole URL is in the detail.
    url: p.url === null ? null : boundUrl(p.url, PRESENCE_BOUNDS.rowUrlChars),
    title: p.title,
    since: p.since,
    pageCount: p.pages.length,
    cart: p.cart ? { count: p.cartLines, total: p.cart.total, currency: p.cart.currency } : null,
    name: p.who.name,
    identified: p.who.identified,
    verified: p.who.verified,
    returning: p.who.returning,
    ...(p.who.orders ? { orders: p.who.orders } : {}),
    timeZone: p.timeZone,
  };
}

/**
 * Agents' availability: the status they chose (online or away, kept across reconnects) and
 * whether any of their sockets is connected. Routing and the widget's offline mode read it.
 */
export class TeamPresence {
  private readonly sites = new Map<string, Map<string, { name: string; chosen: 'online' | 'away'; chosenAt: number; sockets: number }>>();
  /**
   * What other nodes said of their agents (REDIS_URL): per node, when it last spoke and its
   * agents per site. A node that stops speaking for REMOTE_TTL_MS is forgotten (it died): its
   * agents count as offline from then on.
   */
  private readonly remote = new Map<string, { seenAt: number; sites: Map<string, TeamEntry[]> }>();
  /** Told when this node's own agents on a site changed (the cluster sends the snapshot to the others). */
  onLocalChange: (siteId: string) => void = () => {};
  /** Each site's business hours, as last read (a shopper's hello, an admin's save). */
  private readonly hours = new Map<string, BusinessHours | null>();
  /** Per site with hours: a timer that notices the counter opening or closing. */
  private readonly watchers = new Map<string, { timer: NodeJS.Timeout; open: boolean }>();

  private site(siteId: string) {
    let s = this.sites.get(siteId);
    if (!s) this.sites.set(siteId, (s = new Map()));
    return s;
  }

  connected(siteId: string, agent: { id: string; name: string }): 'online' | 'away' {
    const s = this.site(siteId);
    // A status the agent chose on another node holds here too.
    const known = s.get(agent.id) ?? this.remoteChoice(siteId, agent.id);
    const e = s.get(agent.id) ?? { name: agent.name, chosen: known?.chosen ?? ('online' as const), chosenAt: known?.chosenAt ?? 0, sockets: 0 };
    e.sockets++;
    e.name = agent.name;
    s.set(agent.id, e);
    this.onLocalChange(siteId);
    return this.choice(siteId, agent.id, e);
  }

  disconnected(siteId: string, agentId: string): void {
    const e = this.sites.get(siteId)?.get(agentId);
    if (e) e.sockets = Math.max(0, e.sockets - 1);
    if (e) this.onLocalChange(siteId);
  }

  setStatus(siteId: string, agentId: string, status: 'online' | 'away', at: number = Date.now()): void {
    const e = this.sites.get(siteId)?.get(agentId);
    if (!e) return;
    e.chosen = status;
    // Strictly later than any choice seen so far, so the newest choice wins on every node.
    e.chosenAt = Math.max(at, (this.remoteChoice(siteId, agentId)?.chosenAt ?? 0) + 1, e.chosenAt + 1);
    this.onLocalChange(siteId);
  }

  /** The latest status an agent chose on another node, if any. */
  private remoteChoice(siteId: string, agentId: string): { chosen: 'online' | 'away'; chosenAt: number } | null {
    let best: TeamEntry | null = null;
    for (const node of this.remote.values()) for (const a of node.sites.get(siteId) ?? []) if (a.id === agentId && (!best || a.chosenAt > best.chosenAt)) best = a;
    return best;
  }

  private choice(siteId: string, agentId: string, local: { chosen: 'online' | 'away'; chosenAt: number } | undefined): 'online' | 'away' {
    const r = this.remoteChoice(siteId, agentId);
    return r && (!local || r.chosenAt > local.chosenAt) ? r.chosen : (local?.chosen ?? 'online');
  }

  /** Every known agent with their effective status (offline when no socket is open on any node). */
  team(siteId: string): { id: string; name: string; status: AgentStatus }[] {
    const merged = new Map<string, { name: string; chosen: 'online' | 'away'; chosenAt: number; sockets: number }>();
    for (const [id, e] of this.sites.get(siteId) ?? []) merged.set(id, { ...e });
    for (const node of this.remote.values()) {
      for (const a of node.sites.get(siteId) ?? []) {
        const m = merged.get(a.id);
        if (!m) merged.set(a.id, { name: a.name, chosen: a.chosen, chosenAt: a.chosenAt, sockets: a.sockets });
        else {
          m.sockets += a.sockets;
          if (a.chosenAt > m.chosenAt) Object.assign(m, { chosen: a.chosen, chosenAt: a.chosenAt });
        }
      }
    }
    return [...merged.entries()].map(([id, e]) => ({ id, name: e.name, status: e.sockets === 0 ? 'offline' : e.chosen }));
  }

  /** This node's own agents on a site (what it tells the other nodes). */
  snapshot(siteId: string): TeamEntry[] {
    return [...(this.sites.get(siteId) ?? [])].map(([id, e]) => ({ id, name: e.name, chosen: e.chosen, chosenAt: e.chosenAt, sockets: e.sockets }));
  }

  /** The sites this node has agents on. */
  localSites(): string[] {
    return [...this.sites.keys()];
  }

  /** Another node's agents on a site, as it just said. */
  applyRemote(nodeId: string, siteId: string, agents: TeamEntry[], now: number): void {
    const node = this.touchNode(nodeId, now);
    if (agents.length) node.sites.set(siteId, agents);
    else node.sites.delete(siteId);
  }

  /** Another node is alive (a heartbeat). */
  touchNode(nodeId: string, now: number): { seenAt: number; sites: Map<string, TeamEntry[]> } {
    let node = this.remote.get(nodeId);
    if (!node) this.remote.set(nodeId, (node = { seenAt: now, sites: new Map() }));
    node.seenAt = now;
    return node;
  }

  /**
   * Forgets a node (it said goodbye, or fell silent): its agents stay listed here with no
   * sockets and the status they chose, so they are offline, not unknown. Returns what it held.
   */
  forgetNode(nodeId: string): Map<string, TeamEntry[]> {
    const node = this.remote.get(nodeId);
    if (!node) return new Map();
    this.remote.delete(nodeId);
    for (const [siteId, agents] of node.sites) {
      const s = this.site(siteId);
      for (const a of agents) {
        const e = s.get(a.id);
        if (!e) s.set(a.id, { name: a.name, chosen: a.chosen, chosenAt: a.chosenAt, sockets: 0 });
        else if (a.chosenAt > e.chosenAt) Object.assign(e, { chosen: a.chosen, chosenAt: a.chosenAt });
      }
    }
    return node.sites;
  }

  /** Every other node counts as just heard from (this node's own link was down: their silence meant nothing). */
  touchAll(now: number): void {
    for (const node of this.remote.values()) node.seenAt = now;
  }

  /** Nodes silent for longer than `ttlMs` at `now`. */
  silentNodes(now: number, ttlMs: number): string[] {
    return [...this.remote.entries()].filter(([, n]) => now - n.seenAt > ttlMs).map(([id]) => id);
  }

  /**
   * Records a site's business hours (null: always open); availability follows them. With
   * `onFlip`, it is called (within HOURS_CHECK_MS) each time the counter opens or closes, so
   * open widgets can be told without anyone saving anything.
   */
  setHours(siteId: string, hours: BusinessHours | null, onFlip?: () => void): void {
    const before = this.hours.get(siteId) ?? null;
    const same = before === hours || JSON.stringify(before) === JSON.stringify(hours);
    this.hours.set(siteId, hours);
    if (same && (hours === null || this.watchers.has(siteId) || !onFlip)) return;
    this.unwatch(siteId);
    if (!hours || !onFlip) return;
    const watch = {
      open: isOpen(hours.schedule, hours.timeZone, Date.now()),
      timer: setInterval(() => {
        const h = this.hours.get(siteId);
        if (!h) return this.unwatch(siteId);
        const open = isOpen(h.schedule, h.timeZone, Date.now());
        if (open === watch.open) return;
        watch.open = open;
        onFlip();
      }, HOURS_CHECK_MS),
    };
    // Never keeps the process alive on its own.
    watch.timer.unref();
    this.watchers.set(siteId, watch);
  }

  /**
   * False while the schedule is open at `now`, else when it opens next. Schedules and time-zone
   * offsets move in whole minutes, so the answer holds for the minute: computed once per minute
   * per site (the assistant asks on every turn).
   */
  private closedUntil(siteId: string, hours: BusinessHours, now: number): false | number | null {
    const minute = Math.floor(now / 60_000);
    const hit = this.openMemo.get(siteId);
    if (hit && hit.hours === hours && hit.minute === minute) return hit.closedUntil;
    const closedUntil = isOpen(hours.schedule, hours.timeZone, now) ? false : nextOpening(hours.schedule, hours.timeZone, now);
    this.openMemo.set(siteId, { hours, minute, closedUntil });
    return closedUntil;
  }

  private readonly openMemo = new Map<string, { hours: BusinessHours; minute: number; closedUntil: false | number | null }>();

  private unwatch(siteId: string): void {
    const w = this.watchers.get(siteId);
    if (w) clearInterval(w.timer);
    this.watchers.delete(siteId);
  }

  /** Stops the opening/closing timers (server shutdown, tests). */
  close(): void {
    for (const id of [...this.watchers.keys()]) this.unwatch(id);
  }

  /**
   * What shoppers see: is anyone online, and who (first names only). Outside business hours
   * nobody is, whoever is signed in, and `backAt` says when the counter opens again.
   */
  /** Whether the site's business hours say it is closed now. */
  closed(siteId: string, now: number = Date.now()): boolean {
    const hours = this.hours.get(siteId);
    return hours ? this.closedUntil(siteId, hours, now) !== false : false;
  }

  availability(siteId: string, now: number = Date.now()): Availability {
    const hours = this.hours.get(siteId);
    const closed = hours ? this.closedUntil(siteId, hours, now) : false;
    // The clock the widget states `backAt` on: the hours' own, as the assistant does.
    if (closed !== false) return { available: false, names: [], backAt: closed, ...(closed !== null ? { timeZone: hours!.timeZone } : {}) };
    const names = this.team(siteId)
      .filter((a) => a.status === 'online')
      .map((a) => a.name.split(/\s+/)[0] ?? a.name);
    return { available: names.length > 0, names: [...new Set(names)].slice(0, 3) };
  }
}

/**
 * Applies a site's business hours to what shoppers are told: now (the caller publishes) and at
 * every later opening or closing, when an `availability` frame goes to the site's open widgets
 * and routing runs (it hands nothing out while the shop is closed).
 */
export function applyHours(
  deps: { bus: Bus; team: TeamPresence; now: () => number; router?: { schedule(siteId: string): unknown } },
  siteId: string,
  hours: BusinessHours | null,
): void {
  deps.team.setHours(siteId, hours, () => {
    // Every node with this site's widgets watches the hours itself and tells its own sockets.
    const frame = { type: 'availability', ...deps.team.availability(siteId, deps.now()) } as const;
    if (deps.bus.publishLocal) deps.bus.publishLocal(topics.siteVisitors(siteId), frame);
    else deps.bus.publish(topics.siteVisitors(siteId), frame);
    // Opening time: the chats that waited in the queue while the shop was closed are handed out.
    void deps.router?.schedule(siteId);
  });
}
