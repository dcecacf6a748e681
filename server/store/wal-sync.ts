/**
 * Durable commits without blocking the event loop. With `synchronous = FULL`, SQLite calls
 * fsync on the WAL inside every COMMIT: the whole server waits for the disk on every batch
 * (a third of the busy time under load in the bench). Here the connection commits with
 * `synchronous = OFF` — the transaction's frames reach the OS, which is enough to survive a
 * crash of the process — and this class makes them durable (power loss) with `fdatasync` of the
 * WAL on libuv's thread pool. A write's promise settles only after the sync that covers it
 * returns, so "acknowledged" still means "on disk", as with FULL.
 *
 * One sync is in flight at a time; commits that land meanwhile wait for the next one, which
 * covers them all (group commit at the disk, on top of the per-turn batch).
 *
 * Checkpoints: with `synchronous = OFF` SQLite's own checkpoints would copy WAL pages into the
 * database file without syncing it and could then reuse the WAL, so automatic checkpoints are
 * off and this class checkpoints every `checkpointMs` with `synchronous = NORMAL` (SQLite syncs
 * the WAL, copies, then syncs the database file before the WAL may be reused). A checkpoint of
 * an already copied WAL does no I/O. With the writer thread (hot-writer.ts) the checkpoint runs
 * there, between its batches (`checkpointer`), so its two syncs never block the event loop;
 * without it, the main thread pays the checkpoint (a few distinct pages per second).
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';

export type Synced = (err: NodeJS.ErrnoException | null) => void;

export class WalSync {
  private fd: number | null = null;
  private inFlight = false;
  private waiting: Synced[] = [];
  private idle: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly opts: {
      checkpointMs?: number;
      onError?: (err: unknown) => void;
      /** Runs the checkpoint elsewhere (the writer thread: its syncs then never block the event loop); false when it cannot. */
      checkpointer?: () => boolean;
    } = {},
  ) {
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma('synchronous = OFF');
    this.timer = setInterval(() => {
      if (!this.opts.checkpointer?.()) this.checkpoint();
    }, opts.checkpointMs ?? 1000);
    this.timer.unref();
  }

  /** Calls `done` once everything committed before this call is on disk (or the sync failed). */
  afterSync(done: Synced): void {
    this.waiting.push(done);
    if (!this.inFlight) this.start();
  }

  private start(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    let fd: number;
    try {
      fd = this.walFd();
    } catch (err) {
      this.finish(batch, err as NodeJS.ErrnoException);
      return;
    }
    fdatasync(fd, (err) => this.finish(batch, err));
  }

  private finish(batch: Synced[], err: NodeJS.ErrnoException | null): void {
    this.inFlight = false;
    for (const done of batch) done(err);
    if (this.waiting.length > 0) this.start();
    else for (const resolve of this.idle.splice(0)) resolve();
  }

  private walFd(): number {
    // The WAL exists while the connection is open (the migrations wrote through it) and keeps its
    // inode when SQLite restarts or truncates it, so one descriptor serves the process's life.
    this.fd ??= openSync(`${this.sqlite.name}-wal`, 'r');
    return this.fd;
  }

  /** Copies the WAL into the database file, syncing both (see the module comment). */
  checkpoint(): void {
    if (this.closed || !this.sqlite.open || this.sqlite.inTransaction) return;
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      this.sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      // Disk full or an I/O error: the WAL keeps everything committed; the next tick tries again.
      this.opts.onError?.(err);
    } finally {
      this.sqlite.pragma('synchronous = OFF');
    }
  }

  /** Waits for the syncs asked for, then leaves the connection as FULL (its closing checkpoint syncs). */
  async close(): Promise<void> {
    if (this.inFlight || this.waiting.length > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.closed = true;
    clearInterval(this.timer);
    if (this.sqlite.open) this.sqlite.pragma('synchronous = FULL');
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
