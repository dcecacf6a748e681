import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth';
import { hashToken } from '../../server/ids';
import { addSite, startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let ana: string;
let luis: string;
let siteId: string;

beforeAll(async () => {
  server = await startTestServer({ routing: 'auto' });
  ana = await signIn(server, 'ana@example.com');
  luis = await signIn(server, 'luis@example.com');
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});
afterAll(async () => {
  await server.destroy();
});

const agentIds = async () => {
  const list = await server.store.agents.list(siteId);
  return { ana: list.find((a) => a.name === 'Ana')!.id, luis: list.find((a) => a.name === 'Luis')!.id };
};

describe('CSRF', () => {
  const patchSite = (cookie: string, token?: string) =>
    fetch(`${server.origin}/api/agent/admin/site`, {
      method: 'PATCH',
      headers: { Cookie: cookie, Origin: server.origin, 'Content-Type': 'application/json', ...(token !== undefined ? { 'X-CSRF-Token': token } : {}) },
      body: JSON.stringify({ greeting: { en: 'Hello!' } }),
    });

  it('refuses a state-changing admin request without the session token, or with another session’s', async () => {
    const missing = await patchSite(ana);
    expect(missing.status).toBe(403);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await missing.json()).toMatchObject({ status: 403, code: 'csrf' });
    expect((await patchSite(ana, 'x'.repeat(43))).status).toBe(403);
    const other = await signIn(server, 'ana@example.com');
    expect(csrfOf(other)).not.toBe(csrfOf(ana));
    expect((await patchSite(ana, csrfOf(other))).status).toBe(403);
    expect((await patchSite(ana, csrfOf(ana))).status).toBe(200);
  });

  it('gives the token in /me, and guards sign-out and agent uploads', async () => {
    const cookie = await signIn(server, 'luis@example.com');
    const me = (await (await fetch(`${server.origin}/api/agent/me`, { headers: { Cookie: cookie } })).json()) as { csrfToken: string };
    expect(me.csrfToken).toBe(csrfOf(cookie));
    const upload = await fetch(`${server.origin}/api/uploads/agent`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: server.origin, 'X-File-Name': 'a.pdf', 'Content-Type': 'application/octet-stream' },
      body: '%PDF-1.4\n',
    });
    expect(upload.status).toBe(403);
    expect(await upload.json()).toMatchObject({ code: 'csrf' });
    const out = await fetch(`${server.origin}/api/agent/session`, { method: 'DELETE', headers: { Cookie: cookie, Origin: server.origin } });
    expect(out.status).toBe(403);
    expect((await fetch(`${server.origin}/api/agent/me`, { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it('keeps the Origin check: a foreign origin is refused even with the right token', async () => {
    const res = await fetch(`${server.origin}/api/agent/admin/site`, {
      method: 'PATCH',
      headers: { Cookie: ana, Origin: 'https://evil.example', 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(ana) },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });
});

describe('canned responses and teams for agents', () => {
  it("are readable by every agent of the site, and only their own site's", async () => {
    const res = await fetch(`${server.origin}/api/agent/canned`, { headers: { Cookie: luis } });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { id: string; shortcut: string; text: Record<string, string> }[] };
    expect(data.map((r) => r.shortcut)).toEqual(['hola', 'seguimiento']);
    expect(data[0]!.text.es).toContain('{{customer.first_name}}');

    // A second shop with its own agent and canned responses.
    const now = Date.now();
    await addSite(server, { id: 'site_other', name: 'Otra', publicKey: 'pk_other', secretKey: 'sk_other', secretKeyHash: hashToken('sk_other'), allowedOrigins: [], settings: {}, createdAt: now }, [{ id: 'ag_eve', siteId: 'site_other', email: 'eve@other.example', name: 'Eve', role: 'agent', passwordHash: await hashPassword('otra-clave-12345'), createdAt: now }]);
    await server.store.sites.update('site_other', { settings: { canned: [{ id: 'cr_x', shortcut: 'otra', text: { en: 'Other shop' } }], teams: ['Wholesale'] } });
    const eve = await signIn(server, 'eve@other.example', 'otra-clave-12345');
    const theirs = (await (await fetch(`${server.origin}/api/agent/canned`, { headers: { Cookie: eve } })).json()) as { data: { shortcut: string }[] };
    expect(theirs.data.map((r) => r.shortcut)).toEqual(['otra']);
    const teams = (await (await fetch(`${server.origin}/api/agent/teams`, { headers: { Cookie: eve } })).json()) as { data: string[] };
    expect(teams.data).toEqual(['Wholesale']);
    expect((await fetch(`${server.origin}/api/agent/canned`)).status).toBe(401);
  });

  it("offer the union of the agents' teams and the site's teams", async () => {
    const ids = await agentIds();
    await server.store.agents.update(siteId, ids.luis, { teams: ['Returns'] });
    const site = (await server.store.sites.byId(siteId))!;
    await server.store.sites.update(siteId, { settings: { ...site.settings, teams: ['Wholesale', 'returns'] } });
    const teams = (await (await fetch(`${server.origin}/api/agent/teams`, { headers: { Cookie: ana } })).json()) as { data: string[] };
    expect(teams.data).toEqual(['Returns', 'Wholesale']);
  });
});

describe('transfer to a team', () => {
  it('puts the chat back in the queue for the team, which routing gives to a member; the note stays internal', async () => {
    const ids = await agentIds();
    await server.store.agents.update(siteId, ids.luis, { teams: ['Returns'] });
    const l = await connectAgent(server, luis);
    l.socket.send({ type: 'status', status: 'away' });
    const a = await connectAgent(server, ana);
    await new Promise((r) => setTimeout(r, 50));

    const visitor = await connectVisitor(server);
    const first = cid('v');
    const assignedToAna = a.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).assigneeId === ids.ana);
    visitor.socket.send({ type: 'message.send', clientId: first, text: 'Quiero devolver un pedido' });
    const conversationId = ((await assignedToAna).conversation as Frame).id as string;

    l.socket.send({ type: 'status', status: 'online' });
    const movedToLuis = l.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).assigneeId === ids.luis);
    const unknown = cid('act');
    const refused = a.socket.next((f) => f.ref === unknown);
    a.socket.send({ type: 'conversation.action', clientId: unknown, conversationId, action: 'transfer', team: 'Marketing' });
    expect(await refused).toMatchObject({ type: 'error', code: 'not_found' });

    const clientId = cid('act');
    const ack = a.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    a.socket.send({ type: 'conversation.action', clientId, conversationId, action: 'transfer', team: 'returns', note: 'Pedido 1001, quiere reembolso' });
    await ack;
    await movedToLuis;
    const stored = (await server.store.conversations.get(siteId, conversationId))!;
    expect(stored).toMatchObject({ status: 'assigned', assigneeId: ids.luis, team: 'Returns' });

    const page = a.socket.nextOfType('sync.result');
    a.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const messages = (await page).messages as Frame[];
    expect(messages.find((m) => (m.payload as Frame | null)?.event === 'transferred_team')).toMatchObject({ kind: 'system', text: 'Transferred to team Returns', payload: { team: 'Returns', fromName: 'Ana' } });
    expect(messages.find((m) => m.kind === 'note')).toMatchObject({ text: 'Pedido 1001, quiere reembolso', author: { kind: 'agent', name: 'Ana' } });

    // The shopper saw the event, never the note.
    const shopperPage = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    await shopperPage;
    expect(JSON.stringify(visitor.socket.frames)).toContain('transferred_team');
    expect(JSON.stringify(visitor.socket.frames)).not.toContain('reembolso');
    for (const s of [a.socket, l.socket, visitor.socket]) s.close();
  });
});

describe('acting on what the agent saw', () => {
  it('refuses a take of a chat another agent took a moment earlier instead of taking it from them', async () => {
    const ids = await agentIds();
    await server.store.sites.update(siteId, { settings: { ...(await server.store.sites.byId(siteId))!.settings, routing: { mode: 'manual' } } });
    const a = await connectAgent(server, ana);
    const l = await connectAgent(server, luis);
    const visitor = await connectVisitor(server);
    const first = cid('v');
    visitor.socket.send({ type: 'message.send', clientId: first, text: '¿Alguien?' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    const seen = { status: 'queued', assigneeId: null };
    const mine = cid('take');
    const ok = a.socket.next((f) => f.clientId === mine || f.ref === mine);
    a.socket.send({ type: 'conversation.action', clientId: mine, conversationId, action: 'take', seen });
    expect(await ok).toMatchObject({ type: 'ack' });
    const late = cid('take');
    const refused = l.socket.next((f) => f.clientId === late || f.ref === late);
    l.socket.send({ type: 'conversation.action', clientId: late, conversationId, action: 'take', seen });
    expect(await refused).toMatchObject({ type: 'error', code: 'conflict' });
    expect(await server.store.conversations.get(siteId, conversationId)).toMatchObject({ assigneeId: ids.ana });
    for (const s of [a.socket, l.socket, visitor.socket]) s.close();
  });
});

describe('live visitors and start chat', () => {
  it('lists who is on the shop and lets an agent write first; the shopper receives it live', async () => {
    const ids = await agentIds();
    const a = await connectAgent(server, ana);
    const row = (f: Frame, match: (v: Frame) => boolean) => f.type === 'visitors.delta' && (f.visitors as Frame[]).some(match);
    const seen = a.socket.next((f) => row(f, (v) => v.url === 'https://shop.example/cafe' && v.cart !== null), 8000);
    const visitor = await connectVisitor(server);
    visitor.socket.send({
      type: 'context',
      url: 'https://shop.example/cafe',
      title: 'Café de Etiopía',
      cart: { items: [{ name: 'Café', quantity: 2, price: 1450 }], total: 2900, currency: 'EUR' },
    });
    const listed = ((await seen).visitors as Frame[]).find((v) => v.visitorId === visitor.visitorId);
    expect(listed).toMatchObject({ online: true, title: 'Café de Etiopía', cart: { count: 1, total: 2900, currency: 'EUR' }, identified: false, returning: false, name: null });

    const named = a.socket.next((f) => row(f, (v) => v.visitorId === visitor.visitorId && v.name === 'Rosa'), 8000);
    visitor.socket.send({ type: 'profile', name: 'Rosa' });
    await named;

    const clientId = cid('start');
    const arrives = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
    const ack = a.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    a.socket.send({ type: 'visitor.chat', clientId, visitorId: visitor.visitorId, text: '¿Te ayudo con el café?' });
    const conversationId = (await ack).conversationId as string;
    expect(((await arrives).message as Frame)).toMatchObject({ conversationId, text: '¿Te ayudo con el café?', author: { kind: 'agent', name: 'Ana' } });
    expect(await server.store.conversations.get(siteId, conversationId)).toMatchObject({ status: 'assigned', assigneeId: ids.ana });

    // Again: the same conversation, not a second one.
    const again = cid('start');
    const ack2 = a.socket.next((f) => f.type === 'ack' && f.clientId === again);
    a.socket.send({ type: 'visitor.chat', clientId: again, visitorId: visitor.visitorId, text: 'Sigo aquí' });
    expect((await ack2).conversationId).toBe(conversationId);

    // Another agent cannot start a chat someone already has.
    const l = await connectAgent(server, luis);
    const theirs = cid('start');
    const refused = l.socket.next((f) => f.ref === theirs);
    l.socket.send({ type: 'visitor.chat', clientId: theirs, visitorId: visitor.visitorId, text: 'Hola' });
    expect(await refused).toMatchObject({ type: 'error', code: 'not_allowed' });
    for (const s of [a.socket, l.socket, visitor.socket]) s.close();
  });

  it("reuses a shopper's waiting chat, and never reaches another site's visitor", async () => {
    const ids = await agentIds();
    await server.store.sites.update(siteId, { settings: { ...(await server.store.sites.byId(siteId))!.settings, routing: { mode: 'manual' } } });
    const visitor = await connectVisitor(server);
    const first = cid('v');
    visitor.socket.send({ type: 'message.send', clientId: first, text: 'Hola, ¿hay alguien?' });
    const waiting = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    const a = await connectAgent(server, ana);
    const clientId = cid('start');
    const ack = a.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    a.socket.send({ type: 'visitor.chat', clientId, visitorId: visitor.visitorId, text: 'Sí, dime' });
    expect((await ack).conversationId).toBe(waiting);
    expect(await server.store.conversations.get(siteId, waiting)).toMatchObject({ status: 'assigned', assigneeId: ids.ana });

    const eve = await connectAgent(server, await signIn(server, 'eve@other.example', 'otra-clave-12345'));
    expect((eve.welcome.visitors as Frame[]).map((v) => v.visitorId)).not.toContain(visitor.visitorId);
    const foreign = cid('start');
    const refused = eve.socket.next((f) => f.ref === foreign);
    eve.socket.send({ type: 'visitor.chat', clientId: foreign, visitorId: visitor.visitorId, text: 'Hola' });
    expect(await refused).toMatchObject({ type: 'error', code: 'not_found' });
    for (const s of [a.socket, eve.socket, visitor.socket]) s.close();
  });
});
