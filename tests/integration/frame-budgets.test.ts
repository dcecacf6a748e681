/**
 * Every kind of frame a shopper sends has a budget (issue 11: `profile`, `identify`, `proactive`,
 * `sync` and `history` had none; one client got 1,200–2,500 committed writes a second). A flood
 * is cut to the budget with typed `rate_limited` errors; what a real widget sends never is.
 * Budgets: server/domain/rate-limit.ts, docs/protocol.md ("Budgets").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISITOR_BUDGETS, VISITOR_FRAME_BUCKET } from '../../server/domain/rate-limit';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

const FLOOD = 400;

type Floodable = 'profile' | 'identify' | 'proactive' | 'sync' | 'history' | 'ping' | 'context' | 'typing' | 'read';
/** Each flooded frame and the reply that shows it was handled (for writes: committed). */
const cases: { type: Floodable; frame: (i: number, conversationId: string) => object; handled: string }[] = [
  { type: 'profile', frame: (i) => ({ type: 'profile', name: `Rosa ${i}` }), handled: 'profile.saved' },
  { type: 'identify', frame: (i) => ({ type: 'identify', id: `cus_flood_${i}`, name: `Flood ${i}` }), handled: 'identified' },
  { type: 'proactive', frame: () => ({ type: 'proactive', ruleId: 'no-such-rule' }), handled: 'proactive' },
  { type: 'sync', frame: (_i, conversationId) => ({ type: 'sync', conversationId, afterSeq: 0 }), handled: 'sync.result' },
  { type: 'history', frame: (_i, conversationId) => ({ type: 'history', conversationId, beforeSeq: 100 }), handled: 'history.result' },
  { type: 'ping', frame: (i) => ({ type: 'ping', t: i }), handled: 'pong' },
];

describe('per-shopper budgets for every frame type', () => {
  it.each(cases)('cuts a flood of $type frames to its budget with typed rate_limited errors', async ({ type, frame, handled }) => {
    const v = await connectVisitor(server);
    const first = cid('m');
    v.socket.send({ type: 'message.send', clientId: first, text: 'Hola' });
    const conversationId = (await v.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    const start = v.socket.frames.length;
    const began = Date.now();
    for (let i = 0; i < FLOOD; i++) v.socket.send(frame(i, conversationId));
    const answered = () => v.socket.frames.slice(start).filter((f) => f.type === handled || (f.type === 'error' && f.code === 'rate_limited')).length;
    await expect.poll(answered, { timeout: 20_000 }).toBe(FLOOD);
    const seconds = (Date.now() - began) / 1000;
    const replies = v.socket.frames.slice(start);
    const ok = replies.filter((f) => f.type === handled).length;
    const limited = replies.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    const budget = VISITOR_BUDGETS[VISITOR_FRAME_BUCKET[type]];
    console.log(`${type}: ${ok} of ${FLOOD} handled in ${seconds.toFixed(2)} s (budget ${budget.rate}/s, bursts of ${budget.burst}), ${limited.length} rate_limited`);
    expect(ok).toBeGreaterThanOrEqual(budget.burst);
    expect(ok).toBeLessThanOrEqual(budget.burst + Math.ceil(budget.rate * (seconds + 1)));
    expect(limited[0]).toMatchObject({ retryAfterMs: expect.any(Number), message: `too many ${type} frames` });
    expect(replies.some((f) => f.type === 'error' && f.code !== 'rate_limited')).toBe(false);
    // The conversation-bound refusals say which conversation.
    if (type === 'sync' || type === 'history') expect(limited[0]).toMatchObject({ ref: conversationId });
    // Other budgets are untouched: the shopper still writes.
    const after = cid('m');
    v.socket.send({ type: 'message.send', clientId: after, text: 'Sigo aquí' });
    expect(await v.socket.next((f) => f.clientId === after || f.ref === after)).toMatchObject({ type: 'ack' });
    v.socket.close();
  });

  it('cuts floods of context, typing and read to theirs as well, with the typed error', async () => {
    const v = await connectVisitor(server);
    const first = cid('m');
    v.socket.send({ type: 'message.send', clientId: first, text: 'Hola' });
    const conversationId = (await v.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    for (const type of ['context', 'typing', 'read'] as const) {
      const start = v.socket.frames.length;
      for (let i = 0; i < FLOOD; i++) {
        v.socket.send(type === 'context' ? { type, url: `https://shop.example/${i}` } : type === 'typing' ? { type, conversationId, on: i % 2 === 0 } : { type, conversationId, seq: 1 });
      }
      const pong = v.socket.next((f) => f.type === 'pong' && f.t === 4242, 10_000, start);
      v.socket.send({ type: 'ping', t: 4242 });
      await pong;
      const limited = v.socket.frames.slice(start).filter((f) => f.type === 'error' && f.code === 'rate_limited');
      const budget = VISITOR_BUDGETS[VISITOR_FRAME_BUCKET[type]];
      expect(limited.length).toBeGreaterThanOrEqual(FLOOD - budget.burst - budget.rate * 5);
      expect(limited[0]).toMatchObject({ retryAfterMs: expect.any(Number) });
    }
    v.socket.close();
  });

  it('never limits what a real widget sends, nor one shopper for another flooding', async () => {
    const agent = await connectAgent(server, await signIn(server));
    const flooder = await connectVisitor(server);
    for (let i = 0; i < FLOOD; i++) flooder.socket.send({ type: 'profile', name: `x${i}` });
    // A shopper's whole visit: reconnects, pages, cart, identity, pre-chat form, proactive asks, chat, scrollback.
    const tabs = [await connectVisitor(server)];
    const v = tabs[0]!;
    tabs.push(await connectVisitor(server, { token: v.token }));
    for (const [n, tab] of tabs.entries()) {
      tab.socket.send({ type: 'context', url: `https://shop.example/${n}`, title: 'Cafés', timeZone: 'Europe/Madrid', cart: { items: [{ name: 'Café', quantity: 1, price: 1450 }], total: 1450, currency: 'EUR' } });
      tab.socket.send({ type: 'identify', id: 'cus_real', name: 'Rosa', email: 'rosa@example.com' });
      for (const ruleId of ['r1', 'r2', 'r3']) tab.socket.send({ type: 'proactive', ruleId, onPageMs: 5000 });
    }
    v.socket.send({ type: 'profile', name: 'Rosa', email: 'rosa@example.com' });
    let conversationId = '';
    for (let i = 0; i < 8; i++) {
      const clientId = cid('m');
      v.socket.send({ type: 'typing', conversationId: conversationId || 'none', on: true });
      v.socket.send({ type: 'message.send', clientId, text: `Mensaje ${i}` });
      conversationId = (await v.socket.next((f) => f.clientId === clientId || f.ref === clientId)).conversationId as string;
      v.socket.send({ type: 'read', conversationId, seq: i + 1 });
    }
    // Each tab's answer is awaited from before its frames go (a tab may answer while another is still busy).
    const answered = tabs.map((tab) => tab.socket.next((f) => f.type === 'history.result'));
    for (const tab of tabs) {
      tab.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
      tab.socket.send({ type: 'history', conversationId, beforeSeq: 5, limit: 2 });
      tab.socket.send({ type: 'ping', t: 1 });
    }
    await Promise.all(answered);
    for (const tab of tabs) expect(tab.socket.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited')).toEqual([]);
    expect(v.socket.frames.filter((f: Frame) => f.type === 'ack')).toHaveLength(8);
    for (const s of [agent.socket, flooder.socket, ...tabs.map((t) => t.socket)]) s.close();
  });
});
