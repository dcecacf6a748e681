/**
 * The conversation's language follows the shopper (issues 19 and 12 item 5): the assistant answers
 * each message in the language it is written in, a language switch of the widget reaches the
 * server, agents see the language the shopper uses, and what the assistant could not answer is
 * listed for the merchant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, signIn, type Frame, type TestSocket } from '../helpers/ws-client';

let server: TestServer;
let cookie: string;
beforeAll(async () => {
  server = await startTestServer({ bot: true });
  cookie = await signIn(server);
});
afterAll(async () => {
  await server.destroy();
});

const conversations = new WeakMap<TestSocket, string>();

/** Sends a shopper message (with extra frame fields) and returns the assistant's first reply to it. */
async function say(socket: TestSocket, text: string, extra: Record<string, unknown> = {}): Promise<Frame> {
  const clientId = cid();
  const start = socket.frames.length;
  const conversationId = conversations.get(socket);
  socket.send({ type: 'message.send', clientId, text, ...(conversationId ? { conversationId } : {}), ...extra });
  const ack = await socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  conversations.set(socket, ack.conversationId as string);
  const replies = () => socket.frames.slice(start).filter((f) => f.type === 'message.created' && ((f.message as Frame).author as Frame).kind === 'bot');
  await expect.poll(() => replies().length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
  return replies()[0]!.message as Frame;
}

async function visitorLanguage(conversationId: string): Promise<unknown> {
  const res = await fetch(`${server.origin}/api/agent/conversations/${conversationId}/context`, { headers: { Cookie: cookie } });
  return ((await res.json()) as { visitor: { locale: unknown } }).visitor.locale;
}

describe('the conversation language follows the shopper', () => {
  it('answers English on a Spanish page in English, keeps English for a message without a language, and shows agents English', async () => {
    const { socket } = await connectVisitor(server, { locale: 'es' });
    const first = await say(socket, "where's my package??");
    expect(first.text).toBe('I can check that for you. Please send me your order number and the email you used to place the order.');
    expect((first.author as Frame).name).toBe('Assistant');
    const second = await say(socket, '1001');
    expect(second.text).toBe('Thanks. Now the email you used to place the order, please.');
    expect(await visitorLanguage(conversations.get(socket)!)).toBe('en');
    // And back: the shopper writes Spanish, the assistant answers in Spanish.
    const third = await say(socket, '¿cuánto cuesta el envío?');
    expect(third.text).toMatch(/^Enviamos a toda la península/);
    expect(await visitorLanguage(conversations.get(socket)!)).toBe('es');
    socket.close();
  });

  it("follows the widget's language when the site switches it (Mostrador('locale', 'en'))", async () => {
    const { socket } = await connectVisitor(server, { locale: 'es' });
    const reply = await say(socket, '#1001', { locale: 'en' });
    expect(reply.text).toBe('Thanks. Now the email you used to place the order, please.');
    expect(await visitorLanguage(conversations.get(socket)!)).toBe('en');
    socket.close();
  });

  it('asks one clarifying question with quick replies, and lists the question for the merchant', async () => {
    const { socket } = await connectVisitor(server, { locale: 'es' });
    const question = 'es por lo del otro día con mi prima';
    const clarify = await say(socket, question);
    expect(clarify).toMatchObject({ kind: 'card', text: 'Para ayudarte: ¿es sobre un pedido, una devolución o un envío?', payload: { type: 'quick_replies', options: ['Un pedido', 'Una devolución', 'Un envío', 'Hablar con una persona'] } });
    // The quick reply is understood.
    const answer = await say(socket, 'Un envío');
    expect(answer.text).toMatch(/^Enviamos a toda la península/);
    const res = await fetch(`${server.origin}/api/agent/admin/bot/unanswered`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { conversationId: string; text: string; locale: string }[] };
    expect(data).toContainEqual(expect.objectContaining({ conversationId: conversations.get(socket), text: question, locale: 'es' }));
    socket.close();
  });
});
