/**
 * Business hours and routing agree: while the shop is closed nothing is handed out (shoppers
 * are told when people are back), an agent online anyway can still take a chat by hand, and
 * the queue is handed out as soon as the shop opens (here: an admin saves open hours).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ routing: 'auto' });
  admin = await signIn(server, 'ana@example.com');
});
afterAll(async () => {
  await server.destroy();
});

function patchSite(body: unknown) {
  return fetch(`${server.origin}/api/agent/admin/site`, {
    method: 'PATCH',
    headers: { Cookie: admin, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
    body: JSON.stringify(body),
  });
}

describe('business hours and routing', () => {
  it('hands out nothing while closed, lets an agent take a chat by hand, and hands out the queue when the shop opens', async () => {
    // Closed all week (no opening ahead).
    expect((await patchSite({ hours: { timeZone: 'Europe/Madrid', schedule: { weekly: {} } } })).status).toBe(200);
    const ana = await connectAgent(server, admin);
    const anaId = (ana.welcome.agent as Frame).id as string;
    const shoppers = await Promise.all([connectVisitor(server), connectVisitor(server)]);
    const ids: string[] = [];
    for (const s of shoppers) {
      const clientId = cid();
      s.socket.send({ type: 'message.send', clientId, text: 'Hola, ¿hay alguien?' });
      ids.push((await s.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string);
    }
    // Closed: both wait in the queue, though Ana is online with room.
    expect((shoppers[0]!.welcome.availability as Frame).available).toBe(false);
    // A routing pass ran and handed nothing out: each shopper was told their place in the queue.
    await Promise.all(shoppers.map((sh, i) => sh.socket.next((f) => f.type === 'queue' && f.conversationId === ids[i], 5000, 0)));
    for (const id of ids) expect((await server.store.conversations.get((await server.store.sites.byPublicKey('pk_demo'))!.id, id))?.status).toBe('queued');

    // Ana takes the first by hand.
    const take = cid('act');
    ana.socket.send({ type: 'conversation.action', clientId: take, conversationId: ids[0], action: 'take' });
    expect((await ana.socket.next((f) => f.clientId === take || f.ref === take)).type).toBe('ack');

    // The shop opens: the rest of the queue is handed out at once.
    const assigned = ana.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === ids[1] && (f.conversation as Frame).status === 'assigned');
    expect((await patchSite({ hours: null })).status).toBe(200);
    expect(((await assigned).conversation as Frame).assigneeId).toBe(anaId);
    for (const s of [ana.socket, ...shoppers.map((x) => x.socket)]) s.close();
  });
});
