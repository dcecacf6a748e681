/**
 * Rotating the secret key does not silently unverify every shopper: the previous key keeps
 * working — REST API and identity hashes — until the merchant retires it or the chosen time
 * passes; each step is logged.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/identity';
import { createTestApp } from '../helpers/app';
import { startTestServer, type TestServer } from '../helpers/server';
import { connectVisitor, csrfOf, signIn } from '../helpers/ws-client';

const lines: Record<string, unknown>[] = [];
let server: TestServer;
let admin: string;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  server = await startTestServer({ logger: pino({ level: 'info' }, stream) });
  admin = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});

function call(method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}/api/agent/admin${path}`, {
    method,
    headers: { Cookie: admin, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const api = (key: string) => fetch(`${server.origin}/api/v1/conversations`, { headers: { Authorization: `Bearer ${key}` } }).then((r) => r.status);

async function verifiedWith(key: string): Promise<boolean> {
  const { socket } = await connectVisitor(server);
  const identified = socket.nextOfType('identified');
  socket.send({ type: 'identify', id: 'cust_maria', email: 'maria@example.com', hash: identityHash('cust_maria', key) });
  const verified = (await identified).verified as boolean;
  socket.close();
  return verified;
}

describe('secret key rotation', () => {
  it('keeps the previous key working for the API and identity hashes until the merchant retires it', async () => {
    const rotated = await call('POST', '/site/rotate-secret', {});
    expect(rotated.status).toBe(200);
    const { secretKey, previousSecretKey } = (await rotated.json()) as { secretKey: string; previousSecretKey: unknown };
    expect(previousSecretKey).toEqual({ validUntil: null });
    expect(await api('sk_demo_secret')).toBe(200);
    expect(await api(secretKey)).toBe(200);
    expect(await verifiedWith('sk_demo_secret')).toBe(true);
    expect(await verifiedWith(secretKey)).toBe(true);
    const site = (await (await call('GET', '/site')).json()) as { previousSecretKey: unknown; secretKeyRotatedAt: string };
    expect(site.previousSecretKey).toEqual({ validUntil: null });
    expect(new Date(site.secretKeyRotatedAt).toISOString()).toBe(site.secretKeyRotatedAt);
    expect(JSON.stringify(site)).not.toContain('sk_demo_secret');
    expect(lines.filter((l) => l.event === 'secret_key_rotated')).toEqual([expect.objectContaining({ previousKeyValidUntil: 'until retired' })]);
    expect(JSON.stringify(lines)).not.toContain(secretKey);

    const retired = await call('POST', '/site/retire-previous-secret', {});
    expect(retired.status).toBe(200);
    expect(await retired.json()).toMatchObject({ previousSecretKey: null });
    expect(await api('sk_demo_secret')).toBe(401);
    expect(await api(secretKey)).toBe(200);
    expect(await verifiedWith('sk_demo_secret')).toBe(false);
    expect(await verifiedWith(secretKey)).toBe(true);
    expect(lines.filter((l) => l.event === 'secret_key_retired')).toHaveLength(1);
    expect((await call('POST', '/site/retire-previous-secret', {})).status).toBe(409);
  });

  it('rejects an overlap it does not understand, naming the field', async () => {
    const res = await call('POST', '/site/rotate-secret', { keepPreviousFor: 9999 });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'keepPreviousFor' });
  });
});

describe('an overlap of some hours', () => {
  it('ends by itself when the time passes', async () => {
    let now = Date.UTC(2026, 0, 10, 12);
    const t = await createTestApp({ now: () => now });
    try {
      const origin = 'http://localhost';
      const signed = await t.app.request(`${origin}/api/agent/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin, Host: 'localhost' },
        body: JSON.stringify({ email: 'ana@example.com', password: 'mostrador' }),
      });
      const cookie = signed.headers.get('set-cookie')!.split(';')[0]!;
      const { csrfToken } = (await signed.json()) as { csrfToken: string };
      const rotated = await t.app.request(`${origin}/api/agent/admin/site/rotate-secret`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin, Host: 'localhost', Cookie: cookie, 'X-CSRF-Token': csrfToken },
        body: JSON.stringify({ keepPreviousFor: 24 }),
      });
      const body = (await rotated.json()) as { secretKey: string; previousSecretKey: { validUntil: string } };
      expect(body.previousSecretKey.validUntil).toBe('2026-01-11T12:00:00.000Z');
      const status = async (key: string) => (await t.app.request(`${origin}/api/v1/conversations`, { headers: { Authorization: `Bearer ${key}` } })).status;
      now += 23 * 60 * 60 * 1000;
      expect(await status('sk_demo_secret')).toBe(200);
      now += 2 * 60 * 60 * 1000;
      expect(await status('sk_demo_secret')).toBe(401);
      expect(await status(body.secretKey)).toBe(200);
    } finally {
      await t.destroy();
    }
  });
});
