/**
 * Socket writes per event-loop turn (server/ws/connection.ts): everything sent to one connection
 * in a turn leaves in one write, for every connection written to in that turn, and the next
 * turn's frames leave in a write of their own. Real `ws` server and clients over TCP.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Connection } from '../../server/ws/connection';
import { createLogger } from '../../server/logger';

const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** A server connection and its client, with the server socket's writes counted (one per syscall: `_write` or `_writev`). */
async function pair(server: WebSocketServer, port: number) {
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  clients.push(client);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise((resolve) => client.once('open', resolve));
  const raw = await accepted;
  const socket = (raw as unknown as { _socket: { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void } })._socket;
  const counted = { writes: 0 };
  for (const name of ['_write', '_writev'] as const) {
    const original = socket[name].bind(socket);
    socket[name] = (...a: unknown[]) => {
      counted.writes++;
      return original(...a);
    };
  }
  return { conn: new Connection(raw, createLogger('silent')), received, counted };
}

describe('Connection writes', () => {
  it('sends what one turn gives each connection in one write, and the next turn in another', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const [a, b] = [await pair(server, port), await pair(server, port)];

    for (let i = 0; i < 3; i++) {
      a.conn.sendJson(JSON.stringify({ n: i }));
      b.conn.sendJson(JSON.stringify({ n: 10 + i }));
    }
    await expect.poll(() => a.received.length + b.received.length).toBe(6);
    expect(a.counted.writes).toBe(1);
    expect(b.counted.writes).toBe(1);

    a.conn.sendJson(JSON.stringify({ n: 3 }));
    await expect.poll(() => a.received.length).toBe(4);
    expect(a.counted.writes).toBe(2);
    expect(a.received.map((m) => JSON.parse(m).n)).toEqual([0, 1, 2, 3]);
    expect(b.received.map((m) => JSON.parse(m).n)).toEqual([10, 11, 12]);
  });
});
