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

  async function takenAndResolved(ana: Awaited<ReturnType<typeof connectAgent>>) {
    const { visitor, conversationId } = await conversation();
    const act = async (action: string) => {
      const clientId = cid('act');
      const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      ana.socket.send({ type: 'conversation.action', clientId, conversationId, action });
      return reply;
    };
    expect(await act('take')).toMatchObject({ type: 'ack' });
    expect(await act('resolve')).toMatchObject({ type: 'ack' });
    return { visitor, conversationId };
  }

  // Issue 12: a resolved chat the shopper writes into goes back to the agent who had it when
  // they are online with room (it used to go to the back of the queue).
  it('reopens a resolved chat when the shopper writes again: back to the agent who had it, with the event in the transcript', async () => {
    const ana = await connectAgent(server, anaCookie);
    const anaId = (ana.welcome.agent as Frame).id;
    const { visitor, conversationId } = await takenAndResolved(ana);

    const back = ana.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).status !== 'resolved');
    const reopened = visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | null)?.event === 'reopened');
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, conversationId, text: 'Perdona, una cosa más' });
    expect(await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).toMatchObject({ conversationId });
    expect((await back).conversation).toMatchObject({ status: 'assigned', assigneeId: anaId });
    expect(((await reopened).message as Frame).payload).toMatchObject({ event: 'reopened', by: 'visitor' });

    // She already was in the conversation: the shopper is not told "Ana joined" a second time.
    const page = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const joins = ((await page).messages as Frame[]).filter((m) => (m.payload as Frame | null)?.event === 'agent_joined');
    expect(joins).toHaveLength(1);
    for (const s of [ana.socket, visitor.socket]) s.close();
  });

  it('reopens to the queue (bot off) when the agent who had it is offline', async () => {
    const ana = await connectAgent(server, anaCookie);
    const { visitor, conversationId } = await takenAndResolved(ana);
    const watcher = await connectAgent(server, luisCookie);
    const anaId = (ana.welcome.agent as Frame).id;
    // Luis must be unable to take it, so routing leaves it waiting: away.
    watcher.socket.send({ type: 'status', status: 'away' });
    const offline = watcher.socket.next((f) => f.type === 'team' && (f.agents as Frame[]).some((a) => a.id === anaId && a.status === 'offline'));
    ana.socket.close();
    await offline;

    const queued = watcher.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).status === 'queued');
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, conversationId, text: 'Hola otra vez' });
    expect(await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).toMatchObject({ conversationId });
    expect((await queued).conversation).toMatchObject({ assigneeId: null });
    for (const s of [watcher.socket, visitor.socket]) s.close();
  });

  it('takes a chat another agent holds only with an explicit take-over', async () => {
    const ana = await connectAgent(server, anaCookie);
    const luis = await connectAgent(server, luisCookie);
    const { visitor, conversationId } = await conversation();
    const act = async (socket: typeof ana.socket, action: string) => {
      const clientId = cid('act');
      const reply = socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      socket.send({ type: 'conversation.action', clientId, conversationId, action });
      return reply;
    };
    expect(await act(ana.socket, 'take')).toMatchObject({ type: 'ack' });
    expect(await act(luis.socket, 'take')).toMatchObject({ type: 'error', code: 'conflict' });
    const moved = ana.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).assigneeId === (luis.welcome.agent as Frame).id);
    expect(await act(luis.socket, 'take_over')).toMatchObject({ type: 'ack' });
    await moved;
    for (const s of [ana.socket, luis.socket, visitor.socket]) s.close();
  });
});
