import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket, cid, connectAgent, connectVisitor, signIn, visitorUrl, type Frame } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

function refusal(promise: Promise<unknown>): Promise<number> {
  return promise.then(
    () => 0,
    (err: { status?: number }) => err.status ?? -1,
  );
}

describe('visitor socket access', () => {
  it('refuses an unknown site key', async () => {
    expect(await refusal(TestSocket.open(visitorUrl(server, 'pk_nope'), { Origin: server.origin }))).toBe(404);
  });

  it('refuses a foreign Origin before any data flows', async () => {
    expect(await refusal(TestSocket.open(visitorUrl(server), { Origin: 'https://evil.example' }))).toBe(403);
    expect(await refusal(TestSocket.open(visitorUrl(server), { Origin: 'http://localhost.evil.example:3000' }))).toBe(403);
  });

  it('refuses an upgrade without Origin', async () => {
    expect(await refusal(TestSocket.open(visitorUrl(server)))).toBe(403);
  });

  it("accepts an origin on the site's allow-list", async () => {
    const { socket, welcome } = await connectVisitor(server, { origin: 'http://localhost:5173' });
    expect(welcome.type).toBe('welcome');
    socket.close();
  });

  it('issues a long random token and ignores a token the site never issued', async () => {
    const a = await connectVisitor(server);
    expect(Buffer.from(a.token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const b = await connectVisitor(server, { token: 'made-up-token' });
    expect(b.visitorId).not.toBe(a.visitorId);
    expect(b.token).not.toBe('made-up-token');
    a.socket.close();
    b.socket.close();
  });

  it("does not let visitor B read or write visitor A's conversation", async () => {
    const a = await connectVisitor(server);
    const secret = cid();
    a.socket.send({ type: 'message.send', clientId: secret, text: 'mi dirección es Calle Mayor 1' });
    const ack = await a.socket.next((f) => f.type === 'ack' && f.clientId === secret);
    const conversationId = ack.conversationId as string;

    const b = await connectVisitor(server);
    expect(b.welcome.conversations).toEqual([]);
    const readErr = b.socket.nextOfType('error');
    b.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(await readErr).toMatchObject({ code: 'not_found', ref: conversationId });
    const intrude = cid();
    const writeErr = b.socket.next((f) => f.type === 'error' && f.ref === intrude);
    b.socket.send({ type: 'message.send', conversationId, clientId: intrude, text: 'hola desde otro' });
    expect(await writeErr).toMatchObject({ code: 'not_found' });
    expect(b.socket.frames.some((f) => f.type === 'sync.result' || f.type === 'message.created')).toBe(false);

    const page = a.socket.nextOfType('sync.result');
    a.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(((await page).messages as Frame[]).map((m) => m.text)).toEqual(['mi dirección es Calle Mayor 1']);
    a.socket.close();
    b.socket.close();
  });
});

describe('agent access', () => {
  it('refuses an agent socket without a session', async () => {
    expect(await refusal(TestSocket.open(`ws://127.0.0.1:${server.port}/ws/agent`, { Origin: server.origin }))).toBe(401);
  });

  it('refuses an agent socket from a foreign origin even with a valid session', async () => {
    const cookie = await signIn(server);
    expect(await refusal(TestSocket.open(`ws://127.0.0.1:${server.port}/ws/agent`, { Origin: 'https://evil.example', Cookie: cookie }))).toBe(403);
  });

  it('signs in with an httpOnly cookie and signs out', async () => {
    const res = await fetch(`${server.origin}/api/agent/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: server.origin },
      body: JSON.stringify({ email: 'luis@example.com', password: 'mostrador' }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const me = await fetch(`${server.origin}/api/agent/me`, { headers: { Cookie: cookie } });
    expect(await me.clone().json()).toMatchObject({ agent: { email: 'luis@example.com', role: 'agent' } });
    const { csrfToken } = (await me.json()) as { csrfToken: string };
    // Signing out changes state: without the session's CSRF token it is refused.
    const forged = await fetch(`${server.origin}/api/agent/session`, { method: 'DELETE', headers: { Cookie: cookie, Origin: server.origin } });
    expect(forged.status).toBe(403);
    const out = await fetch(`${server.origin}/api/agent/session`, { method: 'DELETE', headers: { Cookie: cookie, Origin: server.origin, 'X-CSRF-Token': csrfToken } });
    expect(out.status).toBe(204);
    const after = await fetch(`${server.origin}/api/agent/me`, { headers: { Cookie: cookie } });
    expect(after.status).toBe(401);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const post = (email: string, password: string) =>
      fetch(`${server.origin}/api/agent/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: server.origin },
        body: JSON.stringify({ email, password }),
      });
    const wrong = await post('ana@example.com', 'nope');
    const unknown = await post('nadie@example.com', 'nope');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('refuses a cross-site sign-in request', async () => {
    const res = await fetch(`${server.origin}/api/agent/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ email: 'ana@example.com', password: 'mostrador' }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('throttles repeated failed sign-ins with 429 and Retry-After', async () => {
    let last: Response | null = null;
    for (let i = 0; i < 12; i++) {
      last = await fetch(`${server.origin}/api/agent/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: server.origin },
        body: JSON.stringify({ email: 'luis@example.com', password: `guess-${i}` }),
      });
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it("lists only its own site's conversations", async () => {
    const cookie = await signIn(server);
    const visitor = await connectVisitor(server);
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
    await visitor.socket.next((f) => f.type === 'ack');
    const { socket, welcome } = await connectAgent(server, cookie);
    const list = welcome.conversations as Frame[];
    expect(list.length).toBeGreaterThan(0);
    const err = socket.nextOfType('error');
    socket.send({ type: 'sync', conversationId: 'cv_doesnotexist', afterSeq: 0 });
    expect(await err).toMatchObject({ code: 'not_found' });
    socket.close();
    visitor.socket.close();
  });
});

describe('http surface', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${server.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it("serves the panel only for known sites, framable only by the site's origins", async () => {
    const res = await fetch(`${server.origin}/widget/frame?site=pk_demo`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors');
    expect(csp).toContain('http://localhost:*');
    expect(csp).not.toContain('unsafe-inline');
    expect((await fetch(`${server.origin}/widget/frame?site=pk_nope`)).status).toBe(404);
  });

  it('serves the loader, the console and the demo shop', async () => {
    const loader = await fetch(`${server.origin}/widget.js`);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${server.origin}/console/`)).status).toBe(200);
    const demo = await fetch(`${server.origin}/demo/`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain('data-site="pk_demo"');
  });
});
