import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function conversation() {
  const visitor = await connectVisitor(server);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text: 'Necesito ayuda' });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  return { visitor, conversationId };
}

describe('conversation actions', () => {
  it('take, transfer, resolve and reopen, each recorded in the transcript the shopper sees', async () => {
    const ana = await connectAgent(server, anaCookie);
    const luis = await connectAgent(server, luisCookie);
    const luisId = ((ana.welcome.team as Frame[]) ?? []).find((a) => a.name === 'Luis')?.id ?? ((luis.welcome.agent as Frame).id as string);
    const { visitor, conversationId } = await conversation();

    const act = async (socket: typeof ana.socket, action: string, extra: object = {}) => {
      const clientId = cid('act');
      const reply = socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      socket.send({ type: 'conversation.action', clientId, conversationId, action, ...extra });
      return reply;
    };

    const assigned = luis.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).status === 'assigned');
    const joined = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).kind === 'system');
    expect(await act(ana.socket, 'take')).toMatchObject({ type: 'ack' });
    expect((await assigned).conversation).toMatchObject({ id: conversationId, assigneeId: (ana.welcome.agent as Frame).id });
    expect(((await joined).message as Frame).payload).toEqual({ event: 'agent_joined', agentName: 'Ana' });

    expect(await act(ana.socket, 'take')).toMatchObject({ type: 'error', code: 'not_allowed' });
    expect(await act(ana.socket, 'transfer', { agentId: luisId, note: 'Le toca a Luis' })).toMatchObject({ type: 'ack' });
    expect(await act(luis.socket, 'resolve')).toMatchObject({ type: 'ack' });
    expect(await act(luis.socket, 'resolve')).toMatchObject({ type: 'error', code: 'not_allowed' });
    expect(await act(ana.socket, 'reopen')).toMatchObject({ type: 'ack' });

    const page = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const events = ((await page).messages as Frame[]).filter((m) => m.kind === 'system').map((m) => (m.payload as Frame).event);
    expect(events).toEqual(['agent_joined', 'transferred', 'resolved', 'reopened']);
    for (const s of [ana.socket, luis.socket, visitor.socket]) s.close();
  });

  it('never gives one chat to two agents taking it at the same time', async () => {
    const ana = await connectAgent(server, anaCookie);
    const luis = await connectAgent(server, luisCookie);
    const { visitor, conversationId } = await conversation();
    const a = cid('take');
    const b = cid('take');
    const replyA = ana.socket.next((f) => f.clientId === a || f.ref === a);
    const replyB = luis.socket.next((f) => f.clientId === b || f.ref === b);
    ana.socket.send({ type: 'conversation.action', clientId: a, conversationId, action: 'take' });
    luis.socket.send({ type: 'conversation.action', clientId: b, conversationId, action: 'take' });
    const outcomes = [await replyA, await replyB];
    expect(outcomes.filter((o) => o.type === 'ack')).toHaveLength(1);
    expect(outcomes.filter((o) => o.type === 'error').map((o) => o.code)).toEqual(['conflict']);
    const page = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(((await page).messages as Frame[]).filter((m) => m.kind === 'system')).toHaveLength(1);
    for (const s of [ana.socket, luis.socket, visitor.socket]) s.close();
  });

  it('reopens a resolved chat when the shopper writes again: back in the queue (bot off), with the event in the transcript', async () => {
    const ana = await connectAgent(server, anaCookie);
    const { visitor, conversationId } = await conversation();
    const act = async (action: string) => {
      const clientId = cid('act');
      const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      ana.socket.send({ type: 'conversation.action', clientId, conversationId, action });
      return reply;
    };
    expect(await act('take')).toMatchObject({ type: 'ack' });
    expect(await act('resolve')).toMatchObject({ type: 'ack' });

    const queued = ana.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).status === 'queued');
    const reopened = visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | null)?.event === 'reopened');
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, conversationId, text: 'Perdona, una cosa más' });
    expect(await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).toMatchObject({ conversationId });
    expect((await queued).conversation).toMatchObject({ assigneeId: null });
    expect(((await reopened).message as Frame).payload).toMatchObject({ event: 'reopened', by: 'visitor' });
    for (const s of [ana.socket, visitor.socket]) s.close();
  });
});
