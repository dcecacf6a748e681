/**
 * createApp(deps): the whole HTTP + WebSocket surface, without listening. HTTP tests call
 * `app.request()`; WebSocket tests start it on port 0 through `startServer` (server/server.ts).
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { createWebSockets } from './ws/node-ws';
import type { WebSocket } from 'ws';
import { LIMITS } from '../shared/protocol';
import { CLOSE_CODES } from '../shared/errors';
import { sessionFromRequest, SignInThrottle } from './auth';
import type { Bus } from './bus/bus';
import type { Cluster } from './bus/cluster';
import { SharedBudgets, announceSiteWrites, joinCluster } from './cluster-node';
import { originAllowed } from './domain/origins';
import { bodyLimits, clientAddress, clientInfo, isSameOrigin, problem, problemOnError } from './http';
import { SecurityLog } from './security-log';
import { createMetrics, metricsAuthorized } from './metrics';
import { TRUST_NONE, type TrustProxy } from './domain/proxy';
import type { Logger } from './logger';
import { FileUrls } from './file-urls';
import { DiskStorage, type FileStorage } from './file-storage';
import { Router } from './engine/router';
import { Snoozer } from './engine/snoozer';
import { AGENT_BUDGETS, Budgets, LookupGuard, VISITOR_BUDGETS, type AgentBucket, type RateLimiter, type VisitorBucket } from './domain/rate-limit';
import { adminRoutes } from './routes/admin-api';
import { consoleReportRoutes } from './routes/console-reports';
import { fileRoutes } from './routes/files';
import { agentApiRoutes } from './routes/agent-api';
import { demoRoutes } from './routes/demo';
import { agentAuthRoutes } from './routes/agent-auth';
import { apiV1Routes } from './routes/api-v1/index';
import { shopWebhookRoutes } from './routes/shop-integrations';
import { SecretBox } from './integrations/secret-box';
import { ShopIntegrations } from './integrations/shops/service';
import { VERSION } from './version';
import { staticRoutes } from './routes/static';
import { emailLinkRoutes } from './routes/email-links';
import { inboundEmailRoutes } from './routes/inbound-email';
import { demoMailRoutes } from './routes/demo-mail';
import type { InboundDeps } from './app/inbound-email';
import type { AgentRecord, SiteRecord, Store } from './store/types';
import { AgentSockets, agentSocket, type AgentSession } from './ws/agent-gateway';
import { PresenceRegistry, TeamPresence } from './presence';
import { Heartbeat } from './ws/connection';
import type { GatewayDeps } from './ws/gateway-common';
import type { CoreDeps } from './app/deps';
import { turnsSettled } from './app/bot-turn';
import { visitorSocket } from './ws/visitor-gateway';
import { VisitorFeed } from './ws/visitor-feed';

export interface AppDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  /** Public base URL; empty means "the Host of each request". */
  publicUrl: string;
  distDir: string;
  /** Which peers are our reverse proxies (TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy;
  /** METRICS_TOKEN: serves GET /metrics (Prometheus) to this bearer token; unset: no /metrics. */
  metricsToken?: string;
  now?: () => number;
  /** Server-side ping interval for dead-socket detection. */
  heartbeatMs?: number;
  /** Signs attachment URLs (DATA_DIR/server.key). */
  fileKey: Buffer;
  /** Where uploaded files are kept (DATA_DIR/uploads). */
  uploadsDir: string;
  /** Their storage; absent: the directory `uploadsDir` (file-storage.ts). */
  files?: FileStorage;
  /** Webhooks (and bot webhooks) may target private and loopback addresses. */
  allowPrivateTargets?: boolean;
  /** Messages per visitor per second and burst (VISITOR_MESSAGES_PER_SEC, VISITOR_MESSAGE_BURST). */
  visitorMessages?: { rate: number; burst: number };
  /** Per-agent budget for sends, order cards and started chats (all their tabs together). */
  agentMessages?: { rate: number; burst: number };
  /** Serve the demo shop's helper endpoints (only with the demo seed). */
  demo?: boolean;
  /** REST API requests per second per site (sustained) and burst. */
  apiRateLimit?: { rate: number; burst: number };
  /** E-mail (issue 13): how it is sent (null: not configured) and the limits of inbound mail. */
  mail?: AppMail;
  /** The other nodes (REDIS_URL: bus/redis.ts); absent: this process is the only one. */
  cluster?: Cluster;
}

export interface AppMail {
  transport: 'smtp' | 'demo' | null;
  awayMs: number;
  ratingDelayMs?: number;
  replyDomain: string;
  maxInboundBytes: number;
}

// Node 20 has no global ErrorEvent; the WebSocket adapter (ws/node-ws.ts) constructs one when a socket errors.
if (typeof globalThis.ErrorEvent === 'undefined') {
  (globalThis as { ErrorEvent?: unknown }).ErrorEvent = class ErrorEvent extends Event {
    readonly error: unknown;
    constructor(type: string, init?: { error?: unknown }) {
      super(type);
      this.error = init?.error;
    }
  };
}

/** With several nodes, how often each re-arms the snoozes from the store. */
const SNOOZE_SWEEP_MS = 30_000;

type Env = { Variables: { site: SiteRecord; session: AgentSession } };

export { VERSION };

export function createApp(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const app = new Hono<Env>();
  const { upgradeWebSocket, injectWebSocket, wss } = createWebSockets({ app, logger: deps.logger });
  // Frames above this are refused by `ws` itself (close 1009) before we buffer them.
  wss.options.maxPayload = LIMITS.hardMaxFrameBytes;
  const heartbeat = new Heartbeat(deps.heartbeatMs ?? 30_000);
  const cluster = deps.cluster;
  const agentSockets = new AgentSockets(cluster);
  const presence = new PresenceRegistry();
  const visitorFeed = new VisitorFeed(presence);
  // Departed shoppers are pruned on a timer, not when an agent happens to say hello.
  presence.start(now);
  const team = new TeamPresence();
  const router = new Router();
  const snoozer = new Snoozer();
  const fileUrls = new FileUrls(deps.fileKey);
  const files = deps.files ?? new DiskStorage(deps.uploadsDir);
  const securityLog = new SecurityLog(deps.logger, { now });
  const lookups = new LookupGuard();
  const core: CoreDeps = { store: deps.store, bus: deps.bus, logger: deps.logger, now, routing: router, snoozes: snoozer, fileUrls, allowPrivateTargets: deps.allowPrivateTargets === true, lookups, teamAvailable: (siteId, at) => team.availability(siteId, at).available,
    ...(deps.mail?.transport ? { mail: { awayMs: deps.mail.awayMs, ...(deps.mail.ratingDelayMs !== undefined ? { ratingDelayMs: deps.mail.ratingDelayMs } : {}) } } : {}) };
  // With several nodes, one budget per visitor, agent and site across all of them.
  const budgets = new SharedBudgets(cluster ?? { shared: false, broadcast: () => {} });
  const visitorBudgets = new Budgets<VisitorBucket>({ ...VISITOR_BUDGETS, ...(deps.visitorMessages ? { send: deps.visitorMessages } : {}) });
  const agentBudgets = new Budgets<AgentBucket>({ ...AGENT_BUDGETS, ...(deps.agentMessages ? { send: deps.agentMessages } : {}) });
  const signIns = new SignInThrottle();
  if (cluster?.shared) {
    budgets.add(signIns.shareAs('signin', budgets));
    visitorBudgets.shareAs('visitor', budgets);
    agentBudgets.shareAs('agent', budgets);
    lookups.shareAs('lookups', budgets);
    budgets.add([
      ...(Object.keys(VISITOR_BUDGETS) as VisitorBucket[]).map((b) => [`visitor.${b}`, visitorBudgets.limiter(b)] as [string, RateLimiter]),
      ...(Object.keys(AGENT_BUDGETS) as AgentBucket[]).map((b) => [`agent.${b}`, agentBudgets.limiter(b)] as [string, RateLimiter]),
      ...lookups.limiters().map(([n, l]) => [`lookups.${n}`, l] as [string, RateLimiter]),
    ]);
  }
  const gateway: GatewayDeps = { ...core, securityLog, heartbeat, presence, visitorFeed, team, router,
    // A person types a few messages a second at most; a reconnect may flush a small outbox at once.
    limits: { visitor: visitorBudgets, agent: agentBudgets, lookups },
  };

  router.attach({ ...core, team, ...(cluster?.shared ? { cluster } : {}) });
  snoozer.attach(core);
  let leaveCluster = () => {};
  if (cluster?.shared) {
    announceSiteWrites(deps.store, cluster);
    leaveCluster = joinCluster({
      cluster,
      bus: deps.bus,
      store: deps.store,
      logger: deps.logger,
      team,
      presence,
      budgets,
      dataDir: { keyFingerprint: createHash('sha256').update(deps.fileKey).digest('hex').slice(0, 16), files },
      now,
      router,
      endSession: (h) => agentSockets.endSessionHere(h),
      endAgent: (id) => agentSockets.endAgentHere(id),
      // Frames from other nodes may have been lost meanwhile: every client reconnects (to any node)
      // and catches up from the store by seq, as after a restart.
      rearm: () => void snoozer.start().catch((err: unknown) => deps.logger.warn({ err }, 'could not re-arm the snoozed conversations')),
      resync: () => {
        for (const client of wss.clients as Set<WebSocket>) client.close(CLOSE_CODES.catchUp, 'reconnect to catch up');
      },
    });
    // A snooze armed by a node that died still wakes.
    snoozer.sweep(SNOOZE_SWEEP_MS);
  }
  // Snoozes stored before a restart wake at their time (or now, when it passed meanwhile).
  void snoozer.start().catch((err: unknown) => deps.logger.error({ err }, 'could not re-arm the snoozed conversations'));
  const share = (name: string, limiter: RateLimiter) => budgets.share(name, limiter);
  const inbound: InboundDeps = { ...core, share, files, replyDomain: deps.mail?.replyDomain ?? '', maxBytes: deps.mail?.maxInboundBytes ?? 10 * 1024 * 1024 };
  const shops = new ShopIntegrations({
    core,
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger,
    now,
    box: new SecretBox(deps.fileKey),
    allowPrivateTargets: deps.allowPrivateTargets === true,
  });
  app.use('*', clientInfo(deps.trustProxy ?? TRUST_NONE));

  // One path for every REST error: routes return `problem(…)` or throw a `Problem`.
  app.onError(problemOnError(deps.logger));

  // Before every route, authenticated or not: nothing reads a body larger than its limit.
  app.use('*', bodyLimits());

  app.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ ok: true, version: VERSION, connections: heartbeat.size });
  });

  if (deps.metricsToken) {
    const token = deps.metricsToken;
    const metrics = createMetrics({ store: deps.store, sockets: () => heartbeat.size });
    app.get('/metrics', async (c) => {
      if (!metricsAuthorized(c, token)) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return problem(c, 401, 'send Authorization: Bearer <METRICS_TOKEN>');
      }
      return c.body(await metrics.render(), 200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
    });
  }

  app.route('/api/agent', agentAuthRoutes({ store: deps.store, logger: deps.logger, publicUrl: deps.publicUrl, now, agentSockets, securityLog, mailConfigured: Boolean(deps.mail?.transport), throttle: signIns, share }));
  app.route('/api/agent/reports', consoleReportRoutes({ store: deps.store, now }));
  app.route('/api/agent/admin', adminRoutes({ store: deps.store, bus: deps.bus, publicUrl: deps.publicUrl, agentSockets, now, allowPrivateTargets: deps.allowPrivateTargets === true, team, router, securityLog, shops }));
  app.route('/api/agent', agentApiRoutes({ store: deps.store, now }));
  // Before /api/v1's own middleware (JSON bodies of 1 MiB): a raw mail of up to MAIL_MAX_BYTES.
  app.route('/api/v1/inbound-email', inboundEmailRoutes(inbound));
  app.route(
    '/api/v1',
    apiV1Routes({
      core,
      shops,
      publicUrl: deps.publicUrl,
      securityLog,
      allowPrivateTargets: deps.allowPrivateTargets === true,
      ...(deps.apiRateLimit ? { rateLimit: deps.apiRateLimit } : {}),
      share,
    }),
  );

  app.get(
    '/ws/visitor',
    async (c, next) => {
      const key = c.req.query('site');
      const site = key && key.length <= 64 ? await deps.store.sites.byPublicKey(key) : null;
      if (!site) return c.text('unknown site', 404);
      const origin = c.req.header('origin');
      // The panel iframe is served by us, so its sockets carry our own origin; a merchant's
      // page (or a headless client) connecting directly must be on the site's allow-list.
      if (!isSameOrigin(c, origin, deps.publicUrl) && !originAllowed(origin, site.allowedOrigins)) {
        securityLog.record('origin_refused', `${site.publicKey} ${origin ?? ''}`, { site: site.publicKey, origin: origin ?? null, where: 'visitor socket' }, 'visitor socket refused: origin not allowed');
        return c.text('origin not allowed', 403);
      }
      c.set('site', site);
      return next();
    },
    // The client address (behind a trusted proxy, the shopper's own) limits failed order lookups across a shopper's chats (app/bot-turn).
    upgradeWebSocket((c) => visitorSocket(gateway, c.get('site'), clientAddress(c))),
  );

  app.get(
    '/ws/agent',
    async (c, next) => {
      if (!isSameOrigin(c, c.req.header('origin'), deps.publicUrl)) return c.text('origin not allowed', 403);
      const session = await sessionFromRequest(c, deps.store, now());
      if (!session) return c.text('not signed in', 401);
      c.set('session', session);
      return next();
    },
    upgradeWebSocket((c) => agentSocket(gateway, c.get('session'), agentSockets)),
  );

  app.route('/', shopWebhookRoutes({ shops, logger: deps.logger }));
  app.route('/', fileRoutes({ store: deps.store, logger: deps.logger, fileUrls, files, publicUrl: deps.publicUrl, now, share }));
  app.route('/', emailLinkRoutes({ core, key: deps.fileKey }));
  if (deps.demo && deps.mail?.transport === 'demo') app.route('/demo', demoMailRoutes({ store: deps.store, publicUrl: deps.publicUrl, replyDomain: deps.mail.replyDomain }));
  else if (deps.demo) app.get('/demo/correo/', (c) => c.text(deps.mail?.transport === 'smtp' ? 'El correo de la demo sale por SMTP_URL: míralo en tu buzón.' : 'El correo no está configurado.'));
  if (deps.demo) app.route('/demo/api', demoRoutes({ store: deps.store, publicUrl: deps.publicUrl }));
  app.route('/', staticRoutes({ store: deps.store, distDir: deps.distDir, demo: deps.demo === true, publicUrl: deps.publicUrl, securityLog, email: !deps.mail || deps.mail.transport !== null }));

  return {
    app,
    injectWebSocket,
    /** What the built-in inbound SMTP listener needs (server/mail/smtp-listener.ts). */
    inbound,
    /** Closes every socket (clients reconnect with backoff) and stops the heartbeat. */
    closeSockets(code = 1001, reason = 'server shutting down'): Promise<void> {
      heartbeat.stop();
      leaveCluster();
      snoozer.stop();
      shops.importer.stop();
      team.close();
      presence.close();
      const clients = [...(wss.clients as Set<WebSocket>)];
      for (const client of clients) client.close(code, reason);
      // A peer that never answers the close (stalled, or gone) must not hold the shutdown open.
      const closed = new Promise<void>((resolve) => {
        setTimeout(() => {
          for (const client of clients) if (client.readyState !== client.CLOSED) client.terminate();
          resolve();
        }, clients.length ? 500 : 0).unref();
      });
      // The assistant's queued turns land before the store closes (bounded: a stuck external bot must not hold it).
      const bounded = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
      return Promise.all([closed, Promise.race([turnsSettled(), bounded])]).then(() => undefined);
    },
    heartbeat,
    agentSockets,
    shops,
    /** Who is here (the mail dispatcher holds a digest while its shopper has the chat open). */
    presence,
    /** Signed download URLs (files linked from mail). */
    fileUrls,
    /** Where the files' bytes are (mail attaches them). */
    files,
  };
}
