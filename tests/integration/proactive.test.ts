import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProactiveRule } from '../../shared/site-settings';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let siteId: string;
let anaId: string;

const DELAY_S = 2;
const rules: ProactiveRule[] = [
  {
    id: 'checkout-help',
    enabled: true,
    priority: 10,
    conditions: [
      { type: 'url', pattern: '/checkout' },
      { type: 'cart_total_at_least', cents: 3000 },
      { type: 'time_on_page', seconds: DELAY_S },
    ],
    message: { es: '¿Te ayudo con el pago?', en: 'Need a hand with checkout?' },
    from: { kind: 'bot' },
    onceEveryDays: 7,
  },
  {
    id: 'from-ana',
    enabled: true,
    priority: 5,
    conditions: [{ type: 'url', pattern: '/ofertas' }],
    message: { en: 'Ana here: today only, free shipping.' },
    from: { kind: 'agent', agentId: 'set-below' },
    onceEveryDays: 1,
  },
  { id: 'switched-off', enabled: false, priority: 1, conditions: [{ type: 'url', pattern: '/' }], message: { es: 'No' }, from: { kind: 'bot' }, onceEveryDays: 1 },
  { id: 'vip-only', enabled: true, priority: 1, conditions: [{ type: 'customer_tag', tag: 'vip' }], message: { es: 'Hola VIP' }, from: { kind: 'bot' }, onceEveryDays: 1 },
];

beforeAll(async () => {
  server = await startTestServer();
  const site = (await server.store.sites.byPublicKey('pk_demo'))!;
  siteId = site.id;
  anaId = (await server.store.agents.list(siteId)).find((a) => a.name === 'Ana')!.id;
  rules[1]!.from = { kind: 'agent', agentId: anaId };
  await server.store.sites.update(siteId, { settings: { ...site.settings, proactive: { rules } } });
});
afterAll(async () => {
  await server.destroy();
});

const ask = async (socket: Awaited<ReturnType<typeof connectVisitor>>['socket'], ruleId: string, extra: object = {}) => {
  const answer = socket.next((f) => f.type === 'proactive' && f.ruleId === ruleId);
  socket.send({ type: 'proactive', ruleId, ...extra });
  return answer;
};

const cart = { items: [{ name: 'Café de Colombia 1 kg', quantity: 2, price: 2250 }], total: 4500, currency: 'EUR' };

describe('proactive messages', () => {
  it('fire only once the conditions hold (after the delay on the page), reach every tab, and never twice within the cap', async () => {
    const tab1 = await connectVisitor(server);
    tab1.socket.send({ type: 'context', url: 'https://shop.example/checkout?step=2', title: 'Pago', cart });
    // Asked too early: the shopper has not been on the page long enough.
    expect(await ask(tab1.socket, 'checkout-help')).toMatchObject({ fired: false, reason: 'conditions' });

    // The panel measured less than the delay (it counts from the page's load): still too early.
    expect(await ask(tab1.socket, 'checkout-help', { onPageMs: 1200 })).toMatchObject({ fired: false, reason: 'conditions' });

    // After the delay on the page (as the server saw it), the rule fires.
    const tab2 = await connectVisitor(server, { token: tab1.token });
    await new Promise((r) => setTimeout(r, DELAY_S * 1000 + 200));
    const inTab1 = tab1.socket.next((f) => f.type === 'message.created');
    const inTab2 = tab2.socket.next((f) => f.type === 'message.created');
    expect(await ask(tab1.socket, 'checkout-help')).toMatchObject({ fired: true });
    const message = (await inTab1).message as Frame;
    expect(message).toMatchObject({ text: '¿Te ayudo con el pago?', author: { kind: 'bot' }, payload: { proactive: 'checkout-help' } });
    expect(((await inTab2).message as Frame).id).toBe(message.id);

    // While that chat is going on, nothing else interrupts it.
    expect(await ask(tab1.socket, 'checkout-help')).toMatchObject({ fired: false, reason: 'chat_active' });

    // The chat ends; a new page view asks again: the rule's cap (once in 7 days) holds.
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const clientId = cid('act');
    const resolved = ana.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    ana.socket.send({ type: 'conversation.action', clientId, conversationId: message.conversationId, action: 'resolve' });
    await resolved;
    tab1.socket.send({ type: 'context', url: 'https://shop.example/checkout', title: 'Pago' });
    expect(await ask(tab1.socket, 'checkout-help', { onPageMs: 60_000 })).toMatchObject({ fired: false, reason: 'capped' });

    // Exactly one proactive message was stored for this visitor.
    const stored = await server.store.messages.after(siteId, message.conversationId as string, 0, 100);
    expect(stored.filter((m) => (m.payload as { proactive?: string } | null)?.proactive === 'checkout-help')).toHaveLength(1);
    for (const s of [tab1.socket, tab2.socket, ana.socket]) s.close();
  });

  it('come from the named agent in the rule, in the other language when the shopper’s is missing', async () => {
    const visitor = await connectVisitor(server);
    visitor.socket.send({ type: 'context', url: 'https://shop.example/ofertas/cafe' });
    const created = visitor.socket.next((f) => f.type === 'message.created');
    expect(await ask(visitor.socket, 'from-ana')).toMatchObject({ fired: true });
    expect((await created).message).toMatchObject({ text: 'Ana here: today only, free shipping.', author: { kind: 'agent', id: anaId, name: 'Ana' } });
    visitor.socket.close();
  });

  it('refuse unknown and switched-off rules, other pages, and tags the shopper does not verifiably have', async () => {
    const visitor = await connectVisitor(server);
    visitor.socket.send({ type: 'context', url: 'https://shop.example/' });
    expect(await ask(visitor.socket, 'no-such-rule')).toMatchObject({ fired: false, reason: 'unknown_rule' });
    expect(await ask(visitor.socket, 'switched-off')).toMatchObject({ fired: false, reason: 'unknown_rule' });
    expect(await ask(visitor.socket, 'from-ana')).toMatchObject({ fired: false, reason: 'conditions' });
    // An anonymous visitor claiming anything is not a verified VIP.
    visitor.socket.send({ type: 'identify', id: 'cus_maria', email: 'maria@example.com', name: 'María' });
    await visitor.socket.next((f) => f.type === 'identified');
    expect(await ask(visitor.socket, 'vip-only')).toMatchObject({ fired: false, reason: 'conditions' });
    // A malformed ask is a typed error, not a crash.
    const error = visitor.socket.next((f) => f.type === 'error');
    visitor.socket.send({ type: 'proactive', ruleId: '' });
    expect(await error).toMatchObject({ code: 'bad_frame' });
    visitor.socket.close();
  });
});
