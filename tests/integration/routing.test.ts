import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, TestSocket, visitorUrl, type Frame } from '../helpers/ws-client';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { identityHash } from '../../server/domain/identity';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ routing: 'auto' });
  // One chat at a time per agent, so the queue and backfill show with few shoppers.
  const site = (await server.store.sites.byPublicKey('pk_demo'))!;
  await server.store.sites.update(site.id, { settings: { ...site.settings, routing: { mode: 'auto', defaultCapacity: 1 } } });
});
afterAll(async () => {
  await server.destroy();
});

async function shopper(text: string) {
  const visitor = await connectVisitor(server);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  return { ...visitor, conversationId };
}

describe('automatic routing', () => {
  it('assigns to the least busy online agent, never over capacity, queues the rest with their position, and backfills the longest waiting first', async () => {
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const luis = await connectAgent(server, await signIn(server, 'luis@example.com'));
    const anaId = (ana.welcome.agent as Frame).id as string;
    const luisId = (luis.welcome.agent as Frame).id as string;

    const joinedOf = (s: Awaited<ReturnType<typeof shopper>>) =>
      s.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | undefined)?.event === 'agent_joined');
    const first = await shopper('primera');
    expect((await joinedOf(first)).message).toBeTruthy();
    const second = await shopper('segunda');
    await joinedOf(second);

    // Both agents are at capacity (1): the third waits, told its place.
    const third = await shopper('tercera');
    const queued = await third.socket.nextOfType('queue');
    expect(queued).toMatchObject({ conversationId: third.conversationId, position: 1 });
    const fourth = await shopper('cuarta');
    expect(await fourth.socket.nextOfType('queue')).toMatchObject({ position: 2 });

    // One chat each, never two.
    const loads = await server.store.conversations.loads((await server.store.sites.byPublicKey('pk_demo'))!.id);
    expect([loads.get(anaId), loads.get(luisId)]).toEqual([1, 1]);

    // Ana resolves hers: the longest waiting chat (the third) is hers now, the fourth moves up.
    const anas = (await server.store.conversations.get((await server.store.sites.byPublicKey('pk_demo'))!.id, first.conversationId))!.assigneeId === anaId ? first : second;
    const backfilled = joinedOf(third);
    const movedUp = fourth.socket.next((f) => f.type === 'queue' && f.position === 1);
    const resolve = cid('resolve');
    ana.socket.send({ type: 'conversation.action', clientId: resolve, conversationId: anas.conversationId, action: 'resolve' });
    expect(((await backfilled).message as Frame).payload).toMatchObject({ event: 'agent_joined', agentName: 'Ana' });
    await movedUp;

    // An agent who steps away gets nothing new.
    const away = (f: Frame) => f.type === 'team' && [anaId, luisId].every((id) => (f.agents as Frame[]).some((a) => a.id === id && a.status === 'away'));
    const bothAway = ana.socket.next(away);
    ana.socket.send({ type: 'status', status: 'away' });
    luis.socket.send({ type: 'status', status: 'away' });
    await bothAway;
    const fifth = await shopper('quinta');
    expect(await fifth.socket.nextOfType('queue')).toMatchObject({ estimatedWaitMs: null });
    for (const s of [ana, luis, first, second, third, fourth, fifth]) s.socket.close();
  });
});

describe('routing under load', () => {
  let loaded: TestServer;
  beforeAll(async () => {
    loaded = await startTestServer({ routing: 'auto' });
  });
  afterAll(async () => {
    await loaded.destroy();
  });

  it('50 concurrent new chats with 5 agents (capacity 3 each) never exceed capacity nor give a chat to two agents, and backfill stays within capacity', async () => {
    const site = (await loaded.store.sites.byPublicKey('pk_demo'))!;
    const passwordHash = await hashPassword('load-test-password');
    for (const n of [3, 4, 5]) {
      await loaded.store.agents.create({ siteId: site.id, email: `agent${n}@example.com`, name: `Agente ${n}`, passwordHash, role: 'agent', now: Date.now() });
    }
    const records = await loaded.store.agents.list(site.id);
    expect(records).toHaveLength(5);
    for (const a of records) await loaded.store.agents.update(site.id, a.id, { capacity: 3 });

    const agents = await Promise.all(
      records.map(async (a) =>
        connectAgent(loaded, await signIn(loaded, a.email, a.email.startsWith('agent') ? 'load-test-password' : 'mostrador')),
      ),
    );
    const shoppers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const visitor = await connectVisitor(loaded);
        const clientId = cid();
        visitor.socket.send({ type: 'message.send', clientId, text: `chat ${i}` });
        const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId, 15_000)).conversationId as string;
        return { ...visitor, conversationId };
      }),
    );

    const loadsNow = async () => loaded.store.conversations.loads(site.id);
    const assignedTotal = async () => [...(await loadsNow()).values()].reduce((a, b) => a + b, 0);
    await expect.poll(assignedTotal, { timeout: 15_000 }).toBe(15);
    for (const a of records) expect((await loadsNow()).get(a.id)).toBe(3);

    // No conversation was ever handed to two agents: one "joined" event each, at most.
    const joins = async () => {
      const counts = await Promise.all(
        shoppers.map(async (s) => (await loaded.store.messages.after(site.id, s.conversationId, 0, 100)).filter((m) => (m.payload as { event?: string } | null)?.event === 'agent_joined').length),
      );
      return counts;
    };
    const counts = await joins();
    expect(counts.filter((c) => c === 1)).toHaveLength(15);
    expect(counts.filter((c) => c > 1)).toEqual([]);

    // Every agent resolves all their chats at once: the queue backfills, still within capacity.
    await Promise.all(
      agents.map(async (agent, i) => {
        const mine = await loaded.store.conversations.assignedTo(site.id, records[i]!.id);
        for (const conversationId of mine) {
          const clientId = cid('res');
          const done = agent.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
          agent.socket.send({ type: 'conversation.action', clientId, conversationId, action: 'resolve' });
          expect(await done).toMatchObject({ type: 'ack' });
        }
      }),
    );
    await expect.poll(assignedTotal, { timeout: 15_000 }).toBe(15);
    for (const a of records) expect((await loadsNow()).get(a.id)).toBe(3);
    const after = await joins();
    expect(after.filter((c) => c === 1)).toHaveLength(30);
    expect(after.filter((c) => c > 1)).toEqual([]);
    for (const s of [...agents, ...shoppers]) s.socket.close();
  }, 60_000);
});

describe('routing by language and VIP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ routing: 'auto' });
  });
  afterAll(async () => {
    await s.destroy();
  });

  it('gives English chats to the agent who speaks English even when another is less busy, and a verified VIP jumps the queue', async () => {
    const site = (await s.store.sites.byPublicKey('pk_demo'))!;
    await s.store.sites.update(site.id, { settings: { ...site.settings, routing: { mode: 'auto', defaultCapacity: 2 } } });
    const [ana, luis] = await s.store.agents.list(site.id);
    await s.store.agents.update(site.id, ana!.id, { languages: ['es'] });
    await s.store.agents.update(site.id, luis!.id, { languages: ['en'] });
    const anaWs = await connectAgent(s, await signIn(s, ana!.email));
    const luisWs = await connectAgent(s, await signIn(s, luis!.email));

    const start = async (locale: 'es' | 'en', text: string) => {
      const socket = await TestSocket.open(visitorUrl(s), { Origin: s.origin });
      const welcome = socket.nextOfType('welcome');
      socket.send({ type: 'hello', v: PROTOCOL_VERSION, locale });
      await welcome;
      const clientId = cid();
      socket.send({ type: 'message.send', clientId, text });
      const conversationId = (await socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
      return { socket, conversationId };
    };
    const assignee = async (id: string) => (await s.store.conversations.get(site.id, id))?.assigneeId ?? null;

    // Two English chats both go to Luis, although Ana is less busy: she does not speak English.
    const english = await start('en', 'Hello, where is my order?');
    await expect.poll(() => assignee(english.conversationId), { timeout: 5000 }).toBe(luis!.id);
    const english2 = await start('en', 'Hi, do you ship to Ireland?');
    await expect.poll(() => assignee(english2.conversationId), { timeout: 5000 }).toBe(luis!.id);
    const spanish = await start('es', 'Hola, ¿dónde está mi pedido?');
    await expect.poll(() => assignee(spanish.conversationId), { timeout: 5000 }).toBe(ana!.id);
    const spanish2 = await start('es', '¿Tenéis descafeinado?');
    await expect.poll(() => assignee(spanish2.conversationId), { timeout: 5000 }).toBe(ana!.id);

    // Both at capacity (2). A regular shopper waits first, then a verified VIP (María) arrives.
    const regular = await start('es', 'Tengo una duda');
    const vip = await start('es', 'Soy clienta VIP');
    vip.socket.send({ type: 'identify', id: 'cus_maria', email: 'maria@example.com', name: 'María García', hash: identityHash('cus_maria', 'sk_demo_secret') });
    await vip.socket.next((f) => f.type === 'identified' && f.verified === true);
    // Ana frees a seat: the VIP is served before the shopper who waited longer.
    const clientId = cid('res');
    const done = anaWs.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    anaWs.socket.send({ type: 'conversation.action', clientId, conversationId: spanish.conversationId, action: 'resolve' });
    await done;
    await expect.poll(() => assignee(vip.conversationId), { timeout: 5000 }).toBe(ana!.id);
    expect(await assignee(regular.conversationId)).toBeNull();
    for (const x of [anaWs, luisWs, english, english2, spanish, spanish2, regular, vip]) x.socket.close();
  });
});
