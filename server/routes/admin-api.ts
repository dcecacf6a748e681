/**
 * Site administration for admins: settings (branding, origins, privacy, business hours, the bot's
 * FAQ and policies, canned responses, proactive rules, teams), agents, the secret key, and
 * webhooks. Changes to branding reach open widgets at once (`site.updated`), and so does a new
 * schedule (`availability`); disabling an agent or changing their password ends their sessions
 * and closes their sockets immediately. A bad value is a 422 problem whose `field` names it.
 */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { CLOSE_CODES } from '../../shared/errors';
import { hashPassword } from '../auth';
import { topics, type Bus } from '../bus/bus';
import { isValidOriginPattern } from '../domain/origins';
import { frameConfig, logoUrl } from './frame-page';
import { DEFAULT_CAPACITY } from '../domain/routing';
import { problem, publicOrigin } from '../http';
import { hashToken, newId, newToken } from '../ids';
import { checkTarget } from '../integrations/safe-request';
import type { AgentRecord, SiteRecord, Store } from '../store/types';
import type { AgentSockets } from '../ws/agent-gateway';
import { applyHours, siteHours, type TeamPresence } from '../presence';
import type { BotSettings } from '../app/site';
import type { CannedResponse, ProactiveRule } from '../../shared/site-settings';
import { SettingsPatchEntries, TeamName, settingsProblem } from './admin-settings';
import { BotBody, WebhookBody } from './api-v1/schemas';
import { configureExternalBot, externalBotOut } from '../app/external-bot';
import { agentFromRequest, csrfOk } from '../auth';
import { iso } from './shapes';
import type { SecurityLog } from '../security-log';
import type { ShopIntegrations } from '../integrations/shops/service';
import { integrationOut, PLATFORMS } from '../integrations/shops/settings';
import type { IntegrationPlatform } from '../store/types';

export interface AdminDeps {
  store: Store;
  bus: Bus;
  agentSockets: AgentSockets;
  now: () => number;
  /** PUBLIC_URL: the snippet points there (empty: the origin the admin reached us on). */
  publicUrl?: string;
  allowPrivateTargets: boolean;
  /** Who is online: a saved schedule changes what open widgets are told at once. */
  team?: TeamPresence;
  /** Key rotations are logged here. */
  securityLog?: SecurityLog;
  /** Shop platform connections (Settings → Integrations). */
  shops?: ShopIntegrations;
}


const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max));

const SitePatch = v.object({
  name: v.optional(Text(100)),
  allowedOrigins: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.trim(), v.check(isValidOriginPattern, 'must be an origin such as https://shop.example, https://*.shop.example or http://localhost:*'))),
      v.maxLength(50),
    ),
  ),
  brandColor: v.optional(v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #8a4b2a'))),
  /** The shop's logo in the panel header: an https URL, or null for none. */
  logoUrl: v.optional(
    v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(2048), v.check((u) => logoUrl({ logoUrl: u }) !== null, 'must be an https:// URL of an image'))),
  ),
  /** Which bottom corner the launcher sits in. */
  launcherPosition: v.optional(v.picklist(['right', 'left'])),
  greeting: v.optional(v.object({ es: v.optional(v.pipe(v.string(), v.maxLength(280))), en: v.optional(v.pipe(v.string(), v.maxLength(280))) })),
  livePreview: v.optional(v.boolean()),
  requireVerifiedIdentity: v.optional(v.boolean()),
  preChatForm: v.optional(v.boolean()),
  /** The built-in bot answers new conversations first. */
  botEnabled: v.optional(v.boolean()),
  /** `auto`: the server assigns waiting chats; `manual`: agents take them from the queue. */
  routingMode: v.optional(v.picklist(['auto', 'manual'])),
  ...SettingsPatchEntries,
});

const AgentSkills = {
  /** Concurrent chats, 1–50; null: the site default. */
  capacity: v.optional(v.nullable(v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(50, 'must be at most 50')))),
  languages: v.optional(v.pipe(v.array(v.picklist(['es', 'en'], 'must be es or en')), v.maxLength(2), v.transform((l) => [...new Set(l)]))),
  teams: v.optional(v.pipe(v.array(TeamName), v.maxLength(20, 'at most 20 teams'), v.transform((t) => [...new Set(t)]))),
};

const AgentCreate = v.object({
  email: v.pipe(v.string(), v.trim(), v.email('must be an email address'), v.maxLength(254)),
  name: Text(100),
  role: v.picklist(['admin', 'supervisor', 'agent']),
  password: v.pipe(v.string(), v.minLength(12, 'must have at least 12 characters'), v.maxLength(1024)),
  ...AgentSkills,
});

const AgentPatch = v.object({
  name: v.optional(Text(100)),
  role: v.optional(v.picklist(['admin', 'supervisor', 'agent'])),
  disabled: v.optional(v.boolean()),
  password: v.optional(v.pipe(v.string(), v.minLength(12, 'must have at least 12 characters'), v.maxLength(1024))),
  ...AgentSkills,
});

/** How long the replaced secret key keeps working: until retired, not at all, or 1–720 hours. */
const RotateSecret = v.object({
  keepPreviousFor: v.optional(
    v.union(
      [v.picklist(['until_retired', 'none']), v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(720))],
      'must be "until_retired", "none" or a number of hours from 1 to 720',
    ),
  ),
});

/** 422 problem+json naming the field (a dotted path into the body). */
function invalid(c: Context, field: string, message: string): Response {
  return c.body(JSON.stringify({ title: 'The body is not valid', status: 422, detail: `${field}: ${message}`, field }), 422, { 'Content-Type': 'application/problem+json' });
}

function obj(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

function list<T>(x: unknown): T[] {
  return Array.isArray(x) ? (x as T[]) : [];
}

async function body<S extends v.GenericSchema>(c: Context, schema: S): Promise<{ ok: true; value: v.InferOutput<S> } | { ok: false; res: Response }> {
  let data: unknown;
  try {
    data = await c.req.json();
  } catch {
    return { ok: false, res: problem(c, 400, 'body is not valid JSON') };
  }
  const parsed = v.safeParse(schema, data);
  if (parsed.success) return { ok: true, value: parsed.output };
  const issue = parsed.issues[0];
  const field = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, res: invalid(c, field, issue.message) };
}

function siteOut(site: SiteRecord, origin: string) {
  const s = site.settings;
  return {
    name: site.name,
    publicKey: site.publicKey,
    allowedOrigins: site.allowedOrigins,
    brandColor: typeof s.brandColor === 'string' ? s.brandColor : null,
    logoUrl: logoUrl(s),
    launcherPosition: s.launcherPosition === 'left' ? 'left' : 'right',
    greeting: (s.greeting as { es?: string; en?: string } | undefined) ?? {},
    livePreview: s.livePreview === true,
    requireVerifiedIdentity: s.requireVerifiedIdentity === true,
    preChatForm: s.preChatForm === true,
    botEnabled: !(typeof s.bot === 'object' && s.bot !== null && (s.bot as { enabled?: unknown }).enabled === false),
    routingMode: typeof s.routing === 'object' && s.routing !== null && (s.routing as { mode?: unknown }).mode === 'manual' ? 'manual' : 'auto',
    hours: siteHours(site),
    faqs: (obj(s.bot) as BotSettings).faqs ?? [],
    policies: (obj(s.bot) as BotSettings).policies ?? {},
    canned: list<CannedResponse>(s.canned),
    proactiveRules: list<ProactiveRule>(obj(s.proactive).rules),
    teams: list<string>(s.teams),
    // Agents without a capacity of their own take this many chats (what the router uses).
    defaultCapacity: typeof obj(s.routing).defaultCapacity === 'number' ? (obj(s.routing).defaultCapacity as number) : DEFAULT_CAPACITY,
    snippet:
      `<script>window.Mostrador=window.Mostrador||function(){(Mostrador.q=Mostrador.q||[]).push(arguments)}</script>\n` +
      `<script async src="${origin}/widget.js" data-site="${site.publicKey}"${s.launcherPosition === 'left' ? ' data-position="left"' : ''}></script>`,
  };
}

function agentOut(a: AgentRecord) {
  return { id: a.id, email: a.email, name: a.name, role: a.role, disabled: a.disabled, capacity: a.capacity, languages: a.languages, teams: a.teams };
}

export function adminRoutes(deps: AdminDeps) {
  const app = new Hono<{ Variables: { agent: AgentRecord } }>();

  app.use('*', async (c, next) => {
    const agent = await agentFromRequest(c, deps.store, deps.now());
    if (!agent) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    if (agent.role !== 'admin') return problem(c, 403, 'admins only', { code: 'forbidden' });
    if (!/^(GET|HEAD|OPTIONS)$/.test(c.req.method) && !csrfOk(c)) return problem(c, 403, 'missing or wrong CSRF token', { code: 'csrf' });
    c.set('agent', agent);
    c.header('Cache-Control', 'no-store');
    return next();
  });

  const origin = (c: Context) => publicOrigin(c, deps.publicUrl ?? '');

  /** Ends an agent's sessions and closes their open sockets (they must sign in again). */
  async function endSessions(agentId: string): Promise<void> {
    await deps.store.sessions.deleteForAgent(agentId);
    await deps.agentSockets.endAgent(agentId);
  }

  /** A team an agent is put in joins the site's list of teams (what chats can be transferred to). */
  async function rememberTeams(siteId: string, names: readonly string[]): Promise<void> {
    const site = await deps.store.sites.byId(siteId);
    if (!site) return;
    const known = list<string>(site.settings.teams);
    const lower = new Set(known.map((t) => t.toLowerCase()));
    const added = names.filter((t) => !lower.has(t.toLowerCase()));
    if (added.length > 0) await deps.store.sites.update(siteId, { settings: { ...site.settings, teams: [...known, ...added] } });
  }

  app.get('/site', async (c) => {
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    return site ? c.json({ ...siteOut(site, origin(c)), ...(await secretStatusOut(site.id)) }) : problem(c, 404, 'no such site');
  });

  app.patch('/site', async (c) => {
    const parsed = await body(c, SitePatch);
    if (!parsed.ok) return parsed.res;
    const siteId = c.get('agent').siteId;
    const current = await deps.store.sites.byId(siteId);
    if (!current) return problem(c, 404, 'no such site');
    const { name, allowedOrigins, botEnabled, routingMode, hours, faqs, policies, canned, proactiveRules, teams, ...settings } = parsed.value;
    const clash = settingsProblem(parsed.value);
    if (clash) return invalid(c, clash.field, clash.message);
    if (proactiveRules) {
      const agents = new Map((await deps.store.agents.list(siteId)).map((a) => [a.id, a]));
      const i = proactiveRules.findIndex((r) => r.from.kind === 'agent' && !agents.has(r.from.agentId));
      if (i >= 0) return invalid(c, `proactiveRules.${i}.from.agentId`, 'no such agent on this site');
    }
    const routing = obj(current.settings.routing);
    const bot: BotSettings & Record<string, unknown> = { ...obj(current.settings.bot) };
    if (botEnabled !== undefined) bot.enabled = botEnabled;
    if (faqs !== undefined) bot.faqs = faqs.map((f) => ({ ...f, id: f.id ?? newId('faq') }));
    if (policies !== undefined) bot.policies = policies;
    // The console's hours replace the bot's own (older sites kept them under `bot`).
    if (hours !== undefined) delete bot.hours;
    const nextSettings: Record<string, unknown> = {
      ...current.settings,
      ...settings,
      bot,
      ...(routingMode !== undefined ? { routing: { ...routing, mode: routingMode } } : {}),
      ...(hours !== undefined ? { hours } : {}),
      ...(canned !== undefined ? { canned: canned.map((r) => ({ ...r, id: r.id ?? newId('cr') })) } : {}),
      ...(proactiveRules !== undefined ? { proactive: { ...obj(current.settings.proactive), rules: proactiveRules.map((r) => ({ ...r, id: r.id ?? newId('rule') })) } } : {}),
      ...(teams !== undefined ? { teams } : {}),
    };
    // Absent means always open.
    if (hours === null) delete nextSettings.hours;
    const next = await deps.store.sites.update(siteId, {
      ...(name !== undefined ? { name } : {}),
      ...(allowedOrigins !== undefined ? { allowedOrigins: [...new Set(allowedOrigins)] } : {}),
      settings: nextSettings,
    });
    // Open widgets restyle themselves without a reload: the same branding a new panel page gets.
    const brand = frameConfig(next);
    deps.bus.publish(topics.siteVisitors(siteId), {
      type: 'site.updated',
      siteName: brand.siteName,
      color: brand.color ?? null,
      greeting: brand.greeting,
      logoUrl: brand.logoUrl ?? null,
      ...(brand.side ? { side: brand.side } : {}),
    });
    // …and learn at once whether the counter is open under the new schedule.
    if (hours !== undefined && deps.team) {
      applyHours({ bus: deps.bus, team: deps.team, now: deps.now }, siteId, siteHours(next));
      deps.bus.publish(topics.siteVisitors(siteId), { type: 'availability', ...deps.team.availability(siteId, deps.now()) });
    }
    return c.json(siteOut(next, origin(c)));
  });

  /**
   * A new secret key. The replaced key keeps working — API calls and identity hashes — for the
   * overlap the admin chose: until they retire it (default), for some hours, or not at all (a
   * leaked key). A previous key from an earlier rotation ends now.
   */
  app.post('/site/rotate-secret', async (c) => {
    const raw = await c.req.text();
    let input: v.InferOutput<typeof RotateSecret> = {};
    if (raw.trim()) {
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        return problem(c, 400, 'body is not valid JSON');
      }
      const parsed = v.safeParse(RotateSecret, data);
      if (!parsed.success) {
        const issue = parsed.issues[0];
        return invalid(c, issue.path?.map((p) => String(p.key)).join('.') ?? '', issue.message);
      }
      input = parsed.output;
    }
    const keep = input.keepPreviousFor ?? 'until_retired';
    const now = deps.now();
    const previousUntil = keep === 'until_retired' ? null : keep === 'none' ? now : now + keep * 60 * 60 * 1000;
    const agent = c.get('agent');
    const secretKey = `sk_${newToken(32)}`;
    await deps.store.sites.rotateSecret(agent.siteId, secretKey, hashToken(secretKey), { now, previousUntil });
    deps.securityLog?.record(
      'secret_key_rotated',
      `${agent.siteId} ${now}`,
      { siteId: agent.siteId, agentId: agent.id, previousKeyValidUntil: previousUntil === null ? 'until retired' : iso(previousUntil) },
      keep === 'none' ? 'secret key rotated; the previous key stopped working at once' : 'secret key rotated; the previous key still works during the overlap',
      'info',
    );
    return c.json({ secretKey, ...(await secretStatusOut(agent.siteId)) });
  });

  /** Ends the previous key's overlap: from now on only the current key works. */
  app.post('/site/retire-previous-secret', async (c) => {
    const agent = c.get('agent');
    const retired = await deps.store.sites.retirePreviousSecret(agent.siteId);
    if (!retired) return problem(c, 409, 'there is no previous secret key to retire', { code: 'nothing_to_retire' });
    deps.securityLog?.record('secret_key_retired', `${agent.siteId} ${deps.now()}`, { siteId: agent.siteId, agentId: agent.id }, 'previous secret key retired', 'info');
    return c.json(await secretStatusOut(agent.siteId));
  });

  async function secretStatusOut(siteId: string) {
    const status = await deps.store.sites.secretStatus(siteId, deps.now());
    return {
      secretKeyRotatedAt: status.rotatedAt === null ? null : iso(status.rotatedAt),
      previousSecretKey: status.previous ? { validUntil: status.previous.expiresAt === null ? null : iso(status.previous.expiresAt) } : null,
    };
  }

  app.get('/agents', async (c) => c.json({ data: (await deps.store.agents.list(c.get('agent').siteId)).map(agentOut) }));

  app.post('/agents', async (c) => {
    const parsed = await body(c, AgentCreate);
    if (!parsed.ok) return parsed.res;
    const { email, name, role, password, capacity, languages, teams } = parsed.value;
    const siteId = c.get('agent').siteId;
    // Only this site's agents count: whether the email is an agent of another shop is not ours to know.
    if (await deps.store.agents.byEmail(siteId, email)) return problem(c, 409, 'an agent with this email exists', { field: 'email' });
    const agent = await deps.store.agents.create({
      siteId,
      email,
      name,
      role,
      passwordHash: await hashPassword(password),
      now: deps.now(),
      ...(capacity !== undefined ? { capacity } : {}),
      ...(languages !== undefined ? { languages } : {}),
      ...(teams !== undefined ? { teams } : {}),
    });
    if (teams) await rememberTeams(siteId, teams);
    return c.json(agentOut(agent), 201);
  });

  app.patch('/agents/:id', async (c) => {
    const parsed = await body(c, AgentPatch);
    if (!parsed.ok) return parsed.res;
    const me = c.get('agent');
    const id = c.req.param('id');
    const patch = parsed.value;
    if (id === me.id && (patch.disabled === true || patch.role === 'agent')) {
      return problem(c, 409, 'you cannot disable yourself or remove your own admin role');
    }
    const updated = await deps.store.agents.update(me.siteId, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
      ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
      ...(patch.languages !== undefined ? { languages: patch.languages } : {}),
      ...(patch.teams !== undefined ? { teams: patch.teams } : {}),
    });
    if (!updated) return problem(c, 404, 'no such agent');
    if (patch.teams) await rememberTeams(me.siteId, patch.teams);
    if (patch.disabled === true || patch.password !== undefined || patch.role !== undefined) await endSessions(updated.id);
    return c.json(agentOut(updated));
  });

  // ---- what the built-in assistant could not answer, for new FAQ entries ----
  app.get('/bot/unanswered', async (c) => {
    const list = await deps.store.conversations.unansweredQuestions(c.get('agent').siteId, 100);
    return c.json({ data: list.map((q) => ({ conversationId: q.conversationId, text: q.text, locale: q.locale, at: new Date(q.at).toISOString() })) });
  });

  // ---- the site's own bot (same rules as PUT /api/v1/bot) ----
  app.get('/bot', async (c) => {
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    return site ? c.json(externalBotOut(site)) : problem(c, 404, 'no such site');
  });

  app.put('/bot', async (c) => {
    const parsed = await body(c, BotBody);
    if (!parsed.ok) return parsed.res;
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    if (!site) return problem(c, 404, 'no such site');
    const result = await configureExternalBot(deps.store, site, parsed.value, deps.allowPrivateTargets);
    return result.ok ? c.json(result.out) : invalid(c, 'url', result.detail.replace(/^url: /, ''));
  });

  // ---- shop platforms (the same configure and import as /api/v1/integrations) ----
  const shopBase = origin;
  const platformOf = (c: Context): IntegrationPlatform | null => {
    const p = c.req.param('platform') as IntegrationPlatform;
    return PLATFORMS.includes(p) && deps.shops ? p : null;
  };

  app.get('/integrations', async (c) => {
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    if (!site) return problem(c, 404, 'no such site');
    const records = await deps.store.integrations.list(site.id);
    return c.json({ data: PLATFORMS.map((p) => integrationOut(p, records.find((r) => r.platform === p) ?? null, shopBase(c), site.publicKey)) });
  });

  app.put('/integrations/:platform', async (c) => {
    const platform = platformOf(c);
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    if (!platform || !site) return problem(c, 404, 'no such platform');
    let data: unknown;
    try {
      data = await c.req.json();
    } catch {
      return problem(c, 400, 'body is not valid JSON');
    }
    const result = await deps.shops!.configure(site, platform, data);
    if (!result.ok) return invalid(c, result.field ?? '', result.detail.replace(/^[^:]+: /, ''));
    return c.json(integrationOut(platform, result.record, shopBase(c), site.publicKey));
  });

  app.post('/integrations/:platform/import', async (c) => {
    const platform = platformOf(c);
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    if (!platform || !site) return problem(c, 404, 'no such platform');
    const started = await deps.shops!.importer.start(site, platform);
    if (!started.ok) return problem(c, 409, started.detail, { code: 'not_ready' });
    return c.json(integrationOut(platform, await deps.store.integrations.get(site.id, platform), shopBase(c), site.publicKey), 202);
  });

  app.get('/webhooks', async (c) => {
    const siteId = c.get('agent').siteId;
    const hooks = await deps.store.webhooks.list(siteId);
    const data = await Promise.all(
      hooks.map(async (h) => ({
        id: h.id,
        url: h.url,
        events: h.events,
        createdAt: iso(h.createdAt),
        deliveries: (await deps.store.webhooks.deliveries(siteId, h.id, 20)).map((d) => ({
          id: d.id,
          event: d.event,
          status: d.status,
          attempts: d.attempts,
          lastStatusCode: d.lastStatusCode,
          lastError: d.lastError,
          createdAt: iso(d.createdAt),
        })),
      })),
    );
    return c.json({ data });
  });

  app.post('/webhooks', async (c) => {
    const parsed = await body(c, WebhookBody);
    if (!parsed.ok) return parsed.res;
    const target = await checkTarget(parsed.value.url, deps.allowPrivateTargets);
    if (target !== 'ok') return problem(c, 409, target === 'private' ? 'url resolves to a private or loopback address' : 'url does not resolve', { field: 'url' });
    const secret = `whsec_${newToken(24)}`;
    const hook = await deps.store.webhooks.create(c.get('agent').siteId, { url: parsed.value.url, events: [...new Set(parsed.value.events)], secret }, deps.now());
    return c.json({ id: hook.id, url: hook.url, events: hook.events, secret }, 201);
  });

  app.delete('/webhooks/:id', async (c) => {
    const deleted = await deps.store.webhooks.delete(c.get('agent').siteId, c.req.param('id'));
    return deleted ? c.body(null, 204) : problem(c, 404, 'no such webhook');
  });

  return app;
}
