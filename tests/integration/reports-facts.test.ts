/**
 * Reports read `conversation_facts`, kept in the commit that writes each lifecycle event: the
 * API's filters (agent, team by membership, language, channel) over real chats, a reopen, a
 * message written after the last event (counted at read time), and the backfill from the event
 * log giving the same rows as the commits wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillConversationFacts, openDb } from '../../server/store/db';
import { openPg } from '../../server/store/pg/db';
import { backfillFacts } from '../../server/store/pg/facts';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn } from '../helpers/ws-client';

let server: TestServer;
let siteId: string;
beforeAll(async () => {
  server = await startTestServer({ bot: false, routing: 'manual' });
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
});
afterAll(async () => {
  await server.destroy();
});

const api = async <T = Record<string, unknown>>(path: string): Promise<T> => {
  const res = await fetch(`${server.origin}/api/v1${path}`, { headers: { Authorization: 'Bearer sk_demo_secret' } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const total = (rows: Record<string, unknown>[], key: string) => rows.reduce((a, r) => a + (r[key] as number), 0);

type Socket = Awaited<ReturnType<typeof connectAgent>>['socket'];
async function act(socket: Socket, conversationId: string, action: string) {
  const clientId = cid('act');
  const reply = socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
  socket.send({ type: 'conversation.action', clientId, conversationId, action });
  return reply;
}
async function say(socket: Socket, conversationId: string | undefined, text: string): Promise<string> {
  const clientId = cid();
  socket.send({ type: 'message.send', clientId, ...(conversationId ? { conversationId } : {}), text });
  return (await socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
}

/** The server's `conversation_facts` table, read and backfilled directly: its SQLite file, or its PostgreSQL schema. */
async function factsTable(s: TestServer) {
  const keep = (r: unknown): Record<string, unknown> => ({ ...(r as Record<string, unknown>), updated_at: 0 });
  if (s.pg) {
    const opened = await openPg(s.pg.url, { schema: s.pg.schema, max: 2 });
    return {
      read: async (site: string) => (await opened.pool.query('SELECT * FROM conversation_facts WHERE site_id = $1 ORDER BY conversation_id', [site])).rows.map(keep),
      clear: async (site: string) => void (await opened.pool.query('DELETE FROM conversation_facts WHERE site_id = $1', [site])),
      backfill: () => opened.db.transaction((tx) => backfillFacts(tx, Date.now())),
      close: () => opened.close(),
    };
  }
  const { sqlite, close } = openDb(s.dataDir);
  return {
    read: async (site: string) => sqlite.prepare('SELECT * FROM conversation_facts WHERE site_id = ? ORDER BY conversation_id').all(site).map(keep),
    clear: async (site: string) => void sqlite.prepare('DELETE FROM conversation_facts WHERE site_id = ?').run(site),
    backfill: async () => backfillConversationFacts(sqlite, Date.now()),
    close: async () => close(),
  };
}

describe('reports over the stored facts', () => {
  it('filters by agent, team (its members), language and channel; counts a reopen and late messages', async () => {
    const agents = await server.store.agents.list(siteId);
    const anaId = agents.find((a) => a.email === 'ana@example.com')!.id;
    const luisId = agents.find((a) => a.email === 'luis@example.com')!.id;
    await server.store.agents.update(siteId, luisId, { teams: ['Returns'] });
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const luis = await connectAgent(server, await signIn(server, 'luis@example.com'));

    // A: Spanish, Ana answers and resolves; the shopper writes again (reopen), Ana answers twice and resolves again.
    const maria = await connectVisitor(server, { locale: 'es' });
    const a = await say(maria.socket, undefined, 'Hola, ¿tenéis la talla 42 de estas botas?');
    expect(await act(ana.socket, a, 'take')).toMatchObject({ type: 'ack' });
    await say(ana.socket, a, 'Sí, la tenemos');
    expect(await act(ana.socket, a, 'resolve')).toMatchObject({ type: 'ack' });
    await say(maria.socket, a, 'Perdona, ¿y en color negro también?');
    await act(ana.socket, a, 'take'); // back to Ana already (reopen to the last agent), or from the queue
    await say(ana.socket, a, 'También');

    // B: English, Luis (team Returns) takes it and answers.
    const john = await connectVisitor(server, { locale: 'en' });
    const b = await say(john.socket, undefined, 'Hello, I would like to return my order please');
    expect(await act(luis.socket, b, 'take')).toMatchObject({ type: 'ack' });
    await say(luis.socket, b, 'Of course, which order?');

    const created = (await server.store.conversations.events(siteId, a)).find((e) => e.type === 'created')!.at;
    const day = (d: number) => new Date(created + d * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${day(-1)}&to=${day(1)}`;
    const count = async (filter: string) => (await api<{ conversations: number }>(`/reports/summary?${range}${filter}`)).conversations;

    expect(await count('')).toBe(2);
    expect(await count(`&agent=${anaId}`)).toBe(1);
    expect(await count(`&agent=${luisId}`)).toBe(1);
    expect(await count('&team=Returns')).toBe(1);
    expect(await count('&team=Wholesale')).toBe(0);
    expect(await count('&language=es')).toBe(1);
    expect(await count('&language=en')).toBe(1);
    expect(await count('&channel=chat')).toBe(2);
    expect(await count('&channel=email')).toBe(0);
    expect(await count(`&language=en&agent=${anaId}`)).toBe(0);

    // Ana's last reply came with no lifecycle event: the volume still counts it (read past the facts' count).
    const volume = await api<{ rows: Record<string, unknown>[] }>(`/reports/volume?${range}&agent=${anaId}`);
    expect(total(volume.rows, 'conversations')).toBe(1);
    expect(total(volume.rows, 'shopperMessages')).toBe(2);
    expect(total(volume.rows, 'agentMessages')).toBe(2);
    const all = await api<{ rows: Record<string, unknown>[] }>(`/reports/volume?${range}`);
    expect(total(all.rows, 'messages')).toBe(6);

    expect(await act(ana.socket, a, 'resolve')).toMatchObject({ type: 'ack' });
    // Two resolutions of A (the second counted from the reopen); first responses: one per chat.
    const resolution = await api<{ rows: Record<string, unknown>[] }>(`/reports/resolution?${range}&agent=${anaId}`);
    expect(resolution.rows.at(-1)).toMatchObject({ date: 'total', resolved: 2 });
    const frt = await api<{ rows: Record<string, unknown>[] }>(`/reports/first-response?${range}`);
    expect(frt.rows.at(-1)).toMatchObject({ date: 'total', answered: 2 });
    const team = await api<{ rows: Record<string, unknown>[] }>(`/reports/first-response?${range}&team=Returns`);
    expect(team.rows.at(-1)).toMatchObject({ date: 'total', answered: 1 });
    const heatmap = await api<{ rows: Record<string, unknown>[] }>(`/reports/heatmap?${range}&language=en`);
    expect(heatmap.rows.reduce((n, r) => n + Object.values(r).filter((v) => typeof v === 'number').reduce((x, v) => x + (v as number), 0), 0)).toBe(1);

    // Sales: both chats counted, neither shopper is a customer with orders.
    const sales = await api<{ rows: Record<string, unknown>[] }>(`/reports/sales?${range}`);
    expect(sales.rows).toEqual([
      { group: 'all', chats: 2, chatsWithOrder: 0, share: 0, orders: 0, currency: null, total: 0 },
      { group: 'proactive', chats: 0, chatsWithOrder: 0, share: null, orders: 0, currency: null, total: 0 },
    ]);
    const bot = await api<{ rows: Record<string, unknown>[] }>(`/reports/bot?${range}&language=es`);
    expect(bot.rows).toEqual([
      { item: 'conversations', count: 1, share: null },
      { item: 'bot_resolved', count: 0, share: 0 },
    ]);

    // The backfill from the event log writes what the commits wrote (in the store the server runs on).
    const facts = await factsTable(server);
    try {
      const live = await facts.read(siteId);
      expect(live.map((r) => r.conversation_id).sort()).toEqual([a, b].sort());
      expect(live.find((r) => r.conversation_id === a)).toMatchObject({ language: 'es', channel: 'chat', resolutions: 2, reopens: 1, agents: `|${anaId}|`, status: 'resolved' });
      expect(live.find((r) => r.conversation_id === b)).toMatchObject({ language: 'en', agents: `|${luisId}|`, status: 'assigned', shopper_messages: 1, agent_messages: 1 });
      await facts.clear(siteId);
      expect(await facts.backfill()).toBe(2);
      expect(await facts.read(siteId)).toEqual(live);
    } finally {
      await facts.close();
    }
    for (const s of [ana.socket, luis.socket, maria.socket, john.socket]) s.close();
  });

  it("the console page's options: the zone and today in it, agents with their capacity, teams; admins and supervisors only", async () => {
    const admin = await signIn(server, 'ana@example.com');
    const res = await fetch(`${server.origin}/api/agent/reports/options`, { headers: { Cookie: admin, Origin: server.origin } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { timeZone: string; today: string; agents: { name: string; capacity: number }[]; teams: string[] };
    expect(body.timeZone).toBe('UTC');
    expect(body.today).toBe(new Date().toISOString().slice(0, 10));
    expect(body.agents.map((a) => a.name)).toEqual([...body.agents.map((a) => a.name)].sort((x, y) => x.localeCompare(y)));
    expect(body.agents.every((a) => Number.isInteger(a.capacity) && a.capacity > 0)).toBe(true);
    expect(body.teams).toContain('Returns');
    const agent = await signIn(server, 'luis@example.com');
    expect((await fetch(`${server.origin}/api/agent/reports/options`, { headers: { Cookie: agent, Origin: server.origin } })).status).toBe(403);
  });
});
