/**
 * Ending an agent's session ends its sockets at once: signing out (DELETE /api/agent/session)
 * closes that session's open sockets with 4001 before the 204 is sent, and nothing a socket
 * sends after it is handled; an expiring session closes its sockets when it expires. Real
 * server, real WebSockets, real SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/errors';
import { hashToken, newToken } from '../../server/ids';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { AGENT_MESSAGES_PER_SEC: '1000', AGENT_MESSAGE_BURST: '1000' } });
});
afterAll(async () => {
  await server.destroy();
});

const signOut = (cookie: string) =>
  fetch(`${server.origin}/api/agent/session`, { method: 'DELETE', headers: { Cookie: cookie, Origin: server.origin, 'X-CSRF-Token': csrfOf(cookie) } });

/** A conversation with one shopper message, for the agent to sync and write to. */
async function conversation(): Promise<string> {
  const visitor = await connectVisitor(server);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
  const ack = await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  visitor.socket.close();
  return ack.conversationId as string;
}

async function storedClientIds(conversationId: string): Promise<string[]> {
  const site = (await server.store.sites.byPublicKey('pk_demo'))!;
  const page = await server.store.messages.after(site.id, conversationId, 0, 1000);
  return page.map((m) => m.clientId).filter((c): c is string => typeof c === 'string');
}

describe('signing out', () => {
  it('closes the session’s sockets with 4001 before the 204; nothing sent after it is handled', async () => {
    const conversationId = await conversation();
    const cookie = await signIn(server);
    const { socket } = await connectAgent(server, cookie);
    // The socket works: it syncs and sends.
    socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    await socket.next((f) => f.type === 'sync.result');
    const before = cid('before');
    socket.send({ type: 'message.send', conversationId, clientId: before, text: 'antes de salir' });
    await socket.next((f) => f.type === 'ack' && f.clientId === before);

    // A burst in flight while the agent signs out: some may be handled before the 204, none after.
    const burst = Array.from({ length: 50 }, () => cid('burst'));
    for (const clientId of burst) socket.send({ type: 'message.send', conversationId, clientId, text: 'en vuelo' });
    const out = await signOut(cookie);
    expect(out.status).toBe(204);
    const storedAt204 = await storedClientIds(conversationId);
    const framesAt204 = socket.frames.length;

    // After the 204: it syncs nothing and stores nothing.
    const after = cid('after');
    socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    socket.send({ type: 'message.send', conversationId, clientId: after, text: 'después de salir' });
    const closed = await socket.waitClose();
    expect(closed.code).toBe(CLOSE_CODES.sessionEnded);
    expect(await storedClientIds(conversationId)).toEqual(storedAt204);
    expect(storedAt204).toContain(before);
    expect(storedAt204).not.toContain(after);
    const late = socket.frames.slice(framesAt204).map((f: Frame) => f.type);
    expect(late).toEqual([]);
  });

  it('closes only that session: the same agent’s other session keeps working', async () => {
    const a = await signIn(server);
    const b = await signIn(server);
    const sa = (await connectAgent(server, a)).socket;
    const sb = (await connectAgent(server, b)).socket;
    expect((await signOut(a)).status).toBe(204);
    expect((await sa.waitClose()).code).toBe(CLOSE_CODES.sessionEnded);
    sb.send({ type: 'ping', t: 1 });
    expect(await sb.next((f) => f.type === 'pong')).toMatchObject({ t: 1 });
    expect(sb.closed).toBeNull();
    sb.close();
  });
});

describe('session expiry', () => {
  it('closes the socket with 4001 when the session expires, and the cookie no longer opens one', async () => {
    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    const agent = (await server.store.agents.list(site.id)).find((a) => a.email === 'ana@example.com')!;
    // A session of 1.5 s (a real session row, as sign-in makes, with a short life).
    const token = newToken(32);
    const ttlMs = 1500;
    const created = Date.now();
    await server.store.sessions.create({ tokenHash: hashToken(token), agentId: agent.id, siteId: site.id, now: created, ttlMs });
    const cookie = `mostrador_session=${token}`;
    const { socket } = await connectAgent(server, cookie);
    const closed = await socket.waitClose(ttlMs + 3000);
    expect(closed.code).toBe(CLOSE_CODES.sessionEnded);
    expect(Date.now() - created).toBeGreaterThanOrEqual(ttlMs - 50);
    await expect(connectAgent(server, cookie)).rejects.toMatchObject({ status: 401 });
  });
});
