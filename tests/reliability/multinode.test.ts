/**
 * Three nodes (their own processes, different ports) sharing PostgreSQL (a fresh schema) and
 * Redis (a key prefix of their own): a shopper on node 1, Ana on node 2, Luis on node 3.
 * Messages both ways arrive once and in each sender's order, typing and read receipts cross
 * nodes, availability counts agents on every node, a settings change on one node reaches a
 * shopper's session on another at once, and signing out on one node closes the agent's socket on
 * another.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, startCluster, type TestCluster } from '../helpers/cluster';
import { spawnServer } from '../helpers/process';
import { tempDataDir } from '../helpers/server';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame, type TestSocket } from '../helpers/ws-client';

const BURST = 25;
let cluster: TestCluster;
beforeAll(async () => {
  // A small message budget per shopper (the first test sends 21 from one), hardly refilling: what one node spends, the others see spent.
  cluster = await startCluster(3, { env: { VISITOR_MESSAGE_BURST: String(BURST), VISITOR_MESSAGES_PER_SEC: '0.1' } });
  await quietDemoSite(cluster.nodes[0]!);
  const n1 = cluster.nodes[0]!;
  const cookie = await signIn(n1);
  // Always open (the demo's hours would make the outcome depend on the time of day); chats taken by hand.
  expect((await patchSite(n1, cookie, { hours: null, routingMode: 'manual' })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
});

const isMessage = (conversationId: string) => (f: Frame) => f.type === 'message.created' && (f.message as { conversationId: string }).conversationId === conversationId;
const messagesOf = (socket: TestSocket, conversationId: string) => socket.frames.filter(isMessage(conversationId)).map((f) => f.message as { id: string; seq: number; text: string; author: { kind: string } });

async function patchSite(node: { origin: string }, cookie: string, body: object): Promise<Response> {
  return fetch(`${node.origin}/api/agent/admin/site`, {
    method: 'PATCH',
    headers: { Cookie: cookie, Origin: node.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
    body: JSON.stringify(body),
  });
}

describe('three nodes on PostgreSQL and Redis', () => {
  it('carries messages both ways once and in order, typing and read receipts, across nodes', async () => {
    const [n1, n2, n3] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const ana = await connectAgent(n2, await signIn(n2));
    const luis = await connectAgent(n3, await signIn(n3, 'luis@example.com'));
    // Luis (node 3) hears of Ana's node-2 socket: an agent online on any node is online.
    expect(luis.welcome.team).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Ana', status: 'online' })]));
    // …and Ana (node 2) hears that Luis came online on node 3.
    await ana.socket.next((f) => f.type === 'team' && (f.agents as { name: string; status: string }[]).some((a) => a.name === 'Luis' && a.status === 'online'), 5000, 0);
    const shopper = await connectVisitor(n1);
    // The shopper's node 1 has no agent socket of its own, and still says people are here.
    expect(shopper.welcome.availability).toMatchObject({ available: true });
    expect(new Set((shopper.welcome.availability as { names: string[] }).names)).toEqual(new Set(['Ana', 'Luis']));

    const first = cid('s');
    shopper.socket.send({ type: 'message.send', clientId: first, text: 'hola 0' });
    const ack = await shopper.socket.next((f) => f.type === 'ack' && f.clientId === first);
    const conversationId = ack.conversationId as string;
    await ana.socket.next(isMessage(conversationId));
    const take = cid('t');
    ana.socket.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
    await ana.socket.next((f) => f.type === 'ack' && f.clientId === take);

    // Both write at once, 20 messages each.
    const N = 20;
    const shopperIds: string[] = [];
    const anaIds: string[] = [];
    for (let i = 1; i <= N; i++) {
      const s = cid('s');
      shopperIds.push(s);
      shopper.socket.send({ type: 'message.send', clientId: s, conversationId, text: `hola ${i}` });
      const a = cid('a');
      anaIds.push(a);
      ana.socket.send({ type: 'message.send', clientId: a, conversationId, text: `respuesta ${i}` });
    }
    const lastShopper = await shopper.socket.next((f) => f.type === 'ack' && f.clientId === shopperIds.at(-1), 10_000, 0);
    const lastAna = await ana.socket.next((f) => f.type === 'ack' && f.clientId === anaIds.at(-1), 10_000, 0);
    const lastSeq = Math.max(lastShopper.seq as number, lastAna.seq as number);
    // Everyone has heard up to the last seq…
    for (const s of [shopper.socket, ana.socket, luis.socket]) await s.next((f) => isMessage(conversationId)(f) && (f.message as { seq: number }).seq === lastSeq, 10_000, 0);
    // …(and a round trip later, nothing more is on its way from these nodes)
    await Promise.all([shopper.socket.roundTrip(), ana.socket.roundTrip(), luis.socket.roundTrip()]);

    const replies = messagesOf(shopper.socket, conversationId).filter((m) => m.author.kind === 'agent');
    expect(replies.map((m) => m.text)).toEqual(Array.from({ length: N }, (_, i) => `respuesta ${i + 1}`));
    const heardByAna = messagesOf(ana.socket, conversationId).filter((m) => m.author.kind === 'visitor');
    expect(heardByAna.map((m) => m.text)).toEqual(Array.from({ length: N + 1 }, (_, i) => `hola ${i}`));
    // Luis, watching from node 3, heard every message of the chat once: no gap, no duplicate.
    const luisHeard = messagesOf(luis.socket, conversationId);
    expect(new Set(luisHeard.map((m) => m.id)).size).toBe(luisHeard.length);
    expect(luisHeard.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(luisHeard.filter((m) => m.author.kind === 'visitor').map((m) => m.text)).toEqual(heardByAna.map((m) => m.text));
    expect(luisHeard.filter((m) => m.author.kind === 'agent').map((m) => m.text)).toEqual(replies.map((m) => m.text));
    // The store holds each once.
    const rows = await cluster.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [conversationId]);
    expect(Number(rows[0]!.n)).toBe(lastSeq);

    // Typing crosses: shopper (node 1) → agents (nodes 2 and 3); Ana (node 2) → shopper (node 1).
    const visitorTyping = [ana.socket, luis.socket].map((s) => s.next((f) => f.type === 'typing' && f.conversationId === conversationId && (f.who as { kind: string }).kind === 'visitor' && f.on === true));
    shopper.socket.send({ type: 'typing', conversationId, on: true });
    await Promise.all(visitorTyping);
    const agentTyping = shopper.socket.next((f) => f.type === 'typing' && (f.who as { kind: string }).kind === 'agent' && f.on === true);
    ana.socket.send({ type: 'typing', conversationId, on: true });
    await agentTyping;

    // Read receipts cross both ways.
    const agentRead = shopper.socket.next((f) => f.type === 'read' && f.by === 'agent' && f.conversationId === conversationId);
    ana.socket.send({ type: 'read', conversationId, seq: lastSeq });
    expect(await agentRead).toMatchObject({ seq: lastSeq });
    const visitorRead = [ana.socket, luis.socket].map((s) => s.next((f) => f.type === 'read' && f.by === 'visitor' && f.conversationId === conversationId));
    shopper.socket.send({ type: 'read', conversationId, seq: lastSeq });
    for (const r of await Promise.all(visitorRead)) expect(r).toMatchObject({ seq: lastSeq });

    for (const s of [shopper.socket, ana.socket, luis.socket]) s.close();
  }, 60_000);

  it('applies a settings change made on node 1 to a session on node 2 at once', async () => {
    const [n1, n2] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const cookie = await signIn(n1);
    const luis = await connectAgent(n3(), await signIn(n3(), 'luis@example.com'));
    const shopper = await connectVisitor(n2);
    const first = cid('s');
    shopper.socket.send({ type: 'message.send', clientId: first, text: 'mirando' });
    const conversationId = (await shopper.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    // Live preview is off: node 2 sends no preview.
    shopper.socket.send({ type: 'typing', conversationId, on: true, preview: 'antes' });
    const before = await luis.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId && f.on === true);
    expect(before.preview).toBeUndefined();
    // Node 1 turns it on; the widget on node 2 hears of it over the bus, and node 2 reads the new setting at once.
    const updated = shopper.socket.next((f) => f.type === 'site.updated' && (f as { livePreview?: boolean }).livePreview === true);
    expect((await patchSite(n1, cookie, { livePreview: true })).status).toBe(200);
    await updated;
    shopper.socket.send({ type: 'typing', conversationId, on: true, preview: 'después' });
    const after = await luis.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId && f.preview === 'después');
    expect(after.preview).toBe('después');
    expect((await patchSite(n1, cookie, { livePreview: false })).status).toBe(200);
    shopper.socket.close();
    luis.socket.close();
  }, 30_000);

  it('lists a shopper connected to node 1 among the live visitors of an agent on node 2, pages and all', async () => {
    const [n1, n2] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const ana = await connectAgent(n2, await signIn(n2));
    const shopper = await connectVisitor(n1);
    const row = (f: Frame) => (f.type === 'visitors.delta' ? (f.visitors as { visitorId: string; online: boolean; url: string | null }[]).find((v) => v.visitorId === shopper.visitorId) : undefined);
    const listed = ana.socket.next((f) => row(f)?.url === 'https://shop.example/zapatillas', 10_000, 0);
    shopper.socket.send({ type: 'context', url: 'https://shop.example/zapatillas', title: 'Zapatillas' });
    expect(row(await listed)).toMatchObject({ online: true });
    const detail = ana.socket.next((f) => f.type === 'visitor.detail' && f.visitorId === shopper.visitorId);
    ana.socket.send({ type: 'visitor.get', visitorId: shopper.visitorId });
    expect(await detail).toMatchObject({ online: true, url: 'https://shop.example/zapatillas', pages: [expect.objectContaining({ title: 'Zapatillas' })] });
    // Gone from node 1: offline on node 2's list too.
    const offline = ana.socket.next((f) => row(f)?.online === false, 10_000);
    shopper.socket.close();
    await offline;
    ana.socket.close();
  }, 30_000);

  it('shares a shopper’s message budget across nodes: spent on node 1, refused on node 2', async () => {
    const [n1, n2] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    // Listen to what the nodes tell each other, to know when node 1 has told what it spent.
    const spy = new Redis(TEST_REDIS_URL);
    const heard: string[] = [];
    spy.on('message', (_channel: string, message: string) => heard.push(message));
    await spy.subscribe(`${cluster.prefix}ctl`);
    const ana = await connectAgent(n1, await signIn(n1));
    const tabA = await connectVisitor(n1);
    const tabB = await connectVisitor(n2, { token: tabA.token });
    let conversationId: string | undefined;
    for (let i = 0; i < BURST; i++) {
      const clientId = cid('b');
      tabA.socket.send({ type: 'message.send', clientId, text: `${i}`, ...(conversationId ? { conversationId } : {}) });
      conversationId = (await tabA.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
    }
    // Node 1 has told the others all it spent…
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('node 1 never told what it spent')), 5000);
      const check = () => {
        let spent = 0;
        for (const m of heard) {
          const event = JSON.parse(m.slice(m.indexOf('\n') + 1)) as { kind: string; entries?: [string, string, number][] };
          for (const [name, key, n] of event.entries ?? []) if (name === 'visitor.send' && key === tabA.visitorId) spent += n;
        }
        if (spent >= BURST) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
    // …and node 2 has heard it: what node 1 publishes after it reaches node 2 after it.
    const typing = tabB.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId);
    ana.socket.send({ type: 'typing', conversationId, on: true });
    await typing;
    const clientId = cid('b');
    tabB.socket.send({ type: 'message.send', clientId, conversationId, text: 'uno más' });
    expect(await tabB.socket.next((f) => (f.type === 'error' || f.type === 'ack') && (f.ref === clientId || f.clientId === clientId))).toMatchObject({ type: 'error', code: 'rate_limited' });
    await spy.quit();
    for (const s of [ana.socket, tabA.socket, tabB.socket]) s.close();
  }, 30_000);

  it('counts failed sign-ins on every node: ten wrong passwords spread over three nodes throttle the eleventh on any of them', async () => {
    const nodes = cluster.nodes;
    const spy = new Redis(TEST_REDIS_URL);
    const heard: string[] = [];
    spy.on('message', (_channel: string, message: string) => heard.push(message));
    await spy.subscribe(`${cluster.prefix}ctl`);
    // A new email: the pair (this email, this address) is what ten failures throttle; ana and luis are untouched.
    const email = 'adivina@example.com';
    const attempt = (i: number, password: string) =>
      fetch(`${nodes[i % nodes.length]!.origin}/api/agent/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: nodes[i % nodes.length]!.origin },
        body: JSON.stringify({ email, password }),
      });
    for (let i = 0; i < 10; i++) expect((await attempt(i, `mal-${i}`)).status).toBe(401);
    // Every node has told the others what it counted…
    await expect
      .poll(
        () => {
          let told = 0;
          for (const m of heard) {
            const event = JSON.parse(m.slice(m.indexOf('\n') + 1)) as { kind: string; entries?: [string, string, number][] };
            for (const [name, key, n] of event.entries ?? []) if (name === 'signin.pair' && key.startsWith(`${email}\n`)) told += n;
          }
          return told;
        },
        { timeout: 5000 },
      )
      .toBe(10);
    // …and each has heard the others: a frame published after them crosses to every node after them.
    const watcher = await connectVisitor(nodes[0]!);
    const tabs = await Promise.all(nodes.slice(1).map((n) => connectVisitor(n, { token: watcher.token })));
    const first = cid('s');
    watcher.socket.send({ type: 'message.send', clientId: first, text: 'hola' });
    const conversationId = (await watcher.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    const ana = await connectAgent(nodes[0]!, await signIn(nodes[0]!));
    const typed = tabs.map((t) => t.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId));
    ana.socket.send({ type: 'typing', conversationId, on: true });
    await Promise.all(typed);
    // The eleventh try is refused before the password is even checked, on a node that saw three or four.
    for (const i of [0, 1, 2]) {
      const res = await attempt(i, 'mal-otra-vez');
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    await spy.quit();
    for (const s of [watcher.socket, ...tabs.map((t) => t.socket), ana.socket]) s.close();
  }, 30_000);

  it('closes an agent’s socket on node 2 when they sign out on node 1', async () => {
    const [n1, n2] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const cookie = await signIn(n1, 'luis@example.com');
    const luis = await connectAgent(n2, cookie);
    const res = await fetch(`${n1.origin}/api/agent/session`, { method: 'DELETE', headers: { Cookie: cookie, Origin: n1.origin, 'X-CSRF-Token': csrfOf(cookie) } });
    expect(res.status).toBe(204);
    expect((await luis.socket.waitClose()).code).toBe(4001);
  }, 30_000);
  it('names a node that does not share DATA_DIR (server.key, uploads) in the log', async () => {
    const shared = (n: typeof cluster.nodes[0]) => n.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes('must share one DATA_DIR'));
    // The three nodes share one: they never complained, though they have told each other many times by now.
    for (const n of cluster.nodes) expect(shared(n)).toEqual([]);
    const stray = await spawnServer(tempDataDir(), cluster.env);
    cluster.nodes.push(stray);
    const n1 = cluster.nodes[0]!;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('node 1 never noticed')), 15_000);
      const check = () => {
        if (shared(n1).length >= 2) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 50);
      };
      check();
    });
    expect(shared(n1).map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringContaining('different server.key'), expect.stringContaining('stores uploads where this one cannot read them')]));
    stray.proc.kill('SIGKILL');
    await stray.exited;
  }, 30_000);
});

function n3() {
  return cluster.nodes[2]!;
}
