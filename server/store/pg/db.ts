/**
 * Opens the PostgreSQL store's connection pool (DATABASE_URL=postgres://…) and applies the
 * committed drizzle-kit migrations (server/store/migrations-pg) at start, under an advisory lock
 * so several nodes starting at once migrate once.
 *
 * `schema` (tests, or one database shared by several installs) puts every table in that schema:
 * each connection's search_path is `<schema>, public` and the migrations log lives there too.
 * The generated SQL names `"public".` in its foreign keys; it is applied without that prefix so
 * the tables land in the connection's schema. When `conversation_facts` is new while there are
 * chats, it is backfilled from the event log right after (pg/facts.ts).
 */
import { eq, isNull } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { hashToken } from '../../ids';
import { PG_MIGRATIONS_DIR } from '../../paths';
import { backfillFacts, needsFactsBackfill } from './facts';
import * as schema from './schema';

/** The PostgreSQL error code (SQLSTATE) of an error, looking through drizzle's wrapper. */
export function pgCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]|58)/;
const UNAVAILABLE_NODE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i;

/** True when PostgreSQL cannot be reached or cannot take the write now (not "this row is bad"). */
export function isPgUnavailable(err: unknown): boolean {
  const code = pgCode(err);
  if (code && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE.test(code))) return true;
  for (let e = err as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}

export type PgDb = NodePgDatabase<typeof schema>;
export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

export interface OpenedPg {
  pool: pg.Pool;
  db: PgDb;
  /**
   * Runs `fn` in a transaction on a connection of the pool, always giving the connection back:
   * drizzle's own `db.transaction` keeps a connection whose BEGIN failed (the connection had just
   * died) checked out for ever, and the pool runs dry after a few database blips. A connection
   * that failed that way is destroyed, not returned.
   */
  transaction<T>(fn: (tx: PgTx) => Promise<T>): Promise<T>;
  /** The schema the tables live in (null: the server's default, `public`). */
  schema: string | null;
  close(): Promise<void>;
}

export interface PgOptions {
  /** Tables in this schema (created if missing) instead of the default. Letters, digits and `_` only. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** How long to wait for a free connection before failing as `store_unavailable` (default 5 s). */
  connectionTimeoutMs?: number;
}

/** True for a postgres:// or postgresql:// URL (what selects this store). */
export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url.trim());
}

export async function openPg(url: string, opts: PgOptions = {}): Promise<OpenedPg> {
  const schemaName = opts.schema ?? null;
  if (schemaName !== null && !/^[a-z_][a-z0-9_]*$/i.test(schemaName)) throw new Error(`invalid schema name ${schemaName}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5000,
    ...(schemaName ? { options: `-c search_path=${schemaName},public` } : {}),
  });
  // An idle client losing its server (restart, network) must not crash the process: the pool drops it.
  pool.on('error', () => {});
  // Nor one that is checked out (in a transaction) when the connection drops: its query fails with
  // the error (answered store_unavailable), and the client's own 'error' event has no listener then.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzle(pool, { schema });
  try {
    await migrate(pool, schemaName);
    await backfillSecretKeyHashes(db);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  let closed: Promise<void> | null = null;
  // A drizzle instance per pooled connection, made once (the pool reuses connections).
  const onClient = new WeakMap<pg.PoolClient, PgDb>();
  const transaction = async <T>(fn: (tx: PgTx) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      let bound = onClient.get(client);
      if (!bound) onClient.set(client, (bound = drizzle(client, { schema })));
      return await bound.transaction(fn);
    } catch (err) {
      // A connection that may have died is destroyed; the next transaction gets a fresh one.
      if (isPgUnavailable(err)) broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(broken);
    }
  };
  return {
    pool,
    db,
    transaction,
    schema: schemaName,
    close: () => (closed ??= pool.end()),
  };
}

/** Applies the migrations not applied yet, one node at a time (pg_advisory_lock). */
async function migrate(pool: pg.Pool, schemaName: string | null): Promise<void> {
  const client = await pool.connect();
  try {
    if (schemaName) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schemaName}"`);
    await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`mostrador-migrate:${schemaName ?? ''}`]);
    try {
      const migrations = readMigrationFiles({ migrationsFolder: PG_MIGRATIONS_DIR }).map((m) => ({
        ...m,
        sql: m.sql.map((statement) => statement.replaceAll('"public".', '')),
      }));
      const db = drizzle(client);
      // What drizzle-orm/node-postgres/migrator does, with the SQL rewritten above.
      await new PgDialect().migrate(migrations, db._.session as unknown as Parameters<PgDialect['migrate']>[1], { migrationsFolder: PG_MIGRATIONS_DIR, migrationsSchema: schemaName ?? 'drizzle' });
      // The facts table is new while there are chats: filled once from the event log, in one
      // transaction (as SQLite's db.ts), still under the lock so one node does it.
      const withSchema = drizzle(client, { schema });
      if (await needsFactsBackfill(withSchema)) await withSchema.transaction((tx) => backfillFacts(tx, Date.now()));
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`mostrador-migrate:${schemaName ?? ''}`]);
    }
  } finally {
    client.release();
  }
}

/** Sites created without a secret key hash (an import) get it once, as in SQLite. */
async function backfillSecretKeyHashes(db: PgDb): Promise<void> {
  const rows = await db.select({ id: schema.sites.id, secretKey: schema.sites.secretKey }).from(schema.sites).where(isNull(schema.sites.secretKeyHash));
  for (const row of rows) await db.update(schema.sites).set({ secretKeyHash: hashToken(row.secretKey) }).where(eq(schema.sites.id, row.id));
}
