/**
 * Who is on the shop right now: pages, cart and whether any of their tabs is connected. Live
 * state, kept in memory by the process holding the sockets (a multi-node deployment shares it
 * through the bus); nothing here is needed to recover a conversation.
 */
import type { Cart, VisitorUpdatedFrame } from '../shared/protocol';

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
}

export class PresenceRegistry {
  private readonly sites = new Map<string, Map<string, Presence>>();

  private entry(siteId: string, visitorId: string, now: number): Presence {
    let site = this.sites.get(siteId);
    if (!site) this.sites.set(siteId, (site = new Map()));
    let p = site.get(visitorId);
    if (!p) site.set(visitorId, (p = { sockets: 0, url: null, title: null, pages: [], cart: null, since: now, leftAt: null }));
    return p;
  }

  connected(siteId: string, visitorId: string, now: number): VisitorUpdatedFrame {
    const p = this.entry(siteId, visitorId, now);
    p.sockets++;
    p.leftAt = null;
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
  update(siteId: string, visitorId: string, now: number, ctx: { url?: string; title?: string; cart?: Cart | null }): VisitorUpdatedFrame {
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
    return { type: 'visitor.updated', visitorId, online: p.sockets > 0, url: p.url, title: p.title, pages: [...p.pages], cart: p.cart, since: p.since };
  }
}
