/**
 * PostgreSQL unreachable for 10 s (issue 15): the server reaches the database through a TCP
 * relay the test cuts — open connections reset, new ones dropped — then restores. While it is
 * cut, sends answer `store_unavailable` (typed, with a retry hint) and the client resends them
 * as the widget's outbox does; once it is back the server serves again by itself (no restart),
 * and every message is stored exactly once, in the order it was written.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { connectVisitor, type Frame, type TestSocket } from '../helpers/ws-client';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A TCP relay to PostgreSQL that can be cut (every connection reset, new ones dropped) and restored. */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private cut = false;
  port = 0;

  constructor(private readonly upstream: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.cut) return void client.destroy();
      const up = connect(this.upstream.port, this.upstream.host);
      for (const s of [client, up]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.on('close', () => up.destroy());
      up.on('close', () => client.destroy());
      client.pipe(up);
      up.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  sever(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  async stop(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const available = await reachable();
if (!available && process.env.CI === 'true') throw new Error(`PostgreSQL is not reachable at ${PG_URL}: CI machines have it (see the README)`);

describe.skipIf(!available)('PostgreSQL unreachable for 10 s', () => {
  const url = new URL(PG_URL);
  const relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
  const schema = `t_unreach_${randomBytes(4).toString('hex')}`;
  let server: TestServer;

  beforeAll(async () => {
    await relay.start();
    const through = new URL(PG_URL);
    through.hostname = '127.0.0.1';
    through.port = String(relay.port);
    server = await startTestServer({ env: { DATABASE_URL: through.toString(), DATABASE_SCHEMA: schema } });
  });

  afterAll(async () => {
    // Closing waits for every pooled connection: one kept by a transaction whose BEGIN met the cut would hang it.
    await server?.destroy();
    await relay.stop();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  /** Sends one message until the server acks it, resending after each retryable refusal (as the widget's outbox does). */
  async function sendUntilAcked(socket: TestSocket, clientId: string, text: string, conversationId: string | undefined, refusals: string[]): Promise<Frame> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const from = socket.frames.length;
      socket.send({ type: 'message.send', clientId, text, ...(conversationId ? { conversationId } : {}) });
      const reply = await socket.next((f) => (f.type === 'ack' && f.clientId === clientId) || (f.type === 'error' && f.ref === clientId), 15_000, from);
      if (reply.type === 'ack') return reply;
      refusals.push(String(reply.code));
      expect(reply.code).toBe('store_unavailable');
      expect(reply.retryAfterMs).toBeGreaterThan(0);
      if (Date.now() > deadline) throw new Error(`${clientId} never acked`);
      // Resent after the server's hint, as the widget's outbox does.
      await new Promise((r) => setTimeout(r, reply.retryAfterMs as number));
    }
  }

  it('answers store_unavailable while it is gone, stores every resent message once and in order, and serves again by itself', async () => {
    const { socket } = await connectVisitor(server);
    const refusals: string[] = [];
    const first = await sendUntilAcked(socket, 'pgcut-00', 'antes del corte', undefined, refusals);
    const conversationId = first.conversationId as string;
    expect(refusals).toEqual([]);

    relay.sever();
    const cutAt = Date.now();
    const restored = new Promise<void>((resolve) =>
      setTimeout(() => {
        relay.restore();
        resolve();
      }, 10_000),
    );
    const acks: Frame[] = [first];
    for (let i = 1; i < 15; i++) acks.push(await sendUntilAcked(socket, `pgcut-${String(i).padStart(2, '0')}`, `mensaje ${i}`, conversationId, refusals));
    await restored;
    // The first message after the cut waited for the database: refused meanwhile, not lost.
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals)).toEqual(new Set(['store_unavailable']));
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(10_000);

    // Service is back without a restart: a new send is acked at once.
    const after = await sendUntilAcked(socket, 'pgcut-15', 'después', conversationId, refusals);
    acks.push(after);
    const seqs = acks.map((a) => a.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ client_id: string; seq: number }>(
        `SELECT client_id, seq FROM "${schema}".messages WHERE conversation_id = $1 AND client_id LIKE 'pgcut-%' ORDER BY seq`,
        [conversationId],
      );
      // Each once, in the order written, with the seq its ack carried.
      expect(rows.map((r) => r.client_id)).toEqual(Array.from({ length: 16 }, (_, i) => `pgcut-${String(i).padStart(2, '0')}`));
      expect(rows.map((r) => Number(r.seq))).toEqual(seqs);
    } finally {
      await db.end();
    }
    socket.close();
  }, 90_000);
});
