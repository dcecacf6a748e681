/**
 * Who is on the shop right now: pages, cart and whether any of their tabs is connected. Live
 * state, kept in memory by the process holding the sockets (a multi-node deployment shares it
 * through the bus); nothing here is needed to recover a conversation.
 */
import type { AgentStatus, Availability, Cart, VisitorUpdatedFrame } from '../shared/protocol';
import type { BusinessHours } from '../shared/site-settings';
import { isOpen, nextOpening } from './domain/hours';
import type { SiteRecord } from './store/types';
import { topics, type Bus } from './bus/bus';

/** How often a site with business hours is checked for opening or closing. */
const HOURS_CHECK_MS = 30_000;

/**
 * The business hours a site set (`settings.hours`, from the console); sites configured before
 * that kept them in `settings.bot.hours`, which still counts. Null: always open.
 */
export function siteHours(site: Pick<SiteRecord, 'settings'>): BusinessHours | null {
  const valid = (h: unknown): h is BusinessHours =>
    typeof h === 'object' && h !== null && typeof (h as BusinessHours).timeZone === 'string' && typeof (h as BusinessHours).schedule?.weekly === 'object';
  const hours = site.settings.hours;
  if (valid(hours)) return hours;
  const bot = site.settings.bot as { hours?: unknown } | undefined;
  return typeof bot === 'object' && bot !== null && valid(bot.hours) ? bot.hours : null;
}

const MAX_PAGES = 20;
/** How long a visitor who closed every tab is still listed (as offline). */
export const OFFLINE_TTL_MS = 5 * 60 * 1000;

interface Presence {
  sockets: number;
  url: string | null;
  title: string | null;
  pages: { url: string; title: string; at: number }[];
  cart: Cart | null;
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

export class PresenceRegistry {
  private readonly sites = new Map<string, Map<string, Presence>>();

  private entry(siteId: string, visitorId: string, now: number): Presence {
    let site = this.sites.get(siteId);
    if (!site) this.sites.set(siteId, (site = new Map()));
    let p = site.get(visitorId);
    if (!p) site.set(visitorId, (p = { sockets: 0, url: null, title: null, pages: [], cart: null, since: now, leftAt: null, who: NOBODY, timeZone: null }));
    return p;
  }

  connected(siteId: string, visitorId: string, now: number, who?: VisitorWho): VisitorUpdatedFrame {
    const p = this.entry(siteId, visitorId, now);
    p.sockets++;
    p.leftAt = null;
    if (who) p.who = who;
    return this.frame(visitorId, p);
  }

  /** The visitor identified themselves or gave their name; returns the frame to publish (null if not present). */
  identified(siteId: string, visitorId: string, who: Partial<VisitorWho>): VisitorUpdatedFrame | null {
    const p = this.sites.get(siteId)?.get(visitorId);
    if (!p) return null;
    p.who = { ...p.who, ...who };
    return this.frame(visitorId, p);
  }

  disconnected(siteId: string, visitorId: string, now: number): VisitorUpdatedFrame | null {
    const p = this.sites.get(siteId)?.get(visitorId);
    if (!p) return null;
    p.sockets = Math.max(0, p.sockets - 1);
    if (p.sockets === 0) p.leftAt = now;
    return this.frame(visitorId, p);
  }

  /** Records the page and cart the widget reported; returns the frame to publish. */
  update(siteId: string, visitorId: string, now: number, ctx: { url?: string; title?: string; cart?: Cart | null; timeZone?: string }): VisitorUpdatedFrame {
    const p = this.entry(siteId, visitorId, now);
    if (ctx.url !== undefined && ctx.url !== p.url) {
      p.url = ctx.url;
      p.title = ctx.title ?? null;
      p.pages.push({ url: ctx.url, title: ctx.title ?? '', at: now });
      if (p.pages.length > MAX_PAGES) p.pages.splice(0, p.pages.length - MAX_PAGES);
    } else if (ctx.title !== undefined) {
      p.title = ctx.title;
    }
    if (ctx.cart !== undefined) p.cart = ctx.cart;
    if (ctx.timeZone !== undefined) p.timeZone = ctx.timeZone;
    return this.frame(visitorId, p);
  }

  /** Visitors online now, or gone for less than OFFLINE_TTL_MS; prunes older ones. */
  list(siteId: string, now: number): VisitorUpdatedFrame[] {
    const site = this.sites.get(siteId);
    if (!site) return [];
    const out: VisitorUpdatedFrame[] = [];
    for (const [id, p] of site) {
      if (p.sockets === 0 && p.leftAt !== null && now - p.leftAt > OFFLINE_TTL_MS) site.delete(id);
      else out.push(this.frame(id, p));
    }
    return out;
  }

  private frame(visitorId: string, p: Presence): VisitorUpdatedFrame {
    return { type: 'visitor.updated', visitorId, online: p.sockets > 0, url: p.url, title: p.title, pages: [...p.pages], cart: p.cart, since: p.since, timeZone: p.timeZone, ...p.who };
  }
}

/**
 * Agents' availability: the status they chose (online or away, kept across reconnects) and
 * whether any of their sockets is connected. Routing and the widget's offline mode read it.
 */
export class TeamPresence {
  private readonly sites = new Map<string, Map<string, { name: string; chosen: 'online' | 'away'; sockets: number }>>();
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
    const e = s.get(agent.id) ?? { name: agent.name, chosen: 'online' as const, sockets: 0 };
    e.sockets++;
    e.name = agent.name;
    s.set(agent.id, e);
    return e.chosen;
  }

  disconnected(siteId: string, agentId: string): void {
    const e = this.sites.get(siteId)?.get(agentId);
    if (e) e.sockets = Math.max(0, e.sockets - 1);
  }

  setStatus(siteId: string, agentId: string, status: 'online' | 'away'): void {
    const e = this.sites.get(siteId)?.get(agentId);
    if (e) e.chosen = status;
  }

  /** Every known agent with their effective status (offline when no socket is open). */
  team(siteId: string): { id: string; name: string; status: AgentStatus }[] {
    return [...(this.sites.get(siteId) ?? new Map()).entries()].map(([id, e]) => ({ id, name: e.name, status: e.sockets === 0 ? 'offline' : e.chosen }));
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
  availability(siteId: string, now: number = Date.now()): Availability {
    const hours = this.hours.get(siteId);
    if (hours && !isOpen(hours.schedule, hours.timeZone, now)) {
      return { available: false, names: [], backAt: nextOpening(hours.schedule, hours.timeZone, now) };
    }
    const names = this.team(siteId)
      .filter((a) => a.status === 'online')
      .map((a) => a.name.split(/\s+/)[0] ?? a.name);
    return { available: names.length > 0, names: [...new Set(names)].slice(0, 3) };
  }
}

/**
 * Applies a site's business hours to what shoppers are told: now (the caller publishes) and at
 * every later opening or closing, when an `availability` frame goes to the site's open widgets.
 */
export function applyHours(deps: { bus: Bus; team: TeamPresence; now: () => number }, siteId: string, hours: BusinessHours | null): void {
  deps.team.setHours(siteId, hours, () => deps.bus.publish(topics.siteVisitors(siteId), { type: 'availability', ...deps.team.availability(siteId, deps.now()) }));
}
