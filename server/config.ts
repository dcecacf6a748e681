/** Reads configuration from the environment once, at start-up. See README "Configuration". */
import { resolve } from 'node:path';
import { parseTrustProxy, type TrustProxy } from './domain/proxy';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Public base URL (e.g. https://chat.example.com). Empty: derived from each request's Host. */
  publicUrl: string;
  /** METRICS_TOKEN: GET /metrics answers only this bearer token; empty: /metrics is off. */
  metricsToken: string;
  /** TRUST_PROXY: hop count or proxy addresses/CIDRs; client address and protocol come from X-Forwarded-* only then. */
  trustProxy: TrustProxy;
  /** Seed the demo site, agents and orders on start (idempotent). */
  seedDemo: boolean;
  logLevel: string;
  /** Where the built widget, console and assets live. */
  distDir: string;
  /** ALLOW_PRIVATE_NETWORK_TARGETS=1: webhooks may target private/loopback addresses (development, tests). */
  allowPrivateTargets: boolean;
  /** How often the webhook dispatcher looks for due deliveries. */
  webhookIntervalMs: number;
  /** Messages a visitor may send per second (sustained) and in a burst. */
  visitorMessages: { rate: number; burst: number };
  /** AGENT_MESSAGES_PER_SEC / AGENT_MESSAGE_BURST: per-agent budget for sends, order cards and started chats. */
  agentMessages: { rate: number; burst: number };
  /** WS_MAX_BUFFERED_BYTES: a socket whose unsent bytes exceed this (a client that stopped reading) is cut off. */
  wsMaxBufferedBytes: number;
  /**
   * DATABASE_URL=postgres://user:pass@host:5432/db selects the PostgreSQL store (several nodes
   * share it; docs/deploy.md). Empty (the default): SQLite in DATA_DIR, nothing else to install.
   */
  databaseUrl: string;
  /** DATABASE_SCHEMA: with PostgreSQL, the schema the tables live in (default: the server's, `public`). */
  databaseSchema: string;
  /**
   * REDIS_URL=redis://host:6379/0 joins the nodes that share it (and the same database): fan-out,
   * presence, routing locks and sign-outs across nodes (docs/deploy.md). Empty: one process.
   */
  redisUrl: string;
  /** REDIS_PREFIX: the prefix of this deployment's channels and keys on Redis (default `mostrador:`). */
  redisPrefix: string;
  /** DB_BUSY_TIMEOUT_MS: how long a write waits for another connection's write lock before failing as `store_unavailable`. */
  dbBusyTimeoutMs: number;
  /** E-mail (issue 13, docs/email.md). */
  mail: MailConfig;
}

export interface MailConfig {
  /** SMTP_URL, e.g. smtp://user:pass@host:587 (smtps:// for TLS from the start). Empty: no outgoing SMTP. */
  smtpUrl: string;
  /** MAIL_FROM, e.g. "Mi Tienda <chat@shop.example>". */
  from: string;
  /** MAIL_REPLY_DOMAIN: replies go to reply+<token>@<domain>. Empty: no reply address (no inbound by e-mail). */
  replyDomain: string;
  /** INBOUND_SMTP_PORT: the built-in SMTP listener for replies; 0 (default): off. */
  inboundPort: number;
  inboundHost: string;
  /** MAIL_AWAY_MS: how long an agent's reply stays unread before it is e-mailed (default 3 min). */
  awayMs: number;
  /** MAIL_RATING_DELAY_MS: how long after a resolve the rating question is e-mailed, unless answered in the widget (default 10 min). */
  ratingDelayMs: number;
  /** MAIL_INTERVAL_MS: how often the mail dispatcher looks for due mail. */
  intervalMs: number;
  /** MAIL_MAX_BYTES: the largest inbound message accepted (default 10 MB). */
  maxInboundBytes: number;
  /** MAIL_ATTACH_MAX_BYTES: the chat's files put into one outgoing mail, in all (default 10 MB); the rest are linked. */
  attachMaxBytes: number;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !/^(0|false|no|off)$/i.test(value.trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8787);
  const databaseUrl = (env.DATABASE_URL ?? '').trim();
  if (databaseUrl && !/^postgres(ql)?:\/\//i.test(databaseUrl)) throw new Error('DATABASE_URL must be a postgres:// URL (unset it to keep the data in SQLite under DATA_DIR)');
  const databaseSchema = (env.DATABASE_SCHEMA ?? '').trim();
  if (databaseSchema && !/^[a-z_][a-z0-9_]*$/i.test(databaseSchema)) throw new Error(`DATABASE_SCHEMA must be letters, digits and _, got ${databaseSchema}`);
  const redisUrl = (env.REDIS_URL ?? '').trim();
  if (redisUrl && !/^rediss?:\/\//i.test(redisUrl)) throw new Error('REDIS_URL must be a redis:// (or rediss://) URL (unset it to run one process)');
  if (redisUrl && !databaseUrl) throw new Error('REDIS_URL joins several nodes, which must share one database: set DATABASE_URL=postgres://… too (SQLite is one process)');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0–65535, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    publicUrl: (env.PUBLIC_URL ?? '').replace(/\/+$/, ''),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    metricsToken: (env.METRICS_TOKEN ?? '').trim(),
    seedDemo: bool(env.SEED_DEMO, true),
    logLevel: env.LOG_LEVEL ?? 'info',
    distDir: resolve(env.DIST_DIR ?? './dist'),
    allowPrivateTargets: bool(env.ALLOW_PRIVATE_NETWORK_TARGETS, false),
    webhookIntervalMs: Math.max(50, Number(env.WEBHOOK_INTERVAL_MS ?? 1000) || 1000),
    visitorMessages: {
      rate: Math.max(0.1, Number(env.VISITOR_MESSAGES_PER_SEC ?? 5) || 5),
      burst: Math.max(1, Number(env.VISITOR_MESSAGE_BURST ?? 30) || 30),
    },
    agentMessages: {
      rate: Math.max(0.1, Number(env.AGENT_MESSAGES_PER_SEC ?? 10) || 10),
      burst: Math.max(1, Number(env.AGENT_MESSAGE_BURST ?? 60) || 60),
    },
    wsMaxBufferedBytes: Math.max(1024, Number(env.WS_MAX_BUFFERED_BYTES ?? 4 * 1024 * 1024) || 4 * 1024 * 1024),
    mail: {
      smtpUrl: (env.SMTP_URL ?? '').trim(),
      from: (env.MAIL_FROM ?? '').trim(),
      replyDomain: (env.MAIL_REPLY_DOMAIN ?? '').trim().toLowerCase(),
      inboundPort: Math.max(0, Math.min(65535, Number(env.INBOUND_SMTP_PORT ?? 0) || 0)),
      inboundHost: env.INBOUND_SMTP_HOST ?? env.HOST ?? '0.0.0.0',
      awayMs: Math.max(0, Number(env.MAIL_AWAY_MS ?? 180_000) || 0),
      ratingDelayMs: Math.max(0, Number(env.MAIL_RATING_DELAY_MS ?? 600_000) || 0),
      intervalMs: Math.max(50, Number(env.MAIL_INTERVAL_MS ?? 2000) || 2000),
      maxInboundBytes: Math.max(1024, Number(env.MAIL_MAX_BYTES ?? 10 * 1024 * 1024) || 10 * 1024 * 1024),
      attachMaxBytes: Math.max(0, Number(env.MAIL_ATTACH_MAX_BYTES ?? 10 * 1024 * 1024) || 0),
    },
    databaseUrl,
    databaseSchema,
    redisUrl,
    redisPrefix: env.REDIS_PREFIX ?? 'mostrador:',
    dbBusyTimeoutMs: Number.isFinite(Number(env.DB_BUSY_TIMEOUT_MS ?? 5000)) ? Math.max(0, Number(env.DB_BUSY_TIMEOUT_MS ?? 5000)) : 5000,
  };
}
