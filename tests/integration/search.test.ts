/**
 * Message search for agents (issue 16): full text over the site's messages with SQLite FTS5,
 * accents and case ignored, words as prefixes, filters, scoped to the agent's site, and the
 * matched words returned as ranges (never markup).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth';
import { hashToken } from '../../server/ids';
import { seedMessage } from '../helpers/seed';
import { addSite, startTestServer, type TestServer } from '../helpers/server';
import { signIn } from '../helpers/ws-client';

let server: TestServer;
let ana: string;
let siteId: string;
let canaryConversation: string;

interface Hit {
  conversationId: string;
  seq: number;
  authorKind: string;
  kind: string;
  createdAt: string;
  snippet: string;
  marks: [number, number][];
  conversation: { status: string; visitorName: string | null };
}

async function search(cookie: string, query: string): Promise<{ status: number; body: { data?: Hit[]; field?: string } }> {
  const res = await fetch(`${server.origin}/api/agent/search?${query}`, { headers: { Cookie: cookie } });
  return { status: res.status, body: (await res.json()) as { data?: Hit[]; field?: string } };
}

beforeAll(async () => {
  server = await startTestServer();
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
  const visitor = await server.store.visitors.create({ siteId, tokenHash: hashToken('search-visitor'), locale: 'es', now: Date.now() });
  const first = await seedMessage(server.store, { siteId, visitorId: visitor.id, clientId: 'q1', author: { kind: 'visitor', id: visitor.id }, text: 'Hola, ¿hacéis ENVÍOS a las islas Canarias?' });
  canaryConversation = first.conversation.id;
  await seedMessage(server.store, { siteId, conversationId: canaryConversation, clientId: 'q2', author: { kind: 'agent', id: 'ag_x', name: 'Ana' }, text: 'Sí, el envío a Canarias tarda 5 días.' });
  await seedMessage(server.store, { siteId, conversationId: canaryConversation, clientId: 'q3', author: { kind: 'visitor', id: visitor.id }, text: 'Gracias, pido el "té" verde * OR NEAR(' });

  // Another shop whose chat says the same words: never found from this one.
  const now = Date.now();
  await addSite(server, { id: 'site_other', name: 'Otra', publicKey: 'pk_other', secretKey: 'sk_other', secretKeyHash: hashToken('sk_other'), allowedOrigins: [], settings: {}, createdAt: now }, [{ id: 'ag_eve', siteId: 'site_other', email: 'eve@other.example', name: 'Eve', role: 'agent', passwordHash: await hashPassword('otra-clave-12345'), createdAt: now }]);
  const theirs = await server.store.visitors.create({ siteId: 'site_other', tokenHash: hashToken('other-visitor'), locale: 'es', now });
  await seedMessage(server.store, { siteId: 'site_other', visitorId: theirs.id, clientId: 'o1', author: { kind: 'visitor', id: theirs.id }, text: 'Envíos a Canarias, ¿también?' });
  ana = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});

describe('message search', () => {
  it('finds words without regard to accents or case, as prefixes, and marks them', async () => {
    const { status, body } = await search(ana, 'q=envio+canar');
    expect(status).toBe(200);
    const hits = body.data!;
    expect(hits.map((h) => h.seq).sort()).toEqual([1, 2]);
    expect(hits.every((h) => h.conversationId === canaryConversation)).toBe(true);
    const shopper = hits.find((h) => h.seq === 1)!;
    expect(shopper.snippet).toBe('Hola, ¿hacéis ENVÍOS a las islas Canarias?');
    expect(shopper.marks.map(([a, b]) => shopper.snippet.slice(a, b))).toEqual(['ENVÍOS', 'Canarias']);
    expect(shopper.authorKind).toBe('visitor');
    expect(shopper.conversation.status).toBe('queued');
    expect(new Date(shopper.createdAt).toISOString()).toBe(shopper.createdAt);
  });

  it("takes a shopper's punctuation and FTS5 operators as words, never as syntax", async () => {
    const { status, body } = await search(ana, `q=${encodeURIComponent('"té" * OR NEAR(')}`);
    expect(status).toBe(200);
    expect(body.data!.map((h) => h.seq)).toEqual([3]);
  });

  it('filters by status and by date', async () => {
    expect((await search(ana, 'q=canarias&status=resolved')).body.data).toEqual([]);
    expect((await search(ana, 'q=canarias&status=queued')).body.data).toHaveLength(2);
    const today = new Date().toISOString().slice(0, 10);
    expect((await search(ana, `q=canarias&from=${today}&to=${today}`)).body.data).toHaveLength(2);
    expect((await search(ana, 'q=canarias&to=2020-01-01')).body.data).toEqual([]);
  });

  it('filters by channel: what came or went by e-mail, or in the chat', async () => {
    // A reply that came back by e-mail, in the chat of the canary.
    await seedMessage(server.store, { siteId, conversationId: canaryConversation, clientId: 'q-mail', author: { kind: 'visitor' }, text: 'Lo recogerá la paquetería del barrio', channel: 'email' });
    expect((await search(ana, 'q=paqueteria&channel=email')).body.data).toHaveLength(1);
    expect((await search(ana, 'q=paqueteria&channel=chat')).body.data).toEqual([]);
    expect((await search(ana, 'q=canarias&channel=email')).body.data).toEqual([]);
    expect((await search(ana, 'q=canarias&channel=chat')).body.data).toHaveLength(2);
    expect(await search(ana, 'q=canarias&channel=fax')).toMatchObject({ status: 400, body: { field: 'channel' } });
  });

  it("stays inside the agent's shop", async () => {
    const eve = await signIn(server, 'eve@other.example', 'otra-clave-12345');
    const theirs = (await search(eve, 'q=canarias')).body.data!;
    expect(theirs).toHaveLength(1);
    expect(theirs[0]!.conversationId).not.toBe(canaryConversation);
  });

  it('refuses a query without a word, a bad status or date, and anyone signed out', async () => {
    expect(await search(ana, 'q=%22%2A')).toMatchObject({ status: 400, body: { field: 'q' } });
    expect(await search(ana, 'q=canarias&status=open')).toMatchObject({ status: 400, body: { field: 'status' } });
    expect(await search(ana, 'q=canarias&from=ayer')).toMatchObject({ status: 400, body: { field: 'from' } });
    expect((await fetch(`${server.origin}/api/agent/search?q=canarias`)).status).toBe(401);
  });
});
