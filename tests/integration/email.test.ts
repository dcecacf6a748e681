/**
 * E-mail continuity (issue 13) against a real SMTP server started here (smtp-server on a free
 * port): the offline confirmation, one digest for the replies a shopper left unread, its signed
 * link that opens the conversation again, and a permanent failure shown to agents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let smtp: TestSmtp;
let server: TestServer;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'Café Mostrador <chat@shop.test>', MAIL_REPLY_DOMAIN: 'mail.shop.test', MAIL_AWAY_MS: '400', MAIL_INTERVAL_MS: '50' },
  });
});

afterAll(async () => {
  await server?.destroy();
  await smtp?.close();
});

async function shopperWhoLeftAnEmail(email: string, text: string) {
  const visitor = await connectVisitor(server);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text });
  const ack = await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  visitor.socket.send({ type: 'profile', email });
  await visitor.socket.nextOfType('profile.saved');
  return { ...visitor, conversationId: ack.conversationId as string };
}

async function agentSays(agent: Awaited<ReturnType<typeof connectAgent>>, conversationId: string, text: string, extra: object = {}): Promise<Frame> {
  const clientId = cid('a');
  agent.socket.send({ type: 'message.send', clientId, conversationId, text, ...extra });
  return agent.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
}

describe('e-mail to a shopper who has left', () => {
  it('confirms the offline message, then sends one mail with the unread replies and a link that opens the chat', async () => {
    const before = smtp.received.length;
    const shopper = await shopperWhoLeftAnEmail('lucia@example.com', '¿Tenéis café descafeinado?');
    // Nobody was online: the confirmation quotes what the shopper wrote.
    await expect.poll(() => smtp.received.length, { timeout: 5000 }).toBe(before + 1);
    const confirmation = smtp.received[before]!;
    expect(confirmation.to).toEqual(['lucia@example.com']);
    expect(confirmation.parsed.subject).toContain('Hemos recibido tu mensaje');
    expect(confirmation.parsed.text).toContain('¿Tenéis café descafeinado?');
    expect(confirmation.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    shopper.socket.close();
    await shopper.socket.waitClose();

    const agent = await connectAgent(server, await signIn(server));
    expect((await agentSays(agent, shopper.conversationId, 'Sí, el de Colombia <b>también</b> en descafeinado.')).type).toBe('ack');
    expect((await agentSays(agent, shopper.conversationId, '¿Te lo reservo?')).type).toBe('ack');

    await expect.poll(() => smtp.received.length, { timeout: 5000 }).toBe(before + 2);
    // The digest row is settled with both replies, and nothing else waits: exactly one mail.
    const rows = await server.store.mail.forConversation((await server.store.sites.byPublicKey('pk_demo'))!.id, shopper.conversationId);
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ['offline_confirmation', 'sent'],
      ['digest', 'sent'],
    ]);
    expect(rows[1]!.messageIds).toHaveLength(2);
    const digest = smtp.received[before + 1]!;
    expect(digest.to).toEqual(['lucia@example.com']);
    expect(digest.parsed.subject).toMatch(/^Tienes respuesta de /);
    expect(digest.parsed.text).toContain('Sí, el de Colombia <b>también</b> en descafeinado.');
    expect(digest.parsed.text).toContain('¿Te lo reservo?');
    // User content is escaped in the HTML part, never markup.
    expect(String(digest.parsed.html)).toContain('&lt;b&gt;también&lt;/b&gt;');
    expect(String(digest.parsed.html)).not.toContain('<b>también</b>');
    expect(digest.parsed.replyTo?.value[0]?.address).toMatch(/^reply\+[a-z2-7]{26}@mail\.shop\.test$/);
    const headers = digest.raw.toString().replace(/\r\n[ \t]+/g, ' ');
    expect(headers).toMatch(/^List-Unsubscribe: <http:\/\/\S+\/email\/unsubscribe\/\S+>$/m);
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(digest.parsed.messageId).toMatch(/@shop\.test>$/);

    // The link opens that conversation, and an answer there reaches the agent.
    const link = /(http:\/\/\S+\/email\/chat\/\S+)/.exec(digest.parsed.text ?? '')?.[1];
    expect(link).toBeTruthy();
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('¿Tenéis café descafeinado?');
    expect(html).toContain('&lt;b&gt;también&lt;/b&gt;');
    const clientId = /name="clientId" value="([^"]+)"/.exec(html)![1]!;
    const answered = agent.socket.next((f) => f.type === 'message.created' && (f.message as { text: string }).text === 'Sí, resérvamelo');
    const post = await fetch(link!, { method: 'POST', body: new URLSearchParams({ clientId, text: 'Sí, resérvamelo' }), redirect: 'manual' });
    expect(post.status).toBe(303);
    expect((await answered).conversationId ?? (await answered).message).toBeTruthy();
    // The same form sent twice writes once.
    await fetch(link!, { method: 'POST', body: new URLSearchParams({ clientId, text: 'Sí, resérvamelo' }), redirect: 'manual' });
    const history = await server.store.messages.after((await server.store.sites.byPublicKey('pk_demo'))!.id, shopper.conversationId, 0, 100);
    expect(history.filter((m) => m.text === 'Sí, resérvamelo')).toHaveLength(1);

    // A tampered link opens nothing.
    const tampered = link!.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    expect((await fetch(tampered)).status).toBe(403);
    agent.socket.close();
  });

  it('sends nothing when the shopper reads the reply in the chat', async () => {
    // (An agent of the previous test may still count as online: whether a confirmation went out is not this test's matter.)
    const shopper = await shopperWhoLeftAnEmail('john@example.com', 'Hello?');
    const agent = await connectAgent(server, await signIn(server));
    const ack = await agentSays(agent, shopper.conversationId, 'Hi! How can I help?');
    const created = await shopper.socket.next((f) => f.type === 'message.created' && (f.message as { id: string }).id === ack.messageId);
    shopper.socket.send({ type: 'read', conversationId: shopper.conversationId, seq: (created.message as { seq: number }).seq });
    const siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
    await expect
      .poll(async () => (await server.store.mail.forConversation(siteId, shopper.conversationId)).filter((r) => r.kind === 'digest').map((r) => [r.status, r.lastError]), { timeout: 5000 })
      .toEqual([['skipped', 'read in the chat']]);
    shopper.socket.close();
    agent.socket.close();
  });

  it('gives up on a refused address at once and tells the agents beside the message', async () => {
    const shopper = await shopperWhoLeftAnEmail('nobody@example.com', 'Hola');
    const siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
    await expect.poll(async () => (await server.store.mail.forConversation(siteId, shopper.conversationId)).every((r) => r.status === 'sent')).toBe(true);
    shopper.socket.close();
    smtp.refuse = { code: 550, message: 'No such user here' };
    try {
      const agent = await connectAgent(server, await signIn(server));
      const ack = await agentSays(agent, shopper.conversationId, 'Te escribimos por correo', { byEmail: true });
      expect(ack.type).toBe('ack');
      const failed = await agent.socket.next((f) => f.type === 'email.failed' && f.conversationId === shopper.conversationId);
      expect(failed.messageIds).toEqual([ack.messageId]);
      expect(String(failed.error)).toContain('No such user');
      const rows = await server.store.mail.forConversation(siteId, shopper.conversationId);
      expect(rows.at(-1)).toMatchObject({ kind: 'reply', status: 'failed', attempts: 1 });
      agent.socket.close();
    } finally {
      smtp.refuse = null;
    }
  });
});
