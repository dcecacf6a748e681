/**
 * What an agent socket hears (server/ws/agent-scope.ts): messages of the chats it has open
 * (`watch`) or holds, at once; of the others, coalesced `conversations.touched` frames. Real
 * server, real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let anaCookie: string;
let luisCookie: string;
beforeAll(async () => {
  server = await startTestServer();
  anaCookie = await signIn(server, 'ana@example.com');
  luisCookie = await signIn(server, 'luis@example.com');
});
afterAll(async () => {
  await server.destroy();
});

async function shopperWith(first: string) {
  const visitor = await connectVisitor(server);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text: first });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  const say = async (text: string) => {
    const id = cid();
    visitor.socket.send({ type: 'message.send', clientId: id, text });
    return (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === id)).seq as number;
  };
  return { visitor, conversationId, say };
}

const messagesOf = (frames: Frame[], conversationId: string) =>
  frames.filter((f) => f.type === 'message.created' && (f.message as Frame).conversationId === conversationId);

describe('agent scope', () => {
  it('a chat neither open nor held arrives as coalesced list updates, with the shopper’s count and newest message', async () => {
    const ana = await connectAgent(server, anaCookie);
    ana.socket.send({ type: 'watch', conversationIds: [] });
    // Frames are handled in order: a ping answered means the watch was applied.
    ana.socket.send({ type: 'ping', t: 0 });
    await ana.socket.nextOfType('pong');
    const from = ana.socket.frames.length;
    const shopper = await shopperWith('Hola');
    const touchesOf = () =>
      ana.socket.frames
        .slice(from)
        .filter((f) => f.type === 'conversations.touched')
        .flatMap((f) => (f.items as Frame[]).filter((i) => i.conversationId === shopper.conversationId));
    const all = ana.socket.next(() => touchesOf().reduce((n, i) => n + (i.visitorMessages as number), 0) === 4, 5000, from);
    // Three at once: one burst.
    const ids = ['¿Dónde está mi pedido?', 'Es el 1001', 'Gracias'].map((text) => {
      const clientId = cid();
      shopper.visitor.socket.send({ type: 'message.send', clientId, text });
      return clientId;
    });
    const acks = await Promise.all(ids.map((id) => shopper.visitor.socket.next((f) => f.type === 'ack' && f.clientId === id)));
    await all;
    const touches = touchesOf();
    expect(touches.at(-1)).toMatchObject({ lastSeq: Math.max(...acks.map((a) => a.seq as number)), lastMessage: { text: 'Gracias', authorKind: 'visitor' } });
    // The first message and the burst: at most one update each, never a message frame.
    expect(touches.length).toBeLessThanOrEqual(2);
    expect(messagesOf(ana.socket.frames.slice(from), shopper.conversationId)).toHaveLength(0);
    ana.socket.close();
    shopper.visitor.socket.close();
  });

  it('a chat the agent opens (watch) streams its messages; closing it stops them', async () => {
    const ana = await connectAgent(server, anaCookie);
    const shopper = await shopperWith('Hola');
    ana.socket.send({ type: 'watch', conversationIds: [shopper.conversationId] });
    // Frames are handled in order: a ping answered means the watch was applied.
    ana.socket.send({ type: 'ping', t: 1 });
    await ana.socket.nextOfType('pong');
    const seq = await shopper.say('¿Tenéis descafeinado?');
    const live = await ana.socket.next((f) => f.type === 'message.created' && (f.message as Frame).seq === seq && (f.message as Frame).conversationId === shopper.conversationId);
    expect((live.message as Frame).text).toBe('¿Tenéis descafeinado?');

    ana.socket.send({ type: 'watch', conversationIds: [] });
    ana.socket.send({ type: 'ping', t: 2 });
    await ana.socket.next((f) => f.type === 'pong' && f.t === 2);
    const from = ana.socket.frames.length;
    const later = await shopper.say('¿Y en grano?');
    await ana.socket.next((f) => f.type === 'conversations.touched' && (f.items as Frame[]).some((i) => i.conversationId === shopper.conversationId && i.lastSeq === later), 5000, from);
    expect(messagesOf(ana.socket.frames.slice(from), shopper.conversationId)).toHaveLength(0);
    ana.socket.close();
    shopper.visitor.socket.close();
  });

  it('a chat the agent holds streams its messages without being open; another agent hears only the list update', async () => {
    const ana = await connectAgent(server, anaCookie);
    const luis = await connectAgent(server, luisCookie);
    for (const a of [ana, luis]) a.socket.send({ type: 'watch', conversationIds: [] });
    const shopper = await shopperWith('Necesito ayuda');
    const take = cid('act');
    ana.socket.send({ type: 'conversation.action', clientId: take, conversationId: shopper.conversationId, action: 'take' });
    await ana.socket.next((f) => f.type === 'ack' && f.clientId === take);
    const fromLuis = luis.socket.frames.length;
    const seq = await shopper.say('¿Me ayudas con la devolución?');
    await ana.socket.next((f) => f.type === 'message.created' && (f.message as Frame).seq === seq);
    await luis.socket.next((f) => f.type === 'conversations.touched' && (f.items as Frame[]).some((i) => i.conversationId === shopper.conversationId && i.lastSeq === seq), 5000, fromLuis);
    expect(messagesOf(luis.socket.frames.slice(fromLuis), shopper.conversationId)).toHaveLength(0);
    for (const s of [ana.socket, luis.socket, shopper.visitor.socket]) s.close();
  });

  it('a socket that never sent watch hears every message (older clients and tools)', async () => {
    const ana = await connectAgent(server, anaCookie);
    const shopper = await shopperWith('Hola');
    const seq = await shopper.say('¿Hacéis envíos a Canarias?');
    await ana.socket.next((f) => f.type === 'message.created' && (f.message as Frame).seq === seq && (f.message as Frame).conversationId === shopper.conversationId);
    ana.socket.close();
    shopper.visitor.socket.close();
  });

  it('refuses a watch list over the limit with a typed error and keeps the previous one', async () => {
    const ana = await connectAgent(server, anaCookie);
    const shopper = await shopperWith('Hola');
    ana.socket.send({ type: 'watch', conversationIds: [shopper.conversationId] });
    ana.socket.send({ type: 'watch', conversationIds: Array.from({ length: LIMITS.agentWatch + 1 }, (_, i) => `co_${i}`) });
    const refused = await ana.socket.nextOfType('error');
    expect(refused.code).toBe('bad_frame');
    const seq = await shopper.say('¿Sigue ahí?');
    await ana.socket.next((f) => f.type === 'message.created' && (f.message as Frame).seq === seq);
    ana.socket.close();
    shopper.visitor.socket.close();
  });
});
