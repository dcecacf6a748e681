/**
 * An email the shopper gives the assistant is where they can be answered: proving an order with
 * it (a guest) or leaving it out of hours keeps it on the visitor, and every open tab of theirs
 * hears it (`profile.saved`), so the widget stops asking for an email it was just given.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor } from '../helpers/ws-client';

let server: TestServer;
let siteId: string;
beforeEach(async () => {
  server = await startTestServer({ bot: true });
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});
afterEach(async () => {
  await server.destroy();
});

describe('an email given to the assistant', () => {
  it('proving an order: kept on the guest and told to both of their tabs', async () => {
    const tab = await connectVisitor(server);
    const other = await connectVisitor(server, { token: tab.token });
    const heard = [tab, other].map((t) => t.socket.next((f) => f.type === 'profile.saved', 10_000));
    const clientId = cid('proof');
    tab.socket.send({ type: 'message.send', clientId, text: 'Es el pedido 1001 y mi email es maria@example.com' });
    for (const frame of await Promise.all(heard)) expect(frame).toEqual({ type: 'profile.saved', name: null, email: 'maria@example.com' });
    expect((await server.store.visitors.byId(siteId, tab.visitorId))?.email).toBe('maria@example.com');
    tab.socket.close();
    other.socket.close();
  });

  it('a failed lookup keeps nothing and tells nothing', async () => {
    const tab = await connectVisitor(server);
    const clientId = cid('wrong');
    tab.socket.send({ type: 'message.send', clientId, text: 'Es el pedido 1001 y mi email es nadie@example.com' });
    const ack = await tab.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    // The assistant's answer (it found nothing), then nothing about the profile.
    await tab.socket.next((f) => f.type === 'message.created' && (f.message as { author: { kind: string } }).author.kind === 'bot' && (f.message as { conversationId: string }).conversationId === ack.conversationId, 10_000);
    await tab.socket.roundTrip();
    expect(tab.socket.frames.some((f) => f.type === 'profile.saved')).toBe(false);
    expect((await server.store.visitors.byId(siteId, tab.visitorId))?.email ?? null).toBeNull();
    tab.socket.close();
  });
});
