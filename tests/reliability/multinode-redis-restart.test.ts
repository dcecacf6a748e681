/**
 * Redis restarted mid-run under two nodes (a private redis-server on a port of its own, no
 * persistence: it comes back empty). While it is down the shopper keeps writing — the store is
 * PostgreSQL, so every message is acked and stored — but the agent on the other node cannot
 * hear it. When Redis is back, every node tells its clients to reconnect (close 1012); the agent
 * reconnects, catches up from the store by seq with no message lost, and hears new messages live
 * again; an agent online on one node is again online for the other.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

let redisPort = 0;
const redisUp = () => execFileSync('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
const redisCli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(redisPort), ...args]).toString().trim();
async function waitRedis(up: boolean): Promise<void> {
  for (;;) {
    let answered = false;
    try {
      answered = redisCli('ping') === 'PONG';
    } catch {
      answered = false;
    }
    if (answered === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let cluster: TestCluster;
beforeAll(async () => {
  redisPort = await freePort();
  redisUp();
  await waitRedis(true);
  cluster = await startCluster(2, { redisUrl: `redis://127.0.0.1:${redisPort}/0` });
  const n1 = cluster.nodes[0]!;
  await quietDemoSite(n1);
  const admin = await signIn(n1);
  const res = await fetch(`${n1.origin}/api/agent/admin/site`, {
    method: 'PATCH',
    headers: { Cookie: admin, Origin: n1.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
    body: JSON.stringify({ hours: null, routingMode: 'manual' }),
  });
  expect(res.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
  try {
    redisCli('shutdown', 'nosave');
  } catch {
    /* already down */
  }
});

describe('Redis restarted under two nodes', () => {
  it('nodes reconnect; clients reconnect and catch up from the store; nothing lost', async () => {
    const [n1, n2] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const cookie = await signIn(n2);
    const ana = await connectAgent(n2, cookie);
    const shopper = await connectVisitor(n1);
    expect(shopper.welcome.availability).toMatchObject({ available: true });
    const send = async (socket: typeof shopper.socket, text: string, conversationId?: string) => {
      const clientId = cid('x');
      const ack = socket.next((f) => f.type === 'ack' && f.clientId === clientId, 10_000);
      socket.send({ type: 'message.send', clientId, text, ...(conversationId ? { conversationId } : {}) });
      return ack;
    };
    const opened = await send(shopper.socket, 'antes');
    const conversationId = opened.conversationId as string;
    await ana.socket.next((f) => f.type === 'message.created' && (f.message as { seq: number }).seq === opened.seq, 5000, 0);
    const agentHad = opened.seq as number;

    // Redis goes away; the shopper writes on.
    redisCli('shutdown', 'nosave');
    await waitRedis(false);
    const during: Frame[] = [];
    for (let i = 0; i < 10; i++) during.push(await send(shopper.socket, `durante ${i}`, conversationId));

    // Redis comes back (empty): every node tells its clients to reconnect and catch up.
    const anaClosed = ana.socket.waitClose(30_000);
    const shopperClosed = shopper.socket.waitClose(30_000);
    redisUp();
    expect((await anaClosed).code).toBe(1012);
    expect((await shopperClosed).code).toBe(1012);

    // The agent reconnects (to the other node, as a load balancer may) and syncs from what it had.
    const back = await connectAgent(n1, cookie);
    const synced = back.socket.next((f) => f.type === 'sync.result' && f.conversationId === conversationId);
    back.socket.send({ type: 'sync', conversationId, afterSeq: agentHad });
    const result = await synced;
    expect((result.messages as { text: string }[]).map((m) => m.text)).toEqual(during.map((_, i) => `durante ${i}`));
    expect((result.messages as { seq: number }[]).map((m) => m.seq)).toEqual(during.map((a) => a.seq));

    // Live again across nodes: the shopper, back on node 2, writes; the agent on node 1 hears it.
    const shopperBack = await connectVisitor(n2, { token: shopper.token });
    expect(shopperBack.welcome.availability).toMatchObject({ available: true });
    const heard = back.socket.next((f) => f.type === 'message.created' && (f.message as { text: string }).text === 'después', 10_000);
    const after = await send(shopperBack.socket, 'después', conversationId);
    expect(((await heard).message as { seq: number }).seq).toBe(after.seq);
    const rows = await cluster.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE conversation_id = $1 AND author_kind = 'visitor'`, [conversationId]);
    expect(Number(rows[0]!.n)).toBe(12);
    back.socket.close();
    shopperBack.socket.close();
  }, 90_000);
});
