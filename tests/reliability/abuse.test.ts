import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth';
import { hashToken } from '../../server/ids';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket, cid, connectAgent, connectVisitor, signIn, visitorUrl, type Frame } from '../helpers/ws-client';
import * as t from '../../server/store/schema';
import { openDb } from '../../server/store/db';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { VISITOR_MESSAGES_PER_SEC: '5', VISITOR_MESSAGE_BURST: '5' } });
});
afterAll(async () => {
  await server.destroy();
});

function randomFrame(i: number): string | Buffer {
  const pick = i % 10;
  switch (pick) {
    case 0:
      return '{'.repeat(1 + (i % 50));
    case 1:
      return JSON.stringify({ type: 'message.send', clientId: 42, text: ['x'] });
    case 2:
      return JSON.stringify({ type: `nope.${i}` });
    case 3:
      return JSON.stringify({ type: 'sync', conversationId: 'x'.repeat(200), afterSeq: -1 });
    case 4:
      return JSON.stringify(JSON.parse('['.repeat(200) + ']'.repeat(200)));
    case 5:
      return Buffer.from([i & 0xff, 0, 1, 2, 3]);
    case 6:
      return 'x'.repeat(40_000);
    case 7:
      return JSON.stringify({ type: 'hello', v: 'one' });
    case 8:
      return JSON.stringify({ type: 'typing', conversationId: null, on: 'yes' });
    default:
      return String(Math.random());
  }
}

describe('abuse', () => {
  it('answers 10,000 random and malformed frames with typed errors, and stays up', async () => {
    const { socket } = await connectVisitor(server);
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 10_000; i++) socket.sendRaw(randomFrame(i));
    await expect.poll(() => socket.frames.filter((f) => f.type === 'error').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(9_000);
    const codes = new Set(socket.frames.filter((f) => f.type === 'error').map((f) => f.code));
    for (const code of codes) expect(['bad_json', 'bad_frame', 'unknown_type', 'frame_too_large', 'binary_not_supported']).toContain(code);
    const pong = socket.next((f) => f.type === 'pong' && f.t === 7);
    socket.send({ type: 'ping', t: 7 });
    await pong;
    const grownMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    console.log(`abuse: ${socket.frames.length} replies to 10,000 frames, error codes ${[...codes].join(', ')}, RSS +${grownMiB.toFixed(1)} MiB`);
    expect(grownMiB).toBeLessThan(200);
    socket.close();
  });

  it('rate-limits a visitor with typed errors carrying retryAfterMs, then lets them send again', async () => {
    const { socket } = await connectVisitor(server);
    const ids = Array.from({ length: 12 }, () => cid('burst'));
    for (const clientId of ids) socket.send({ type: 'message.send', clientId, text: 'spam' });
    await expect.poll(() => socket.frames.filter((f) => f.type === 'ack' || (f.type === 'error' && f.code === 'rate_limited')).length).toBe(12);
    const limited = socket.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(limited[0]).toMatchObject({ retryAfterMs: expect.any(Number), ref: expect.any(String) });
    await new Promise((r) => setTimeout(r, Math.max(...limited.map((f) => f.retryAfterMs as number)) + 50));
    const again = cid('later');
    socket.send({ type: 'message.send', clientId: again, text: 'ahora sí' });
    expect(await socket.next((f) => f.clientId === again || f.ref === again)).toMatchObject({ type: 'ack' });
    socket.close();
  });

  it('gives 20 parallel "start chat" sends from one visitor a single conversation', async () => {
    const first = await connectVisitor(server);
    const tabs = [first, ...(await Promise.all(Array.from({ length: 19 }, () => connectVisitor(server, { token: first.token }))))];
    // One message per tab: 20 sends, one visitor (the budget is per visitor: 5 at once, the rest retried).
    const acks: Frame[] = [];
    await Promise.all(
      tabs.map(async (tab, i) => {
        for (;;) {
          const clientId = cid(`tab${i}`);
          const reply = tab.socket.next((f) => f.clientId === clientId || f.ref === clientId, 10_000);
          tab.socket.send({ type: 'message.send', clientId, text: `desde la pestaña ${i}` });
          const r = await reply;
          if (r.type === 'ack') return void acks.push(r);
          await new Promise((res) => setTimeout(res, (r.retryAfterMs as number) ?? 500));
        }
      }),
    );
    expect(acks).toHaveLength(20);
    expect(new Set(acks.map((a) => a.conversationId)).size).toBe(1);
    expect(new Set(acks.map((a) => a.seq)).size).toBe(20);
    for (const tab of tabs) tab.socket.close();
  }, 30_000);

  it("keeps one site's agents out of another site's conversations and orders", async () => {
    // A second shop with its own agent, next to the demo shop.
    const { db, close } = openDb(server.dataDir);
    const now = Date.now();
    db.insert(t.sites)
      .values({ id: 'site_other', name: 'Otra tienda', publicKey: 'pk_other', secretKey: 'sk_other_secret', secretKeyHash: hashToken('sk_other_secret'), allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'], settings: {}, createdAt: now })
      .run();
    db.insert(t.agents).values({ id: 'ag_other', siteId: 'site_other', email: 'eve@other.example', name: 'Eve', role: 'admin', passwordHash: await hashPassword('otra-clave-12345'), createdAt: now }).run();
    close();

    const visitor = await connectVisitor(server);
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, text: 'dato privado de la tienda demo' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack')).conversationId as string;

    const eveCookie = await signIn(server, 'eve@other.example', 'otra-clave-12345');
    const eve = await connectAgent(server, eveCookie);
    expect((eve.welcome.conversations as Frame[]).map((c) => c.id)).not.toContain(conversationId);
    const err = eve.socket.nextOfType('error');
    eve.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(await err).toMatchObject({ code: 'not_found' });
    const write = cid();
    const writeErr = eve.socket.next((f) => f.ref === write);
    eve.socket.send({ type: 'message.send', conversationId, clientId: write, text: 'hola' });
    expect(await writeErr).toMatchObject({ code: 'not_found' });
    expect(eve.socket.frames.some((f) => JSON.stringify(f).includes('dato privado'))).toBe(false);

    const context = await fetch(`${server.origin}/api/agent/conversations/${conversationId}/context`, { headers: { Cookie: eveCookie } });
    expect(context.status).toBe(404);
    expect(await context.text()).not.toContain('dato privado');
    const api = (path: string) => fetch(`${server.origin}/api/v1${path}`, { headers: { Authorization: 'Bearer sk_other_secret' } });
    expect((await api(`/conversations/${conversationId}`)).status).toBe(404);
    expect((await api('/orders/ord_1001')).status).toBe(404);
    expect((await api('/customers/cus_maria')).status).toBe(404);
    expect(((await (await api('/conversations')).json()) as { data: unknown[] }).data).toEqual([]);
    eve.socket.close();
    visitor.socket.close();
  });

  it('answers key guessing on the merchant API with 429 and Retry-After per address, and keeps serving the real key', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    // The budget refills at 5 wrong keys a second: guess faster than that until refused.
    for (let i = 0; i < 200 && retryAfter === null; i++) {
      const res = await fetch(`${server.origin}/api/v1/conversations`, { headers: { Authorization: `Bearer sk_guess_${i}_xxxxxxxx` } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.body?.cancel();
    }
    // A burst of 20 wrong keys is answered 401; past it, this address waits.
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // The limit is on failures: the merchant's real key still works from the same address.
    const ok = await fetch(`${server.origin}/api/v1/conversations`, { headers: { Authorization: 'Bearer sk_demo_secret' } });
    expect(ok.status).toBe(200);
  });

  it('throttles sign-in guessing per address across many emails (429 with Retry-After), not only per email', async () => {
    // Its own server: this locks the test's address out of signing in for 15 minutes.
    const own = await startTestServer();
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 52; i++) {
        const res = await fetch(`${own.origin}/api/agent/session`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: own.origin },
          body: JSON.stringify({ email: `guess${i}@example.com`, password: 'not-the-password' }),
        });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
        await res.body?.cancel();
      }
      // 50 failures from one address (each a different email, so the per-email limit never fires), then 429.
      expect(statuses.slice(0, 50).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(50)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      // Even the right password waits now: guessing cannot be told apart from the real agent.
      const real = await fetch(`${own.origin}/api/agent/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: own.origin },
        body: JSON.stringify({ email: 'ana@example.com', password: 'mostrador' }),
      });
      expect(real.status).toBe(429);
      expect(real.headers.get('set-cookie')).toBeNull();
    } finally {
      await own.destroy();
    }
  }, 60_000);

  it('refuses a foreign Origin before any data flows', async () => {
    await expect(TestSocket.open(visitorUrl(server), { Origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
  });
});

describe('agent send budget', () => {
  it('answers an agent client sending far faster than a person with typed rate_limited errors, and stores only what it acked', async () => {
    const s = await startTestServer({ env: { AGENT_MESSAGES_PER_SEC: '2', AGENT_MESSAGE_BURST: '10' } });
    try {
      const visitor = await connectVisitor(s);
      const first = cid();
      visitor.socket.send({ type: 'message.send', clientId: first, text: 'hola' });
      const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
      const agent = await connectAgent(s, await signIn(s));
      const ids = Array.from({ length: 30 }, () => cid('flood'));
      const answers = ids.map((id) => agent.socket.next((f) => (f.type === 'ack' && f.clientId === id) || (f.type === 'error' && f.ref === id)));
      for (const id of ids) agent.socket.send({ type: 'message.send', clientId: id, conversationId, text: `flood ${id}` });
      const got = await Promise.all(answers);
      const acked = got.filter((f) => f.type === 'ack');
      const limited = got.filter((f) => f.type === 'error');
      expect(acked.length).toBeGreaterThanOrEqual(10);
      expect(acked.length).toBeLessThan(30);
      expect(limited.every((f) => f.code === 'rate_limited' && typeof f.retryAfterMs === 'number')).toBe(true);
      const site = (await s.store.sites.byPublicKey('pk_demo'))!;
      const stored = (await s.store.messages.after(site.id, conversationId, 0, 200)).filter((m) => m.text.startsWith('flood '));
      expect(stored).toHaveLength(acked.length);
      agent.socket.close();
      visitor.socket.close();
    } finally {
      await s.destroy();
    }
  });
});
