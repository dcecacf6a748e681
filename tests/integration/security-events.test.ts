/**
 * Operators see security-relevant events as structured log lines with a stable `event` field —
 * a widget on a refused origin, failed sign-ins, identity hashes that do not match — and an
 * attacker repeating them cannot flood the log.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { connectVisitor } from '../helpers/ws-client';

const lines: Record<string, unknown>[] = [];
let server: TestServer;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  server = await startTestServer({ logger: pino({ level: 'info' }, stream) });
});
afterAll(async () => {
  await server.destroy();
});

const events = (event: string) => lines.filter((l) => l.event === event);

describe('security events in the log', () => {
  it('name the origin a widget was refused on, once however often it is tried', async () => {
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${server.origin}/widget/frame?site=pk_demo&lang=es`, { headers: { Referer: 'https://tienda-nueva.example/producto/1', 'Sec-Fetch-Dest': 'iframe' } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('El chat no está disponible en esta página');
      expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    }
    expect(events('origin_refused')).toEqual([
      expect.objectContaining({ site: 'pk_demo', origin: 'https://tienda-nueva.example', where: 'widget', msg: expect.stringContaining('Allowed origins') }),
    ]);
  });

  it('serve the real panel to an allowed origin, without a log line', async () => {
    const before = lines.length;
    const res = await fetch(`${server.origin}/widget/frame?site=pk_demo`, { headers: { Referer: 'http://localhost:3000/', 'Sec-Fetch-Dest': 'iframe' } });
    expect(await res.text()).toContain('mostrador-config');
    expect(lines.slice(before).filter((l) => l.event)).toEqual([]);
  });

  it('report failed sign-ins by client address, rate-limited', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${server.origin}/api/agent/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: server.origin },
        body: JSON.stringify({ email: 'ana@example.com', password: `guess ${i}` }),
      });
      expect([401, 429]).toContain(res.status);
    }
    expect(events('sign_in_failed')).toHaveLength(1);
    expect(events('sign_in_failed')[0]).toMatchObject({ address: '127.0.0.1', email: 'ana@example.com' });
    expect(JSON.stringify(events('sign_in_failed'))).not.toContain('guess');
  });

  it('report an identity hash that does not match the secret key', async () => {
    const { socket } = await connectVisitor(server);
    const identified = socket.nextOfType('identified');
    socket.send({ type: 'identify', id: 'cust_1', email: 'maria@example.com', hash: 'a'.repeat(64) });
    expect((await identified).verified).toBe(false);
    expect(events('identity_hash_invalid')).toEqual([expect.objectContaining({ site: 'pk_demo' })]);
    socket.close();
  });

  it('log REST API client errors (4xx) as structured lines: method, path without the query, status, error, site; never the key; rate-limited', async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    // A broken integration sends the same bad body over and over, with a secret in the query.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${server.origin}/api/v1/customers/c-1?token=query-secret-123`, {
        method: 'PUT',
        headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'not an email' }),
      });
      expect(res.status).toBe(422);
    }
    const invalid = events('api_client_error').filter((l) => l.status === 422);
    expect(invalid).toEqual([
      expect.objectContaining({ method: 'PUT', path: '/api/v1/customers/c-1', status: 422, error: 'validation_failed', siteId: site.id, site: 'pk_demo', level: 30 }),
    ]);
    // A wrong key: logged by address (no site), and neither the key nor the query shows.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.origin}/api/v1/conversations?key=query-secret-123`, { headers: { Authorization: 'Bearer sk_wrong_key_value' } });
      expect(res.status).toBe(401);
    }
    const unauthorized = events('api_client_error').filter((l) => l.status === 401);
    expect(unauthorized).toEqual([expect.objectContaining({ method: 'GET', path: '/api/v1/conversations', error: 'unauthorized', siteId: null, address: '127.0.0.1' })]);
    // An unknown resource is another line (another endpoint and error).
    const missing = await fetch(`${server.origin}/api/v1/customers/nobody`, { headers: { Authorization: 'Bearer sk_demo_secret' } });
    expect(missing.status).toBe(404);
    expect(events('api_client_error').filter((l) => l.status === 404)).toEqual([expect.objectContaining({ path: '/api/v1/customers/nobody', error: 'not_found', siteId: site.id })]);
    const all = JSON.stringify(lines);
    expect(all).not.toContain('sk_demo_secret');
    expect(all).not.toContain('sk_wrong_key_value');
    expect(all).not.toContain('query-secret-123');
    // Successful calls log nothing of the kind.
    const before = events('api_client_error').length;
    expect((await fetch(`${server.origin}/api/v1/conversations`, { headers: { Authorization: 'Bearer sk_demo_secret' } })).status).toBe(200);
    expect(events('api_client_error')).toHaveLength(before);
  });
});
