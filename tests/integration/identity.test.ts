import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/identity';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let cookie: string;
const SECRET = 'sk_demo_secret';

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});

async function context(conversationId: string) {
  const res = await fetch(`${server.origin}/api/agent/conversations/${conversationId}/context`, { headers: { Cookie: cookie } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function startConversation(visitor: Awaited<ReturnType<typeof connectVisitor>>, text = 'hola'): Promise<string> {
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text });
  return (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
}

describe('identify', () => {
  it('links a verified visitor to the customer, whose orders the agent sees', async () => {
    const visitor = await connectVisitor(server);
    const conversationId = await startConversation(visitor, '¿Dónde está mi pedido?');
    const agent = await connectAgent(server, cookie);
    const updated = agent.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId);
    visitor.socket.send({ type: 'identify', id: 'cus_maria', email: 'maria@example.com', name: 'María García', hash: identityHash('cus_maria', SECRET) });
    expect(await visitor.socket.nextOfType('identified')).toMatchObject({ verified: true });
    expect((await updated).conversation).toMatchObject({ visitorName: 'María García', verified: true });

    const { status, body } = await context(conversationId);
    expect(status).toBe(200);
    expect(body.visitor).toMatchObject({ verified: true, claimedId: 'cus_maria' });
    expect(body.customer).toMatchObject({ id: 'cus_maria', email: 'maria@example.com', orderCount: 2, lifetimeValue: { amount: 6450 + 2900, currency: 'EUR' } });
    const order1001 = body.orders.find((o: { number: string }) => o.number === '1001');
    expect(order1001).toMatchObject({ status: 'shipped', shipments: [{ carrier: 'Correos Express', trackingNumber: 'CE123456789ES' }] });
    expect(order1001.items).toHaveLength(3);
    agent.socket.close();
    visitor.socket.close();
  });

  it('keeps a wrong or missing hash unverified, and reveals no orders', async () => {
    for (const hash of [undefined, identityHash('cus_maria', 'sk_wrong'), identityHash('cus_john', SECRET), 'zz']) {
      const visitor = await connectVisitor(server);
      const conversationId = await startConversation(visitor);
      visitor.socket.send({ type: 'identify', id: 'cus_maria', email: 'maria@example.com', name: 'María', ...(hash ? { hash } : {}) });
      const reply = await visitor.socket.next((f) => f.type === 'identified' || f.type === 'error');
      expect(reply).toMatchObject({ type: 'identified', verified: false });
      const { body } = await context(conversationId);
      expect(body.visitor).toMatchObject({ verified: false, claimedId: 'cus_maria', name: 'María' });
      expect(body.customer).toBeNull();
      expect(body.orders).toEqual([]);
      visitor.socket.close();
    }
  });

  it('keeps the conversation of an anonymous visitor who identifies later', async () => {
    const visitor = await connectVisitor(server);
    const conversationId = await startConversation(visitor, 'antes de entrar');
    visitor.socket.send({ type: 'identify', id: 'cus_john', hash: identityHash('cus_john', SECRET) });
    const identified = await visitor.socket.nextOfType('identified');
    expect((identified.conversations as Frame[]).map((c) => c.id)).toContain(conversationId);
    const page = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(((await page).messages as Frame[]).map((m) => m.text)).toEqual(['antes de entrar']);
    visitor.socket.close();
  });

  it("lets a verified customer's other device read and continue the conversation, but not an unverified claimant", async () => {
    const phone = await connectVisitor(server);
    phone.socket.send({ type: 'identify', id: 'cus_lucia', hash: identityHash('cus_lucia', SECRET) });
    await phone.socket.nextOfType('identified');
    const conversationId = await startConversation(phone, 'desde el móvil');

    const laptop = await connectVisitor(server);
    laptop.socket.send({ type: 'identify', id: 'cus_lucia', hash: identityHash('cus_lucia', SECRET) });
    const seen = await laptop.socket.nextOfType('identified');
    expect((seen.conversations as Frame[]).map((c) => c.id)).toContain(conversationId);
    const clientId = cid();
    laptop.socket.send({ type: 'message.send', conversationId, clientId, text: 'desde el portátil' });
    expect(await laptop.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).toMatchObject({ conversationId, seq: 2 });

    const impostor = await connectVisitor(server);
    impostor.socket.send({ type: 'identify', id: 'cus_lucia' });
    expect((await impostor.socket.nextOfType('identified')).conversations).toEqual([]);
    const err = impostor.socket.nextOfType('error');
    impostor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(await err).toMatchObject({ code: 'not_found' });
    for (const v of [phone, laptop, impostor]) v.socket.close();
  });

  it('delivers live messages to every device of a verified customer', async () => {
    const phone = await connectVisitor(server);
    phone.socket.send({ type: 'identify', id: 'cus_john', hash: identityHash('cus_john', SECRET) });
    await phone.socket.nextOfType('identified');
    const conversationId = await startConversation(phone, 'desde el móvil de John');
    const laptop = await connectVisitor(server);
    laptop.socket.send({ type: 'identify', id: 'cus_john', hash: identityHash('cus_john', SECRET) });
    await laptop.socket.nextOfType('identified');
    const agent = await connectAgent(server, cookie);
    const reply = cid();
    const onPhone = phone.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === reply);
    const onLaptop = laptop.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === reply);
    agent.socket.send({ type: 'message.send', conversationId, clientId: reply, text: 'Hola John' });
    await Promise.all([onPhone, onLaptop]);
    // Each socket gets it once, even though it listens as a visitor and as a customer.
    await new Promise((r) => setTimeout(r, 50));
    expect(phone.socket.frames.filter((f) => f.type === 'message.created' && (f.message as Frame).clientId === reply)).toHaveLength(1);
    for (const s of [phone.socket, laptop.socket, agent.socket]) s.close();
  });

  it('refuses unverified identities outright when the site requires verification', async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    await server.store.sites.update(site.id, { settings: { ...site.settings, requireVerifiedIdentity: true } });
    try {
      const visitor = await connectVisitor(server);
      const err = visitor.socket.nextOfType('error');
      visitor.socket.send({ type: 'identify', id: 'cus_maria', name: 'María' });
      expect(await err).toMatchObject({ code: 'identity_refused' });
      visitor.socket.send({ type: 'identify', id: 'cus_maria', hash: identityHash('cus_maria', SECRET) });
      expect(await visitor.socket.nextOfType('identified')).toMatchObject({ verified: true });
      visitor.socket.close();
    } finally {
      await server.store.sites.update(site.id, { settings: site.settings });
    }
  });

  it('shares an order card only with the verified customer who owns the order, on all their devices', async () => {
    const maria = await connectVisitor(server);
    maria.socket.send({ type: 'identify', id: 'cus_maria', hash: identityHash('cus_maria', SECRET) });
    await maria.socket.nextOfType('identified');
    // María already has an open conversation from another device (first test): it continues here.
    const conversationId = await startConversation(maria, '¿Y mi pedido?');
    const agent = await connectAgent(server, cookie);

    const share = cid('share');
    const card = maria.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === share);
    agent.socket.send({ type: 'order.share', conversationId, clientId: share, orderId: 'ord_1001' });
    const message = (await card).message as Frame;
    expect(message).toMatchObject({ kind: 'card', author: { kind: 'agent', name: 'Ana' } });
    expect(message.payload).toMatchObject({
      type: 'order',
      order: { number: '1001', status: 'shipped', total: 6450, currency: 'EUR', carrier: 'Correos Express', trackingUrl: expect.stringContaining('correosexpress') },
    });
    expect(message.text).toContain('#1001');

    // Another customer's order is not found for María.
    const foreign = cid('share');
    const err = agent.socket.next((f) => f.type === 'error' && f.ref === foreign);
    agent.socket.send({ type: 'order.share', conversationId, clientId: foreign, orderId: 'ord_1002' });
    expect(await err).toMatchObject({ code: 'not_found' });

    // An unverified shopper gets nothing.
    const anon = await connectVisitor(server);
    anon.socket.send({ type: 'identify', id: 'cus_maria' });
    await anon.socket.nextOfType('identified');
    const anonConversation = await startConversation(anon);
    const refused = cid('share');
    const notVerified = agent.socket.next((f) => f.type === 'error' && f.ref === refused);
    agent.socket.send({ type: 'order.share', conversationId: anonConversation, clientId: refused, orderId: 'ord_1001' });
    expect(await notVerified).toMatchObject({ code: 'not_verified' });
    expect(anon.socket.frames.some((f) => JSON.stringify(f).includes('1001'))).toBe(false);
    for (const s of [maria.socket, anon.socket, agent.socket]) s.close();
  });

  it('tells a verified customer about order events in their chat (POST /api/v1/events)', async () => {
    const maria = await connectVisitor(server);
    maria.socket.send({ type: 'identify', id: 'cus_maria', hash: identityHash('cus_maria', SECRET) });
    await maria.socket.nextOfType('identified');
    const news = maria.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).author as Frame).kind === 'bot');
    const post = (body: object, key?: string) =>
      fetch(`${server.origin}/api/v1/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
        body: JSON.stringify(body),
      });
    const card = maria.socket.next((f) => f.type === 'message.created' && (f.message as Frame).kind === 'card');
    const res = await post({ type: 'order.shipped', orderId: 'ord_1001' }, 'ship-1001');
    expect(res.status).toBe(201);
    const message = (await news).message as Frame;
    expect(message.text).toContain('1001');
    expect(message.text).toContain('Correos Express');
    // The link is in the order card that follows, not a raw URL in the sentence (issue 12, item 7).
    expect(message.text).not.toContain('https://');
    const cardMessage = (await card).message as Frame;
    expect(cardMessage.author).toEqual(message.author);
    expect(cardMessage.conversationId).toBe(message.conversationId);
    expect(cardMessage.payload).toMatchObject({
      type: 'order',
      order: { number: '1001', status: 'shipped', carrier: 'Correos Express', trackingUrl: expect.stringContaining('https://s.correosexpress.com') },
    });
    // Its text is the fallback for webhooks and email: number, status and link.
    expect(cardMessage.text).toMatch(/1001.*https:\/\/s\.correosexpress\.com/);
    // A retried event is not sent twice.
    const again = await post({ type: 'order.shipped', orderId: 'ord_1001' }, 'ship-1001');
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect((await post({ type: 'order.shipped', orderId: 'ord_nope' })).status).toBe(422);
    // A customer who never chatted as a verified shopper: nothing to deliver to.
    const put = (path: string, body: object) =>
      fetch(`${server.origin}/api/v1${path}`, { method: 'PUT', headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    await put('/customers/cus_nuevo', { email: 'nuevo@example.com', name: 'Nuevo' });
    await put('/orders/ord_nuevo', { customerId: 'cus_nuevo', number: '2001', status: 'paid', currency: 'EUR', total: 100, items: [], createdAt: '2026-11-20T10:00:00Z' });
    expect(await (await post({ type: 'order.delivered', orderId: 'ord_nuevo' })).json()).toEqual({ delivered: false, conversationId: null, messageId: null });
    maria.socket.close();
  });

  it('refuses context to a request without a session', async () => {
    const res = await fetch(`${server.origin}/api/agent/conversations/cv_x/context`);
    expect(res.status).toBe(401);
  });
});
