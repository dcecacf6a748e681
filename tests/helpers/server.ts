/**
 * Starts the real server in-process on port 0 with a fresh SQLite file in a temp directory. With
 * TEST_STORE=postgres in the environment, on PostgreSQL instead (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test): a schema of its own per data directory (a restart
 * over the same directory finds its data), dropped by destroy(). Tests that open the SQLite file
 * themselves do not apply then.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/index';
import { createLogger, type Logger } from '../../server/logger';
import pg from 'pg';
import { openDb } from '../../server/store/db';
import { openPg } from '../../server/store/pg/db';
import * as pgSchema from '../../server/store/pg/schema';
import * as sqliteSchema from '../../server/store/schema';

export interface TestServer extends RunningServer {
  dataDir: string;
  origin: string;
  /** On PostgreSQL (TEST_STORE=postgres): the database URL and the schema this server's tables live in; else null. */
  pg: { url: string; schema: string } | null;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'mostrador-test-'));
}

/**
 * `bot`: whether the demo site's built-in bot answers new conversations; `routing`: whether
 * waiting chats are assigned automatically; `proactive`: whether the demo's proactive rules
 * stay on; `hours`: whether the demo's business hours apply (else the shop is always open, so a
 * test's outcome does not depend on the time of day it runs). All off unless a test is about
 * them, so transcripts hold only what the test sends.
 */
export async function startTestServer(
  opts: { dataDir?: string; env?: Record<string, string>; bot?: boolean; routing?: 'auto' | 'manual'; proactive?: boolean; hours?: boolean; logger?: Logger } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const pgUrl = process.env.TEST_STORE === 'postgres' ? (process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
  const schema = pgUrl ? `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}` : null;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_DEMO: '1',
    DIST_DIR: resolve(import.meta.dirname, '../../dist'),
    ...(pgUrl && schema ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema } : {}),
    ...opts.env,
  });
  const running = await startServer(config, opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  const site = await running.store.sites.byPublicKey('pk_demo');
  if (site) {
    const bot = typeof site.settings.bot === 'object' && site.settings.bot !== null ? site.settings.bot : {};
    const { hours, ...rest } = site.settings;
    await running.store.sites.update(site.id, {
      settings: {
        ...rest,
        ...(opts.hours === true ? { hours } : {}),
        bot: { ...bot, enabled: opts.bot === true },
        routing: { mode: opts.routing === 'auto' ? 'auto' : 'manual' },
        ...(opts.proactive === true ? {} : { proactive: { rules: [] } }),
      },
    });
  }
  return {
    ...running,
    dataDir,
    origin: `http://127.0.0.1:${running.port}`,
    pg: pgUrl && schema ? { url: pgUrl, schema } : null,
    async destroy() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (pgUrl && schema) {
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    },
  };
}

/**
 * Adds a site (and its agents) straight into the test server's database — its SQLite file, or its
 * PostgreSQL schema with TEST_STORE=postgres — as a second shop a test keeps apart from the demo.
 */
export async function addSite(server: TestServer, site: typeof sqliteSchema.sites.$inferInsert, agents: (typeof sqliteSchema.agents.$inferInsert)[] = []): Promise<void> {
  if (server.pg) {
    const opened = await openPg(server.pg.url, { schema: server.pg.schema, max: 1 });
    try {
      await opened.db.insert(pgSchema.sites).values(site);
      if (agents.length > 0) await opened.db.insert(pgSchema.agents).values(agents);
    } finally {
      await opened.close();
    }
    return;
  }
  const { db, close } = openDb(server.dataDir);
  try {
    db.insert(sqliteSchema.sites).values(site).run();
    if (agents.length > 0) db.insert(sqliteSchema.agents).values(agents).run();
  } finally {
    close();
  }
}
