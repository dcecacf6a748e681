import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame, type TestSocket } from '../helpers/ws-client';

let server: TestServer;
let cookie: string;

beforeAll(async () => {
  // These tests send hundreds of messages from one visitor on purpose: lift the per-visitor budget.
  server = await startTestServer({ env: { VISITOR_MESSAGES_PER_SEC: '100000', VISITOR_MESSAGE_BURST: '100000' } });
  cookie = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});

/** Reads a whole conversation through the protocol, following `hasMore`. */
async function readAll(socket: TestSocket, conversationId: string): Promise<Frame[]> {
  const out: Frame[] = [];
  let after = 0;
  for (;;) {
    const pending = socket.next((f) => f.type === 'sync.result' && f.conversationId === conversationId);
    socket.send({ type: 'sync', conversationId, afterSeq: after });
    const page = await pending;
    const messages = page.messages as Frame[];
    out.push(...messages);
    if (!page.hasMore || messages.length === 0) return out;
    after = messages[messages.length - 1]!.seq as number;
  }
}

describe('message delivery', () => {
  it('acks a visitor message with its seq after commit and delivers it to the agent', async () => {
    const agent = await connectAgent(server, cookie);
    const visitor = await connectVisitor(server);
    const clientId = cid();
    const created = agent.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
    const listed = agent.socket.next((f) => f.type === 'conversation.updated');
    visitor.socket.send({ type: 'message.send', clientId, text: 'Hola, ¿dónde está mi pedido?' });
    const ack = await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    expect(ack).toMatchObject({ seq: 1, duplicate: false });
    const conv = await listed;
    expect(conv.conversation).toMatchObject({ id: ack.conversationId, status: 'queued', visitorId: visitor.visitorId });
    const msg = (await created).message as Frame;
    expect(msg).toMatchObject({ conversationId: ack.conversationId, seq: 1, text: 'Hola, ¿dónde está mi pedido?', author: { kind: 'visitor' } });

    // The agent replies: replying to a waiting chat takes it ("Ana joined", seq 2), then the reply (seq 3).
    const reply = cid();
    const joined = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).kind === 'system');
    const toVisitor = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === reply);
    agent.socket.send({ type: 'message.send', conversationId: ack.conversationId, clientId: reply, text: 'Lo miro ahora mismo.' });
    const agentAck = await agent.socket.next((f) => f.type === 'ack' && f.clientId === reply);
    expect(agentAck.seq).toBe(3);
    expect(((await joined).message as Frame)).toMatchObject({ seq: 2, payload: { event: 'agent_joined', agentName: 'Ana' } });
    expect(((await toVisitor).message as Frame).author).toMatchObject({ kind: 'agent', name: 'Ana' });
    agent.socket.close();
    visitor.socket.close();
  });

  it('stores a clientId sent 5 times exactly once and acks each resend with the same seq', async () => {
    const agent = await connectAgent(server, cookie);
    const visitor = await connectVisitor(server);
    const first = cid();
    visitor.socket.send({ type: 'message.send', clientId: first, text: 'primero' });
    const firstAck = await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first);
    const conversationId = firstAck.conversationId as string;

    const clientId = cid();
    const start = visitor.socket.frames.length;
    for (let i = 0; i < 5; i++) visitor.socket.send({ type: 'message.send', clientId, text: 'repetido' });
    await expect.poll(() => visitor.socket.frames.slice(start).filter((f) => f.type === 'ack' && f.clientId === clientId).length).toBe(5);
    const acks = visitor.socket.frames.slice(start).filter((f) => f.type === 'ack' && f.clientId === clientId);
    expect(new Set(acks.map((a) => a.seq))).toEqual(new Set([2]));
    expect(acks.map((a) => a.duplicate)).toEqual([false, true, true, true, true]);
    expect(new Set(acks.map((a) => a.messageId)).size).toBe(1);

    const stored = await readAll(visitor.socket, conversationId);
    expect(stored.map((m) => m.text)).toEqual(['primero', 'repetido']);
    // The agent saw one message.created for it, not five: all five were handled (acked) before
    // the agent's round trip, so any further message.created would have arrived before its pong.
    await agent.socket.roundTrip();
    expect(agent.socket.frames.filter((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId)).toHaveLength(1);
    agent.socket.close();
    visitor.socket.close();
  });

  it('dedupes the same clientId sent concurrently on two sockets of one visitor', async () => {
    const tabA = await connectVisitor(server);
    const tabB = await connectVisitor(server, { token: tabA.token });
    expect(tabB.visitorId).toBe(tabA.visitorId);
    const opening = cid();
    tabA.socket.send({ type: 'message.send', clientId: opening, text: 'abro conversación' });
    const openAck = await tabA.socket.next((f) => f.type === 'ack' && f.clientId === opening);

    const clientId = cid();
    for (let i = 0; i < 5; i++) {
      tabA.socket.send({ type: 'message.send', clientId, text: 'desde dos pestañas' });
      tabB.socket.send({ type: 'message.send', clientId, text: 'desde dos pestañas' });
    }
    const count = (s: TestSocket) => s.frames.filter((f) => f.type === 'ack' && f.clientId === clientId).length;
    await expect.poll(() => count(tabA.socket) + count(tabB.socket)).toBe(10);
    const acks = [...tabA.socket.frames, ...tabB.socket.frames].filter((f) => f.type === 'ack' && f.clientId === clientId);
    expect(new Set(acks.map((a) => a.seq))).toEqual(new Set([2]));
    expect(acks.filter((a) => a.duplicate === false)).toHaveLength(1);
    const stored = await readAll(tabA.socket, openAck.conversationId as string);
    expect(stored.map((m) => m.seq)).toEqual([1, 2]);
    tabA.socket.close();
    tabB.socket.close();
  });

  it('gives a visitor that reconnects with its last seq exactly the 20 messages it missed, in order', async () => {
    const agent = await connectAgent(server, cookie);
    const visitor = await connectVisitor(server);
    const hello = cid();
    visitor.socket.send({ type: 'message.send', clientId: hello, text: 'hola' });
    const ack = await visitor.socket.next((f) => f.type === 'ack' && f.clientId === hello);
    const conversationId = ack.conversationId as string;
    // The agent takes the chat while the shopper is here (seq 2); then the shopper leaves.
    const take = cid('take');
    const joined = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).kind === 'system');
    agent.socket.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
    const lastSeq = ((await joined).message as Frame).seq as number;
    expect(lastSeq).toBe(2);
    visitor.socket.close();
    await visitor.socket.waitClose();

    const sent: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const clientId = cid('agent');
      sent.push(`respuesta ${i}`);
      agent.socket.send({ type: 'message.send', conversationId, clientId, text: `respuesta ${i}` });
    }
    await expect.poll(() => agent.socket.frames.filter((f) => f.type === 'ack').length).toBe(21);

    const back = await connectVisitor(server, { token: visitor.token });
    expect(back.visitorId).toBe(visitor.visitorId);
    expect((back.welcome.conversations as Frame[])[0]).toMatchObject({ id: conversationId, lastSeq: lastSeq + 20 });
    const page = back.socket.nextOfType('sync.result');
    back.socket.send({ type: 'sync', conversationId, afterSeq: lastSeq });
    const result = await page;
    const messages = result.messages as Frame[];
    expect(result.hasMore).toBe(false);
    expect(messages.map((m) => m.text)).toEqual(sent);
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => lastSeq + 1 + i));
    agent.socket.close();
    back.socket.close();
  });

  it('pages a long history with hasMore and no gaps', async () => {
    const visitor = await connectVisitor(server);
    const ids = Array.from({ length: 230 }, () => cid('bulk'));
    for (const [i, clientId] of ids.entries()) visitor.socket.send({ type: 'message.send', clientId, text: `m${i}` });
    await expect.poll(() => visitor.socket.frames.filter((f) => f.type === 'ack').length, { timeout: 10_000 }).toBe(230);
    const conversationId = visitor.socket.frames.find((f) => f.type === 'ack')!.conversationId as string;
    const all = await readAll(visitor.socket, conversationId);
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 230 }, (_, i) => i + 1));
    // Frames on one socket take effect in the order they were sent.
    expect(all.map((m) => m.text)).toEqual(ids.map((_, i) => `m${i}`));
    visitor.socket.close();
  });

  it('keeps two tabs of one visitor in sync', async () => {
    const tabA = await connectVisitor(server);
    const tabB = await connectVisitor(server, { token: tabA.token });
    const clientId = cid();
    const seenInB = tabB.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
    tabA.socket.send({ type: 'message.send', clientId, text: 'desde la pestaña A' });
    expect(((await seenInB).message as Frame).text).toBe('desde la pestaña A');
    tabA.socket.close();
    tabB.socket.close();
  });
});
