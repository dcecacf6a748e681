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
});
