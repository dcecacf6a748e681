/**
 * Agent identity is per site: an email is unique within a shop, not across shops, so one shop's
 * admin cannot learn whether an address is an agent of another shop (creating it answers the same
 * as for any new address), and the same person may work for several shops — the password picks
 * the shop, and when one password opens several, sign-in asks which. Real server, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth';
import { hashToken } from '../../server/ids';
import { addSite, startTestServer, type TestServer } from '../helpers/server';
import { csrfOf, signIn } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // A second shop on the same server, with its own admin.
  const now = Date.now();
  await addSite(server, { id: 'site_other', name: 'Otra tienda', publicKey: 'pk_other', secretKey: 'sk_other_secret', secretKeyHash: hashToken('sk_other_secret'), allowedOrigins: [], settings: {}, createdAt: now }, [{ id: 'ag_eve', siteId: 'site_other', email: 'eve@other.example', name: 'Eve', role: 'admin', passwordHash: await hashPassword('otra-clave-12345'), createdAt: now }]);
});
afterAll(async () => {
  await server.destroy();
});

function admin(cookie: string, method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}/api/agent/admin${path}`, {
    method,
    headers: { Cookie: cookie, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

function signInRaw(body: object) {
  return fetch(`${server.origin}/api/agent/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: server.origin }, body: JSON.stringify(body) });
}

async function me(res: Response): Promise<{ id: string; email: string }> {
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return ((await (await fetch(`${server.origin}/api/agent/me`, { headers: { Cookie: cookie } })).json()) as { agent: { id: string; email: string } }).agent;
}

describe('agent identity per site', () => {
  it("does not tell another shop's admin whether an email is an agent of the demo shop", async () => {
    const eve = await signIn(server, 'eve@other.example', 'otra-clave-12345');
    // luis@example.com is an agent of the demo shop; nobody@example.com is nobody's.
    const known = await admin(eve, 'POST', '/agents', { email: 'luis@example.com', name: 'Luis', role: 'agent', password: 'clave-de-otra-1' });
    const unknown = await admin(eve, 'POST', '/agents', { email: 'nobody@example.com', name: 'Nadie', role: 'agent', password: 'clave-de-otra-2' });
    expect(known.status).toBe(201);
    expect(unknown.status).toBe(201);
    const shape = (x: Record<string, unknown>) => Object.keys(x).sort();
    expect(shape((await known.json()) as Record<string, unknown>)).toEqual(shape((await unknown.json()) as Record<string, unknown>));
    // Within her own shop an email is still unique.
    const again = await admin(eve, 'POST', '/agents', { email: 'LUIS@example.com', name: 'Luis 2', role: 'agent', password: 'clave-de-otra-3' });
    expect(again.status).toBe(409);
    // Each shop sees only its own agents.
    const mine = ((await (await admin(eve, 'GET', '/agents')).json()) as { data: { email: string }[] }).data.map((a) => a.email).sort();
    expect(mine).toEqual(['eve@other.example', 'luis@example.com', 'nobody@example.com']);
    const ana = await signIn(server);
    const demo = ((await (await admin(ana, 'GET', '/agents')).json()) as { data: { email: string }[] }).data.map((a) => a.email);
    expect(demo).not.toContain('nobody@example.com');
    expect(demo.filter((e) => e === 'luis@example.com')).toHaveLength(1);
  });

  it('signs the same email in to the shop its password belongs to', async () => {
    const demoLuis = await me(await signInRaw({ email: 'luis@example.com', password: 'mostrador' }));
    const otherLuis = await me(await signInRaw({ email: 'luis@example.com', password: 'clave-de-otra-1' }));
    expect(demoLuis.email).toBe('luis@example.com');
    expect(otherLuis.email).toBe('luis@example.com');
    expect(otherLuis.id).not.toBe(demoLuis.id);
    const site = (await server.store.sites.byPublicKey('pk_other'))!;
    expect((await server.store.agents.byId(site.id, otherLuis.id))?.email).toBe('luis@example.com');
    expect((await signInRaw({ email: 'luis@example.com', password: 'ninguna-de-las-dos' })).status).toBe(401);
  });

  it('asks which shop when one password opens several, and tells nothing to a wrong password', async () => {
    // The demo shop's admin gives Luis the same password he has in the other shop.
    const ana = await signIn(server);
    const demo = ((await (await admin(ana, 'GET', '/agents')).json()) as { data: { id: string; email: string }[] }).data.find((a) => a.email === 'luis@example.com')!;
    expect((await admin(ana, 'PATCH', `/agents/${demo.id}`, { password: 'clave-de-otra-1' })).status).toBe(200);

    const ambiguous = await signInRaw({ email: 'luis@example.com', password: 'clave-de-otra-1' });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.headers.get('set-cookie')).toBeNull();
    const body = (await ambiguous.json()) as { code: string; sites: { key: string; name: string }[] };
    expect(body.code).toBe('choose_site');
    expect(body.sites.map((s) => s.key).sort()).toEqual(['pk_demo', 'pk_other']);

    const chosen = await signInRaw({ email: 'luis@example.com', password: 'clave-de-otra-1', site: 'pk_other' });
    expect(chosen.status).toBe(200);
    const other = (await server.store.sites.byPublicKey('pk_other'))!;
    expect(await server.store.agents.byId(other.id, (await me(chosen)).id)).not.toBeNull();
    expect((await me(await signInRaw({ email: 'luis@example.com', password: 'clave-de-otra-1', site: 'pk_demo' }))).id).toBe(demo.id);

    const wrong = await signInRaw({ email: 'luis@example.com', password: 'otra-cosa-del-todo' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).not.toContain('pk_');
  });
});
