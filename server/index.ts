/**
 * Composition root: reads config, opens the store, seeds the demo, builds the app and listens.
 * `startServer` is also what integration tests use (port 0, a temporary DATA_DIR).
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { createApp } from './app';
import { loadServerKey } from './file-urls';
import { WebhookDispatcher } from './integrations/webhook-dispatcher';
import { MailDispatcher } from './mail/dispatcher';
import { MailLinks } from './mail/links';
import { createMailer } from './mail/transport';
import { startInboundSmtp, type InboundListener } from './mail/smtp-listener';
import { MemoryBus, type Bus } from './bus/bus';
import { LocalCluster, type Cluster } from './bus/cluster';
import { connectRedis, type RedisLink } from './bus/redis';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { openDb } from './store/db';
import { seedDemo } from './store/seed';
import { demoRefusal, findDemo, hasDemo } from './store/demo-data';
import { SqliteStore } from './store/sqlite-store';
import { openPg } from './store/pg/db';
import { PgStore } from './store/pg/pg-store';
import { findDemoPg, seedDemoPg } from './store/pg/seed';
import type { Store } from './store/types';
import { warmUpNlu } from './domain/nlu';
import { setMaxBufferedBytes } from './ws/connection';

/** The server will not start as configured; the message tells the operator what to do. */
export class StartupRefused extends Error {}

export interface RunningServer {
  url: string;
  port: number;
  /** SqliteStore, or PgStore with DATABASE_URL. */
  store: Store;
  logger: Logger;
  /** The built-in inbound SMTP listener's port (INBOUND_SMTP_PORT), or null when it is off. */
  inboundSmtpPort(): number | null;
  /** Closes sockets, stops accepting connections, commits pending writes, closes the database. */
  close(): Promise<void>;
}

/** Opens the store: PostgreSQL with DATABASE_URL, else SQLite in DATA_DIR; seeds the demo or refuses demo data. */
async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.databaseUrl) {
    const opened = await openPg(config.databaseUrl, config.databaseSchema ? { schema: config.databaseSchema } : {});
    if (!config.seedDemo) {
      const demo = await findDemoPg(opened.db);
      if (hasDemo(demo)) {
        await opened.close();
        throw new StartupRefused(
          `SEED_DEMO=0 but the PostgreSQL database holds the demo shop's data (${[demo.siteId ? 'site pk_demo' : '', ...demo.agents].filter(Boolean).join(', ')}), whose passwords and keys are public; use a new database (or schema, DATABASE_SCHEMA)`,
        );
      }
    }
    if (config.seedDemo) await seedDemoPg(opened.db, Date.now());
    return new PgStore(opened, logger);
  }
  const opened = openDb(config.dataDir, { busyTimeoutMs: config.dbBusyTimeoutMs });
  if (!config.seedDemo) {
    // A production server must not answer to the demo's public passwords and keys.
    const demo = findDemo(opened.sqlite);
    if (hasDemo(demo)) {
      opened.close();
      throw new StartupRefused(`SEED_DEMO=0 but ${demoRefusal(demo).replace(/^This/, 'this')}`);
    }
  }
  if (config.seedDemo) await seedDemo(opened.db, Date.now());
  return new SqliteStore(opened, logger);
}

export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const store = await openStore(config, logger);
  setMaxBufferedBytes(config.wsMaxBufferedBytes);
  // The assistant's classifier trains from its example sentences (a few hundred ms): now, not on a shopper's first message.
  warmUpNlu();
  const fileKey = loadServerKey(config.dataDir);
  const mailer = createMailer(config.mail, config.seedDemo);
  // The demo without a mail server keeps its mail in the database; replies come back through its mailbox page.
  const mailConfig = { ...config.mail, replyDomain: config.mail.replyDomain || (mailer?.kind === 'demo' ? 'correo.demo.invalid' : '') };
  if (!mailer) logger.warn('e-mail is not configured (SMTP_URL unset): shoppers are not e-mailed; see docs/email.md');
  // Mail a crash left half-sent goes back to the queue (sent again with the same Message-ID).
  // Only the one process of a SQLite data folder: on PostgreSQL another node may be sending them
  // right now, and a dead node's claims come back when their lease ends (store.mail.claimDue).
  const released = config.databaseUrl ? 0 : await store.mail.release();
  if (released > 0) logger.warn({ released }, 'mail left in flight by the last run is sent again');
  let redis: RedisLink | null = null;
  if (config.redisUrl) {
    try {
      redis = await connectRedis(config.redisUrl, { prefix: config.redisPrefix, logger });
    } catch (err) {
      await store.close();
      const where = (() => {
        try {
          const u = new URL(config.redisUrl);
          return `${u.protocol}//${u.host}`; // never the password
        } catch {
          return 'REDIS_URL';
        }
      })();
      throw new StartupRefused(`REDIS_URL is set but Redis at ${where} did not answer (${(err as Error).message}); start Redis or unset REDIS_URL to run one process`);
    }
  }
  const bus: Bus = redis?.bus ?? new MemoryBus((err) => logger.error({ err }, 'bus listener failed'));
  const cluster: Cluster = redis?.cluster ?? new LocalCluster();
  const { app, injectWebSocket, closeSockets, inbound, presence, fileUrls, files } = createApp({
    store,
    bus,
    cluster,
    logger,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    metricsToken: config.metricsToken,
    distDir: config.distDir,
    demo: config.seedDemo,
    allowPrivateTargets: config.allowPrivateTargets,
    visitorMessages: config.visitorMessages,
    agentMessages: config.agentMessages,
    fileKey,
    uploadsDir: join(config.dataDir, 'uploads'),
    mail: { transport: mailer?.kind ?? null, awayMs: config.mail.awayMs, ratingDelayMs: config.mail.ratingDelayMs, replyDomain: mailConfig.replyDomain, maxInboundBytes: config.mail.maxInboundBytes },
  });
  const dispatcher = new WebhookDispatcher({ store, logger, allowPrivate: config.allowPrivateTargets, intervalMs: config.webhookIntervalMs });
  dispatcher.start();

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  injectWebSocket(server);
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  const mailDispatcher = mailer
    ? new MailDispatcher({
        store,
        bus,
        logger,
        mailer,
        config: mailConfig,
        links: new MailLinks(fileKey),
        baseUrl: () => config.publicUrl || url,
        files: { storage: files, urls: fileUrls },
        presence: (siteId, visitorId) => presence.lastSeen(siteId, visitorId),
      })
    : null;
  mailDispatcher?.start();
  let inboundSmtp: InboundListener | null = null;
  if (config.mail.inboundPort > 0) {
    inboundSmtp = await startInboundSmtp(inbound, { port: config.mail.inboundPort, host: config.mail.inboundHost });
    logger.info({ port: inboundSmtp.port }, 'inbound SMTP listening');
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    store,
    logger,
    inboundSmtpPort: () => inboundSmtp?.port ?? null,
    close() {
      closing ??= (async () => {
        await Promise.all([closeSockets(), dispatcher.stop(), mailDispatcher?.stop(), inboundSmtp?.close()]);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive HTTP connections would hold close() open.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await redis?.close();
        await store.close();
      })();
      return closing;
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  logger.info({ url: running.url, dataDir: config.dataDir, store: config.databaseUrl ? 'postgres' : 'sqlite', bus: config.redisUrl ? 'redis' : 'memory', demo: config.seedDemo }, 'Mostrador listening');
  if (config.seedDemo) {
    logger.info(`Demo shop: ${running.url}/demo/  ·  Console: ${running.url}/console/ (ana@example.com / mostrador)`);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    if (err instanceof StartupRefused) console.error(`Mostrador did not start: ${err.message}`);
    else console.error(err);
    process.exit(1);
  });
}
