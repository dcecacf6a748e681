/**
 * Opens the SQLite database: WAL, full fsync on commit (an acked message survives power loss,
 * not just a process crash), foreign keys on, and the committed drizzle-kit migrations applied.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { hashToken } from '../ids';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenedDb {
  sqlite: Database.Database;
  db: Db;
  close(): void;
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (creating if needed) `<dataDir>/mostrador.db` and migrates it to the latest schema. */
export function openDb(dataDir: string, opts: { fileName?: string; busyTimeoutMs?: number } = {}): OpenedDb {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, opts.fileName ?? 'mostrador.db');
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
