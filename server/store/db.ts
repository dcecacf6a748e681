/**
 * Opens the SQLite database: WAL, full fsync on commit (an acked message survives power loss,
 * not just a process crash), foreign keys on, and the committed drizzle-kit migrations applied.
 * The server's store then moves the fsync off the event loop (wal-sync.ts) without weakening
 * that: a write is acknowledged only after the WAL holding it has been synced.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { hashToken } from '../ids';
import { reportTimeZone } from '../domain/reports';
import { FactsRepo } from './facts-repo';
import { MIGRATIONS_DIR } from '../paths';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenedDb {
  sqlite: Database.Database;
  db: Db;
  close(): void;
}


/** Opens (creating if needed) `<dataDir>/mostrador.db` and migrates it to the latest schema. */
export function openDb(dataDir: string, opts: { fileName?: string; busyTimeoutMs?: number } = {}): OpenedDb {
  // The database holds secret keys and customer data: only the server's user may read it.
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700); // the mode above is filtered by the umask
  }
  const file = join(dataDir, opts.fileName ?? 'mostrador.db');
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  // SQLite creates -wal and -shm with the database file's permissions.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) tightenFile(f);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Another process (or a checkpoint) holding the write lock makes writers wait, not fail.
  // Past this wait the write fails as `store_unavailable` (retryable); the client resends.
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  backfillSecretKeyHashes(sqlite);
  if (needsFactsBackfill(sqlite)) backfillConversationFacts(sqlite, Date.now());
  return {
    sqlite,
    db,
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Sites created before secret keys were looked up by hash get their hash once. */
function backfillSecretKeyHashes(sqlite: Database.Database): void {
  const rows = sqlite.prepare('SELECT id, secret_key AS secretKey FROM sites WHERE secret_key_hash IS NULL').all() as { id: string; secretKey: string }[];
  const update = sqlite.prepare('UPDATE sites SET secret_key_hash = ? WHERE id = ?');
  for (const row of rows) update.run(hashToken(row.secretKey), row.id);
}

/** The facts table is new (migration 0019) while there are chats: fill it once from the event log. */
function needsFactsBackfill(sqlite: Database.Database): boolean {
  const row = sqlite.prepare('SELECT EXISTS (SELECT 1 FROM conversations) AS chats, EXISTS (SELECT 1 FROM conversation_facts) AS facts').get() as { chats: number; facts: number };
  return row.chats === 1 && row.facts === 0;
}

/**
 * Writes the report facts (`conversation_facts`) of every conversation that has none, from its
 * event log, in the site's report time zone: in one transaction, so a crash leaves none and the
 * next start begins again. Returns how many were written.
 */
export function backfillConversationFacts(sqlite: Database.Database, now: number): number {
  const facts = new FactsRepo(sqlite);
  const zones = new Map<string, string>();
  for (const s of sqlite.prepare('SELECT id, settings FROM sites').all() as { id: string; settings: string | null }[]) {
    let settings: Record<string, unknown> = {};
    try {
      settings = (JSON.parse(s.settings ?? '{}') as Record<string, unknown> | null) ?? {};
    } catch {
      /* unreadable settings: UTC */
    }
    zones.set(s.id, reportTimeZone(settings));
  }
  const missing = sqlite.prepare(
    `SELECT c.site_id AS siteId, c.id FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = c.id)`,
  );
  let written = 0;
  sqlite.transaction(() => {
    for (const c of missing.all() as { siteId: string; id: string }[]) {
      facts.refresh(c.siteId, c.id, zones.get(c.siteId) ?? 'UTC', now);
      written++;
    }
  })();
  return written;
}

/** Makes a file ours-only (0600), when we own it; a file someone else owns is left as it is. */
function tightenFile(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch {
    /* not ours to change (EPERM): the operator set it up */
  }
}
