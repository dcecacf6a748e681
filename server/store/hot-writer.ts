/**
 * The hot path's writes on a second thread. better-sqlite3 is synchronous, so every statement a
 * commit runs — the message INSERTs, the conversation UPDATE, the COMMIT that writes the WAL —
 * used to run on the event loop, a third of the server's busy time under load
 * (docs/benchmarks.md). A commit that only adds messages to a conversation (no lifecycle move,
 * no event, outbox row, mail, rating or file claim: almost every message of a chat) is decided
 * on the main thread as before and handed here as plain data, statements and parameters; this
 * worker runs a batch of them in one IMMEDIATE transaction on its own connection, each in its
 * own savepoint, and answers per commit.
 *
 * Only one side writes at a time: the store never starts its own write transaction while a
 * batch is here, and sends a batch only between its own (sqlite-store.ts, `flush`), so neither
 * connection waits on the other's lock and the snapshot a commit was decided on is the row the
 * worker updates. Durability is unchanged: the store acknowledges after the worker's COMMIT and
 * the `fdatasync` of the WAL that covers it (wal-sync.ts; one file, whichever connection wrote).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A statement to run: SQL, its parameters, and whether it must change a row (else the commit fails). */
export type WriterStatement = [sql: string, params: unknown[] | Record<string, unknown>, mustChange?: 1];

/** One deferred commit: its statements, run together in one savepoint. */
export interface WriterOp {
  statements: WriterStatement[];
}

/** What failed, as the worker saw it (an SQLite error keeps its `code`: SQLITE_FULL, …). */
export interface WriterError {
  code?: string;
  message: string;
}

/** The error again, on this side (its `code` kept, so `isUnavailable` and the callers' checks see it). */
export function toError(e: WriterError): Error & { code?: string } {
  return Object.assign(new Error(e.message), { code: e.code });
}

/** Per commit: `null` when it was written; or the whole batch failed (nothing of it was written). */
export type BatchOutcome = { ops: (WriterError | null)[] } | { error: WriterError };

/** The code of a commit whose `mustChange` statement changed nothing (its row vanished). */
export const VANISHED = 'MOSTRADOR_ROW_VANISHED';
/** The code every commit of a batch fails with when the worker stopped before answering. */
export const WRITER_GONE = 'MOSTRADOR_WRITER_GONE';

// Plain CommonJS, evaluated as the worker's script: no file to find at run time, from source or built.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('foreign_keys = ON');
db.pragma('synchronous = OFF');
db.pragma('wal_autocheckpoint = 0');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const statements = new Map();
const statement = (sql) => {
  let s = statements.get(sql);
  if (!s) statements.set(sql, (s = db.prepare(sql)));
  return s;
};
const one = db.transaction((op) => {
  for (const [sql, params, mustChange] of op.statements) {
    const r = Array.isArray(params) ? statement(sql).run(...params) : statement(sql).run(params);
    if (mustChange && r.changes === 0) throw Object.assign(new Error('the row this commit updates is gone'), { code: workerData.vanished });
  }
});
const UNAVAILABLE = ${String(/^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PROTOCOL)/)};
const errorOf = (e) => ({ code: typeof (e && e.code) === 'string' ? e.code : undefined, message: String((e && e.message) || e) });
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    db.close();
    parentPort.postMessage({ type: 'closed' });
    return;
  }
  if (m.type === 'checkpoint') {
    // As wal-sync.ts does on the main thread: SQLite syncs the WAL, copies it, syncs the database file.
    db.pragma('synchronous = NORMAL');
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      parentPort.postMessage({ type: 'checkpoint-failed', error: errorOf(e) });
    } finally {
      db.pragma('synchronous = OFF');
    }
    return;
  }
  const ops = [];
  try {
    db.transaction(() => {
      for (const op of m.ops) {
        try {
          one(op);
          ops.push(null);
        } catch (e) {
          if (UNAVAILABLE.test((e && e.code) || '')) throw e;
          ops.push(errorOf(e));
        }
      }
    }).immediate();
    parentPort.postMessage({ type: 'done', ops });
  } catch (e) {
    parentPort.postMessage({ type: 'done', error: errorOf(e) });
  }
});
`;

export class HotWriter {
  private readonly worker: Worker;
  private inFlight: ((outcome: BatchOutcome) => void) | null = null;
  private closing: (() => void) | null = null;
  /** Set once the worker stopped on its own: the store then writes on its own thread again. */
  gone = false;

  constructor(file: string, opts: { busyTimeoutMs: number; onGone?: (err: unknown) => void; onCheckpointFailed?: (err: unknown) => void }) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, busyTimeoutMs: opts.busyTimeoutMs, vanished: VANISHED } });
    this.worker.unref();
    this.worker.on('message', (m: { type: 'done'; ops?: (WriterError | null)[]; error?: WriterError } | { type: 'closed' } | { type: 'checkpoint-failed'; error: WriterError }) => {
      if (m.type === 'closed') return this.closing?.();
      if (m.type === 'checkpoint-failed') return opts.onCheckpointFailed?.(toError(m.error));
      this.settle(m.error ? { error: m.error } : { ops: m.ops! });
    });
    const stopped = (err: unknown) => {
      if (this.gone) return;
      this.gone = true;
      this.settle({ error: { code: WRITER_GONE, message: `the writer thread stopped: ${String((err as Error)?.message ?? err)}` } });
      this.closing?.();
      if (!this.closing) opts.onGone?.(err);
    };
    this.worker.on('error', stopped);
    this.worker.on('exit', (code) => stopped(new Error(`exit code ${code}`)));
  }

  /** True while a batch is being written. */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Writes `ops` in one transaction (one batch at a time; the caller waits for `busy` to clear). */
  run(ops: WriterOp[]): Promise<BatchOutcome> {
    if (this.inFlight) throw new Error('HotWriter.run while a batch is in flight');
    if (this.gone) return Promise.resolve({ error: { code: WRITER_GONE, message: 'the writer thread stopped' } });
    return new Promise<BatchOutcome>((resolve) => {
      this.inFlight = resolve;
      // Referenced while a batch is out: the process does not exit with writes unanswered.
      this.worker.ref();
      this.worker.postMessage({ type: 'batch', ops });
    });
  }

  /**
   * Asks the thread to copy the WAL into the database file (between two batches): the
   * checkpoint's two syncs then never block the event loop. False when the thread is gone.
   */
  checkpoint(): boolean {
    if (this.gone || this.closing) return false;
    this.worker.postMessage({ type: 'checkpoint' });
    return true;
  }

  private settle(outcome: BatchOutcome): void {
    const resolve = this.inFlight;
    this.inFlight = null;
    this.worker.unref();
    resolve?.(outcome);
  }

  /** Closes the worker's connection and ends the thread (after the batch in flight, which the caller awaited). */
  async close(): Promise<void> {
    if (this.gone) return;
    await new Promise<void>((resolve) => {
      this.closing = resolve;
      this.worker.ref();
      this.worker.postMessage({ type: 'close' });
    });
    this.gone = true;
    await this.worker.terminate();
  }
}
