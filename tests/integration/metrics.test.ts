/** GET /metrics: Prometheus text for operators, behind METRICS_TOKEN, off without it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_TOKEN: 'metrics-secret-token' } });
});
afterAll(async () => {
  await server.destroy();
});

const scrape = async () => {
  const res = await fetch(`${server.origin}/metrics`, { headers: { Authorization: 'Bearer metrics-secret-token' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};
const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('GET /metrics', () => {
  it('refuses a scrape without the token', async () => {
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.origin}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('counts sockets, stored messages, the queue, the webhook backlog and event-loop lag', async () => {
    const before = await scrape();
    const { socket } = await connectVisitor(server);
    const clientId = cid();
    const ack = socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    socket.send({ type: 'message.send', clientId, text: 'hola' });
    await ack;
    const after = await scrape();
    expect(value(after, 'mostrador_websocket_connections')).toBe(value(before, 'mostrador_websocket_connections') + 1);
    expect(value(after, 'mostrador_messages_stored_total')).toBeGreaterThan(value(before, 'mostrador_messages_stored_total'));
    // The demo bot is off in tests: the new chat waits for a person.
    expect(value(after, 'mostrador_queue_length')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'mostrador_webhook_backlog')).toBeGreaterThanOrEqual(0);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    socket.close();
  });
});

describe('without METRICS_TOKEN', () => {
  it('there is no /metrics', async () => {
    const plain = await startTestServer();
    try {
      expect((await fetch(`${plain.origin}/metrics`)).status).toBe(404);
    } finally {
      await plain.destroy();
    }
  });
});
