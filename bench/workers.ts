/** The pool of load-generator processes (bench/worker.ts) and a typed request/reply over IPC. */
import type { ChildProcess } from 'node:child_process';
import type { FromWorker, ToWorker } from './ipc';
import { killChild, spawnNode } from './target';

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

interface Waiter {
  type: FromWorker['type'];
  resolve(msg: FromWorker): void;
  reject(err: Error): void;
}

class WorkerHandle {
  private waiters: Waiter[] = [];
  private readonly inbox: FromWorker[] = [];
  private dead: Error | null = null;

  constructor(
    readonly index: number,
    readonly child: ChildProcess,
  ) {
    child.on('message', (msg: FromWorker) => {
      if (msg.type === 'fatal') return this.fail(new Error(`worker ${index}: ${msg.message}`));
      const waiter = this.waiters.find((w) => w.type === msg.type);
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(msg);
      } else this.inbox.push(msg);
    });
    child.once('exit', (code, signal) => this.fail(new Error(`worker ${index} exited (${code ?? signal})`)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  next<T extends FromWorker['type']>(type: T): Promise<Reply<T>> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as Reply<T>);
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => this.waiters.push({ type, resolve: (m) => resolve(m as Reply<T>), reject }));
  }

  send(msg: ToWorker): void {
    if (this.child.connected) this.child.send(msg);
  }
}

export class WorkerPool {
  private constructor(readonly workers: WorkerHandle[]) {}

  static async start(count: number, nofilePerWorker: number): Promise<WorkerPool> {
    // BENCH_WORKER_NODE_ARGS adds node flags to the generators, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const workers = Array.from(
      { length: count },
      (_, i) => new WorkerHandle(i, spawnNode([...extra, '--import', 'tsx', 'bench/worker.ts', String(i), String(count)], { nofile: nofilePerWorker, ipc: true })),
    );
    await Promise.all(workers.map((w) => w.next('ready')));
    return new WorkerPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid);
  }

  /** Sends each worker its message (built from its index) and waits for every reply of `type`. */
  async ask<T extends FromWorker['type']>(type: T, build: (index: number) => ToWorker): Promise<Reply<T>[]> {
    const replies = this.workers.map((w) => w.next(type));
    this.workers.forEach((w) => w.send(build(w.index)));
    return Promise.all(replies);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => killChild(w.child, 2000)));
  }
}

/** Splits `total` into `parts` near-equal integers. */
export function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}
