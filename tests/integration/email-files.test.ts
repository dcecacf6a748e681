/**
 * E-mail continuity, the rest of issue 13, against a real SMTP server started here: the chat's
 * files go into the mail under a total size cap (the rest are linked with signed URLs that
 * download them), and a digest waits while the shopper has the chat open — away is judged by
 * presence, not only by read marks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_HOLD_FACTOR } from '../../server/mail/dispatcher';
import { png } from '../helpers/png';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame, shopperWithEmail } from '../helpers/ws-client';

const AWAY_MS = 400;
let smtp: TestSmtp;
let server: TestServer;
let siteId: string;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Café Mostrador <chat@shop.test>',
      MAIL_REPLY_DOMAIN: 'mail.shop.test',
      MAIL_AWAY_MS: String(AWAY_MS),
      MAIL_INTERVAL_MS: '50',
      // Room for the small image, not for the PDF as well.
      MAIL_ATTACH_MAX_BYTES: '3000',
    },
  });
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});

afterAll(async () => {
  await server?.destroy();
  await smtp?.close();
});

const shopperWhoLeftAnEmail = (email: string, text: string) => shopperWithEmail(server, email, text);

async function upload(cookie: string, name: string, body: Buffer): Promise<{ id: string }> {
  const res = await fetch(`${server.origin}/api/uploads/agent`, {
    method: 'POST',
    headers: { Cookie: cookie, Origin: server.origin, 'X-CSRF-Token': csrfOf(cookie), 'X-File-Name': encodeURIComponent(name), 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

async function agentSays(agent: Awaited<ReturnType<typeof connectAgent>>, conversationId: string, text: string, extra: object = {}): Promise<Frame> {
  const clientId = cid('a');
  agent.socket.send({ type: 'message.send', clientId, conversationId, text, ...extra });
  return agent.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
}

const mailTo = (address: string, subject: RegExp) => smtp.received.filter((m) => m.to[0] === address && subject.test(m.parsed.subject ?? ''));
const digests = async (conversationId: string) => (await server.store.mail.forConversation(siteId, conversationId)).filter((r) => r.kind === 'digest');

describe("the chat's files in mail", () => {
  it('attaches them while they fit the cap, and links the rest with a signed URL that downloads the file', async () => {
    const shopper = await shopperWhoLeftAnEmail('alba@example.com', 'Necesito la etiqueta de devolución y la factura');
    shopper.socket.close();
    await shopper.socket.waitClose();
    const cookie = await signIn(server);
    const agent = await connectAgent(server, cookie);
    const label = png();
    const invoice = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5000, 0x20), Buffer.from('\n%%EOF\n')]);
    const files = [await upload(cookie, 'etiqueta.png', label), await upload(cookie, 'factura.pdf', invoice)];
    expect((await agentSays(agent, shopper.conversationId, 'Aquí tienes las dos', { attachments: files.map((f) => f.id) })).type).toBe('ack');

    await expect.poll(() => mailTo('alba@example.com', /^Tienes respuesta/).length, { timeout: 5000 }).toBe(1);
    const digest = mailTo('alba@example.com', /^Tienes respuesta/)[0]!;
    // The image fits: attached, byte for byte.
    expect(digest.parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([['etiqueta.png', 'image/png']]);
    expect(Buffer.compare(digest.parsed.attachments[0]!.content, label)).toBe(0);
    const text = digest.parsed.text ?? '';
    expect(text).toContain('Aquí tienes las dos');
    expect(text).toContain('📎 etiqueta.png — adjunto a este correo');
    // The PDF does not fit with it: linked, signed and expiring, and the link downloads it.
    const link = /📎 factura\.pdf — (http:\/\/\S+)/.exec(text)?.[1];
    expect(link).toMatch(/\/files\/[^/]+\/factura\.pdf\?exp=\d+&sig=/);
    expect(text).toContain('Los enlaces a los archivos caducan en 7 días.');
    expect(String(digest.parsed.html)).toContain(`<a href="${link!.replace(/&/g, '&amp;')}">factura.pdf</a>`);
    const download = await fetch(link!);
    expect(download.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), invoice)).toBe(0);
    // A tampered link downloads nothing (the signature's first character changed: never to itself).
    const tampered = link!.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect(tampered).not.toBe(link);
    expect((await fetch(tampered)).status).toBe(403);
    agent.socket.close();
  });

  it('puts a file in a reply sent by e-mail on purpose', async () => {
    const shopper = await shopperWhoLeftAnEmail('bruno@example.com', 'Send me the return label please');
    shopper.socket.close();
    const cookie = await signIn(server);
    const agent = await connectAgent(server, cookie);
    const file = await upload(cookie, 'return-label.png', png());
    // A file alone, no text.
    expect((await agentSays(agent, shopper.conversationId, '', { attachments: [file.id], byEmail: true })).type).toBe('ack');
    await expect.poll(async () => (await server.store.mail.forConversation(siteId, shopper.conversationId)).map((r) => [r.kind, r.status, r.lastError]), { timeout: 5000 }).toContainEqual(['reply', 'sent', null]);
    await expect.poll(() => mailTo('bruno@example.com', /^Reply from/).length, { timeout: 5000 }).toBe(1);
    const mail = mailTo('bruno@example.com', /^Reply from/)[0]!;
    expect(mail.parsed.attachments.map((a) => a.filename)).toEqual(['return-label.png']);
    // In the conversation's language (the shopper wrote in English).
    expect(mail.parsed.text).toContain('📎 return-label.png — attached to this e-mail');
    agent.socket.close();
  });
});

describe('away by presence', () => {
  it('holds the digest while the shopper has the chat open, and sends it once they have been gone for the away time', async () => {
    const shopper = await shopperWhoLeftAnEmail('carla@example.com', '¿Tenéis tallas grandes?');
    const agent = await connectAgent(server, await signIn(server));
    expect((await agentSays(agent, shopper.conversationId, 'Sí, hasta la XXL.')).type).toBe('ack');
    // The reply is unread, but the panel is open: several away times pass and nothing is sent.
    await new Promise((r) => setTimeout(r, AWAY_MS * 4));
    expect(mailTo('carla@example.com', /^Tienes respuesta/)).toHaveLength(0);
    expect((await digests(shopper.conversationId)).map((r) => [r.status, r.attempts])).toEqual([['pending', 0]]);

    // The shopper leaves without reading: the digest goes out, not before the away time.
    const leftAt = Date.now();
    shopper.socket.close();
    await shopper.socket.waitClose();
    await expect.poll(() => mailTo('carla@example.com', /^Tienes respuesta/).length, { timeout: 5000 }).toBe(1);
    // The outbox row is settled after the SMTP server has the mail (a moment later on PostgreSQL).
    await expect.poll(async () => (await digests(shopper.conversationId))[0]?.status, { timeout: 5000 }).toBe('sent');
    const [row] = await digests(shopper.conversationId);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row!.sentAt! - leftAt).toBeGreaterThanOrEqual(AWAY_MS - 50);
    expect(mailTo('carla@example.com', /^Tienes respuesta/)[0]!.parsed.text).toContain('Sí, hasta la XXL.');
    agent.socket.close();
  });

  it('a shopper who comes back and reads in the chat gets no mail', async () => {
    const shopper = await shopperWhoLeftAnEmail('dani@example.com', '¿Y el envío?');
    shopper.socket.close();
    await shopper.socket.waitClose();
    const agent = await connectAgent(server, await signIn(server));
    const ack = await agentSays(agent, shopper.conversationId, 'Gratis desde 40 €.');
    // Back within the away time: held while here, then read.
    const back = await connectVisitor(server, { token: shopper.token });
    await new Promise((r) => setTimeout(r, AWAY_MS * 2));
    expect((await digests(shopper.conversationId)).map((r) => r.status)).toEqual(['pending']);
    back.socket.send({ type: 'read', conversationId: shopper.conversationId, seq: ack.seq as number });
    back.socket.close();
    await expect.poll(async () => (await digests(shopper.conversationId)).map((r) => [r.status, r.lastError]), { timeout: 5000 }).toEqual([['skipped', 'read in the chat']]);
    expect(mailTo('dani@example.com', /^Tienes respuesta/)).toHaveLength(0);
    agent.socket.close();
  });
  it('takes a panel left connected without reading for ten away times as a tab left open, and sends', async () => {
    const shopper = await shopperWhoLeftAnEmail('elena@example.com', '¿Hay descuento para estudiantes?');
    const agent = await connectAgent(server, await signIn(server));
    const repliedAt = Date.now();
    expect((await agentSays(agent, shopper.conversationId, 'Sí, un 10 % con el carné.')).type).toBe('ack');
    await expect.poll(() => mailTo('elena@example.com', /^Tienes respuesta/).length, { timeout: DIGEST_HOLD_FACTOR * AWAY_MS + 5000 }).toBe(1);
    await expect.poll(async () => (await digests(shopper.conversationId))[0]?.status, { timeout: 5000 }).toBe('sent');
    const [row] = await digests(shopper.conversationId);
    expect(row!.sentAt! - repliedAt).toBeGreaterThanOrEqual(DIGEST_HOLD_FACTOR * AWAY_MS - 50);
    shopper.socket.close();
    agent.socket.close();
  });
});

describe('the demo without a mail server', () => {
  it('links the files (its mailbox keeps only the text), and the link downloads them', async () => {
    const demo = await startTestServer({ env: { MAIL_AWAY_MS: '200', MAIL_INTERVAL_MS: '50' } });
    try {
      const visitor = await connectVisitor(demo);
      const clientId = cid();
      visitor.socket.send({ type: 'message.send', clientId, text: '¿Me mandáis la factura?' });
      const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
      visitor.socket.send({ type: 'profile', email: 'fer@example.com' });
      await visitor.socket.nextOfType('profile.saved');
      visitor.socket.close();
      const cookie = await signIn(demo);
      const agent = await connectAgent(demo, cookie);
      const res = await fetch(`${demo.origin}/api/uploads/agent`, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: demo.origin, 'X-CSRF-Token': csrfOf(cookie), 'X-File-Name': 'factura.png', 'Content-Type': 'application/octet-stream' },
        body: new Uint8Array(png()),
      });
      const file = (await res.json()) as { id: string };
      const ref = cid('a');
      agent.socket.send({ type: 'message.send', clientId: ref, conversationId, text: 'Aquí está', attachments: [file.id] });
      await agent.socket.next((f) => f.type === 'ack' && f.clientId === ref);
      const demoSite = (await demo.store.sites.byPublicKey('pk_demo'))!.id;
      await expect.poll(async () => (await demo.store.mail.forConversation(demoSite, conversationId)).find((m) => m.kind === 'digest')?.status, { timeout: 5000 }).toBe('sent');
      const digest = (await demo.store.mail.forConversation(demoSite, conversationId)).find((m) => m.kind === 'digest')!;
      const link = /📎 factura\.png — (http:\/\/\S+)/.exec(digest.textBody ?? '')?.[1];
      expect(link).toBeTruthy();
      expect(Buffer.compare(Buffer.from(await (await fetch(link!)).arrayBuffer()), png())).toBe(0);
      agent.socket.close();
    } finally {
      await demo.destroy();
    }
  });
});
