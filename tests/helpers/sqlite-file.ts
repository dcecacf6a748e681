/**
 * What the database file holds on its own, without its WAL: what checkpoints have copied there.
 * A copy of the file is opened read-only, so the server's own connections are not touched.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** `count(*)`-style query (one row, column `n`) run on a copy of `dir/mostrador.db` alone; 0 if the copy caught a write half done. */
export function countInFileAlone(dir: string, sql: string, ...params: unknown[]): number {
  const copy = join(dir, 'alone.db');
  copyFileSync(join(dir, 'mostrador.db'), copy);
  const alone = new Database(copy, { readonly: true });
  try {
    return (alone.prepare(sql).get(...params) as { n: number }).n;
  } catch {
    return 0; // copied mid-write: not there yet
  } finally {
    alone.close();
  }
}
