/**
 * Routing on three nodes at once: 50 chats arrive together, spread over three nodes, with five
 * agents of capacity 3 spread over them too (routing automatic). Each node routes when a chat it
 * committed starts waiting, so three routers race for the same seats; the per-site lock on
 * Redis makes them take turns. No chat is assigned twice, nobody holds more than 3, and every
 * seat is filled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type TestSocket } from '../helpers/ws-client';

const CHATS = 50;
const AGENTS = 5;
const CAPACITY = 3;

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster(3, { env: { VISITOR_MESSAGES_PER_SEC: '1000', VISITOR_MESSAGE_BURST: '1000' } });
  const n1 = cluster.nodes[0]!;
  await quietDemoSite(n1);
  const admin = await signIn(n1);
  const headers = { Cookie: admin, Origin: n1.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) };
  // Always open (the demo's hours would make it depend on the time of day); routed automatically.
  const res = await fetch(`${n1.origin}/api/agent/admin/site`, { method: 'PATCH', headers, body: JSON.stringify({ hours: null, routingMode: 'auto' }) });
  expect(res.status).toBe(200);
  for (let i = 0; i < AGENTS; i++) {
    const created = await fetch(`${n1.origin}/api/agent/admin/agents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: `agente${i}@example.com`, name: `Agente ${i}`, role: 'agent', password: 'una clave muy larga', capacity: CAPACITY }),
    });
    expect(created.status).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
});

describe('50 chats at once across three nodes, five agents of capacity 3', () => {
  it('assigns no chat twice and nobody over capacity, and fills every seat', async () => {
    const nodes = cluster.nodes;
    const agents: TestSocket[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const node = nodes[i % nodes.length]!;
      agents.push((await connectAgent(node, await signIn(node, `agente${i}@example.com`, 'una clave muy larga'))).socket);
    }
    const shoppers = await Promise.all(Array.from({ length: CHATS }, (_, i) => connectVisitor(nodes[i % nodes.length]!)));
    // All at once: every node commits chats that start waiting and routes.
    const acks = shoppers.map((s) => {
      const clientId = cid('r');
      const ack = s.socket.next((f) => f.type === 'ack' && f.clientId === clientId, 20_000);
      s.socket.send({ type: 'message.send', clientId, text: 'necesito ayuda' });
      return ack;
    });
    const conversationIds = (await Promise.all(acks)).map((a) => a.conversationId as string);
    expect(new Set(conversationIds).size).toBe(CHATS);

    // Every seat gets filled: the agents hear their 15 assignments between them…
    const seats = AGENTS * CAPACITY;
    const assignedTo = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${assignedTo.size} of ${seats} seats filled`)), 30_000);
      const check = () => {
        for (const a of agents)
          for (const f of a.frames) {
            const c = f.type === 'conversation.updated' ? (f.conversation as { id: string; status: string; assigneeId: string | null }) : null;
            if (c?.status === 'assigned' && c.assigneeId && conversationIds.includes(c.id)) assignedTo.set(c.id, c.assigneeId);
          }
        if (assignedTo.size >= seats) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 50);
      };
      check();
    });
    // …and every shopper still waiting has been told their place by a routing pass after the last assignment.
    const waiting = shoppers.filter((_, i) => !assignedTo.has(conversationIds[i]!));
    expect(waiting.length).toBe(CHATS - seats);
    // One more pass on every node (an agent's status change routes the site), each after the others' ones.
    for (const [i, a] of agents.slice(0, nodes.length).entries()) {
      a.send({ type: 'status', status: 'online' });
      await a.roundTrip();
      void i;
    }
    await Promise.all(waiting.map((s) => s.socket.next((f) => f.type === 'queue', 20_000, 0)));

    // The store: 15 chats assigned, each once (one `assigned` event), nobody above capacity.
    const rows = await cluster.query<{ assignee_id: string; n: string }>(
      `SELECT assignee_id, count(*) AS n FROM conversations WHERE status = 'assigned' AND id = ANY($1) GROUP BY assignee_id`,
      [conversationIds],
    );
    expect(rows.length).toBe(AGENTS);
    for (const r of rows) expect(Number(r.n)).toBe(CAPACITY);
    const events = await cluster.query<{ conversation_id: string; n: string }>(
      `SELECT conversation_id, count(*) AS n FROM conversation_events WHERE type = 'assigned' AND conversation_id = ANY($1) GROUP BY conversation_id`,
      [conversationIds],
    );
    expect(events.length).toBe(seats);
    expect(events.every((e) => Number(e.n) === 1)).toBe(true);
    // What the agents heard agrees with the store.
    const byAgent = new Map<string, number>();
    for (const agent of assignedTo.values()) byAgent.set(agent, (byAgent.get(agent) ?? 0) + 1);
    expect([...byAgent.values()]).toEqual(Array(AGENTS).fill(CAPACITY));
    for (const s of [...agents, ...shoppers.map((v) => v.socket)]) s.close();
  }, 90_000);
});
