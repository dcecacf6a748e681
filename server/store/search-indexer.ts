/**
 * Message search's FTS5 index, filled in batches: every message written since the last batch, in
 * rowid order, in one statement (FTS5 writes its segments once per batch rather than once per
 * commit, which was a third of an insert's cost on the hot path). The store runs a batch every
 * 250 ms — on its writer thread when it has one (`stepOp`), else inside its group commit —
 * and catches the index up before each search, so a search always sees every message committed
 * before it. Deletes and edits of rows already indexed are
 * kept in step by triggers (migration 0023).
 */
import type Database from 'better-sqlite3';
import type { WriterOp } from './hot-writer';

/** Rows per batch: a backlog is worked off in several commits, never one huge one. */
const BATCH = 5000;

export class SearchIndexer {
  private readonly progress: Database.Statement;
  private readonly newest: Database.Statement;
  private readonly index: Database.Statement;
  private readonly advance: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.progress = sqlite.prepare('SELECT indexed_rowid AS at FROM fts_progress WHERE id = 1').pluck();
    this.newest = sqlite.prepare('SELECT coalesce(max(rowid), 0) FROM messages').pluck();
    this.index = sqlite.prepare(
      `INSERT INTO messages_fts(rowid, text) SELECT rowid, text FROM messages WHERE rowid > ? AND rowid <= ? AND kind IN ('text', 'note') ORDER BY rowid`,
    );
    this.advance = sqlite.prepare('UPDATE fts_progress SET indexed_rowid = ? WHERE id = 1');
  }

  /** Whether messages wait to be indexed (a cheap read). */
  behind(): boolean {
    return (this.newest.get() as number) > ((this.progress.get() as number | undefined) ?? 0);
  }

  /** Indexes the next batch (in the caller's transaction); true when more is left. */
  step(): boolean {
    const from = (this.progress.get() as number | undefined) ?? 0;
    const newest = this.newest.get() as number;
    if (newest <= from) return false;
    const to = Math.min(newest, from + BATCH);
    this.index.run(from, to);
    this.advance.run(to);
    return to < newest;
  }

  /**
   * The next batch as statements for the writer thread (hot-writer.ts), so the index's writes —
   * 6–8 ms for a full batch here, more when FTS5 merges its segments — never stall the event
   * loop. Its bounds are read where it runs (the progress row, the newest message), so nothing
   * decided here can be stale there.
   */
  static stepOp(): WriterOp {
    return {
      statements: [
        [
          `INSERT INTO messages_fts(rowid, text) SELECT rowid, text FROM messages WHERE rowid > (SELECT indexed_rowid FROM fts_progress WHERE id = 1) AND rowid <= (SELECT indexed_rowid FROM fts_progress WHERE id = 1) + ? AND kind IN ('text', 'note') ORDER BY rowid`,
          [BATCH],
        ],
        [`UPDATE fts_progress SET indexed_rowid = max(indexed_rowid, min((SELECT coalesce(max(rowid), 0) FROM messages), indexed_rowid + ?)) WHERE id = 1`, [BATCH]],
      ],
    };
  }

  /** Everything written so far (in the caller's transaction). */
  catchUp(): void {
    while (this.step());
  }
}
