import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_DEPARTED_PER_SITE, OFFLINE_TTL_MS, PRESENCE_BOUNDS, PRESENCE_SWEEP_MS, PresenceRegistry } from '../../server/presence';
import { VisitorFeed } from '../../server/ws/visitor-feed';

const T0 = Date.UTC(2026, 2, 2, 10, 0);
const cart = (lines: number) => ({ items: Array.from({ length: lines }, (_, i) => ({ name: 'n'.repeat(200), quantity: 2, price: 100 + i })), total: 12_345, currency: 'EUR' });

afterEach(() => vi.useRealTimers());

describe('PresenceRegistry', () => {
  it('says whether a shopper is here, or when their last tab left (the mail digest asks)', () => {
    const p = new PresenceRegistry();
    expect(p.lastSeen('s', 'v')).toBeNull();
    p.connected('s', 'v', 1_000);
    p.connected('s', 'v', 2_000);
    expect(p.lastSeen('s', 'v')).toEqual({ online: true });
    p.disconnected('s', 'v', 3_000);
    expect(p.lastSeen('s', 'v')).toEqual({ online: true });
    p.disconnected('s', 'v', 4_000);
    expect(p.lastSeen('s', 'v')).toEqual({ online: false, leftAt: 4_000 });
    expect(p.lastSeen('other-site', 'v')).toBeNull();
    p.close();
  });

  it('bounds what one visitor record holds, whatever the widget sends', () => {
    const p = new PresenceRegistry();
    p.connected('s', 'v', T0);
    for (let i = 0; i < 25; i++) p.update('s', 'v', T0 + i, { url: `https://shop.example/p/${i}?q=${'x'.repeat(2000)}`, title: 't'.repeat(300), cart: cart(100) });
    const d = p.detail('s', 'v')!;
    expect(d.pages).toHaveLength(PRESENCE_BOUNDS.pages);
    expect(d.pages.at(-1)).toMatchObject({ url: 'https://shop.example/p/24', title: 't'.repeat(PRESENCE_BOUNDS.titleChars) });
    expect(d.cart!.items).toHaveLength(PRESENCE_BOUNDS.cartItems);
    expect(d.cart!.items[0]!.name).toHaveLength(PRESENCE_BOUNDS.itemNameChars);
    // The row counts what the shop sent.
    expect(p.summary('s', 'v')).toMatchObject({ pageCount: PRESENCE_BOUNDS.pages, cart: { count: 100, total: 12_345, currency: 'EUR' } });
    expect(p.visit('s', 'v')).toMatchObject({ cartUnits: 200, cartTotal: 12_345 });
    expect(JSON.stringify(d).length).toBeLessThan(24 * 1024);
  });

  it('keeps at most MAX_DEPARTED_PER_SITE departed visitors, the most recent', () => {
    const p = new PresenceRegistry();
    const gone: string[] = [];
    p.onGone = (_s, ids) => gone.push(...ids);
    for (let i = 0; i < MAX_DEPARTED_PER_SITE + 50; i++) {
      p.connected('s', `v${i}`, T0 + i);
      p.disconnected('s', `v${i}`, T0 + i);
    }
    expect(p.counts('s')).toEqual({ online: 0, total: MAX_DEPARTED_PER_SITE });
    expect(gone).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
  });

  it('prunes departed visitors on a timer once OFFLINE_TTL_MS has passed, with nobody asking', () => {
    vi.useFakeTimers({ now: T0 });
    const p = new PresenceRegistry();
    const gone: string[] = [];
    p.onGone = (_s, ids) => gone.push(...ids);
    p.start(() => Date.now());
    p.connected('s', 'left', Date.now());
    p.connected('s', 'stays', Date.now());
    p.disconnected('s', 'left', Date.now());
    vi.advanceTimersByTime(OFFLINE_TTL_MS);
    expect(gone).toEqual([]);
    vi.advanceTimersByTime(PRESENCE_SWEEP_MS + 1);
    expect(gone).toEqual(['left']);
    expect(p.counts('s')).toEqual({ online: 1, total: 1 });
    p.close();
  });

  it('pages the list online first, then the longest on the site, resuming after a cursor', () => {
    const p = new PresenceRegistry();
    for (let i = 0; i < 7; i++) p.connected('s', `v${i}`, T0 + i);
    p.disconnected('s', 'v0', T0 + 10);
    const first = p.page('s', undefined, 3, T0 + 20);
    expect(first.visitors.map((v) => v.visitorId)).toEqual(['v1', 'v2', 'v3']);
    expect(first.hasMore).toBe(true);
    const last = first.visitors.at(-1)!;
    const second = p.page('s', { online: last.online, since: last.since, visitorId: last.visitorId }, 3, T0 + 20);
    expect(second.visitors.map((v) => v.visitorId)).toEqual(['v4', 'v5', 'v6']);
    const third = p.page('s', { online: true, since: T0 + 6, visitorId: 'v6' }, 3, T0 + 20);
    expect(third).toEqual({ visitors: [expect.objectContaining({ visitorId: 'v0', online: false })], hasMore: false });
  });
});

describe('VisitorFeed', () => {
  it('coalesces changes per agent socket into at most one delta a second, capped in bytes, the rest following', () => {
    vi.useFakeTimers({ now: T0 });
    const p = new PresenceRegistry();
    const feed = new VisitorFeed(p, { intervalMs: 1000, maxBytes: 4096 });
    const sent: { at: number; json: string }[] = [];
    const off = feed.subscribe('s', (json) => sent.push({ at: Date.now(), json }));
    for (let i = 0; i < 40; i++) p.connected('s', `v${i}`, Date.now());
    // Ten changes of one visitor within the second: one row, as it is now.
    for (let k = 0; k < 10; k++) p.update('s', 'v0', Date.now(), { url: `https://shop.example/${k}` });
    vi.advanceTimersByTime(0);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    const frames = sent.map((s) => JSON.parse(s.json) as { visitors: { visitorId: string; url: string | null }[]; counts: unknown });
    for (const s of sent) expect(Buffer.byteLength(s.json)).toBeLessThanOrEqual(4096);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    const rows = frames.flatMap((f) => f.visitors);
    expect(new Set(rows.map((r) => r.visitorId)).size).toBe(40);
    expect(rows.filter((r) => r.visitorId === 'v0')).toEqual([expect.objectContaining({ url: 'https://shop.example/9' })]);
    expect(frames.at(-1)!.counts).toEqual({ online: 40, total: 40 });
    off();
    p.update('s', 'v1', Date.now(), { url: 'https://shop.example/after' });
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(frames.length);
  });
});
