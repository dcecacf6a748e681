/**
 * Issue 20 item 7: an agent's own account (password, where they are signed in) and invitations,
 * over the real server, real sockets and a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { connectAgent, csrfOf, signIn } from '../helpers/ws-client';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

/** Signs in with a given browser name; returns the cookie and its CSRF token. */
async function signInAs(email: string, password: string, userAgent: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${server.origin}/api/agent/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: server.origin, 'User-Agent': userAgent },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

function call(s: { cookie: string; csrf: string } | null, method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}/api/agent${path}`, {
    method,
    headers: { ...(s ? { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } : {}), Origin: server.origin, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

interface SessionOut {
  id: string;
  current: boolean;
  userAgent: string | null;
  address: string | null;
  lastSeenAt: string;
}

describe('where you are signed in', () => {
  it('lists each browser with its address, marks this one, and revoking one closes its sockets (4001)', async () => {
    const laptop = await signInAs('luis@example.com', 'mostrador', 'Firefox on the laptop');
    const phone = await signInAs('luis@example.com', 'mostrador', 'Safari on the phone');
    const tablet = await signInAs('luis@example.com', 'mostrador', 'Chrome on the tablet');
    const res = await call(laptop, 'GET', '/account/sessions');
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: SessionOut[] };
    const mine = data.filter((s) => /laptop|phone|tablet/.test(s.userAgent ?? ''));
    expect(mine).toHaveLength(3);
    expect(mine.find((s) => s.current)?.userAgent).toBe('Firefox on the laptop');
    expect(mine.every((s) => s.address === '127.0.0.1' && !Number.isNaN(Date.parse(s.lastSeenAt)))).toBe(true);
    // The id is not the cookie's token nor anything that opens a session.
    expect(JSON.stringify(data)).not.toContain(phone.cookie.split('=')[1]);

    const phoneSocket = await connectAgent(server, phone.cookie);
    const phoneId = mine.find((s) => s.userAgent === 'Safari on the phone')!.id;
    // Another agent cannot end Luis's session.
    const ana = await signInAs('ana@example.com', 'mostrador', 'Ana');
    expect((await call(ana, 'DELETE', `/account/sessions/${phoneId}`)).status).toBe(404);
    expect((await call(laptop, 'DELETE', `/account/sessions/${phoneId}`)).status).toBe(204);
    expect((await phoneSocket.socket.waitClose()).code).toBe(4001);
    expect((await call(phone, 'GET', '/me')).status).toBe(401);
    expect((await call(tablet, 'GET', '/me')).status).toBe(200);

    // "Sign out everywhere else": the tablet ends, the laptop stays.
    const tabletSocket = await connectAgent(server, tablet.cookie);
    const others = await call(laptop, 'POST', '/account/sessions/revoke-others', {});
    expect(others.status).toBe(200);
    expect(((await others.json()) as { endedSessions: number }).endedSessions).toBeGreaterThanOrEqual(1);
    expect((await tabletSocket.socket.waitClose()).code).toBe(4001);
    expect((await call(tablet, 'GET', '/me')).status).toBe(401);
    expect((await call(laptop, 'GET', '/me')).status).toBe(200);
    const after = (await (await call(laptop, 'GET', '/account/sessions')).json()) as { data: SessionOut[] };
    expect(after.data.map((s) => s.userAgent)).toEqual(['Firefox on the laptop']);
  });

  it('records when a session was last used (at most once a minute)', async () => {
    const s = await signInAs('luis@example.com', 'mostrador', 'Last seen test');
    const mine = async () => ((await (await call(s, 'GET', '/account/sessions')).json()) as { data: SessionOut[] }).data.find((x) => x.current)!;
    const first = Date.parse((await mine()).lastSeenAt);
    // Make the session look unused for two minutes, as if the agent came back to it.
    const { openDb } = await import('../../server/store/db');
    const schema = await import('../../server/store/schema');
    const { eq } = await import('drizzle-orm');
    const { hashToken } = await import('../../server/ids');
    const { db, close } = openDb(server.dataDir);
    const changed = db.update(schema.agentSessions).set({ lastSeenAt: first - 120_000 }).where(eq(schema.agentSessions.tokenHash, hashToken(s.cookie.split('=')[1]!))).run().changes;
    close();
    expect(changed).toBe(1);
    // This request is the use: it is recorded (the listing itself reads after recording).
    expect(Date.parse((await mine()).lastSeenAt)).toBeGreaterThanOrEqual(first);
  });

  it('needs a session and the CSRF token', async () => {
    expect((await call(null, 'GET', '/account/sessions')).status).toBe(401);
    const s = await signInAs('luis@example.com', 'mostrador', 'x');
    const noCsrf = await fetch(`${server.origin}/api/agent/account/sessions/revoke-others`, {
      method: 'POST',
      headers: { Cookie: s.cookie, Origin: server.origin, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(noCsrf.status).toBe(403);
  });
});

describe('changing one\'s password', () => {
  it('needs the current password, applies the strength rule, and signs out the other sessions only', async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    const { hashPassword } = await import('../../server/auth');
    await server.store.agents.create({ siteId: site.id, email: 'pablo@example.com', name: 'Pablo', role: 'agent', passwordHash: await hashPassword('mostrador'), now: Date.now() });
    const here = await signInAs('pablo@example.com', 'mostrador', 'here');
    const there = await signInAs('pablo@example.com', 'mostrador', 'there');
    const thereSocket = await connectAgent(server, there.cookie);

    const wrong = await call(here, 'POST', '/account/password', { currentPassword: 'not-it', newPassword: 'una clave nueva y larga' });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ code: 'wrong_password', field: 'currentPassword' });

    for (const [newPassword, reason] of [
      ['corta', 'too_short'],
      ['password1234', 'too_common'],
      ['aaaaaaaaaaaaaaa', 'too_common'],
      ['pablo-pablo-2025', 'contains_email'],
    ] as const) {
      const weak = await call(here, 'POST', '/account/password', { currentPassword: 'mostrador', newPassword });
      expect(weak.status).toBe(422);
      expect(await weak.json()).toMatchObject({ code: 'weak_password', field: 'newPassword', reason });
    }
    // Nothing changed yet: the other session still works.
    expect((await call(there, 'GET', '/me')).status).toBe(200);

    const ok = await call(here, 'POST', '/account/password', { currentPassword: 'mostrador', newPassword: 'tres gatos en el tejado' });
    expect(ok.status).toBe(200);
    expect((await thereSocket.socket.waitClose()).code).toBe(4001);
    expect((await call(there, 'GET', '/me')).status).toBe(401);
    expect((await call(here, 'GET', '/me')).status).toBe(200);
    // The old password no longer signs in; the new one does (argon2id hash stored).
    const old = await fetch(`${server.origin}/api/agent/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: server.origin }, body: JSON.stringify({ email: 'pablo@example.com', password: 'mostrador' }) });
    expect(old.status).toBe(401);
    await signIn(server, 'pablo@example.com', 'tres gatos en el tejado');
  });
});

describe('invitations', () => {
  it('an admin invites by email; the one-time link signs the invitee in once, then never again', async () => {
    const admin = await signIn(server, 'ana@example.com');
    const adminCall = (method: string, path: string, body?: unknown) =>
      fetch(`${server.origin}/api/agent/admin${path}`, {
        method,
        headers: { Cookie: admin, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    // Agents cannot invite.
    const luis = await signInAs('luis@example.com', 'mostrador', 'x');
    expect((await call(luis, 'POST', '/admin/invites', { email: 'x@example.com' })).status).toBe(403);
    // An existing agent's email is refused, naming the field.
    const dup = await adminCall('POST', '/invites', { email: 'luis@example.com' });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ field: 'email' });
    expect((await adminCall('POST', '/invites', { email: 'not-an-email' })).status).toBe(422);

    const created = await adminCall('POST', '/invites', { email: 'Rocio@Example.com', role: 'agent' });
    expect(created.status).toBe(201);
    const invite = (await created.json()) as { id: string; email: string; link: string; expiresAt: string };
    expect(invite.email).toBe('rocio@example.com');
    expect(invite.link).toMatch(new RegExp(`^${server.origin}/console/#/invite/[A-Za-z0-9_-]{40,}$`));
    const hours = (Date.parse(invite.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);
    // The pending list never shows the link again.
    const pending = (await (await adminCall('GET', '/invites')).json()) as { data: { id: string }[] };
    expect(pending.data.map((i) => i.id)).toContain(invite.id);
    expect(JSON.stringify(pending)).not.toContain(invite.link.split('/').pop());

    const token = invite.link.split('/').pop()!;
    const info = await call(null, 'GET', `/invites/${token}`);
    expect(await info.json()).toMatchObject({ email: 'rocio@example.com', role: 'agent', siteName: expect.any(String) });
    const weak = await call(null, 'POST', `/invites/${token}/accept`, { name: 'Rocío', password: 'corta' });
    expect(weak.status).toBe(422);
    expect(await weak.json()).toMatchObject({ field: 'password', reason: 'too_short' });
    const accepted = await fetch(`${server.origin}/api/agent/invites/${token}/accept`, {
      method: 'POST',
      headers: { Origin: server.origin, 'Content-Type': 'application/json', 'User-Agent': 'Rocio browser' },
      body: JSON.stringify({ name: 'Rocío', password: 'mi clave de la tienda' }),
    });
    expect(accepted.status).toBe(200);
    const body = (await accepted.json()) as { agent: { name: string; email: string; role: string }; csrfToken: string };
    expect(body.agent).toMatchObject({ name: 'Rocío', email: 'rocio@example.com', role: 'agent' });
    const cookie = accepted.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call({ cookie, csrf: body.csrfToken }, 'GET', '/me')).status).toBe(200);
    // She can work at once: her socket opens.
    const { socket } = await connectAgent(server, cookie);
    socket.close();

    // Single use: the link is spent.
    expect((await call(null, 'GET', `/invites/${token}`)).status).toBe(404);
    const again = await call(null, 'POST', `/invites/${token}/accept`, { name: 'Intruso', password: 'otra clave bastante larga' });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: 'invite_invalid' });
    expect(((await (await adminCall('GET', '/invites')).json()) as { data: { id: string }[] }).data.map((i) => i.id)).not.toContain(invite.id);
    // The admin sees her among the agents.
    const agents = (await (await adminCall('GET', '/agents')).json()) as { data: { email: string }[] };
    expect(agents.data.map((a) => a.email)).toContain('rocio@example.com');
  });

  it('a withdrawn or made-up link does not work, and only the token\'s hash is stored', async () => {
    const admin = await signIn(server, 'ana@example.com');
    const created = await fetch(`${server.origin}/api/agent/admin/invites`, {
      method: 'POST',
      headers: { Cookie: admin, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
      body: JSON.stringify({ email: 'temporal@example.com' }),
    });
    const invite = (await created.json()) as { id: string; link: string };
    const token = invite.link.split('/').pop()!;
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    expect(JSON.stringify(await server.store.invites.pending(site.id, Date.now()))).not.toContain(token);
    const del = await fetch(`${server.origin}/api/agent/admin/invites/${invite.id}`, {
      method: 'DELETE',
      headers: { Cookie: admin, Origin: server.origin, 'X-CSRF-Token': csrfOf(admin) },
    });
    expect(del.status).toBe(204);
    expect((await call(null, 'GET', `/invites/${token}`)).status).toBe(404);
    expect((await call(null, 'GET', `/invites/${'x'.repeat(43)}`)).status).toBe(404);
  });

  it('an expired link does not work', async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    const { hashToken } = await import('../../server/ids');
    const token = 'expired-token-expired-token-expired-token-1';
    await server.store.invites.create({ siteId: site.id, email: 'tarde@example.com', role: 'agent', invitedBy: null, tokenHash: hashToken(token), now: Date.now() - 73 * 3_600_000, ttlMs: 72 * 3_600_000 });
    expect((await call(null, 'GET', `/invites/${token}`)).status).toBe(404);
    expect((await call(null, 'POST', `/invites/${token}/accept`, { name: 'Tarde', password: 'una clave bastante larga' })).status).toBe(404);
  });
});
