/**
 * Satisfaction over real sockets and a real SQLite file: the shopper rates a resolved chat, once
 * per resolution (a reopened and re-resolved chat asks again); agents see it in the transcript;
 * the CSAT figures and the CSV have it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ bot: false, routing: 'manual' });
});
afterAll(async () => {
  await server.destroy();
});

const api = (path: string) => fetch(`${server.origin}/api/v1${path}`, { headers: { Authorization: 'Bearer sk_demo_secret' } });

describe('CSAT', () => {
  it('one rating per resolution, stored with the agent, shown to agents, in the reports', async () => {
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const anaId = (ana.welcome.agent as Frame).id as string;
    const visitor = await connectVisitor(server);
    const first = cid();
    visitor.socket.send({ type: 'message.send', clientId: first, text: 'Hola' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    const act = async (action: string) => {
      const clientId = cid('act');
      const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      ana.socket.send({ type: 'conversation.action', clientId, conversationId, action });
      return reply;
    };
    const rate = async (score: number, comment?: string) => {
      const clientId = cid();
      const reply = visitor.socket.next((f) => (f.type === 'ack' && f.clientId === clientId) || (f.type === 'error' && f.ref === clientId));
      visitor.socket.send({ type: 'conversation.rate', clientId, conversationId, score, ...(comment ? { comment } : {}) });
      return reply;
    };

    // Nothing to rate while the chat is open.
    expect(await rate(5)).toMatchObject({ type: 'error', code: 'not_allowed' });
    expect(await act('take')).toMatchObject({ type: 'ack' });
    expect(await act('resolve')).toMatchObject({ type: 'ack' });

    const note = ana.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | null)?.event === 'rated');
    expect(await rate(4, '<b>Muy amables</b>')).toMatchObject({ type: 'ack' });
    // Agents see it as an internal line, the shopper's words as plain text.
    const seen = (await note).message as Frame;
    expect(seen).toMatchObject({ kind: 'note', text: '★★★★☆ 4/5 — <b>Muy amables</b>', payload: { event: 'rated', score: 4, comment: '<b>Muy amables</b>' } });
    // The same resolution once only.
    expect(await rate(1)).toMatchObject({ type: 'error', code: 'conflict' });

    // Reopened and resolved again: asked again.
    const again = cid();
    visitor.socket.send({ type: 'message.send', clientId: again, conversationId, text: 'Una cosa más' });
    await visitor.socket.next((f) => f.type === 'ack' && f.clientId === again);
    await ana.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).status !== 'resolved');
    const status = (await server.store.conversations.listItem((await server.store.sites.byPublicKey('pk_demo'))!.id, conversationId))!.status;
    if (status !== 'assigned') expect(await act('take')).toMatchObject({ type: 'ack' });
    expect(await act('resolve')).toMatchObject({ type: 'ack' });
    expect(await rate(2)).toMatchObject({ type: 'ack' });

    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    const stored = await server.store.ratings.of(site.id, conversationId);
    expect(stored.map((r) => [r.score, r.comment, r.agentId])).toEqual([
      [4, '<b>Muy amables</b>', anaId],
      [2, null, anaId],
    ]);

    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${day(-1)}&to=${day(1)}`;
    const summary = (await (await api(`/reports/summary?${range}`)).json()) as { csat: unknown };
    expect(summary.csat).toEqual({ average: 3, count: 2 });
    const csv = await (await api(`/reports/csat?${range}&format=csv`)).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('item,agent,ratings,average,responseRate,s1,s2,s3,s4,s5');
    // Two ratings of two resolutions; Ana's row.
    expect(lines[1]).toBe('all,,2,3,1,0,1,0,1,0');
    expect(lines[2]).toBe(`agent,${(ana.welcome.agent as Frame).name as string},2,3,,0,1,0,1,0`);
    for (const s of [ana.socket, visitor.socket]) s.close();
  });

  it('a shopper cannot rate someone else’s conversation', async () => {
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const owner = await connectVisitor(server);
    const first = cid();
    owner.socket.send({ type: 'message.send', clientId: first, text: 'Hola' });
    const conversationId = (await owner.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    for (const action of ['take', 'resolve']) {
      const clientId = cid('act');
      const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      ana.socket.send({ type: 'conversation.action', clientId, conversationId, action });
      expect(await reply).toMatchObject({ type: 'ack' });
    }
    const stranger = await connectVisitor(server);
    const clientId = cid();
    stranger.socket.send({ type: 'conversation.rate', clientId, conversationId, score: 1 });
    expect(await stranger.socket.next((f) => f.type === 'error' && f.ref === clientId)).toMatchObject({ code: 'not_found' });
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    expect(await server.store.ratings.of(site.id, conversationId)).toEqual([]);
    for (const s of [ana.socket, owner.socket, stranger.socket]) s.close();
  });
});
