/**
 * CSAT by e-mail (issue 14) against a real SMTP server: a shopper who left with an address gets
 * "¿Qué tal te hemos atendido?" a while after the resolve, with five links; a link only opens the
 * form (its score chosen), the form's button stores the rating once (agent, comment, webhook
 * note); a shopper who rated in the widget meanwhile gets no mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn } from '../helpers/ws-client';

let smtp: TestSmtp;
let server: TestServer;
let siteId: string;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'Café Mostrador <chat@shop.test>', MAIL_AWAY_MS: '600000', MAIL_INTERVAL_MS: '50', MAIL_RATING_DELAY_MS: '1500' },
  });
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});
afterAll(async () => {
  await server?.destroy();
  await smtp?.close();
});

async function resolvedChat(email: string, text: string) {
  const shopper = await connectVisitor(server, { locale: 'es' });
  const first = cid();
  shopper.socket.send({ type: 'message.send', clientId: first, text });
  const conversationId = (await shopper.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
  shopper.socket.send({ type: 'profile', email });
  await shopper.socket.nextOfType('profile.saved');
  const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
  const act = async (action: string) => {
    const ref = cid('act');
    const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === ref || f.ref === ref));
    ana.socket.send({ type: 'conversation.action', clientId: ref, conversationId, action });
    return reply;
  };
  expect(await act('take')).toMatchObject({ type: 'ack' });
  const reply = cid('a');
  ana.socket.send({ type: 'message.send', clientId: reply, conversationId, text: 'Sí, lo tenemos.' });
  await ana.socket.next((f) => f.type === 'ack' && f.clientId === reply);
  return { shopper, ana, conversationId, resolve: () => act('resolve') };
}

const ratingMails = (to: string) => smtp.received.filter((m) => m.to.includes(to) && m.parsed.subject?.startsWith('¿Qué tal te hemos atendido?'));

describe('the rating question by e-mail', () => {
  it('asks a shopper who left; the link opens the form, the button stores the rating once', async () => {
    const chat = await resolvedChat('marta@example.com', '¿Tenéis café de Colombia?');
    chat.shopper.socket.close();
    expect(await chat.resolve()).toMatchObject({ type: 'ack' });
    await expect.poll(() => ratingMails('marta@example.com').length, { timeout: 8000 }).toBe(1);
    const mail = ratingMails('marta@example.com')[0]!;
    for (let n = 1; n <= 5; n++) expect(mail.parsed.text).toContain(`${n} de 5: `);
    const link = /4 de 5: (\S+)/.exec(mail.parsed.text ?? '')![1]!;
    const url = new URL(link);
    const local = `${server.origin}${url.pathname}${url.search}`;

    // Opening the link (as a mail scanner would) stores nothing: it shows the form with 4 chosen.
    const form = await fetch(local);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('¿Qué tal te hemos atendido?');
    expect(html).toMatch(/value="4" checked/);
    expect(await server.store.ratings.of(siteId, chat.conversationId)).toEqual([]);

    const post = (body: Record<string, string>) =>
      fetch(`${server.origin}${url.pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
    expect((await post({ score: '9' })).status).toBe(400);
    const sent = await post({ score: '4', comment: 'Muy rápidos <b>gracias</b>' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('¡Gracias por tu valoración!');
    const anaId = (await server.store.agents.list(siteId)).find((a) => a.email === 'ana@example.com')!.id;
    expect((await server.store.ratings.of(siteId, chat.conversationId)).map((r) => [r.score, r.comment, r.agentId])).toEqual([[4, 'Muy rápidos <b>gracias</b>', anaId]]);
    // Once per resolution.
    expect(await (await post({ score: '1' })).text()).toContain('ya tiene tu valoración');
    expect(await server.store.ratings.of(siteId, chat.conversationId)).toHaveLength(1);
    // A forged or altered link opens nothing.
    expect((await fetch(`${server.origin}${url.pathname.slice(0, -2)}xx`)).status).toBe(403);
    chat.ana.socket.close();
  });

  it('sends nothing when the shopper rated in the widget first', async () => {
    const chat = await resolvedChat('pablo@example.com', '¿Hacéis envíos a Canarias?');
    const resolved = chat.shopper.socket.next((f) => f.type === 'conversation.updated' || f.type === 'message.created');
    expect(await chat.resolve()).toMatchObject({ type: 'ack' });
    await resolved;
    const rate = cid();
    chat.shopper.socket.send({ type: 'conversation.rate', clientId: rate, conversationId: chat.conversationId, score: 5 });
    await chat.shopper.socket.next((f) => f.type === 'ack' && f.clientId === rate);
    await expect
      .poll(async () => (await server.store.mail.forConversation(siteId, chat.conversationId)).filter((m) => m.kind === 'rating').map((m) => [m.status, m.lastError]), { timeout: 8000 })
      .toEqual([['skipped', 'rated in the chat']]);
    expect(ratingMails('pablo@example.com')).toHaveLength(0);
    chat.shopper.socket.close();
    chat.ana.socket.close();
  });
});
