import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

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
    ana.socket.send({ type: 'status', status: 'away' });
    luis.socket.send({ type: 'status', status: 'away' });
    await new Promise((r) => setTimeout(r, 200));
    const fifth = await shopper('quinta');
    expect(await fifth.socket.nextOfType('queue')).toMatchObject({ estimatedWaitMs: null });
    for (const s of [ana, luis, first, second, third, fourth, fifth]) s.socket.close();
  });
});
