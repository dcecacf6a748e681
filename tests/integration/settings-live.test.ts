/**
 * An admin's saved settings reach sessions that are already open: widgets get the new public
 * settings (`site.updated`, `availability`), and what the server decides per frame — whether the
 * bot answers, the business hours it answers with, live preview, verified identity — follows the
 * new values on the next frame, without anyone reconnecting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';
import { WebSocket as NodeWebSocket } from 'ws';
import { createChat } from '../../widget/app/state/chat';
import { effect } from '../../widget/app/state/signal';

let server: TestServer;
let admin: string;
let siteId: string;

beforeAll(async () => {
  server = await startTestServer({ bot: true });
  admin = await signIn(server, 'ana@example.com');
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});
afterAll(async () => {
  await server.destroy();
});

function patchSite(body: unknown) {
  return fetch(`${server.origin}/api/agent/admin/site`, {
    method: 'PATCH',
    headers: { Cookie: admin, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
    body: JSON.stringify(body),
  });
}

/** Sends a shopper message and waits for its ack: the conversation it landed in. */
async function write(socket: Awaited<ReturnType<typeof connectVisitor>>['socket'], text: string): Promise<string> {
  const clientId = cid();
  const ack = socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  socket.send({ type: 'message.send', clientId, text });
  return (await ack).conversationId as string;
}

const fromBot = (conversationId: string) => (f: Frame) => f.type === 'message.created' && (f.message as Frame).conversationId === conversationId && ((f.message as Frame).author as Frame).kind === 'bot';

describe('settings saved while sessions are open', () => {
  it('fix the panel\'s colours (theme): site.updated and a new panel page carry it; auto carries nothing', async () => {
    const visitor = await connectVisitor(server);
    const dark = visitor.socket.nextOfType('site.updated');
    expect((await patchSite({ theme: 'dark' })).status).toBe(200);
    expect((await dark).theme).toBe('dark');
    const page = await (await fetch(`${server.origin}/widget/frame?site=pk_demo&lang=es`)).text();
    expect(JSON.parse(/id="mostrador-config">(.*?)<\/script>/.exec(page)![1]!)).toMatchObject({ theme: 'dark', lang: 'es' });
    const auto = visitor.socket.nextOfType('site.updated');
    expect((await patchSite({ theme: 'auto' })).status).toBe(200);
    expect(await auto).not.toHaveProperty('theme');
    expect((await patchSite({ theme: 'purple' })).status).toBe(422);
    visitor.socket.close();
  });

  it('reach an open widget as site.updated with the new branding and public settings', async () => {
    const visitor = await connectVisitor(server);
    const updated = visitor.socket.nextOfType('site.updated');
    const res = await patchSite({ brandColor: '#225522', greeting: { es: 'Hola de nuevo' }, launcherPosition: 'left', livePreview: true, preChatForm: true });
    expect(res.status).toBe(200);
    expect(await updated).toEqual({
      type: 'site.updated',
      siteName: expect.any(String),
      color: '#225522',
      greeting: { es: 'Hola de nuevo' },
      logoUrl: null,
      side: 'left',
      livePreview: true,
      preChatForm: true,
    });
    const back = visitor.socket.next((f) => f.type === 'site.updated' && f.preChatForm === false);
    expect((await patchSite({ livePreview: false, preChatForm: false })).status).toBe(200);
    expect(await back).toMatchObject({ livePreview: false, color: '#225522' });
    visitor.socket.close();
  });

  it('the bot turned off applies to the next message of a widget opened while it was on', async () => {
    // Opened while the bot answers: a first chat on another widget shows it does.
    const before = await connectVisitor(server, { locale: 'es' });
    const open = await connectVisitor(server, { locale: 'es' });
    const first = await write(before.socket, 'hola');
    await before.socket.next(fromBot(first));
    expect((await server.store.conversations.listItem(siteId, first))?.status).toBe('bot');

    expect((await patchSite({ botEnabled: false })).status).toBe(200);
    const conversationId = await write(open.socket, 'hola, ¿tenéis descafeinado?');
    expect((await server.store.conversations.listItem(siteId, conversationId))?.status).toBe('queued');
    // …and the bot stays quiet: the next frame through the socket is answered by nobody but the ack.
    const pong = open.socket.nextOfType('pong');
    open.socket.send({ type: 'ping', t: 1 });
    await pong;
    expect(open.socket.frames.some(fromBot(conversationId))).toBe(false);

    expect((await patchSite({ botEnabled: true })).status).toBe(200);
    const again = await connectVisitor(server, { locale: 'es' });
    const later = await write(again.socket, 'hola');
    await again.socket.next(fromBot(later));
    for (const v of [before, open, again]) v.socket.close();
  });

  it('new business hours: open widgets hear they are closed, and the bot answers with the new hours on the next message', async () => {
    const visitor = await connectVisitor(server, { locale: 'es' });
    expect(visitor.welcome.availability).toMatchObject({ available: false });
    expect(visitor.welcome.availability).not.toHaveProperty('backAt');
    const closed = visitor.socket.next((f) => f.type === 'availability' && f.available === false && 'backAt' in f);
    // Never open: no day has a range.
    expect((await patchSite({ hours: { timeZone: 'Europe/Madrid', schedule: { weekly: {} } } })).status).toBe(200);
    expect(await closed).toEqual({ type: 'availability', available: false, names: [], backAt: null });

    const conversationId = await write(visitor.socket, 'Quiero hablar con una persona');
    const reply = await visitor.socket.next(fromBot(conversationId));
    // Off hours with no opening ahead (not "nobody is online", what it says while open).
    expect((reply.message as Frame).text).toContain('Ahora mismo el equipo no está disponible. He pasado tu mensaje.');

    const reopened = visitor.socket.next((f) => f.type === 'availability' && !('backAt' in f && f.backAt === null));
    expect((await patchSite({ hours: null })).status).toBe(200);
    expect(await reopened).toMatchObject({ type: 'availability' });
    visitor.socket.close();
  });

  it('live preview and verified identity switched on apply to sockets opened before', async () => {
    const agent = await connectAgent(server, admin);
    const visitor = await connectVisitor(server);
    const conversationId = await write(visitor.socket, 'hola');

    expect((await patchSite({ livePreview: true, requireVerifiedIdentity: true })).status).toBe(200);
    const preview = agent.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId && f.on === true);
    visitor.socket.send({ type: 'typing', conversationId, on: true, preview: 'quería pregun' });
    expect(await preview).toMatchObject({ preview: 'quería pregun' });

    const refused = visitor.socket.nextOfType('error');
    visitor.socket.send({ type: 'identify', id: 'cust_1', email: 'x@example.com', hash: 'not-the-hash' });
    expect(await refused).toMatchObject({ code: 'identity_refused' });

    expect((await patchSite({ livePreview: false, requireVerifiedIdentity: false })).status).toBe(200);
    const plain = agent.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId && f.on === false);
    visitor.socket.send({ type: 'typing', conversationId, on: false });
    await plain;
    const previewOff = agent.socket.next((f) => f.type === 'typing' && f.conversationId === conversationId && f.on === true);
    visitor.socket.send({ type: 'typing', conversationId, on: true, preview: 'secreto' });
    expect(await previewOff).not.toHaveProperty('preview');
    agent.socket.close();
    visitor.socket.close();
  });

  it('the panel’s chat model applies them: colour, greeting, live preview, pre-chat form', async () => {
    const origin = server.origin;
    // The browser's WebSocket, as the panel uses it, from the `ws` package with the shop's Origin.
    class BrowserLikeSocket extends NodeWebSocket {
      constructor(url: string) {
        super(url, { headers: { Origin: origin } });
      }
    }
    const events = new EventTarget();
    Object.assign(globalThis, { WebSocket: BrowserLikeSocket, addEventListener: events.addEventListener.bind(events), removeEventListener: events.removeEventListener.bind(events) });
    const values = new Map<string, string>();
    const storage = { getItem: (k: string) => values.get(k) ?? null, setItem: (k: string, v: string) => void values.set(k, v), removeItem: (k: string) => void values.delete(k) } as unknown as Storage;
    const chat = createChat({
      siteKey: 'pk_demo',
      socketUrl: `ws://127.0.0.1:${server.port}/ws/visitor?site=pk_demo`,
      locale: 'es',
      storage,
      brand: { siteName: 'Tienda', color: '#000000', greeting: { es: 'Hola' }, logoUrl: null, livePreview: false, preChatForm: false },
    });
    try {
      chat.start();
      await new Promise<void>((resolve) => {
        const stop = effect(() => {
          if (chat.availability.value !== null) queueMicrotask(() => (stop(), resolve()));
        });
      });
      const applied = new Promise<void>((resolve) => {
        const stop = effect(() => {
          if (chat.brand.value.color === '#114477') queueMicrotask(() => (stop(), resolve()));
        });
      });
      expect((await patchSite({ brandColor: '#114477', greeting: { es: 'Buenas', en: 'Hello' }, livePreview: true, preChatForm: true })).status).toBe(200);
      await applied;
      expect(chat.brand.value).toMatchObject({ color: '#114477', greeting: { es: 'Buenas', en: 'Hello' }, livePreview: true, preChatForm: true, logoUrl: null });
    } finally {
      chat.shutdown();
      for (const key of ['WebSocket', 'addEventListener', 'removeEventListener']) delete (globalThis as Record<string, unknown>)[key];
    }
  });
});
