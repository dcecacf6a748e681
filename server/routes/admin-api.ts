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
import { logoUrl, siteUpdatedFrame } from './frame-page';
import { problem, publicOrigin } from '../http';
import { hashToken, newId, newToken } from '../ids';
import { checkTarget } from '../integrations/safe-request';
import type { AgentRecord, SiteRecord, Store } from '../store/types';
import type { SiteSettings } from '../domain/site-settings';
import type { AgentSockets } from '../ws/agent-gateway';
import { applyHours, siteHours, type TeamPresence } from '../presence';
import { SettingsPatchEntries, TeamName, settingsProblem } from './admin-settings';
import { BotBody, WebhookBody } from './api-v1/schemas';
import { configureExternalBot, externalBotOut } from '../app/external-bot';
import { createInvite } from '../app/accounts';
import { RULES, ruleOf } from '../../shared/validation';
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from '../../shared/accounts';
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
  /** Routing, run again when the business hours change (a shop that just opened hands out its queue). */
  router?: { schedule(siteId: string): unknown };
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
      v.array(v.pipe(v.string(), v.trim(), v.check(isValidOriginPattern, RULES.origin.en))),
      v.maxLength(50),
    ),
  ),
  brandColor: v.optional(v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, RULES.colour.en))),
  /** The shop's logo in the panel header: an https URL, or null for none. */
  logoUrl: v.optional(
    v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(2048), v.check((u) => logoUrl({ logoUrl: u }) !== null, RULES.https_image.en))),
  ),
  /** Which bottom corner the launcher sits in. */
  launcherPosition: v.optional(v.picklist(['right', 'left'])),
  /** The widget's colours: `auto` follows light or dark mode. */
  theme: v.optional(v.picklist(['auto', 'light', 'dark'])),
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

/** A password an admin sets: the shared rule (shared/accounts.ts), but for the email (the admin's choice). */
const AgentPassword = v.pipe(
  v.string(),
  v.minLength(PASSWORD_MIN, `must have at least ${PASSWORD_MIN} characters`),
  v.maxLength(PASSWORD_MAX),
  v.check((p) => passwordProblem(p) !== 'too_common', RULES.password_common.en),
);

const AgentCreate = v.object({
  email: v.pipe(v.string(), v.trim(), v.email('must be an email address'), v.maxLength(254)),
  name: Text(100),
  role: v.picklist(['admin', 'supervisor', 'agent']),
  password: AgentPassword,
  ...AgentSkills,
});

const AgentPatch = v.object({
  name: v.optional(Text(100)),
  role: v.optional(v.picklist(['admin', 'supervisor', 'agent'])),
  disabled: v.optional(v.boolean()),
  password: v.optional(AgentPassword),
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
  // `rule` and `params` (shared/validation) let the console say it in its own language.
  const rule = ruleOf(message);
  return problem(c, 422, 'The body is not valid', { code: 'validation_failed', detail: `${field}: ${message}`, field, ...(rule ?? {}) });
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
    brandColor: s.brandColor,
    logoUrl: logoUrl(s),
    launcherPosition: s.launcherPosition ?? 'right',
    theme: s.theme,
    greeting: s.greeting,
    livePreview: s.livePreview,
    requireVerifiedIdentity: s.requireVerifiedIdentity,
    preChatForm: s.preChatForm,
    botEnabled: s.bot.enabled,
    routingMode: s.routing.mode,
    hours: siteHours(site),
    faqs: s.bot.faqs,
    policies: s.bot.policies,
    canned: s.canned,
    proactiveRules: s.proactive.rules,
    teams: s.teams,
    // Agents without a capacity of their own take this many chats (what the router uses).
    defaultCapacity: s.routing.defaultCapacity,
    snippet:
      `<script>window.Mostrador=window.Mostrador||function(){(Mostrador.q=Mostrador.q||[]).push(arguments)}</script>\n` +
      // The brand colour (validated #rrggbb) rides in the snippet, so the launcher wears it from the first paint.
      `<script async src="${origin}/widget.js" data-site="${site.publicKey}"${s.brandColor ? ` data-color="${s.brandColor}"` : ''}${s.launcherPosition === 'left' ? ' data-position="left"' : ''}></script>`,
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
    const known = site.settings.teams;
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
    const s = current.settings;
    const bot: SiteSettings['bot'] = {
      ...s.bot,
      ...(botEnabled !== undefined ? { enabled: botEnabled } : {}),
      ...(faqs !== undefined ? { faqs: faqs.map((f) => ({ ...f, id: f.id ?? newId('faq') })) } : {}),
      ...(policies !== undefined ? { policies } : {}),
      // The console's hours replace the bot's own (older sites kept them under `bot`).
      ...(hours !== undefined ? { hours: null } : {}),
    };
    const nextSettings: SiteSettings = {
      ...s,
      ...settings,
      bot,
      ...(routingMode !== undefined ? { routing: { ...s.routing, mode: routingMode } } : {}),
      // null: always open.
      ...(hours !== undefined ? { hours } : {}),
      ...(canned !== undefined ? { canned: canned.map((r) => ({ ...r, id: r.id ?? newId('cr') })) } : {}),
      ...(proactiveRules !== undefined ? { proactive: { ...s.proactive, rules: proactiveRules.map((r) => ({ ...r, id: r.id ?? newId('rule') })) } } : {}),
      ...(teams !== undefined ? { teams } : {}),
    };
    const next = await deps.store.sites.update(siteId, {
      ...(name !== undefined ? { name } : {}),
      ...(allowedOrigins !== undefined ? { allowedOrigins: [...new Set(allowedOrigins)] } : {}),
      settings: nextSettings,
    });
    // Open widgets apply it without a reload: the same public settings a new panel page gets.
    // (Everything else — bot on/off, hours, rules, routing — the server reads per frame from the store.)
    deps.bus.publish(topics.siteVisitors(siteId), siteUpdatedFrame(next));
    // …and learn at once whether the counter is open under the new schedule.
    if (hours !== undefined && deps.team) {
      applyHours({ bus: deps.bus, team: deps.team, now: deps.now, ...(deps.router ? { router: deps.router } : {}) }, siteId, siteHours(next));
      void deps.router?.schedule(siteId);
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

  // ---- invitations: a one-time link the admin copies (or, with email set up, that is mailed) ----
  const InviteBody = v.object({
    email: v.pipe(v.string(), v.trim(), v.email('must be an email address'), v.maxLength(254)),
    role: v.optional(v.picklist(['admin', 'agent'], 'must be admin or agent'), 'agent'),
  });
  const inviteOut = (i: { id: string; email: string; role: string; createdAt: number; expiresAt: number }) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    createdAt: iso(i.createdAt),
    expiresAt: iso(i.expiresAt),
  });

  app.get('/invites', async (c) => c.json({ data: (await deps.store.invites.pending(c.get('agent').siteId, deps.now())).map(inviteOut) }));

  /** The link comes back once, here: only its hash is stored. */
  app.post('/invites', async (c) => {
    const parsed = await body(c, InviteBody);
    if (!parsed.ok) return parsed.res;
    const me = c.get('agent');
    const result = await createInvite({ store: deps.store, now: deps.now }, { siteId: me.siteId, email: parsed.value.email, role: parsed.value.role, invitedBy: me.id, origin: origin(c) });
    if (!result.ok) return problem(c, 409, `email: ${result.refusal.message}`, { code: result.refusal.code, field: 'email', detail: `email: ${result.refusal.message}` });
    return c.json({ ...inviteOut(result.invite), link: result.link }, 201);
  });

  app.delete('/invites/:id', async (c) => {
    const revoked = await deps.store.invites.revoke(c.get('agent').siteId, c.req.param('id'));
    return revoked ? c.body(null, 204) : problem(c, 404, 'no such invitation', { code: 'not_found' });
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
    if (!started.ok) return problem(c, 409, started.detail, { code: 'not_ready', reason: started.reason });
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
    if (target !== 'ok') {
      const message = target === 'private' ? RULES.private_target.en : RULES.unresolvable_target.en;
      return problem(c, 409, `url: ${message}`, { field: 'url', detail: `url: ${message}`, ...ruleOf(message) });
    }
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
