import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/identity';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame, type TestSocket } from '../helpers/ws-client';

let server: TestServer;
let cookie: string;
beforeAll(async () => {
  server = await startTestServer({ bot: true });
  cookie = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});

/** Sends a shopper message and returns the bot's messages that follow it (until `count` arrive). */
async function say(socket: TestSocket, text: string, count: number): Promise<Frame[]> {
  const clientId = cid();
  const start = socket.frames.length;
  socket.send({ type: 'message.send', clientId, text, ...(lastConversation.get(socket) ? { conversationId: lastConversation.get(socket) } : {}) });
  const ack = await socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  lastConversation.set(socket, ack.conversationId as string);
  const botOf = () => socket.frames.slice(start).filter((f) => f.type === 'message.created' && ['bot', 'system'].includes(((f.message as Frame).author as Frame).kind as string));
  await expect.poll(() => botOf().length, { timeout: 5000 }).toBeGreaterThanOrEqual(count);
  return botOf().map((f) => f.message as Frame);
}
const lastConversation = new WeakMap<TestSocket, string>();

describe('the built-in bot', () => {
  it('starts new conversations, asks an unverified shopper for number and email, and answers only when both match', async () => {
    const visitor = await connectVisitor(server);
    const [ask] = await say(visitor.socket, '¿Dónde está mi pedido?', 1);
    expect(ask).toMatchObject({ author: { kind: 'bot' }, kind: 'text' });
    const conversationId = lastConversation.get(visitor.socket)!;
    expect((await server.store.conversations.get((await server.store.sites.byPublicKey('pk_demo'))!.id, conversationId))!.status).toBe('bot');

    // A wrong email reveals nothing, not even whether the number exists.
    const [wrong] = await say(visitor.socket, 'Pedido 1001, email otra@example.com', 1);
    expect(JSON.stringify(wrong)).not.toMatch(/Correos|shipped|Enviado|Etiop/i);
    const [wrongNumber] = await say(visitor.socket, 'Pedido 9999, email maria@example.com', 1);
    // Same answer for a wrong email and an unknown number (only the attempts left count down).
    const strip = (t: unknown) => String(t).replace(/\(.*\)/, '');
    expect(strip(wrongNumber!.text)).toBe(strip(wrong!.text));

    const answer = await say(visitor.socket, 'Pedido 1001, email maria@example.com', 2);
    const card = answer.find((m) => m.kind === 'card');
    expect(card?.payload).toMatchObject({ type: 'order', order: { number: '1001', status: 'shipped', trackingUrl: expect.stringContaining('correosexpress') } });
    visitor.socket.close();
  });

  it("makes a guest who proved an order that order's customer to agents: summary, search numbers and context", async () => {
    const agent = await connectAgent(server, cookie);
    const context = async (id: string) =>
      (await (await fetch(`${server.origin}/api/agent/conversations/${id}/context`, { headers: { Cookie: cookie } })).json()) as Record<string, any>;
    const visitor = await connectVisitor(server);
    await say(visitor.socket, '¿Dónde está mi pedido?', 1);
    const conversationId = lastConversation.get(visitor.socket)!;
    // A wrong email proves nothing: still an anonymous guest.
    await say(visitor.socket, 'Pedido 1001, email otra@example.com', 1);
    expect(await context(conversationId)).toMatchObject({ customer: null, verifiedBy: null, matchedOrder: null, orders: [] });

    const named = agent.socket.next(
      (f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).visitorName === 'María García',
    );
    await say(visitor.socket, 'Pedido 1001, email maria@example.com', 2);
    expect((await named).conversation).toMatchObject({ visitorEmail: 'maria@example.com', verified: false, orderNumbers: expect.arrayContaining(['1001']) });
    const ctx = await context(conversationId);
    expect(ctx).toMatchObject({
      verifiedBy: 'order',
      matchedOrder: { id: 'ord_1001', number: '1001' },
      customer: { name: 'María García', email: 'maria@example.com' },
      visitor: { verified: false },
    });
    expect(ctx.orders[0]).toMatchObject({ id: 'ord_1001', number: '1001' });
    expect(ctx.customer.orderCount).toBe(ctx.orders.length);
    visitor.socket.close();
    agent.socket.close();
  });

  it('shows a verified customer their orders without asking', async () => {
    const visitor = await connectVisitor(server);
    visitor.socket.send({ type: 'identify', id: 'cus_maria', hash: identityHash('cus_maria', 'sk_demo_secret') });
    await visitor.socket.nextOfType('identified');
    // María is tagged VIP: she goes straight to a person, with the packet saying why.
    const vip = await say(visitor.socket, '¿Dónde está mi pedido?', 2);
    expect(vip.find((m) => m.kind === 'system')).toMatchObject({ payload: { event: 'handoff', reason: 'vip' } });

    const john = await connectVisitor(server);
    john.socket.send({ type: 'identify', id: 'cus_john', hash: identityHash('cus_john', 'sk_demo_secret') });
    await john.socket.nextOfType('identified');
    const replies = await say(john.socket, 'where is my order?', 2);
    expect(replies.find((m) => m.kind === 'card')?.payload).toMatchObject({ type: 'order', order: { number: '1002' } });
    visitor.socket.close();
    john.socket.close();
  });

  it('hands off on request with a packet agents see, then stays quiet while a person has the chat', async () => {
    const agent = await connectAgent(server, cookie);
    const visitor = await connectVisitor(server);
    await say(visitor.socket, '¿Cuánto tarda el envío a Sevilla?', 1);
    const conversationId = lastConversation.get(visitor.socket)!;
    const queued = agent.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).status === 'queued');
    const handoff = await say(visitor.socket, 'Quiero hablar con una persona', 2);
    expect(handoff.find((m) => m.kind === 'system')).toMatchObject({ payload: { event: 'handoff', reason: 'asked_for_human' } });
    await queued;
    const context = (await (await fetch(`${server.origin}/api/agent/conversations/${conversationId}/context`, { headers: { Cookie: cookie } })).json()) as { handoff: Frame };
    expect(context.handoff).toMatchObject({ reason: 'asked_for_human', intent: 'shipping' });
    expect((context.handoff.tried as Frame[]).length).toBeGreaterThan(0);

    // An agent replies: the chat is theirs; the bot says nothing more.
    const reply = cid();
    agent.socket.send({ type: 'message.send', conversationId, clientId: reply, text: 'Hola, soy Ana. Te ayudo.' });
    await agent.socket.next((f) => f.type === 'ack' && f.clientId === reply);
    const before = visitor.socket.frames.length;
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', conversationId, clientId, text: '¿y si no estoy en casa?' });
    await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    // The message's handling includes the assistant's turn: after the round trip, anything the bot said has arrived.
    await visitor.socket.roundTrip();
    expect(visitor.socket.frames.slice(before).filter((f) => f.type === 'message.created' && ((f.message as Frame).author as Frame).kind === 'bot')).toHaveLength(0);
    agent.socket.close();
    visitor.socket.close();
  });
});
