/**
 * Password reset by e-mail (issue 20 item 7): the link arrives through the mail outbox, works
 * once within the hour, ends every session (their sockets close) and the new password signs in;
 * the request answers alike for an unknown address and is limited per address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/errors';
import { startTestServer, type TestServer } from '../helpers/server';
import { connectAgent, signIn } from '../helpers/ws-client';

let server: TestServer;
let siteId: string;
beforeAll(async () => {
  server = await startTestServer();
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});
afterAll(async () => {
  await server.destroy();
});

const json = { 'Content-Type': 'application/json', Origin: '' };
const post = (path: string, body: unknown) =>
  fetch(`${server.origin}/api/agent${path}`, { method: 'POST', headers: { ...json, Origin: server.origin }, body: JSON.stringify(body) });

async function mailsTo(address: string) {
  return (await server.store.mail.list(siteId, { limit: 50 })).filter((m) => m.toAddress === address);
}

describe('password reset by e-mail', () => {
  it('mails a one-time link that sets the password and ends every session', async () => {
    const before = await signIn(server, 'luis@example.com', 'mostrador');
    const { socket } = await connectAgent(server, before);

    const res = await post('/password-reset', { email: 'Luis@Example.com' });
    expect(res.status).toBe(202);
    const answer = await res.json();
    await expect.poll(async () => (await mailsTo('luis@example.com')).length).toBe(1);
    const [mail] = await mailsTo('luis@example.com');
    expect(mail!.subject).toContain('contraseña');
    const token = /#\/reset\/([A-Za-z0-9_-]+)/.exec(mail!.textBody ?? "")![1]!;
    expect(mail!.htmlBody).toContain(`#/reset/${token}`);

    // The link names the account; a weak password is refused and spends nothing.
    const info = await (await fetch(`${server.origin}/api/agent/password-reset/${token}`)).json();
    expect(info).toMatchObject({ email: 'luis@example.com', siteName: 'Café La Esquina' });
    const weak = await post(`/password-reset/${token}`, { password: 'corta' });
    expect(weak.status).toBe(422);
    expect(await weak.json()).toMatchObject({ code: 'weak_password', field: 'password' });

    expect((await post(`/password-reset/${token}`, { password: 'una clave nueva y larga 2026' })).status).toBe(204);
    // Every session ended: the open socket closes, the old cookie is refused.
    expect((await socket.waitClose()).code).toBe(CLOSE_CODES.sessionEnded);
    expect((await fetch(`${server.origin}/api/agent/me`, { headers: { Cookie: before } })).status).toBe(401);
    // The old password no longer signs in; the new one does.
    const old = await post('/session', { email: 'luis@example.com', password: 'mostrador' });
    expect(old.status).toBe(401);
    expect(await signIn(server, 'luis@example.com', 'una clave nueva y larga 2026')).toContain('=');
    // Used once.
    expect((await post(`/password-reset/${token}`, { password: 'otra clave nueva y larga 2026' })).status).toBe(410);
    expect((await fetch(`${server.origin}/api/agent/password-reset/${token}`)).status).toBe(410);
    expect(answer).toEqual({ sent: true, email: true });
  });

  it('answers an unknown address exactly as a known one, and mails nothing', async () => {
    const res = await post('/password-reset', { email: 'nadie@example.com' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ sent: true, email: true });
    expect(await mailsTo('nadie@example.com')).toEqual([]);
  });

  it('sends at most three links an hour to one address', async () => {
    for (let i = 0; i < 5; i++) expect((await post('/password-reset', { email: 'ana@example.com' })).status).toBe(202);
    await expect.poll(async () => (await mailsTo('ana@example.com')).length).toBe(3);
  });

  it('refuses a malformed address and a made-up link', async () => {
    expect((await post('/password-reset', { email: 'no es un email' })).status).toBe(422);
    expect((await post('/password-reset/' + 'x'.repeat(43), { password: 'una clave nueva y larga 2026' })).status).toBe(410);
  });
});
