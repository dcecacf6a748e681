/**
 * GET /api/v1/reports/summary and /reports/{name}: the figures of real chats (real server,
 * sockets and SQLite file), the site's secret key, validation, CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ bot: false, routing: 'manual' });
});
afterAll(async () => {
  await server.destroy();
});

const api = (path: string, key = 'sk_demo_secret') => fetch(`${server.origin}/api/v1${path}`, { headers: { Authorization: `Bearer ${key}` } });

describe('reports API', () => {
  it('summary and tables of a chat a person answered and resolved', async () => {
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const anaName = (ana.welcome.agent as Frame).name as string;
    const visitor = await connectVisitor(server);
    const first = cid();
    visitor.socket.send({ type: 'message.send', clientId: first, text: 'Hola, ¿tenéis la talla 42?' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
    const act = async (action: string) => {
      const clientId = cid('act');
      const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      ana.socket.send({ type: 'conversation.action', clientId, conversationId, action });
      return reply;
    };
    expect(await act('take')).toMatchObject({ type: 'ack' });
    const reply = cid();
    ana.socket.send({ type: 'message.send', clientId: reply, conversationId, text: 'Sí, la tenemos' });
    await ana.socket.next((f) => f.type === 'ack' && f.clientId === reply);
    expect(await act('resolve')).toMatchObject({ type: 'ack' });

    const site = (await server.store.sites.byPublicKey('pk_demo'))!;
    const log = await server.store.conversations.events(site.id, conversationId);
    const created = log.find((e) => e.type === 'created')!.at;
    const frt = log.find((e) => e.type === 'first_human_reply')!;
    const resolved = log.find((e) => e.type === 'resolved')!.at;
    // Whatever zone the site uses, today ± 1 day covers the chat.
    const day = (d: number) => new Date(created + d * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${day(-1)}&to=${day(1)}`;

    const summary = await api(`/reports/summary?${range}`);
    expect(summary.status).toBe(200);
    const body = (await summary.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ from: day(-1), to: day(1), conversations: 1, botResolvedShare: 0, csat: { average: null, count: 0 } });
    const waited = (frt.data.waitedMs as number) / 1000;
    expect(body.firstResponseSeconds).toEqual({ p50: Math.round(waited * 10) / 10, p90: Math.round(waited * 10) / 10 });
    const took = (resolved - created) / 1000;
    expect(body.resolutionSeconds).toEqual({ p50: Math.round(took * 10) / 10, p90: Math.round(took * 10) / 10 });

    const volume = (await (await api(`/reports/volume?${range}`)).json()) as { columns: string[]; rows: Record<string, number | string>[] };
    expect(volume.columns[0]).toBe('date');
    expect(volume.rows.reduce((a, r) => a + (r.conversations as number), 0)).toBe(1);
    // The shopper's message and Ana's reply; system lines ("Ana joined", "resolved") are not counted.
    expect(volume.rows.reduce((a, r) => a + (r.messages as number), 0)).toBe(2);
    expect(volume.rows.reduce((a, r) => a + (r.agentMessages as number), 0)).toBe(1);

    const byAgent = (await (await api(`/reports/summary?${range}&agent=${(ana.welcome.agent as Frame).id as string}`)).json()) as { conversations: number };
    expect(byAgent.conversations).toBe(1);
    expect(((await (await api(`/reports/summary?${range}&agent=someone_else`)).json()) as { conversations: number }).conversations).toBe(0);
    // Filtered, messages are those of the filtered chats.
    const mine = (await (await api(`/reports/volume?${range}&agent=${(ana.welcome.agent as Frame).id as string}`)).json()) as { rows: Record<string, number>[] };
    expect(mine.rows.reduce((a, r) => a + r.messages!, 0)).toBe(2);
    const none = (await (await api(`/reports/volume?${range}&language=en`)).json()) as { rows: Record<string, number>[] };
    expect(none.rows.reduce((a, r) => a + r.messages!, 0)).toBe(0);
    expect(((await (await api(`/reports/summary?${range}&language=en`)).json()) as { conversations: number }).conversations).toBe(0);
    expect(((await (await api(`/reports/summary?${range}&channel=email`)).json()) as { conversations: number }).conversations).toBe(0);

    const csv = await api(`/reports/first-response?${range}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('date,answered,p50,p90');
    expect(lines.at(-1)).toBe(`total,1,${Math.round(waited * 10) / 10},${Math.round(waited * 10) / 10}`);

    const concurrency = (await (await api(`/reports/concurrency?${range}`)).json()) as { rows: Record<string, unknown>[] };
    expect(concurrency.rows.some((r) => r.agent === anaName && r.peak === 1)).toBe(true);

    for (const s of [ana.socket, visitor.socket]) s.close();
  });

  it('refuses without the secret key, validates the range, 404s unknown reports, and is in the OpenAPI document', async () => {
    expect((await api('/reports/summary?from=2026-01-01&to=2026-01-31', 'sk_wrong')).status).toBe(401);
    const bad = await api('/reports/summary?from=2026-02-30&to=2026-03-01');
    expect(bad.status).toBe(422);
    expect((await api('/reports/summary?from=2026-03-02&to=2026-03-01')).status).toBe(422);
    expect((await api('/reports/summary?from=2024-01-01&to=2026-03-01')).status).toBe(422);
    expect((await api('/reports/nope?from=2026-03-01&to=2026-03-01')).status).toBe(404);
    const doc = (await (await fetch(`${server.origin}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/reports/summary', '/reports/{name}']));
  });

  it('the console reads them with a session: admins and supervisors, not agents', async () => {
    const admin = await signIn(server, 'ana@example.com');
    const created = await fetch(`${server.origin}/api/agent/admin/agents`, {
      method: 'POST',
      headers: { Cookie: admin, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
      body: JSON.stringify({ email: 'sara@example.com', name: 'Sara', role: 'supervisor', password: 'supervisora-segura' }),
    });
    expect(created.status).toBe(201);
    const supervisor = await signIn(server, 'sara@example.com', 'supervisora-segura');
    const agent = await signIn(server, 'luis@example.com');
    const get = (cookie: string, path: string) => fetch(`${server.origin}/api/agent/reports${path}`, { headers: { Cookie: cookie, Origin: server.origin } });
    const day = new Date().toISOString().slice(0, 10);
    for (const cookie of [admin, supervisor]) {
      const res = await get(cookie, `/summary?from=${day}&to=${day}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ from: day, to: day });
      const csv = await get(cookie, `/volume?from=${day}&to=${day}&format=csv`);
      expect((await csv.text()).split('\r\n')[0]).toBe('date,conversations,messages,shopperMessages,agentMessages,botMessages');
    }
    expect((await get(agent, `/summary?from=${day}&to=${day}`)).status).toBe(403);
    expect((await fetch(`${server.origin}/api/agent/reports/summary?from=${day}&to=${day}`)).status).toBe(401);
    expect((await get(admin, '/summary?from=nope&to=2026-01-01')).status).toBe(422);
  });
});
