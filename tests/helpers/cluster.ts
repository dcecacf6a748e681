/**
 * Several Mostrador nodes as their own processes (tests/helpers/process.ts) sharing one
 * PostgreSQL schema (fresh per cluster, dropped by destroy) and one Redis (a key prefix of their
 * own, so parallel runs never hear each other), with one shared DATA_DIR (server.key and uploads:
 * the shared-directory set-up docs/deploy.md describes).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { spawnServer, type ServerProcess } from './process';
import { tempDataDir } from './server';

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface TestCluster {
  nodes: ServerProcess[];
  dataDir: string;
  schema: string;
  prefix: string;
  /** The environment every node of this cluster starts with (start another: `addNode`). */
  env: Record<string, string>;
  addNode(extra?: Record<string, string>): Promise<ServerProcess>;
  /** A query on the cluster's schema. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  destroy(): Promise<void>;
}

export async function startCluster(count: number, opts: { env?: Record<string, string>; redisUrl?: string } = {}): Promise<TestCluster> {
  const id = randomBytes(5).toString('hex');
  const schema = `mn_${id}`;
  const prefix = `mtest:${id}:`;
  const dataDir = tempDataDir();
  const env: Record<string, string> = {
    DATABASE_URL: TEST_PG_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: opts.redisUrl ?? TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    SEED_DEMO: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    ...opts.env,
  };
  const nodes: ServerProcess[] = [];
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  const cluster: TestCluster = {
    nodes,
    dataDir,
    schema,
    prefix,
    env,
    async addNode(extra = {}) {
      const node = await spawnServer(dataDir, { ...env, ...extra });
      nodes.push(node);
      return node;
    },
    async query(sql, params) {
      await admin.query(`SET search_path TO "${schema}", public`);
      return (await admin.query(sql, params as unknown[])).rows;
    },
    async destroy() {
      for (const n of nodes) if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill('SIGKILL');
      await Promise.all(nodes.map((n) => n.exited));
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // One after the other (the first migrates and seeds; a busy machine starts one at a time faster).
  try {
    for (let i = 0; i < count; i++) await cluster.addNode();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}
