/**
 * The bot's order lookup for unverified shoppers cannot be brute-forced (issue 11): a new chat
 * for every few guesses, or a dozen tabs guessing at once, got around the three attempts a
 * conversation allows. Failed lookups now also count per email, per client address and per site
 * (domain/rate-limit.ts, LOOKUP_FAILURE_BUDGETS), and a conversation's turns run one at a time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOOKUP_FAILURE_BUDGETS } from '../../server/domain/rate-limit';
import { MAX_LOOKUP_FAILURES } from '../../server/domain/bot';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, type Frame, type TestSocket } from '../helpers/ws-client';

let server: TestServer;
let siteId: string;
beforeEach(async () => {
  server = await startTestServer({ bot: true });
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});
afterEach(async () => {
  await server.destroy();
});

const FAILED = /couldn't find an order|no encuentro ningún pedido|no he encontrado|No encuentro/i;

/** Every message of a conversation, as stored. */
async function transcript(conversationId: string) {
  return server.store.messages.after(siteId, conversationId, 0, 500);
}

/** Sends a guess and waits until the bot answered it or the chat is with people (the bot is silent then). */
async function guess(socket: TestSocket, text: string, conversationId?: string): Promise<string> {
  const clientId = cid('g');
  socket.send({ type: 'message.send', clientId, text, ...(conversationId ? { conversationId } : {}) });
  const ack = await socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  const id = ack.conversationId as string;
  await expect
    .poll(async () => {
      const all = await transcript(id);
      const mine = all.findIndex((m) => m.clientId === clientId);
      const status = (await server.store.conversations.get(siteId, id))!.status;
      return status !== 'bot' || all.slice(mine + 1).some((m) => m.author.kind === 'bot');
    }, { timeout: 5000 })
    .toBe(true);
  return id;
}

describe('order lookup guard', () => {
  it('60 guesses at a known email over 20 fresh shoppers never return the order (per email)', async () => {
    const conversations: string[] = [];
    let n = 0;
    for (let shopper = 0; shopper < 20; shopper++) {
      const v = await connectVisitor(server);
      let conversationId: string | undefined;
      for (let k = 0; k < 3; k++) {
        n++;
        // The right number comes last: after 59 wrong ones.
        const number = n === 60 ? '1001' : String(2000 + n);
        conversationId = await guess(v.socket, `Pedido #${number}, email maria@example.com`, conversationId);
      }
      conversations.push(conversationId!);
      v.socket.close();
    }
    const all = (await Promise.all(conversations.map(transcript))).flat();
    expect(all.filter((m) => m.kind === 'card')).toEqual([]);
    expect(JSON.stringify(all)).not.toMatch(/Correos|CE123456789ES/);
    // The email's budget of failures, not 60.
    const failures = all.filter((m) => m.author.kind === 'bot' && FAILED.test(m.text));
    expect(failures.length).toBeLessThanOrEqual(LOOKUP_FAILURE_BUDGETS.email.burst);
    // Past it, each chat goes to a person.
    const queued = async () => (await Promise.all(conversations.map(async (id) => (await server.store.conversations.get(siteId, id))!.status))).filter((s) => s === 'queued').length;
    await expect.poll(queued).toBe(20);
  });

  it('guesses at many emails from one address stop at the address budget, even for a right pair', async () => {
    const budget = LOOKUP_FAILURE_BUDGETS.address.burst;
    for (let i = 0; i < budget; i++) {
      const v = await connectVisitor(server);
      await guess(v.socket, `Pedido #${3000 + i}, email alguien${i}@example.com`);
      v.socket.close();
    }
    // John's real order and email, from the same address: handed to a person, not shown.
    const v = await connectVisitor(server);
    const id = await guess(v.socket, 'Pedido #1002, email john@example.com');
    const messages = await transcript(id);
    expect(messages.filter((m) => m.kind === 'card')).toEqual([]);
    await expect.poll(async () => (await server.store.conversations.get(siteId, id))!.status).toBe('queued');
    expect((await transcript(id)).filter((m) => m.kind === 'card')).toEqual([]);
    v.socket.close();
  });

  it('a right pair still gets the order while no budget is spent', async () => {
    const v = await connectVisitor(server);
    const id = await guess(v.socket, 'Pedido #1002, email john@example.com');
    const cards = (await transcript(id)).filter((m) => m.kind === 'card');
    expect(cards).toHaveLength(1);
    expect(cards[0]!.payload).toMatchObject({ type: 'order', order: { number: '1002' } });
    v.socket.close();
  });

  it('12 tabs of one shopper guessing at once count as 12 attempts: three, then a person', async () => {
    const first = await connectVisitor(server);
    const opened = cid('o');
    first.socket.send({ type: 'message.send', clientId: opened, text: '¿Dónde está mi pedido?' });
    const conversationId = (await first.socket.next((f) => f.type === 'ack' && f.clientId === opened)).conversationId as string;
    await expect.poll(async () => (await transcript(conversationId)).some((m) => m.author.kind === 'bot')).toBe(true);
    const tabs = [first, ...(await Promise.all(Array.from({ length: 11 }, () => connectVisitor(server, { token: first.token }))))];
    const acks = await Promise.all(
      tabs.map(async (tab, i) => {
        const clientId = cid('t');
        const ack = tab.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
        tab.socket.send({ type: 'message.send', clientId, conversationId, text: `Pedido #${4000 + i}, email lucia@example.com` });
        return ack;
      }),
    );
    expect(acks.every((a: Frame) => a.conversationId === conversationId)).toBe(true);
    await expect.poll(async () => (await server.store.conversations.get(siteId, conversationId))!.status, { timeout: 10_000 }).toBe('queued');
    // Every turn has run: the bot state holds all the attempts it counted.
    await expect
      .poll(async () => ((await server.store.conversations.botData(siteId, conversationId))?.botState as { failedLookups?: number } | null)?.failedLookups, { timeout: 10_000 })
      .toBe(MAX_LOOKUP_FAILURES);
    const replies = (await transcript(conversationId)).filter((m) => m.author.kind === 'bot' && FAILED.test(m.text));
    expect(replies.length).toBe(MAX_LOOKUP_FAILURES);
    // Counting down, not twelve "first failures".
    expect(replies.map((m) => m.text)).toEqual([...new Set(replies.map((m) => m.text))]);
    for (const tab of tabs) tab.socket.close();
  });
});
