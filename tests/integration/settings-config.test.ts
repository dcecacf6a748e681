import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth';
import { hashToken } from '../../server/ids';
import { addSite, startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signIn(server, 'ana@example.com');
});
afterAll(async () => {
  await server.destroy();
});

function call(cookie: string, method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}/api/agent/admin${path}`, {
    method,
    headers: { Cookie: cookie, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function patchSite(body: unknown) {
  const res = await call(admin, 'PATCH', '/site', body);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const utcDate = (at: number) => new Date(at).toISOString().slice(0, 10);
const ALL_DAY = [['00:00', '24:00']] as const;
const EVERY_DAY = { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY };
/** Open every day, all day, but today (UTC) is a holiday: closed now, back at the next UTC midnight. */
function closedToday(now = Date.now()) {
  return { timeZone: 'UTC', schedule: { weekly: EVERY_DAY, holidays: [utcDate(now), utcDate(now + 86_400_000 * 2)] } };
}
/** Runs shortly before midnight would make "tomorrow" the holiday-protected day; both are fine. */
const nextUtcMidnight = (now = Date.now()) => Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1);

describe('settings validation (422 names the field)', () => {
  it.each([
    ['an unknown time zone', { hours: { timeZone: 'Europe/Atlantis', schedule: { weekly: {} } } }, 'hours.timeZone'],
    ['a range that ends before it starts', { hours: { timeZone: 'Europe/Madrid', schedule: { weekly: { mon: [['09:00', '14:00']], tue: [['18:00', '09:00']] } } } }, 'hours.schedule.weekly.tue.0'],
    ['a malformed time', { hours: { timeZone: 'Europe/Madrid', schedule: { weekly: { wed: [['9am', '14:00']] } } } }, 'hours.schedule.weekly.wed.0'],
    ['overlapping ranges', { hours: { timeZone: 'Europe/Madrid', schedule: { weekly: { thu: [['09:00', '14:00'], ['13:00', '18:00']] } } } }, 'hours.schedule.weekly.thu.1'],
    ['an unknown day', { hours: { timeZone: 'Europe/Madrid', schedule: { weekly: { someday: [['09:00', '14:00']] } } } }, 'hours.schedule.weekly.someday'],
    ['a bad holiday', { hours: { timeZone: 'Europe/Madrid', schedule: { weekly: {}, holidays: ['2025-13-01'] } } }, 'hours.schedule.holidays.0'],
    ['a duplicate shortcut', { canned: [{ shortcut: 'envio', text: { es: 'a' } }, { shortcut: 'envio', text: { en: 'b' } }] }, 'canned.1.shortcut'],
    ['an upper-case shortcut', { canned: [{ shortcut: 'Envio', text: { es: 'a' } }] }, 'canned.0.shortcut'],
    ['a canned response without text', { canned: [{ shortcut: 'vacio', text: { es: ' ' } }] }, 'canned.0.text'],
    ['a rule without conditions', { proactiveRules: [{ enabled: true, priority: 1, conditions: [], message: { es: 'Hola' }, from: { kind: 'bot' }, onceEveryDays: 1 }] }, 'proactiveRules.0.conditions'],
    ['a rule with an unknown condition', { proactiveRules: [{ enabled: true, priority: 1, conditions: [{ type: 'moon_phase' }], message: { es: 'Hola' }, from: { kind: 'bot' }, onceEveryDays: 1 }] }, 'proactiveRules.0.conditions.0.type'],
    ['a rule with a negative cart total', { proactiveRules: [{ enabled: true, priority: 1, conditions: [{ type: 'cart_total_at_least', cents: -5 }], message: { es: 'Hola' }, from: { kind: 'bot' }, onceEveryDays: 1 }] }, 'proactiveRules.0.conditions.0.cents'],
    ['a rule from an agent of no site', { proactiveRules: [{ enabled: true, priority: 1, conditions: [{ type: 'exit_intent' }], message: { es: 'Hola' }, from: { kind: 'agent', agentId: 'ag_nobody' }, onceEveryDays: 1 }] }, 'proactiveRules.0.from.agentId'],
    ['an FAQ entry in another language', { faqs: [{ question: 'q', answer: 'a', keywords: ['q'], locale: 'fr' }] }, 'faqs.0.locale'],
    ['a team listed twice', { teams: ['Ventas', 'ventas'] }, 'teams.1'],
  ])('refuses %s', async (_what, body, field) => {
    const res = await call(admin, 'PATCH', '/site', body);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { field: string; detail: string };
    expect(problem.field).toBe(field);
    expect(problem.detail.startsWith(`${field}: `)).toBe(true);
  });

  it('refuses agent capacities outside 1–50 and unknown languages', async () => {
    const agents = ((await (await call(admin, 'GET', '/agents')).json()) as { data: { id: string; email: string }[] }).data;
    const luis = agents.find((a) => a.email === 'luis@example.com')!;
    for (const [body, field] of [
      [{ capacity: 0 }, 'capacity'],
      [{ capacity: 51 }, 'capacity'],
      [{ capacity: 2.5 }, 'capacity'],
      [{ languages: ['fr'] }, 'languages.0'],
      [{ teams: [''] }, 'teams.0'],
    ] as const) {
      const res = await call(admin, 'PATCH', `/agents/${luis.id}`, body);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { field: string }).field).toBe(field);
    }
  });
});

describe('settings round trip', () => {
  it('stores hours, FAQ, policies, canned responses, rules and teams, and reads them back', async () => {
    const agents = ((await (await call(admin, 'GET', '/agents')).json()) as { data: { id: string; email: string }[] }).data;
    const luis = agents.find((a) => a.email === 'luis@example.com')!;
    const hours = { timeZone: 'Europe/Madrid', schedule: { weekly: { mon: [['09:00', '14:00'], ['16:00', '20:00']], sat: [['10:00', '14:00']] }, holidays: ['12-25', '2026-01-06'] } };
    const faqs = [{ question: '¿Hacéis envíos a Canarias?', answer: 'Sí, en 3–5 días.', keywords: ['canarias', 'islas'], locale: 'es' }];
    const policies = { es: { shipping: 'Envío gratis desde 40 €.', returns: '30 días para devolver.' }, en: { shipping: 'Free shipping over €40.' } };
    const canned = [{ shortcut: 'envio', text: { es: 'Enviamos en 24 h.', en: 'We ship within 24 h.' } }, { shortcut: 'gracias-2', text: { es: '¡Gracias!' } }];
    const rule = {
      enabled: true,
      priority: 5,
      conditions: [
        { type: 'time_on_page', seconds: 30 },
        { type: 'url', pattern: '/checkout*' },
        { type: 'cart_total_at_least', cents: 5000 },
        { type: 'cart_items_at_least', count: 2 },
        { type: 'returning_visitor' },
        { type: 'exit_intent' },
        { type: 'language', locales: ['es'] },
        { type: 'identified' },
        { type: 'customer_tag', tag: 'vip' },
      ],
      message: { es: '¿Te ayudo con el pedido?', en: 'Can I help with your order?' },
      from: { kind: 'agent', agentId: luis.id },
      onceEveryDays: 3,
    };
    const saved = await patchSite({ hours, faqs, policies, canned, proactiveRules: [rule], teams: ['Ventas', 'Devoluciones'] });
    expect(saved.status).toBe(200);

    const site = (await (await call(admin, 'GET', '/site')).json()) as Record<string, unknown>;
    expect(site.hours).toEqual(hours);
    expect(site.faqs).toEqual([{ ...faqs[0], id: expect.any(String) }]);
    expect(site.policies).toEqual(policies);
    expect(site.canned).toEqual(canned.map((c) => ({ ...c, id: expect.any(String) })));
    expect(site.proactiveRules).toEqual([{ ...rule, id: expect.any(String) }]);
    expect(site.teams).toEqual(['Ventas', 'Devoluciones']);

    // Editing keeps ids; deleting is saving the list without the entry.
    const firstCanned = (site.canned as { id: string }[])[0]!;
    const edited = await patchSite({ canned: [{ ...firstCanned, shortcut: 'envio', text: { es: 'Enviamos hoy.' } }] });
    expect(edited.body.canned).toEqual([{ id: firstCanned.id, shortcut: 'envio', text: { es: 'Enviamos hoy.' } }]);

    // Other settings are untouched by a partial save.
    const again = (await (await call(admin, 'GET', '/site')).json()) as Record<string, unknown>;
    expect(again.hours).toEqual(hours);
    expect(again.faqs).toEqual(site.faqs);

    // No hours: always open.
    expect((await patchSite({ hours: null })).body.hours).toBeNull();
  });

  it('gives agents a capacity, languages and teams on creation and edit; their teams join the site list', async () => {
    const created = await call(admin, 'POST', '/agents', {
      email: 'sofia@example.com',
      name: 'Sofía',
      role: 'agent',
      password: 'una-clave-larga-2',
      capacity: 8,
      languages: ['es', 'en'],
      teams: ['Mayoristas'],
    });
    expect(created.status).toBe(201);
    const sofia = (await created.json()) as { id: string };
    expect(sofia).toMatchObject({ capacity: 8, languages: ['es', 'en'], teams: ['Mayoristas'] });

    const patched = await call(admin, 'PATCH', `/agents/${sofia.id}`, { capacity: null, languages: ['en'], teams: ['Mayoristas', 'Ventas'] });
    expect(await patched.json()).toMatchObject({ capacity: null, languages: ['en'], teams: ['Mayoristas', 'Ventas'] });
    const listed = ((await (await call(admin, 'GET', '/agents')).json()) as { data: { id: string }[] }).data.find((a) => a.id === sofia.id);
    expect(listed).toMatchObject({ capacity: null, languages: ['en'], teams: ['Mayoristas', 'Ventas'] });
    const site = (await (await call(admin, 'GET', '/site')).json()) as { teams: string[] };
    expect(site.teams).toEqual(expect.arrayContaining(['Mayoristas', 'Ventas']));
  });
});

describe('settings access', () => {
  it('are refused to agents who are not admins', async () => {
    const luis = await signIn(server, 'luis@example.com');
    expect((await call(luis, 'GET', '/site')).status).toBe(403);
    expect((await call(luis, 'PATCH', '/site', { canned: [] })).status).toBe(403);
    expect((await call(luis, 'PATCH', '/site', { hours: null })).status).toBe(403);
  });

  it("are invisible to another site's admin, and theirs do not touch ours", async () => {
    await patchSite({ canned: [{ shortcut: 'secreto-demo', text: { es: 'solo para la tienda demo' } }], faqs: [{ question: 'demo?', answer: 'respuesta-demo', keywords: ['demo'], locale: 'es' }] });
    const now = Date.now();
    await addSite(server, { id: 'site_other', name: 'Otra tienda', publicKey: 'pk_other', secretKey: 'sk_other_secret', secretKeyHash: hashToken('sk_other_secret'), allowedOrigins: [], settings: {}, createdAt: now }, [{ id: 'ag_other', siteId: 'site_other', email: 'eve@other.example', name: 'Eve', role: 'admin', passwordHash: await hashPassword('otra-clave-12345'), createdAt: now }]);

    const eve = await signIn(server, 'eve@other.example', 'otra-clave-12345');
    const theirs = (await (await call(eve, 'GET', '/site')).json()) as Record<string, unknown>;
    expect(theirs).toMatchObject({ name: 'Otra tienda', canned: [], faqs: [], hours: null, proactiveRules: [] });
    expect(JSON.stringify(theirs)).not.toContain('secreto-demo');
    expect(JSON.stringify(theirs)).not.toContain('respuesta-demo');

    expect((await call(eve, 'PATCH', '/site', { canned: [{ shortcut: 'hola', text: { es: 'de Eve' } }] })).status).toBe(200);
    const ours = (await (await call(admin, 'GET', '/site')).json()) as { canned: { shortcut: string }[] };
    expect(ours.canned.map((c) => c.shortcut)).toEqual(['secreto-demo']);

    // A rule cannot name an agent of another site.
    const rule = { enabled: true, priority: 1, conditions: [{ type: 'exit_intent' }], message: { es: 'Hola' }, from: { kind: 'agent', agentId: 'ag_other' }, onceEveryDays: 1 };
    const res = await call(admin, 'PATCH', '/site', { proactiveRules: [rule] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { field: string }).field).toBe('proactiveRules.0.from.agentId');
  });
});

describe('business hours and shoppers', () => {
  it('tells a shopper who connects while closed that nobody is available, and when people are back', async () => {
    const agent = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const now = Date.now();
    expect((await patchSite({ hours: closedToday(now) })).status).toBe(200);
    const visitor = await connectVisitor(server);
    const availability = visitor.welcome.availability as { available: boolean; names: string[]; backAt: number };
    expect(availability.available).toBe(false);
    expect(availability.names).toEqual([]);
    expect([nextUtcMidnight(now), nextUtcMidnight(now + 86_400_000)]).toContain(availability.backAt);
    expect(availability.backAt).toBeGreaterThan(now);
    visitor.socket.close();
    agent.socket.close();
    await patchSite({ hours: null });
  });

  it('updates connected shoppers live when an admin saves the hours', async () => {
    await patchSite({ hours: null });
    const agent = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const visitor = await connectVisitor(server);
    expect(visitor.welcome.availability).toEqual({ available: true, names: ['Ana'] });

    const closed = visitor.socket.next((f) => f.type === 'availability' && f.available === false && typeof f.backAt === 'number');
    expect((await patchSite({ hours: closedToday() })).status).toBe(200);
    expect((await closed).backAt).toBeGreaterThan(Date.now());

    const open = visitor.socket.next((f) => f.type === 'availability' && f.available === true);
    expect((await patchSite({ hours: { timeZone: 'Europe/Madrid', schedule: { weekly: EVERY_DAY } } })).status).toBe(200);
    expect(await open).toMatchObject({ names: ['Ana'] });

    // An agent changing status while closed does not make the shop look open.
    await patchSite({ hours: closedToday() });
    const stillClosed = visitor.socket.next((f) => f.type === 'availability' && (f.names as string[]).length === 0 && f.available === false && typeof f.backAt === 'number');
    agent.socket.send({ type: 'status', status: 'online' });
    await stillClosed;

    visitor.socket.close();
    agent.socket.close();
    await patchSite({ hours: null });
  });

  it('lets the bot answer "are you open?" from the console hours', async () => {
    await patchSite({ botEnabled: true, hours: closedToday() });
    const visitor = await connectVisitor(server);
    visitor.socket.send({ type: 'message.send', clientId: cid(), text: 'are you open today? what are your opening hours' });
    const reply = await visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).author !== undefined && ((f.message as Frame).author as Frame).kind === 'bot');
    const text = (reply.message as Frame).text as string;
    expect(text).toMatch(/closed|cerrados/i);
    visitor.socket.close();
    await patchSite({ botEnabled: false, hours: null });
  });
});
