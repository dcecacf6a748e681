/**
 * The conversation event log: every lifecycle fact, with its time and actor, written in the same
 * transaction as the change (reports compute their KPIs from it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ bot: true });
});
afterAll(async () => {
  await server.destroy();
});

describe('conversation event log', () => {
  it('records created, handed off, queued, assigned, first human reply, resolved and reopened, each with its actor', async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const anaId = (ana.welcome.agent as Frame).id as string;
    const visitor = await connectVisitor(server);
    const first = cid();
    visitor.socket.send({ type: 'message.send', clientId: first, text: 'Hola' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;

    const handoff = await fetch(`${server.origin}/api/v1/conversations/${conversationId}/handoff`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'wants a person' }),
    });
    expect(handoff.status).toBe(200);

    const act = async (action: string) => {
      const clientId = cid('act');
      const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      ana.socket.send({ type: 'conversation.action', clientId, conversationId, action });
      return reply;
    };
    expect(await act('take')).toMatchObject({ type: 'ack' });
    for (const text of ['Hola, soy Ana', 'Dime']) {
      const clientId = cid();
      ana.socket.send({ type: 'message.send', clientId, conversationId, text });
      await ana.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    }
    const note = cid();
    ana.socket.send({ type: 'message.send', clientId: note, conversationId, text: 'nota interna', kind: 'note' });
    await ana.socket.next((f) => f.type === 'ack' && f.clientId === note);
    expect(await act('resolve')).toMatchObject({ type: 'ack' });
    const again = cid();
    visitor.socket.send({ type: 'message.send', clientId: again, conversationId, text: 'Otra cosa' });
    await visitor.socket.next((f) => f.type === 'ack' && f.clientId === again);

    const log = await server.store.conversations.events(site.id, conversationId);
    expect(log.map((e) => [e.type, e.actor.kind])).toEqual([
      ['created', 'visitor'],
      ['handed_off', 'bot'],
      ['queued', 'bot'],
      ['assigned', 'agent'],
      ['first_human_reply', 'agent'],
      ['resolved', 'agent'],
      ['reopened', 'visitor'],
      ['assigned', 'visitor'],
    ]);
    expect(log.find((e) => e.type === 'assigned')!.data).toMatchObject({ agentId: anaId, via: 'take' });
    expect(log.find((e) => e.type === 'handed_off')!.data).toEqual({ reason: 'external_bot' });
    // The reopened chat went back to Ana (online, with room): an assignment, not a new join.
    expect(log[log.length - 1]!.data).toMatchObject({ agentId: anaId, via: 'reopen', rejoined: true });
    expect(log.every((e, i) => i === 0 || e.at >= log[i - 1]!.at)).toBe(true);
    for (const s of [ana.socket, visitor.socket]) s.close();
  });
});
