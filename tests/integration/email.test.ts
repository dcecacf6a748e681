/**
 * E-mail continuity (issue 13) against a real SMTP server started here (smtp-server on a free
 * port): the offline confirmation, one digest for the replies a shopper left unread, its signed
 * link that opens the conversation again, and a permanent failure shown to agents.
 */
import { createServer } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/ids';
import { loadServerKey } from '../../server/file-urls';
import { MailLinks } from '../../server/mail/links';
import * as t from '../../server/store/schema';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { addSite, startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame, shopperWithEmail } from '../helpers/ws-client';

let smtp: TestSmtp;
let server: TestServer;
let inboundPort: number;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Café Mostrador <chat@shop.test>',
      MAIL_REPLY_DOMAIN: 'mail.shop.test',
      MAIL_AWAY_MS: '400',
      MAIL_INTERVAL_MS: '50',
      INBOUND_SMTP_PORT: String(await freePort()),
      INBOUND_SMTP_HOST: '127.0.0.1',
      MAIL_MAX_BYTES: String(5 * 1024 * 1024),
    },
  });
  inboundPort = server.inboundSmtpPort()!;
  // A second shop on the same server: its secret key must not reach the demo shop's conversations.
  const other = { id: 'site_other', name: 'Otra tienda', publicKey: 'pk_other', secretKey: 'sk_other_secret', secretKeyHash: hashToken('sk_other_secret'), allowedOrigins: [], settings: {}, createdAt: Date.now() };
  await addSite(server, other);
});

afterAll(async () => {
  await server?.destroy();
  await smtp?.close();
});

const shopperWhoLeftAnEmail = (email: string, text: string) => shopperWithEmail(server, email, text);

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

/** Sends a mail to the built-in inbound SMTP listener, as the shopper's mail server would. */
async function mailIn(mail: { from: string; to: string; text: string; headers?: Record<string, string>; messageId?: string; attachments?: { filename: string; content: Buffer }[] }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail({ ...mail, subject: 'Re: Tienes respuesta' });
  } finally {
    transport.close();
  }
}

describe('List-Unsubscribe', () => {
  it('stops the digests of that conversation after a one-click unsubscribe', async () => {
    const siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
    const shopper = await shopperWhoLeftAnEmail('pablo@example.com', '¿Hay envío gratis?');
    shopper.socket.close();
    const agent = await connectAgent(server, await signIn(server));
    const before = smtp.received.length;
    await agentSays(agent, shopper.conversationId, 'Sí, desde 40 €.');
    await expect.poll(() => smtp.received.slice(before).some((m) => m.to[0] === 'pablo@example.com' && m.parsed.subject?.startsWith('Tienes respuesta')), { timeout: 5000 }).toBe(true);
    const digest = smtp.received.slice(before).find((m) => m.to[0] === 'pablo@example.com' && m.parsed.subject?.startsWith('Tienes respuesta'))!;
    const url = /^List-Unsubscribe: <(\S+)>$/m.exec(digest.raw.toString().replace(/\r\n[ \t]+/g, ' '))![1]!;
    // A GET (a link scanner) only asks; the one-click POST unsubscribes.
    expect(await (await fetch(url)).text()).toContain('No quiero más correos');
    expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(200);
    await agentSays(agent, shopper.conversationId, '¿Algo más?');
    await expect
      .poll(async () => (await server.store.mail.forConversation(siteId, shopper.conversationId)).filter((m) => m.kind === 'digest').map((m) => [m.status, m.lastError]), { timeout: 5000 })
      .toEqual([
        ['sent', null],
        ['skipped', 'unsubscribed'],
      ]);
    agent.socket.close();
  });
});

describe('transcripts', () => {
  it('sends the conversation when the shopper asks from the widget, and when the agent resolves with a transcript', async () => {
    const siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
    const shopper = await shopperWhoLeftAnEmail('rosa@example.com', 'Quiero cambiar la talla');
    const agent = await connectAgent(server, await signIn(server));
    await agentSays(agent, shopper.conversationId, 'Claro, te mando la etiqueta.');
    const before = smtp.received.length;
    shopper.socket.send({ type: 'transcript', conversationId: shopper.conversationId });
    await expect.poll(() => smtp.received.slice(before).filter((m) => m.parsed.subject?.startsWith('Tu conversación con')).length, { timeout: 5000 }).toBe(1);
    const mail = smtp.received.slice(before).find((m) => m.parsed.subject?.startsWith('Tu conversación con'))!;
    expect(mail.to).toEqual(['rosa@example.com']);
    expect(mail.parsed.text).toContain('Quiero cambiar la talla');
    expect(mail.parsed.text).toContain('Claro, te mando la etiqueta.');
    // Someone else's conversation: refused, nothing queued.
    const other = await connectVisitor(server);
    other.socket.send({ type: 'profile', email: 'otra@example.com' });
    await other.socket.nextOfType('profile.saved');
    other.socket.send({ type: 'transcript', conversationId: shopper.conversationId });
    expect(await other.socket.nextOfType('error')).toMatchObject({ code: 'not_found' });
    other.socket.close();

    const ref = cid('act');
    const reply = agent.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === ref || f.ref === ref));
    agent.socket.send({ type: 'conversation.action', clientId: ref, conversationId: shopper.conversationId, action: 'resolve', transcript: true });
    expect(await reply).toMatchObject({ type: 'ack' });
    await expect.poll(async () => (await server.store.mail.forConversation(siteId, shopper.conversationId)).filter((m) => m.kind === 'transcript' && m.status === 'sent').length, { timeout: 5000 }).toBe(2);
    shopper.socket.close();
    agent.socket.close();
  });
});

describe('replies by e-mail', () => {
  let replyTo: string;
  let conversationId: string;
  let visitorToken: string;
  let siteId: string;
  let agent: Awaited<ReturnType<typeof connectAgent>>;

  beforeAll(async () => {
    siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
    const before = smtp.received.length;
    const shopper = await shopperWhoLeftAnEmail('maria@example.com', '¿Me llega el pedido antes del viernes?');
    conversationId = shopper.conversationId;
    visitorToken = shopper.token;
    shopper.socket.close();
    agent = await connectAgent(server, await signIn(server));
    await agentSays(agent, conversationId, 'Sale mañana, llega el jueves.', { byEmail: true });
    const deadline = Date.now() + 5000;
    while (!smtp.received.slice(before).some((m) => m.parsed.subject?.startsWith('Respuesta de'))) {
      if (Date.now() > deadline) throw new Error('the reply by e-mail did not arrive');
      await new Promise((r) => setTimeout(r, 25));
    }
    replyTo = smtp.received.slice(before).find((m) => m.parsed.subject?.startsWith('Respuesta de'))!.parsed.replyTo!.value[0]!.address!;
  });
  afterAll(() => agent.socket.close());

  it('continues the conversation: the console and the widget show the new text, in order, once', async () => {
    const created = agent.socket.next((f) => f.type === 'message.created' && (f.message as { channel?: string }).channel === 'email' && (f.message as { author: { kind: string } }).author.kind === 'visitor');
    const text = 'Perfecto, gracias.\n\n-- \nMaría\n\nEl jue, 26 nov 2026 a las 10:00, Café Mostrador <' + replyTo + '> escribió:\n> Sale mañana, llega el jueves.';
    await mailIn({ from: 'María <MARIA@example.com>', to: replyTo, text, messageId: '<reply-1@mail.example.com>' });
    const frame = await created;
    expect(frame.message).toMatchObject({ text: 'Perfecto, gracias.', channel: 'email', kind: 'text' });
    // Delivered again (a retrying mail server): stored once.
    await mailIn({ from: 'maria@example.com', to: replyTo, text, messageId: '<reply-1@mail.example.com>' });
    const visitor = await connectVisitor(server, { token: visitorToken });
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const sync = await visitor.socket.nextOfType('sync.result');
    const texts = (sync.messages as { text: string; channel?: string }[]).map((m) => m.text);
    expect(texts.filter((x) => x === 'Perfecto, gracias.')).toHaveLength(1);
    expect(texts.indexOf('Perfecto, gracias.')).toBeGreaterThan(texts.indexOf('Sale mañana, llega el jueves.'));
    visitor.socket.close();
  });

  it('keeps a mail from another sender for the agents only, marked unverified', async () => {
    const note = agent.socket.next((f) => f.type === 'message.created' && (f.message as { text: string }).text === 'Soy su marido, ¿podéis cambiar la dirección?');
    await mailIn({ from: 'pepe@example.net', to: replyTo, text: 'Soy su marido, ¿podéis cambiar la dirección?' });
    const frame = await note;
    expect(frame.message).toMatchObject({ kind: 'note', channel: 'email', payload: { unverifiedSender: 'pepe@example.net' } });
    const shopperView = await server.store.messages.after(siteId, conversationId, 0, 100, { visibleOnly: true });
    expect(shopperView.map((m) => m.text)).not.toContain('Soy su marido, ¿podéis cambiar la dirección?');
  });

  it('drops auto-replies and bounces', async () => {
    const before = (await server.store.messages.after(siteId, conversationId, 0, 500)).length;
    await mailIn({ from: 'maria@example.com', to: replyTo, text: 'Estoy de vacaciones hasta el lunes.', headers: { 'Auto-Submitted': 'auto-replied' } });
    const res = await fetch(`${server.origin}/api/v1/inbound-email`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'message/rfc822' },
      body: `From: MAILER-DAEMON@mail.example.com\r\nTo: ${replyTo}\r\nSubject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--x--\r\n`,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'dropped' });
    expect(await server.store.messages.after(siteId, conversationId, 0, 500)).toHaveLength(before);
  });

  it('takes a reply over HTTP with the site secret key', async () => {
    const raw = `From: maria@example.com\r\nTo: ${replyTo}\r\nSubject: Re\r\nMessage-ID: <http-1@mail.example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUna cosa más: ¿envolvéis para regalo?\r\n`;
    const res = await fetch(`${server.origin}/api/v1/inbound-email`, { method: 'POST', headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'message/rfc822' }, body: raw });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'stored', conversationId, channel: 'email', unverifiedSender: false });
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    const count = async () => (await server.store.messages.after(siteId, conversationId, 0, 500)).length;
    const before = await count();
    const post = (body: string | Blob, key = 'sk_demo_secret') =>
      fetch(`${server.origin}/api/v1/inbound-email`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'message/rfc822' }, body });
    // 20 MB
    const huge = Buffer.concat([Buffer.from(`From: maria@example.com\r\nTo: ${replyTo}\r\n\r\n`), Buffer.alloc(20 * 1024 * 1024, 0x61)]);
    const big = await post(new Blob([new Uint8Array(huge)]));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'too_large' });
    // Over SMTP too: refused while it arrives.
    await expect(mailIn({ from: 'maria@example.com', to: replyTo, text: 'x'.repeat(6 * 1024 * 1024) })).rejects.toThrow(/552|too large|size/i);
    // Malformed MIME
    const malformed = await post('esto no es un correo');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'malformed' });
    // The reply token of a conversation of another site
    const other = await post(`From: maria@example.com\r\nTo: ${replyTo}\r\nSubject: x\r\n\r\nHola\r\n`, 'sk_other_secret');
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'unknown_recipient' });
    // An unknown reply address over SMTP
    await expect(mailIn({ from: 'maria@example.com', to: 'reply+aaaaaaaaaaaaaaaaaaaaaaaaaa@mail.shop.test', text: 'hola' })).rejects.toThrow(/550/);
    expect(await count()).toBe(before);
  });

  it('refuses an expired chat link, even one that worked before', async () => {
    const links = new MailLinks(loadServerKey(server.dataDir));
    const week = 8 * 24 * 60 * 60 * 1000;
    const old = links.sign('chat', siteId, conversationId, Date.now() - week);
    const res = await fetch(`${server.origin}/email/chat/${old}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('ha caducado');
    const before = (await server.store.messages.after(siteId, conversationId, 0, 500)).length;
    const post = await fetch(`${server.origin}/email/chat/${old}`, { method: 'POST', body: new URLSearchParams({ clientId: 'mlexpired0001', text: 'hola' }), redirect: 'manual' });
    expect(post.status).toBe(410);
    expect(await server.store.messages.after(siteId, conversationId, 0, 500)).toHaveLength(before);
    // A link for another conversation id (same signature) opens nothing.
    const fresh = links.sign('chat', siteId, conversationId, Date.now());
    expect((await fetch(`${server.origin}/email/chat/${fresh.replace(conversationId, 'cv_someoneelse')}`)).status).toBe(403);
  });
});

describe('the demo without a mail server', () => {
  it('keeps the mail in the database, lists it at /demo/correo/, and its "Responder" reaches the agent through the inbound path', async () => {
    const demo = await startTestServer({ env: { MAIL_AWAY_MS: '200', MAIL_INTERVAL_MS: '50' } });
    try {
      const visitor = await connectVisitor(demo);
      const clientId = cid();
      visitor.socket.send({ type: 'message.send', clientId, text: '¿Abrís el domingo?' });
      const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
      visitor.socket.send({ type: 'profile', email: 'ines@example.com' });
      await visitor.socket.nextOfType('profile.saved');
      const siteId = (await demo.store.sites.byPublicKey('pk_demo'))!.id;
      await expect.poll(async () => (await demo.store.mail.forConversation(siteId, conversationId)).map((m) => [m.kind, m.status, m.transport])).toEqual([['offline_confirmation', 'sent', 'demo']]);

      const page = await fetch(`${demo.origin}/demo/correo/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Hemos recibido tu mensaje');
      expect(html).toContain('¿Abrís el domingo?');
      const action = /action="(\/demo\/correo\/[^"]+\/responder)"/.exec(html)![1]!;

      const agent = await connectAgent(demo, await signIn(demo));
      const arrived = agent.socket.next((f) => f.type === 'message.created' && (f.message as { text: string }).text === 'Perfecto, paso el domingo.');
      // Another site's page cannot post it.
      expect((await fetch(`${demo.origin}${action}`, { method: 'POST', headers: { Origin: 'https://evil.example' }, body: new URLSearchParams({ text: 'x' }), redirect: 'manual' })).status).toBe(403);
      const res = await fetch(`${demo.origin}${action}`, { method: 'POST', headers: { Origin: demo.origin }, body: new URLSearchParams({ text: 'Perfecto, paso el domingo.' }), redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/demo/correo/?enviado=1');
      expect((await arrived).message).toMatchObject({ channel: 'email', kind: 'text', author: { kind: 'visitor' } });
      agent.socket.close();
      visitor.socket.close();
    } finally {
      await demo.destroy();
    }
  });
});

describe('sendMail (mail about no conversation)', () => {
  it('goes through the same outbox and transport', async () => {
    const { sendMail } = await import('../../server/mail/send');
    const siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
    const before = smtp.received.length;
    const row = await sendMail(server.store, { siteId, to: 'admin@example.com', subject: 'Restablecer la contraseña', text: 'Tu enlace', html: '<p>Tu enlace</p>' }, Date.now());
    await expect.poll(() => smtp.received.slice(before).find((m) => m.to[0] === 'admin@example.com')?.parsed.subject, { timeout: 5000 }).toBe('Restablecer la contraseña');
    // The SMTP server has it before the dispatcher has recorded it as sent: wait for that commit.
    await expect.poll(async () => (await server.store.mail.byId(siteId, row.id))?.status, { timeout: 5000 }).toBe('sent');
  });
});
