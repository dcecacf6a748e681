import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, type Frame } from '../helpers/ws-client';

/** The merchant's bot: a real HTTP server whose behaviour each test scripts. */
type Behaviour = (body: Frame) => { status: number; body?: unknown; delayMs?: number };
let behaviour: Behaviour = () => ({ status: 204 });
const calls: { headers: IncomingHttpHeaders; raw: string; body: Frame }[] = [];
let bot: Server;
let botUrl: string;

let server: TestServer;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.origin}/api/v1${path}`, {
    ...init,
    headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });

beforeAll(async () => {
  bot = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Frame;
      calls.push({ headers: req.headers, raw, body });
      const answer = behaviour(body);
      setTimeout(() => {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => bot.listen(0, '127.0.0.1', r));
  botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/bot`;
  server = await startTestServer({ bot: true, env: { ALLOW_PRIVATE_NETWORK_TARGETS: '1' } });
});
afterAll(async () => {
  await server.destroy();
  bot.closeAllConnections();
  await new Promise<void>((r) => bot.close(() => r()));
});

async function plugIn(body: object): Promise<Frame> {
  const res = await api('/bot', { method: 'PUT', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Frame;
}

async function shopperSays(text: string) {
  const visitor = await connectVisitor(server);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  return { ...visitor, conversationId };
}

const fromBot = (f: Frame) => f.type === 'message.created' && ((f.message as Frame).author as Frame).kind === 'bot';
const handedOver = (f: Frame) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | null)?.event === 'handoff';

describe('the merchant’s own bot', () => {
  let secret: string;

  it('gets each shopper message signed, and its answer (with quick replies) reaches the shopper', async () => {
    const plugged = await plugIn({ url: botUrl, fallback: 'builtin', timeoutMs: 1500 });
    expect(plugged).toMatchObject({ url: botUrl, fallback: 'builtin', timeoutMs: 1500 });
    secret = plugged.secret as string;
    expect(secret).toMatch(/^bsec_/);
    // The secret is shown once: reading the settings does not return it.
    expect(await (await api('/bot')).json()).toEqual({ url: botUrl, fallback: 'builtin', timeoutMs: 1500 });

    behaviour = (b) => ({ status: 200, body: { replies: [{ text: `Echo: ${(b.message as Frame).text}`, quickReplies: ['Sí', 'No'] }] } });
    const shopper = await shopperSays('¿Tenéis café descafeinado?');
    const reply = await shopper.socket.next(fromBot);
    expect(reply.message).toMatchObject({ text: 'Echo: ¿Tenéis café descafeinado?', kind: 'card', payload: { type: 'quick_replies', options: ['Sí', 'No'] } });

    const call = calls[calls.length - 1]!;
    expect(call.body).toMatchObject({ event: 'message.created', conversation: { id: shopper.conversationId, status: 'bot' }, message: { text: '¿Tenéis café descafeinado?' } });
    const [t, v1] = String(call.headers['x-mostrador-signature']).split(',').map((p) => p.split('=')[1]!);
    expect(createHmac('sha256', secret).update(`${t}.${call.raw}`).digest('hex')).toBe(v1);
    shopper.socket.close();
  });

  it('may answer later through the REST API, and hand over to people', async () => {
    behaviour = () => ({ status: 202 });
    const shopper = await shopperSays('Quiero cambiar la dirección de envío');
    await expect.poll(() => calls.some((c) => (c.body.conversation as Frame).id === shopper.conversationId), { timeout: 5000 }).toBe(true);

    const later = shopper.socket.next(fromBot);
    const sent = await api(`/conversations/${shopper.conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Lo miro y te digo', author: { kind: 'bot', name: 'Bot de la tienda' } }) });
    expect(sent.status).toBe(201);
    expect((await later).message).toMatchObject({ text: 'Lo miro y te digo', author: { kind: 'bot', name: 'Bot de la tienda' } });

    const handoff = shopper.socket.next(handedOver);
    const res = await api(`/conversations/${shopper.conversationId}/handoff`, { method: 'POST', body: JSON.stringify({ reason: 'address change' }) });
    expect(await res.json()).toEqual({ conversationId: shopper.conversationId, status: 'queued' });
    expect(((await handoff).message as Frame).payload).toEqual({ event: 'handoff', reason: 'external_bot' });
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    expect((await server.store.conversations.botData(site.id, shopper.conversationId))?.handoff).toMatchObject({ reason: 'external_bot', intent: 'address change' });
    // Once people have it, the bot is not asked again and cannot hand it over twice.
    const again = await api(`/conversations/${shopper.conversationId}/handoff`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(409);
    shopper.socket.close();
  });

  it('falls back to the built-in bot when it times out, and to people when it fails and the site says so', async () => {
    behaviour = () => ({ status: 200, delayMs: 3000, body: { replies: [{ text: 'too late' }] } });
    const slow = await shopperSays('quiero hablar con una persona');
    // The built-in bot understood the request and handed over.
    await slow.socket.next(handedOver, 10_000);
    slow.socket.close();

    await plugIn({ url: botUrl, fallback: 'handoff' });
    behaviour = () => ({ status: 500, body: { error: 'boom' } });
    const failing = await shopperSays('hola');
    await failing.socket.next(handedOver, 10_000);
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    expect((await server.store.conversations.botData(site.id, failing.conversationId))?.handoff).toMatchObject({ reason: 'bot_unavailable' });

    behaviour = () => ({ status: 200, body: { replies: 'not a list' } });
    const garbled = await shopperSays('hola otra vez');
    await garbled.socket.next(handedOver, 10_000);
    for (const s of [failing, garbled]) s.socket.close();
  });

  it('refuses a private or loopback URL unless ALLOW_PRIVATE_NETWORK_TARGETS is set, and can be removed', async () => {
    const strict = await startTestServer();
    try {
      const res = await fetch(`${strict.origin}/api/v1/bot`, {
        method: 'PUT',
        headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: 'http://127.0.0.1:9/bot' }),
      });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'private_target', field: 'url' });
    } finally {
      await strict.destroy();
    }
    expect(await plugIn({ url: null })).toMatchObject({ url: null });
    expect(await (await api('/bot')).json()).toMatchObject({ url: null });
    // The built-in bot answers again.
    const before = calls.length;
    const shopper = await shopperSays('¿cuál es el horario?');
    await shopper.socket.next(fromBot, 10_000);
    expect(calls.length).toBe(before);
    shopper.socket.close();
  });
});
