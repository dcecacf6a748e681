/**
 * Live visitors must not lock agents out (issue 11): shoppers browsing within their budgets, at
 * the largest `context` the protocol accepts, reach an agent's socket as small, coalesced deltas
 * capped per second; shoppers who left are a bounded, paged list, pruned by time. The server runs
 * as its own process so its RSS is measured alone. Bounds: docs/security.md, "Live visitors".
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssBytes, spawnServer, type ServerProcess } from '../helpers/process';
import { tempDataDir } from '../helpers/server';
import { connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

/** Bytes of live-visitor traffic one agent socket may receive in any one second (one delta, 32 KiB, plus a late one). */
const MAX_BYTES_PER_SECOND = 64 * 1024;
/** …and on average over the run. */
const MAX_AVERAGE_PER_SECOND = 34 * 1024;
/** An agent's `welcome` with 1,000 shoppers who just left (was 80 MB). */
const MAX_WELCOME_BYTES = 96 * 1024;
/** What 1,000 departed shoppers may leave in the server's RSS (was +113 MB). */
const MAX_RSS_GROWTH = 24 * 1024 * 1024;

const pad = (s: string, n: number) => (s + 'x'.repeat(n)).slice(0, n);
/** The largest context frames the protocol accepts: a 2,048-character URL, a 300-character title, 100 cart lines of 200-character names (27 KB of the 32 KiB a frame may have). */
function bigContext(page: number, shopper: number, withCart: boolean): string {
  return JSON.stringify({
    type: 'context',
    url: pad(`https://shop.example/p/${shopper}/${page}?q=`, 2048),
    title: pad(`Página ${page} `, 300),
    ...(withCart
      ? { cart: { items: Array.from({ length: 100 }, (_, i) => ({ sku: `SKU-${i}`, name: pad(`Producto ${i} `, 200), quantity: 1, price: 999 })), total: 99_900, currency: 'EUR' } }
      : {}),
  });
}

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, k) => fn(i + k)))));
  return out;
}

const dataDir = tempDataDir();
let server: ServerProcess;
let cookie: string;
beforeAll(async () => {
  server = await spawnServer(dataDir, { SEED_DEMO: '1' });
  cookie = await signIn(server);
}, 30_000);
afterAll(async () => {
  server?.proc.kill('SIGKILL');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('live visitors under load', () => {
  it('200 shoppers sending context within their budgets for 5 s reach one agent socket as bounded, coalesced deltas, losing no last state', async () => {
    const agent = await connectAgent(server, cookie);
    const arrivals: { at: number; bytes: number; frame: Frame }[] = [];
    agent.socket.ws.on('message', (data: Buffer) => arrivals.push({ at: Date.now(), bytes: data.length, frame: JSON.parse(data.toString()) as Frame }));
    const shoppers = await inBatches(200, 50, () => connectVisitor(server));
    await agent.socket.next((f) => f.type === 'visitors.delta' && (f.counts as { online: number }).online >= 200, 20_000);

    // Each shopper: two context frames a second (its budget: 2/s, bursts of 20) for 5 s, each one a new page.
    const started = Date.now();
    arrivals.length = 0;
    const RATE = 2;
    const SECONDS = 5;
    const frames = new Map<number, string[]>();
    for (let s = 0; s < shoppers.length; s++) frames.set(s, Array.from({ length: RATE * SECONDS }, (_, p) => bigContext(p, s, p % 5 === 0)));
    let sentBytes = 0;
    for (let tick = 0; tick < RATE * SECONDS; tick++) {
      const due = started + (tick * 1000) / RATE;
      if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
      for (let s = 0; s < shoppers.length; s++) {
        const json = frames.get(s)![tick]!;
        sentBytes += json.length;
        shoppers[s]!.socket.sendRaw(json);
      }
    }
    // Every shopper's last page reaches the agent (coalesced, not dropped), then the feed goes quiet.
    const lastUrl = new Map(shoppers.map((v, s) => [v.visitorId, `https://shop.example/p/${s}/${RATE * SECONDS - 1}`]));
    const latest = new Map<string, string | null>();
    await expect
      .poll(
        () => {
          for (const a of arrivals) if (a.frame.type === 'visitors.delta') for (const v of a.frame.visitors as Frame[]) latest.set(v.visitorId as string, v.url as string | null);
          return [...lastUrl].filter(([id, url]) => latest.get(id) !== url).length;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(0);
    const elapsed = (Date.now() - started) / 1000;
    const perSecond = new Map<number, number>();
    for (const a of arrivals) perSecond.set(Math.floor((a.at - started) / 1000), (perSecond.get(Math.floor((a.at - started) / 1000)) ?? 0) + a.bytes);
    const total = arrivals.reduce((n, a) => n + a.bytes, 0);
    const peak = Math.max(...perSecond.values());
    const deltas = arrivals.filter((a) => a.frame.type === 'visitors.delta');
    console.log(
      `presence fan-out: shoppers sent ${(sentBytes / 1e6).toFixed(1)} MB of context in ${SECONDS} s; one agent socket received ${(total / 1024).toFixed(1)} KiB in ${elapsed.toFixed(1)} s ` +
        `(peak ${(peak / 1024).toFixed(1)} KiB in one second, average ${(total / 1024 / elapsed).toFixed(1)} KiB/s, ${deltas.length} deltas, largest ${(Math.max(...deltas.map((d) => d.bytes)) / 1024).toFixed(1)} KiB)`,
    );
    expect(peak).toBeLessThanOrEqual(MAX_BYTES_PER_SECOND);
    expect(total / elapsed).toBeLessThanOrEqual(MAX_AVERAGE_PER_SECOND);
    // Rows only: never the pages of a visit or the cart's lines.
    expect(arrivals.some((a) => a.frame.type === 'visitor.detail')).toBe(false);
    // The agent still asks for one shopper's pages and cart, bounded (10 pages, 50 lines).
    const detail = agent.socket.next((f) => f.type === 'visitor.detail' && f.visitorId === shoppers[0]!.visitorId);
    agent.socket.send({ type: 'visitor.get', visitorId: shoppers[0]!.visitorId });
    const d = await detail;
    expect((d.pages as Frame[]).length).toBe(10);
    expect(((d.cart as { items: Frame[] }).items).length).toBe(50);
    expect(JSON.stringify(d).length).toBeLessThan(32 * 1024);
    for (const v of shoppers) v.socket.close();
    agent.socket.close();
  }, 90_000);

  it('1,000 shoppers who left: a bounded, paged welcome for four agents signing in together, bounded RSS', async () => {
    // Two more agents, so four different people sign in at once.
    for (const who of ['Marta', 'Pablo']) {
      const res = await fetch(`${server.origin}/api/agent/admin/agents`, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
        body: JSON.stringify({ email: `${who.toLowerCase()}@example.com`, name: who, role: 'agent', password: 'una-clave-larga-123' }),
      });
      expect(res.status).toBe(201);
    }
    // Warm-up: the same traffic once, so the server's heap has grown to its working size for it
    // and what follows measures what departed shoppers leave behind.
    const visit = async (i: number) => {
      const v = await connectVisitor(server);
      // The quoted sizes: 20 pages of 2,348 characters (2,048 of URL, 300 of title) and a 100-line cart.
      for (let p = 0; p < 20; p++) v.socket.sendRaw(bigContext(p, i, p === 0));
      const pong = v.socket.next((f) => f.type === 'pong');
      v.socket.send({ type: 'ping' });
      await pong;
      v.socket.close();
      await v.socket.waitClose();
    };
    await inBatches(1000, 50, (i) => visit(10_000 + i));
    const rssBefore = rssBytes(server.proc.pid!);
    await inBatches(1000, 50, (i) => visit(1000 + i));
    const rssAfterLeaving = rssBytes(server.proc.pid!);

    const people = [
      ['ana@example.com', 'mostrador'],
      ['luis@example.com', 'mostrador'],
      ['marta@example.com', 'una-clave-larga-123'],
      ['pablo@example.com', 'una-clave-larga-123'],
    ] as const;
    const agents = await Promise.all(
      people.map(async ([email, password]) => {
        const session = await signIn(server, email, password);
        const agent = await connectAgent(server, session);
        return { ...agent, bytes: Buffer.byteLength(JSON.stringify(agent.welcome)) };
      }),
    );
    const rssAfterWelcomes = rssBytes(server.proc.pid!);
    const growth = Math.max(rssAfterLeaving, rssAfterWelcomes) - rssBefore;
    const first = agents[0]!.welcome;
    console.log(
      `presence departed: 1,000 shoppers left; welcomes ${agents.map((a) => `${(a.bytes / 1024).toFixed(1)} KiB`).join(', ')}, ` +
        `${(first.visitors as Frame[]).length} rows of ${JSON.stringify(first.visitorCounts)} listed, RSS +${(growth / 1024 / 1024).toFixed(1)} MiB (${((rssAfterLeaving - rssBefore) / 1024 / 1024).toFixed(1)} after leaving, before ${(rssBefore / 1024 / 1024).toFixed(0)} MiB)`,
    );
    for (const a of agents) {
      expect(a.welcome.type).toBe('welcome');
      expect(a.bytes).toBeLessThanOrEqual(MAX_WELCOME_BYTES);
      expect((a.welcome.visitors as Frame[]).length).toBeLessThanOrEqual(50);
    }
    expect(growth).toBeLessThanOrEqual(MAX_RSS_GROWTH);
    // The rest of the list comes a page at a time, on demand.
    const counts = first.visitorCounts as { online: number; total: number };
    expect(first.visitorsMore).toBe(true);
    const rows = first.visitors as Frame[];
    const last = rows[rows.length - 1]!;
    const page = agents[0]!.socket.next((f) => f.type === 'visitors.page');
    agents[0]!.socket.send({ type: 'visitors.list', after: { online: last.online, since: last.since, visitorId: last.visitorId } });
    const next = (await page).visitors as Frame[];
    expect(next.length).toBeGreaterThan(0);
    expect(next.map((v) => v.visitorId).some((id) => rows.some((r) => r.visitorId === id))).toBe(false);
    // Departed shoppers stay listed a few minutes, at most 200 of them per site.
    expect(counts.total - counts.online).toBeLessThanOrEqual(200);
    for (const a of agents) a.socket.close();
  }, 180_000);
});
