/**
 * SSRF: merchant-supplied URLs (webhooks, the merchant's own bot) must not reach our own
 * network, however the address is spelled — IPv4 in decimal, octal, hex or short forms as the
 * URL parser normalises them, IPv6, every IPv6 form that carries an IPv4 address, and names
 * that resolve to such addresses — neither when the URL is saved nor when the request connects.
 * A real server without ALLOW_PRIVATE_NETWORK_TARGETS, a real HTTP receiver on every loopback
 * address of this machine, real webhook deliveries and real bot calls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_FAILURES } from '../../server/app/external-bot';
import { DELIVERY_ERRORS } from '../../server/integrations/safe-request';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, type Frame } from '../helpers/ws-client';

/** Listens on :: (dual stack), so 127.0.0.1, ::1 and ::ffff:127.0.0.1 all reach it. */
let receiver: Server;
let port: number;
const received: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ replies: [{ text: 'reached the inside' }] }));
  });
  await new Promise<void>((r) => receiver.listen(0, '::', r));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((r) => receiver.close(() => r()));
});

/** Every spelling of a loopback, link-local, private or otherwise internal address. */
const HOSTS: Record<string, string[]> = {
  'IPv4 loopback': ['127.0.0.1', '127.1', '127.0.1', '127.255.255.254', '2130706433', '0x7f000001', '0x7f.0.0.1', '0x7f.1', '0177.0.0.1', '0177.1', '017700000001'],
  'IPv4 unspecified (reaches loopback on Linux)': ['0', '0.0.0.0', '0x0'],
  'IPv6 loopback and unspecified': ['[::1]', '[0:0:0:0:0:0:0:1]', '[0000:0000:0000:0000:0000:0000:0000:0001]', '[::]'],
  'IPv4-mapped loopback': ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0:0:0:0:0:ffff:7f00:1]', '[::FFFF:7F00:0001]', '[::ffff:0:127.0.0.1]'],
  'IPv4-compatible, NAT64 and 6to4 loopback': ['[::127.0.0.1]', '[::7f00:1]', '[64:ff9b::127.0.0.1]', '[64:ff9b::7f00:1]', '[64:ff9b:1::7f00:1]', '[2002:7f00:1::1]'],
  'link-local (cloud metadata)': ['169.254.169.254', '2852039166', '0xa9fea9fe', '0251.0376.0251.0376', '169.254.43518', '[::ffff:169.254.169.254]', '[::ffff:a9fe:a9fe]', '[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::1]', '[fe80::1]', '[fe80::a9fe:a9fe]'],
  'IPv4 private': ['10.0.0.1', '012.0.0.1', '167772161', '0xa.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '0xc0.0xa8.1.1', '3232235777'],
  'mapped private': ['[::ffff:10.0.0.1]', '[::ffff:a00:1]', '[::ffff:c0a8:101]', '[::ffff:172.16.0.1]', '[64:ff9b::c0a8:101]', '[2002:c0a8:101::1]'],
  'IPv6 unique-local and site-local': ['[fc00::1]', '[fd00::1]', '[fd12:3456:789a::1]', '[fec0::1]'],
  'CGNAT, multicast, broadcast and reserved': ['100.64.0.1', '[::ffff:100.64.0.1]', '224.0.0.1', '[ff02::1]', '255.255.255.255', '240.0.0.1', '198.18.0.1', '192.0.2.1', '[2001:db8::1]', '[2001::1]'],
  'names that resolve to loopback': ['localhost', 'LOCALHOST', 'LocalHost'],
};
const all = () => Object.entries(HOSTS).flatMap(([kind, hosts]) => hosts.map((h) => ({ kind, url: `http://${h}:${port}/inside` })));

describe('SSRF guard (no ALLOW_PRIVATE_NETWORK_TARGETS)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ bot: true, env: { WEBHOOK_INTERVAL_MS: '50' } });
  });
  afterAll(async () => {
    await server.destroy();
  });
  /** The REST API as a well-behaved client uses it: a 429 is retried after its Retry-After (this file makes ~150 calls in a second, over the site's burst of 200). */
  const api = async (path: string, init: RequestInit = {}): Promise<Response> => {
    for (;;) {
      const res = await fetch(`${server.origin}/api/v1${path}`, { ...init, headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' } });
      if (res.status !== 429) return res;
      await new Promise((r) => setTimeout(r, Number(res.headers.get('Retry-After') ?? '1') * 1000));
    }
  };

  it('refuses every spelling when a webhook or the bot URL is saved', async () => {
    const accepted: string[] = [];
    for (const { kind, url } of all()) {
      const hook = await api('/webhooks', { method: 'POST', body: JSON.stringify({ url, events: ['message.created'] }) });
      if (hook.status !== 422) accepted.push(`webhook ${kind}: ${url} → ${hook.status}`);
      const bot = await api('/bot', { method: 'PUT', body: JSON.stringify({ url }) });
      if (bot.status !== 422) accepted.push(`bot ${kind}: ${url} → ${bot.status}`);
      else expect(await bot.json()).toMatchObject({ code: 'private_target', field: 'url' });
    }
    expect(accepted).toEqual([]);
    expect(await (await api('/webhooks')).json()).toMatchObject({ data: [] });
  });

  it('refuses every spelling again when the webhook connects (a URL saved before, or a name that changed)', async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    const ids = new Map<string, string>();
    for (const { url } of all()) {
      const hook = await server.store.webhooks.create(site.id, { url, events: ['message.created'], secret: 'whsec_ssrf' }, Date.now());
      ids.set(hook.id, url);
    }
    await server.store.webhooks.enqueue(site.id, 'message.created', { probe: true }, Date.now());
    const logs = async () =>
      Promise.all(
        [...ids.keys()].map(async (id) => {
          const res = await api(`/webhooks/${id}/deliveries`);
          return { url: ids.get(id)!, ...((await res.json()) as { data: { attempts: number; lastError: string | null; lastStatusCode: number | null; status: string }[] }).data[0]! };
        }),
      );
    await expect.poll(async () => (await logs()).every((d) => d.attempts >= 1), { timeout: 15_000 }).toBe(true);
    const notBlocked = (await logs()).filter((d) => d.lastError !== DELIVERY_ERRORS.blocked || d.lastStatusCode !== null || d.status !== 'pending');
    expect(notBlocked).toEqual([]);
    expect(received).toEqual([]);
  });

  it("refuses a mapped loopback address for the merchant's bot at connect time, and says nothing more to the agents", async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    for (const url of [`http://[::ffff:7f00:1]:${port}/bot`, `http://localhost:${port}/bot`, `http://2130706433:${port}/bot`]) {
      const bot = { ...(site.settings.bot as object), enabled: true, webhook: { url, secret: 'bsec_ssrf', fallback: 'handoff', timeoutMs: 2000 } };
      await server.store.sites.update(site.id, { settings: { ...site.settings, bot } });
      const visitor = await connectVisitor(server);
      const clientId = cid();
      visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
      const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
      await visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | null)?.event === 'handoff', 10_000);
      const data = await server.store.conversations.botData(site.id, conversationId);
      expect(data?.handoff, url).toMatchObject({ reason: 'bot_unavailable', tried: [{ intent: 'external_bot', outcome: BOT_FAILURES.blocked }] });
      visitor.socket.close();
    }
    expect(received).toEqual([]);
  });
});

describe('delivery errors the merchant sees', () => {
  let server: TestServer;
  let closedPort: number;
  let notFound: Server;
  let notFoundPort: number;
  beforeAll(async () => {
    server = await startTestServer({ bot: true, env: { ALLOW_PRIVATE_NETWORK_TARGETS: '1', WEBHOOK_INTERVAL_MS: '50' } });
    // A port nothing listens on (ECONNREFUSED), and one that answers 404.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    notFound = createServer((_req, res) => {
      res.writeHead(404);
      res.end('Not Found');
    });
    await new Promise<void>((r) => notFound.listen(0, '127.0.0.1', r));
    notFoundPort = (notFound.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await server.destroy();
    notFound.closeAllConnections();
    await new Promise<void>((r) => notFound.close(() => r()));
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.origin}/api/v1${path}`, { ...init, headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' } });

  it('ALLOW_PRIVATE_NETWORK_TARGETS=1 still lets development reach loopback, in any spelling', async () => {
    const res = await api('/webhooks', { method: 'POST', body: JSON.stringify({ url: `http://[::ffff:7f00:1]:${port}/dev`, events: ['message.created'] }) });
    expect(res.status).toBe(201);
    const hook = (await res.json()) as { id: string };
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    await server.store.webhooks.enqueue(site.id, 'message.created', { dev: true }, Date.now());
    await expect.poll(() => received.includes('POST /dev'), { timeout: 5000 }).toBe(true);
    expect((await api(`/webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('a closed port and an open one that answers 404 look the same in the deliveries log', async () => {
    const ids: string[] = [];
    for (const p of [closedPort, notFoundPort]) {
      const res = await api('/webhooks', { method: 'POST', body: JSON.stringify({ url: `http://127.0.0.1:${p}/x`, events: ['message.created'] }) });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    await server.store.webhooks.enqueue(site.id, 'message.created', { scan: true }, Date.now());
    const logs = () => Promise.all(ids.map(async (id) => ((await (await api(`/webhooks/${id}/deliveries`)).json()) as { data: Record<string, unknown>[] }).data[0]));
    await expect.poll(async () => (await logs()).every((d) => d && (d.attempts as number) >= 1), { timeout: 10_000 }).toBe(true);
    const [closed, open] = await logs();
    const shape = (d: Record<string, unknown>) => ({ status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError });
    expect(shape(closed!)).toEqual({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: DELIVERY_ERRORS.failed });
    expect(shape(open!)).toEqual(shape(closed!));
  });

  it("a closed port and a 404 look the same in the bot's handoff packet", async () => {
    const outcomes: unknown[] = [];
    for (const p of [closedPort, notFoundPort]) {
      expect((await api('/bot', { method: 'PUT', body: JSON.stringify({ url: `http://127.0.0.1:${p}/bot`, fallback: 'handoff', timeoutMs: 2000 }) })).status).toBe(200);
      const visitor = await connectVisitor(server);
      const clientId = cid();
      visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
      const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
      await visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | null)?.event === 'handoff', 10_000);
      const site = (await server.store.sites.byPublicKey('pk_demo'))!;
      outcomes.push((await server.store.conversations.botData(site.id, conversationId))?.handoff);
      visitor.socket.close();
    }
    expect(outcomes[0]).toMatchObject({ reason: 'bot_unavailable', tried: [{ intent: 'external_bot', outcome: BOT_FAILURES.failed }] });
    expect(outcomes[1]).toEqual(outcomes[0]);
  });
});
