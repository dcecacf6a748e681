import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Timeline } from '../../shared/timeline';
import type { Message } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let cookie: string;
beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});

async function chat() {
  const visitor = await connectVisitor(server);
  const agent = await connectAgent(server, cookie);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  await agent.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
  // The agent takes the chat first (seq 2, a system message the shopper sees).
  const take = cid('take');
  const joined = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).kind === 'system');
  agent.socket.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
  await agent.socket.next((f) => f.type === 'ack' && f.clientId === take);
  await joined;
  return { visitor, agent, conversationId };
}

describe('internal notes', () => {
  it('never reach the shopper, live or on sync, and the shopper still sees a continuous conversation', async () => {
    const { visitor, agent, conversationId } = await chat();
    const note = cid('note');
    const noteAck = agent.socket.next((f) => f.type === 'ack' && f.clientId === note);
    const noteCreated = agent.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === note);
    agent.socket.send({ type: 'message.send', conversationId, clientId: note, text: 'Cliente VIP, ofrecer envío gratis', kind: 'note' });
    expect((await noteAck).seq).toBe(3);
    expect(((await noteCreated).message as Frame).kind).toBe('note');

    const reply = cid('reply');
    const live = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === reply);
    agent.socket.send({ type: 'message.send', conversationId, clientId: reply, text: 'Te lo enviamos gratis' });
    const replyMessage = (await live).message as Message;
    expect(replyMessage).toMatchObject({ seq: 4, prevSeq: 2, kind: 'text' });
    expect(visitor.socket.frames.some((f) => JSON.stringify(f).includes('Cliente VIP'))).toBe(false);

    const page = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const messages = (await page).messages as Message[];
    expect(messages.filter((m) => m.kind !== 'system').map((m) => m.text)).toEqual(['hola', 'Te lo enviamos gratis']);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 4]);
    // The shopper's timeline accepts seq 4 after seq 2 because of prevSeq.
    const timeline = new Timeline({ kind: 'visitor' }, { visibleOnly: true });
    expect(timeline.applyPage(messages)).toBe(true);
    expect(timeline.lastSeq).toBe(4);
    // The welcome tells the shopper the last seq it can see, not the note's.
    const again = await connectVisitor(server, { token: visitor.token });
    expect((again.welcome.conversations as Frame[])[0]).toMatchObject({ id: conversationId, lastSeq: 4 });
    for (const s of [visitor.socket, agent.socket, again.socket]) s.close();
  });

  it('cannot be sent by a shopper', async () => {
    const visitor = await connectVisitor(server);
    const err = visitor.socket.nextOfType('error');
    visitor.socket.send({ type: 'message.send', clientId: cid(), text: 'x', kind: 'note' });
    // Unknown keys are ignored by the visitor schema: it is stored as a plain text message.
    const ack = visitor.socket.nextOfType('ack');
    const first = await Promise.race([err, ack]);
    expect(first.type).toBe('ack');
    const page = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId: first.conversationId, afterSeq: 0 });
    expect(((await page).messages as Message[])[0]!.kind).toBe('text');
    visitor.socket.close();
  });
});

describe('typing and read receipts', () => {
  it('relays typing both ways, without the shopper’s text unless the site enables live preview', async () => {
    const { visitor, agent, conversationId } = await chat();
    const toAgent = agent.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId);
    visitor.socket.send({ type: 'typing', conversationId, on: true, preview: 'mi número de tarjeta es…' });
    const typing = await toAgent;
    expect(typing).toMatchObject({ who: { kind: 'visitor' }, on: true });
    expect(typing.preview).toBeUndefined();

    const toVisitor = visitor.socket.next((f) => f.type === 'typing');
    agent.socket.send({ type: 'typing', conversationId, on: true });
    expect(await toVisitor).toMatchObject({ conversationId, who: { kind: 'agent', name: 'Ana' }, on: true });
    visitor.socket.close();
    agent.socket.close();
  });

  it('stores read marks that only move forward and tells the other side', async () => {
    const { visitor, agent, conversationId } = await chat();
    const reply = cid();
    agent.socket.send({ type: 'message.send', conversationId, clientId: reply, text: 'respuesta' });
    await visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === reply);

    const seenByAgent = agent.socket.next((f) => f.type === 'read' && f.by === 'visitor');
    visitor.socket.send({ type: 'read', conversationId, seq: 99 });
    expect(await seenByAgent).toMatchObject({ conversationId, seq: 3 });

    const seenByVisitor = visitor.socket.next((f) => f.type === 'read' && f.by === 'agent');
    const echoed = agent.socket.next((f) => f.type === 'read' && f.by === 'agent');
    agent.socket.send({ type: 'read', conversationId, seq: 1 });
    expect(await seenByVisitor).toMatchObject({ seq: 1 });
    await echoed;
    const before = agent.socket.frames.length;
    agent.socket.send({ type: 'read', conversationId, seq: 0 });
    const pong = agent.socket.next((f) => f.type === 'pong');
    agent.socket.send({ type: 'ping' });
    await pong;
    expect(agent.socket.frames.slice(before).filter((f) => f.type === 'read')).toHaveLength(0);

    const back = await connectVisitor(server, { token: visitor.token });
    expect((back.welcome.conversations as Frame[])[0]).toMatchObject({ readSeq: 1 });
    for (const s of [visitor.socket, agent.socket, back.socket]) s.close();
  });
});

describe('shopper presence', () => {
  it('shows agents the page, pages seen and cart, live and in their welcome, and when the shopper leaves', async () => {
    const agent = await connectAgent(server, cookie);
    const visitor = await connectVisitor(server);
    const row = (f: Frame, match: (v: Frame) => boolean) => f.type === 'visitors.delta' && (f.visitors as Frame[]).some((v) => v.visitorId === visitor.visitorId && match(v));
    const cart = { items: [{ sku: 'CAF-ETI-250', name: 'Café de Etiopía', quantity: 2, price: 1450 }], total: 2900, currency: 'EUR' };
    // Agents get the row (page, cart in figures) in a delta…
    const first = agent.socket.next((f) => row(f, (v) => v.url === 'http://localhost:5173/cafe'), 8000);
    visitor.socket.send({ type: 'context', url: 'http://localhost:5173/cafe', title: 'Cafés', cart });
    expect(((await first).visitors as Frame[]).find((v) => v.visitorId === visitor.visitorId)).toMatchObject({ online: true, title: 'Cafés', pageCount: 1, cart: { count: 1, total: 2900, currency: 'EUR' } });
    const second = agent.socket.next((f) => row(f, (v) => v.url === 'http://localhost:5173/checkout'), 8000);
    visitor.socket.send({ type: 'context', url: 'http://localhost:5173/checkout', title: 'Pagar' });
    expect(((await second).visitors as Frame[]).find((v) => v.visitorId === visitor.visitorId)).toMatchObject({ pageCount: 2 });
    // …and the pages this visit and cart lines when they ask.
    const detail = agent.socket.next((f) => f.type === 'visitor.detail' && f.visitorId === visitor.visitorId);
    agent.socket.send({ type: 'visitor.get', visitorId: visitor.visitorId });
    expect(await detail).toMatchObject({ online: true, url: 'http://localhost:5173/checkout', cart });
    expect(((await detail).pages as Frame[]).map((p) => p.title)).toEqual(['Cafés', 'Pagar']);

    const later = await connectAgent(server, cookie);
    const listed = (later.welcome.visitors as Frame[]).find((v) => v.visitorId === visitor.visitorId);
    expect(listed).toMatchObject({ online: true, url: 'http://localhost:5173/checkout', cart: { count: 1, total: 2900 } });
    expect(later.welcome.visitorCounts).toMatchObject({ online: expect.any(Number), total: expect.any(Number) });

    const left = agent.socket.next((f) => row(f, (v) => v.online === false), 8000);
    visitor.socket.close();
    await left;
    // Nobody of another shop, and an unknown visitor, is not_found.
    const missing = agent.socket.next((f) => f.type === 'error' && f.ref === 'v_nobody');
    agent.socket.send({ type: 'visitor.get', visitorId: 'v_nobody' });
    expect(await missing).toMatchObject({ code: 'not_found' });
    agent.socket.close();
    later.socket.close();
  });

  it('refuses a malformed cart with bad_frame', async () => {
    const visitor = await connectVisitor(server);
    const err = visitor.socket.nextOfType('error');
    visitor.socket.send({ type: 'context', cart: { items: [], total: -5, currency: 'EUR' } });
    expect(await err).toMatchObject({ code: 'bad_frame' });
    visitor.socket.close();
  });
});
