/**
 * Durable commits off the event loop (server/store/wal-sync.ts): the store commits with
 * synchronous=OFF and settles a write only after fdatasync of the WAL; its own checkpoints (with
 * syncs) copy the WAL into the database file. Real SQLite files, a second connection to look.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../server/store/db';
import { seedDemo } from '../../server/store/seed';
import { SqliteStore } from '../../server/store/sqlite-store';
import { tempDataDir } from '../helpers/server';
import { countInFileAlone } from '../helpers/sqlite-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = tempDataDir();
  dirs.push(dir);
  const opened = openDb(dir);
  const siteId = await seedDemo(opened.db, Date.now());
  const store = new SqliteStore(opened);
  return { dir, file: join(dir, 'mostrador.db'), opened, siteId, store };
}

const response = (i: number) => ({ requestHash: `h${i}`, status: 200, body: JSON.stringify({ i }) });

describe('WAL sync', () => {
  it('commits without fsync in the transaction and with automatic checkpoints off; acked writes are committed', async () => {
    const { file, opened, siteId, store } = await open();
    expect(opened.sqlite.pragma('synchronous', { simple: true })).toBe(0);
    expect(opened.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // One turn's writes share a batch; each settles once its sync has returned.
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.idempotency.put(siteId, `k${i}`, response(i), Date.now())));
    const other = new Database(file, { readonly: true });
    try {
      expect((other.prepare('SELECT count(*) AS n FROM idempotency_keys WHERE site_id = ?').get(siteId) as { n: number }).n).toBe(200);
    } finally {
      other.close();
    }
    await store.close();
  });

  it('copies the WAL into the database file within a second, so the file alone holds acked writes', async () => {
    const { dir, siteId, store } = await open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.idempotency.put(siteId, `c${i}`, response(i), Date.now())));
    // The database file without its WAL: what a checkpoint has written there (within a second).
    const inFileAlone = () => countInFileAlone(dir, 'SELECT count(*) AS n FROM idempotency_keys WHERE site_id = ?', siteId);
    await expect.poll(inFileAlone, { timeout: 2500, interval: 100 }).toBe(50);
    await store.close();
  });

  it('closing waits for the syncs asked for and leaves every write in the database file', async () => {
    const { file, siteId, store } = await open();
    const puts = Array.from({ length: 30 }, (_, i) => store.idempotency.put(siteId, `z${i}`, response(i), Date.now()));
    await store.close();
    await Promise.all(puts);
    expect(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0).toBe(true);
    const again = new Database(file, { readonly: true });
    try {
      expect((again.prepare('SELECT count(*) AS n FROM idempotency_keys WHERE site_id = ?').get(siteId) as { n: number }).n).toBe(30);
    } finally {
      again.close();
    }
  });
});
