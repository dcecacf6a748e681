/**
 * Tags (contact reasons) on conversations over real sockets (issue 16): an agent adds and removes
 * them, every agent of the site sees the change at once, they are normalised, capped per
 * conversation, scoped to the site, listed for suggestions, and filter message search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/ids';
import { TAG_LIMITS } from '../../shared/tags';
import { seedMessage } from '../helpers/seed';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let anaCookie: string;
let luisCookie: string;
let siteId: string;

beforeAll(async () => {
  server = await startTestServer();
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
  anaCookie = await signIn(server, 'ana@example.com');
  luisCookie = await signIn(server, 'luis@example.com');
});
afterAll(async () => {
  await server.destroy();
});

async function newChat(text: string): Promise<string> {
  const visitor = await server.store.visitors.create({ siteId, tokenHash: hashToken(`tags-${text}-${Math.random()}`), locale: 'es', now: Date.now() });
  const result = await seedMessage(server.store, { siteId, visitorId: visitor.id, clientId: cid('s'), author: { kind: 'visitor', id: visitor.id }, text });
  return result.conversation.id;
}

const updatedWith = (id: string, tags: string[]) => (f: Frame) =>
  f.type === 'conversation.updated' && (f.conversation as { id: string }).id === id && JSON.stringify((f.conversation as { tags?: string[] }).tags) === JSON.stringify(tags);

describe('conversation tags', () => {
  it('an agent tags a chat: normalised, and every agent of the site gets the new tags live', async () => {
    const id = await newChat('quiero devolver unas zapatillas');
    const ana = await connectAgent(server, anaCookie);
    const luis = await connectAgent(server, luisCookie);
    const seenByLuis = luis.socket.next(updatedWith(id, ['devolución']));
    ana.socket.send({ type: 'conversation.tag', clientId: cid('t'), conversationId: id, tag: '  Devolución ', on: true });
    await seenByLuis;
    // Twice is once.
    ana.socket.send({ type: 'conversation.tag', clientId: cid('t'), conversationId: id, tag: 'DEVOLUCIÓN', on: true });
    const both = luis.socket.next(updatedWith(id, ['devolución', 'talla-equivocada']));
    ana.socket.send({ type: 'conversation.tag', clientId: cid('t'), conversationId: id, tag: 'Talla   equivocada!', on: true });
    await both;
    expect((await server.store.conversations.listItem(siteId, id))!.tags).toEqual(['devolución', 'talla-equivocada']);

    // A reconnecting console gets them in its list.
    const again = await connectAgent(server, luisCookie);
    const listed = (again.welcome.conversations as { id: string; tags?: string[] }[]).find((c) => c.id === id);
    expect(listed?.tags).toEqual(['devolución', 'talla-equivocada']);

    const removed = luis.socket.next(updatedWith(id, ['talla-equivocada']));
    ana.socket.send({ type: 'conversation.tag', clientId: cid('t'), conversationId: id, tag: 'devolución', on: false });
    await removed;
    for (const s of [ana.socket, luis.socket, again.socket]) s.close();
  });

  it('refuses a tag with nothing usable in it, one over the cap, and another site’s chat', async () => {
    const id = await newChat('tengo varias dudas');
    const ana = await connectAgent(server, anaCookie);
    const bad = cid('t');
    ana.socket.send({ type: 'conversation.tag', clientId: bad, conversationId: id, tag: '!!! ???', on: true });
    expect(await ana.socket.next((f) => f.type === 'error' && f.ref === bad)).toMatchObject({ code: 'not_allowed' });
    const long = cid('t');
    ana.socket.send({ type: 'conversation.tag', clientId: long, conversationId: id, tag: 'x'.repeat(TAG_LIMITS.maxLength + 1), on: true });
    expect(await ana.socket.next((f) => f.type === 'error' && f.ref === long)).toMatchObject({ code: 'not_allowed' });

    const tags = Array.from({ length: TAG_LIMITS.perConversation }, (_, i) => `motivo-${String(i).padStart(2, '0')}`);
    const full = ana.socket.next(updatedWith(id, tags));
    for (const tag of tags) ana.socket.send({ type: 'conversation.tag', clientId: cid('t'), conversationId: id, tag, on: true });
    await full;
    const over = cid('t');
    ana.socket.send({ type: 'conversation.tag', clientId: over, conversationId: id, tag: 'uno-más', on: true });
    expect(await ana.socket.next((f) => f.type === 'error' && f.ref === over)).toMatchObject({ code: 'not_allowed' });
    expect((await server.store.conversations.listItem(siteId, id))!.tags).toHaveLength(TAG_LIMITS.perConversation);

    const unknown = cid('t');
    ana.socket.send({ type: 'conversation.tag', clientId: unknown, conversationId: 'cv_of_another_site', tag: 'x', on: true });
    expect(await ana.socket.next((f) => f.type === 'error' && f.ref === unknown)).toMatchObject({ code: 'not_found' });
    ana.socket.close();
  });

  it('lists the site’s tags, most used first, and filters message search by tag', async () => {
    const a = await newChat('el paquete llegó roto');
    const b = await newChat('el paquete no llegó');
    const ana = await connectAgent(server, anaCookie);
    const done = ana.socket.next(updatedWith(b, ['envío-dañado', 'transporte']));
    for (const [id, tag] of [[a, 'envío-dañado'], [b, 'envío-dañado'], [b, 'transporte']] as const) {
      ana.socket.send({ type: 'conversation.tag', clientId: cid('t'), conversationId: id, tag, on: true });
    }
    await done;
    const tags = (await (await fetch(`${server.origin}/api/agent/tags`, { headers: { Cookie: anaCookie } })).json()) as { data: string[] };
    expect(tags.data.indexOf('envío-dañado')).toBeLessThan(tags.data.indexOf('transporte'));

    const search = async (query: string) => {
      const res = await fetch(`${server.origin}/api/agent/search?${query}`, { headers: { Cookie: anaCookie } });
      return { status: res.status, body: (await res.json()) as { data?: { conversationId: string }[]; field?: string } };
    };
    const all = await search('q=paquete');
    expect(new Set(all.body.data!.map((h) => h.conversationId))).toEqual(new Set([a, b]));
    const only = await search(`q=paquete&tag=${encodeURIComponent('Transporte')}`);
    expect(only.body.data!.map((h) => h.conversationId)).toEqual([b]);
    expect((await search('q=paquete&tag=%21%21')).body.field).toBe('tag');

    // Reports filter by tag too (the console's and the REST API's).
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const summary = async (extra: string) => {
      const res = await fetch(`${server.origin}/api/agent/reports/summary?from=${day(-1)}&to=${day(1)}${extra}`, { headers: { Cookie: anaCookie } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { conversations: number }).conversations;
    };
    expect(await summary(`&tag=${encodeURIComponent('Envío dañado')}`)).toBe(2);
    expect(await summary('&tag=transporte')).toBe(1);
    expect(await summary('&tag=nadie-la-usa')).toBe(0);
    expect(await summary('&tag=%21%21')).toBe(0);
    expect(await summary('')).toBeGreaterThanOrEqual(4);
    ana.socket.close();
  });
});
