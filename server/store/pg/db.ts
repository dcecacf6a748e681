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

export type PgDb = NodePgDatabase<typeof schema>;

export interface OpenedPg {
  pool: pg.Pool;
  db: PgDb;
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
  const db = drizzle(pool, { schema });
  try {
    await migrate(pool, schemaName);
    await backfillSecretKeyHashes(db);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  let closed: Promise<void> | null = null;
  return {
    pool,
    db,
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
