import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_ERRORS } from '../../server/integrations/safe-request';
import { MAX_ATTEMPTS, WebhookDispatcher, retryDelayMs, signatureHeader } from '../../server/integrations/webhook-dispatcher';
import { createLogger } from '../../server/logger';
import { openDb } from '../../server/store/db';
import { SqliteStore } from '../../server/store/sqlite-store';
import { createTestApp } from '../helpers/app';
import { startReceiver } from '../helpers/receiver';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor } from '../helpers/ws-client';

const SECRET = 'sk_demo_secret';
const auth = { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' };

describe('webhooks end to end', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ALLOW_PRIVATE_NETWORK_TARGETS: '1', WEBHOOK_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('delivers signed conversation.created and message.created events', async () => {
    const receiver = await startReceiver();
    try {
      const res = await fetch(`${server.origin}/api/v1/webhooks`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ url: receiver.url, events: ['conversation.created', 'message.created'] }),
      });
      expect(res.status).toBe(201);
      const hook = (await res.json()) as { id: string; secret: string };
      expect(hook.secret).toMatch(/^whsec_/);
      const listed = (await (await fetch(`${server.origin}/api/v1/webhooks`, { headers: auth })).json()) as { data: object[] };
      expect(JSON.stringify(listed)).not.toContain(hook.secret);

      const visitor = await connectVisitor(server);
      visitor.socket.send({ type: 'message.send', clientId: cid(), text: '¿Hacéis envíos a Canarias?' });
      await expect.poll(() => receiver.received.length, { timeout: 5000 }).toBe(2);
      const [created, message] = receiver.received;
      for (const r of [created!, message!]) {
        const sig = String(r.headers['mostrador-signature']);
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig) ?? [];
        expect(createHmac('sha256', hook.secret).update(`${t}.${r.body}`).digest('hex')).toBe(v1);
        expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
      }
      expect(created!.headers['mostrador-event']).toBe('conversation.created');
      expect(JSON.parse(message!.body)).toMatchObject({ type: 'message.created', data: { message: { text: '¿Hacéis envíos a Canarias?', author: { kind: 'visitor' } } } });

      // The dispatcher records each attempt once the receiver has answered: read the log as a client would, until it has.
      const statuses = async () => ((await (await fetch(`${server.origin}/api/v1/webhooks/${hook.id}/deliveries`, { headers: auth })).json()) as { data: { status: string }[] }).data.map((d) => d.status);
      await expect.poll(statuses, { timeout: 5000 }).toEqual(['delivered', 'delivered']);
      expect((await fetch(`${server.origin}/api/v1/webhooks/${hook.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
      visitor.socket.close();
    } finally {
      await receiver.close();
    }
  });
});

describe('webhook targets', () => {
  it('refuses private and loopback targets unless ALLOW_PRIVATE_NETWORK_TARGETS is set', async () => {
    const t = await createTestApp();
    try {
      for (const url of ['http://127.0.0.1:9/hooks', 'http://localhost/hooks', 'http://169.254.169.254/latest', 'http://[::1]/x']) {
        const res = await t.app.request('/api/v1/webhooks', { method: 'POST', headers: auth, body: JSON.stringify({ url, events: ['message.created'] }) });
        expect(res.status, url).toBe(422);
        expect(await res.json()).toMatchObject({ field: 'url' });
      }
      const bad = await t.app.request('/api/v1/webhooks', { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://x.example', events: ['nope'] }) });
      expect(await bad.json()).toMatchObject({ status: 422, field: 'events.0' });
    } finally {
      await t.destroy();
    }
  });

  it('blocks delivery when a saved host later resolves to a private address', async () => {
    const t = await createTestApp();
    const receiver = await startReceiver();
    try {
      const site = (await t.store.sites.byPublicKey('pk_demo'))!;
      // As if DNS had changed since the URL was accepted: the connect-time check still refuses.
      await t.store.webhooks.create(site.id, { url: receiver.url, events: ['message.created'], secret: 'whsec_x' }, Date.now());
      // …and a host name (resolved at connect time by the guarded lookup).
      await t.store.webhooks.create(site.id, { url: receiver.url.replace('127.0.0.1', 'localhost'), events: ['message.created'], secret: 'whsec_y' }, Date.now());
      await t.store.webhooks.enqueue(site.id, 'message.created', { hello: 1 }, Date.now());
      const dispatcher = new WebhookDispatcher({ store: t.store, logger: createLogger('silent'), allowPrivate: false });
      expect(await dispatcher.tick()).toBe(2);
      expect(receiver.received).toHaveLength(0);
      for (const hook of await t.store.webhooks.list(site.id)) {
        expect((await t.store.webhooks.deliveries(site.id, hook.id, 10))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('private') });
      }
    } finally {
      await receiver.close();
      await t.destroy();
    }
  });
});

describe('WebhookDispatcher', () => {
  it('retries with backoff from the persisted queue, across a restart, and gives up after MAX_ATTEMPTS', async () => {
    const t = await createTestApp();
    const receiver = await startReceiver([500, 503]);
    let clock = 1_000_000;
    const now = () => clock;
    try {
      const site = (await t.store.sites.byPublicKey('pk_demo'))!;
      const hook = await t.store.webhooks.create(site.id, { url: receiver.url, events: ['message.created'], secret: 'whsec_test' }, clock);
      await t.store.webhooks.enqueue(site.id, 'message.created', { n: 1 }, clock);
      const logger = createLogger('silent');
      const first = new WebhookDispatcher({ store: t.store, logger, allowPrivate: true, now });
      expect(await first.tick()).toBe(1); // 500
      expect(await first.tick()).toBe(0); // not due yet
      clock += retryDelayMs(1);

      // "Restart": a new store over the same file and a new dispatcher pick the queue up.
      const reopened = new SqliteStore(openDb(t.dataDir));
      const second = new WebhookDispatcher({ store: reopened, logger, allowPrivate: true, now });
      expect(await second.tick()).toBe(1); // 503
      clock += retryDelayMs(2);
      expect(await second.tick()).toBe(1); // 200
      const [delivery] = await reopened.webhooks.deliveries(site.id, hook.id, 10);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
      expect(receiver.received.map((r) => r.headers['mostrador-delivery'])).toEqual([delivery!.id, delivery!.id, delivery!.id]);

      // A target that never answers 2xx is given up after MAX_ATTEMPTS.
      const failing = await startReceiver(Array(MAX_ATTEMPTS).fill(500));
      const dead = await reopened.webhooks.create(site.id, { url: failing.url, events: ['message.created'], secret: 'whsec_dead' }, clock);
      await reopened.webhooks.enqueue(site.id, 'message.created', { n: 2 }, clock);
      for (let i = 1; i <= MAX_ATTEMPTS; i++) {
        await second.tick();
        clock += retryDelayMs(i);
      }
      const [given] = await reopened.webhooks.deliveries(site.id, dead.id, 10);
      // The merchant is not told the status (a 500 and a closed port look alike: see ssrf.test.ts).
      expect(given).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: DELIVERY_ERRORS.failed, lastStatusCode: null });
      await failing.close();
      await reopened.close();
    } finally {
      await receiver.close();
      await t.destroy();
    }
  });

  it('signs over timestamp and body', () => {
    expect(signatureHeader('whsec_k', 1700000000, '{"a":1}')).toBe(`t=1700000000,v1=${createHmac('sha256', 'whsec_k').update('1700000000.{"a":1}').digest('hex')}`);
    expect(retryDelayMs(1)).toBe(10_000);
    expect(retryDelayMs(30)).toBe(6 * 60 * 60 * 1000);
  });
});
