/**
 * Snooze over real sockets (issue 16): an agent snoozes a chat until a time or until the shopper
 * writes; every agent sees it leave and come back; the shopper never sees it; routing leaves a
 * snoozed chat alone; the timer survives a restart (re-armed from `snoozedUntil`).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame, type TestSocket } from '../helpers/ws-client';

const dataDir = tempDataDir();
let server: TestServer;
let anaCookie: string;
let luisCookie: string;
let siteId: string;

beforeAll(async () => {
  server = await startTestServer({ dataDir });
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
  anaCookie = await signIn(server, 'ana@example.com');
  luisCookie = await signIn(server, 'luis@example.com');
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function conversation(s: TestServer = server) {
  const visitor = await connectVisitor(s);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text: 'Necesito ayuda con un pedido' });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  return { visitor, conversationId };
}

async function act(socket: TestSocket, conversationId: string, action: string, extra: object = {}) {
  const clientId = cid('act');
  const reply = socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
  socket.send({ type: 'conversation.action', clientId, conversationId, action, ...extra });
  return reply;
}

const updated = (id: string, snoozed: boolean) => (f: Frame) =>
  f.type === 'conversation.updated' && (f.conversation as Frame).id === id && ((f.conversation as Frame).snoozedAt !== undefined) === snoozed;

describe('snooze', () => {
  it('until a time: every agent sees it snoozed, the team sees who did it, the shopper nothing; it wakes at its time', async () => {
    const ana = await connectAgent(server, anaCookie);
    const luis = await connectAgent(server, luisCookie);
    const { visitor, conversationId } = await conversation();
    expect(await act(ana.socket, conversationId, 'take')).toMatchObject({ type: 'ack' });
    const until = Date.now() + 1500;
    const seen = luis.socket.next(updated(conversationId, true));
    const note = luis.socket.next((f) => f.type === 'message.created' && (f.message as Frame).conversationId === conversationId && (f.message as Frame).kind === 'note');
    expect(await act(ana.socket, conversationId, 'snooze', { until })).toMatchObject({ type: 'ack' });
    expect((await seen).conversation).toMatchObject({ status: 'assigned', snoozedUntil: until });
    expect((await note).message).toMatchObject({ author: { kind: 'agent', name: 'Ana' }, payload: { event: 'snoozed', until } });
    // Snoozing again until the same time changes nothing.
    expect(await act(ana.socket, conversationId, 'snooze', { until })).toMatchObject({ type: 'error', code: 'not_allowed' });

    const woken = await luis.socket.next(updated(conversationId, false), 5000);
    expect(woken.conversation).toMatchObject({ status: 'assigned' });
    expect(Object.keys(woken.conversation as Frame).filter((k) => k.startsWith('snoozed'))).toEqual([]);
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    const log = await server.store.conversations.events(siteId, conversationId);
    expect(log.filter((e) => e.type.includes('snooze')).map((e) => [e.type, e.data])).toEqual([
      ['snoozed', { until }],
      ['unsnoozed', { reason: 'time' }],
    ]);
    // The shopper got no line about it.
    await visitor.socket.roundTrip();
    expect(visitor.socket.frames.filter((f) => f.type === 'message.created' && JSON.stringify(f).includes('nooz'))).toEqual([]);
    for (const s of [ana.socket, luis.socket, visitor.socket]) s.close();
  });

  it('until the shopper writes: their message wakes it in the same commit; and by hand', async () => {
    const ana = await connectAgent(server, anaCookie);
    const { visitor, conversationId } = await conversation();
    expect(await act(ana.socket, conversationId, 'snooze')).toMatchObject({ type: 'ack' });
    const snoozed = await server.store.conversations.get(siteId, conversationId);
    expect(snoozed).toMatchObject({ status: 'queued', snoozedUntil: null });
    expect(snoozed!.snoozedAt).not.toBeNull();
    // Routing leaves it alone while it sleeps.
    expect((await server.store.conversations.queue(siteId)).map((c) => c.id)).not.toContain(conversationId);

    const back = ana.socket.next(updated(conversationId, false));
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, conversationId, text: 'Hola, ¿seguís ahí?' });
    await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    expect((await back).conversation).toMatchObject({ status: 'queued' });
    expect((await server.store.conversations.queue(siteId)).map((c) => c.id)).toContain(conversationId);
    const log = await server.store.conversations.events(siteId, conversationId);
    expect(log.at(-1)).toMatchObject({ type: 'unsnoozed', data: { reason: 'shopper' }, actor: { kind: 'visitor' } });

    expect(await act(ana.socket, conversationId, 'snooze', { until: Date.now() + 60_000 })).toMatchObject({ type: 'ack' });
    expect(await act(ana.socket, conversationId, 'unsnooze')).toMatchObject({ type: 'ack' });
    expect(await act(ana.socket, conversationId, 'unsnooze')).toMatchObject({ type: 'error', code: 'not_allowed' });
    expect(await act(ana.socket, conversationId, 'snooze', { until: Date.now() - 1000 })).toMatchObject({ type: 'error', code: 'not_allowed' });
    for (const s of [ana.socket, visitor.socket]) s.close();
  });

  it('the timer survives a restart: a snooze due while the server was down wakes at start, a later one at its time', async () => {
    const ana = await connectAgent(server, anaCookie);
    const soon = await conversation();
    const later = await conversation();
    const soonUntil = Date.now() + 600;
    expect(await act(ana.socket, soon.conversationId, 'snooze', { until: soonUntil })).toMatchObject({ type: 'ack' });
    const laterUntil = Date.now() + 3000;
    expect(await act(ana.socket, later.conversationId, 'snooze', { until: laterUntil })).toMatchObject({ type: 'ack' });
    for (const s of [ana.socket, soon.visitor.socket, later.visitor.socket]) s.close();
    await server.close();
    // Down past the first snooze's time (waits for the clock to pass it, not a fixed while).
    await expect.poll(() => Date.now() > soonUntil, { timeout: 3000, interval: 20 }).toBe(true);
    server = await startTestServer({ dataDir });
    await expect.poll(async () => (await server.store.conversations.get(siteId, soon.conversationId))!.snoozedAt, { timeout: 3000 }).toBeNull();
    expect((await server.store.conversations.get(siteId, later.conversationId))!.snoozedUntil).toBe(laterUntil);
    await expect.poll(async () => (await server.store.conversations.get(siteId, later.conversationId))!.snoozedAt, { timeout: 6000 }).toBeNull();
    expect(Date.now()).toBeGreaterThanOrEqual(laterUntil);
  });
});
