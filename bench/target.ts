/**
 * Starting and stopping what is being measured, each in its own process:
 * - `server`: the real Mostrador server as production runs it, `node dist-server/index.js`
 *   (built from the working tree when the bench starts: `vite build --mode server`, a few
 *   seconds), on a fresh DATA_DIR (new SQLite file) with the demo site seeded;
 * - `baseline`: bench/baseline-relay.ts.
 * The port is picked here (free port on 127.0.0.1) because LOG_LEVEL=warn hides the
 * "Mostrador listening" line; readiness is GET /healthz answering 200.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { openFileLimits } from './proc';

export const ROOT = resolve(import.meta.dirname, '..');

export type TargetKind = 'server' | 'baseline';

export interface TargetNode {
  pid: number;
  origin: string;
  wsBase: string;
}

export interface Target {
  kind: TargetKind;
  pid: number;
  origin: string;
  wsBase: string;
  /** Every server process (one unless `--nodes=N`); the first is `pid`/`origin`/`wsBase`. */
  nodes: TargetNode[];
  /** Warning/error log lines by message (the server logs JSON with LOG_LEVEL=warn). */
  warnings: Record<string, number>;
  stop(): Promise<void>;
}

/** Every live child and temp dir, so Ctrl+C can clean up whatever is running. */
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mostrador-bench-'));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/**
 * Spawns `node <args>` with at least `nofile` open files allowed: directly when the inherited
 * soft limit suffices, else through `bash -c 'ulimit -n …; exec node …'` (up to the hard limit).
 * `exec` keeps the pid, so /proc sampling sees node itself.
 */
export function spawnNode(args: string[], opts: { nofile: number; env?: NodeJS.ProcessEnv; ipc?: boolean }): ChildProcess {
  const { soft, hard } = openFileLimits();
  const stdio: ('ignore' | 'pipe' | 'inherit' | 'ipc')[] = opts.ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const common = { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio, ...(opts.ipc ? { serialization: 'advanced' as const } : {}) };
  let child: ChildProcess;
  if (soft >= opts.nofile) {
    child = spawn(process.execPath, args, common);
  } else {
    const want = Math.min(hard, Math.max(opts.nofile, 65_536));
    child = spawn('bash', ['-c', `ulimit -n ${want} 2>/dev/null; exec "$0" "$@"`, process.execPath, ...args], common);
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills a child: SIGTERM, then SIGKILL after `graceMs`. */
export function killChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Synchronous last-resort cleanup (signal handlers, process exit). */
export function killEverything(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

async function waitHealthy(origin: string, child: ChildProcess, stderrTail: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`target exited with ${child.exitCode}: ${stderrTail()}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`target did not become healthy: ${stderrTail()}`);
}

let built: string | null = null;

/**
 * The built server, built once per bench run from the working tree. Run from source (tsx), the
 * server pays esbuild's `keepNames` wrappers on every closure and measured about 10 % slower.
 */
function serverEntry(): string {
  if (!built) {
    const out = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--mode', 'server', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
    if (out.status !== 0) throw new Error('building the server failed (vite build --mode server)');
    built = join(ROOT, 'dist-server', 'index.js');
  }
  return built;
}

/** Where the server keeps its data (`--store`) and how many processes share it (`--nodes`). */
export interface Deployment {
  store: 'sqlite' | 'postgres';
  nodes: number;
}

/** BENCH_DATABASE_URL / BENCH_REDIS_URL, else the machine's own PostgreSQL and Redis. */
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function startTarget(kind: TargetKind, nofile: number, profileDir?: string, deployment: Deployment = { store: 'sqlite', nodes: 1 }): Promise<Target> {
  const dataDir = kind === 'server' ? makeTempDir() : null;
  // A fresh PostgreSQL schema and Redis prefix per run, dropped at the end.
  const tag = `bench_${randomBytes(4).toString('hex')}`;
  const shared =
    kind === 'server' && deployment.store === 'postgres'
      ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: tag, ...(deployment.nodes > 1 ? { REDIS_URL, REDIS_PREFIX: `${tag}:` } : {}) }
      : {};
  const count = kind === 'server' ? deployment.nodes : 1;
  const nodes: (TargetNode & { child: ChildProcess; warnings: Record<string, number> })[] = [];
  const cleanup = async () => {
    await Promise.all(nodes.map((n) => killChild(n.child)));
    if (dataDir) removeTempDir(dataDir);
    if ('DATABASE_SCHEMA' in shared) await dropSchema(tag).catch(() => undefined);
  };
  try {
    // One after the other: the first applies the migrations and seeds the demo site. The nodes
    // share the data folder (its signing key and files), as docs/deploy.md sets them up.
    for (let i = 0; i < count; i++) nodes.push(await startNode(kind, nofile, profileDir, dataDir, shared));
  } catch (err) {
    await cleanup();
    throw err;
  }
  const first = nodes[0]!;
  const warnings: Record<string, number> = {};
  return {
    kind,
    pid: first.pid,
    origin: first.origin,
    wsBase: first.wsBase,
    nodes: nodes.map(({ pid, origin, wsBase }) => ({ pid, origin, wsBase })),
    get warnings() {
      for (const key of Object.keys(warnings)) delete warnings[key];
      for (const n of nodes) for (const [msg, c] of Object.entries(n.warnings)) warnings[msg] = (warnings[msg] ?? 0) + c;
      return warnings;
    },
    stop: cleanup,
  };
}

async function startNode(
  kind: TargetKind,
  nofile: number,
  profileDir: string | undefined,
  dataDir: string | null,
  shared: Record<string, string>,
): Promise<TargetNode & { child: ChildProcess; warnings: Record<string, number> }> {
  const port = await freePort();
  // BENCH_TARGET_NODE_ARGS adds node flags to the target, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_TARGET_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (profileDir) extra.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  const args = kind === 'server' ? [...extra, serverEntry()] : [...extra, '--import', 'tsx', 'bench/baseline-relay.ts'];
  // Each bench shopper sends far more than a person would: lift the per-visitor message budget.
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SEED_DEMO: '1',
    VISITOR_MESSAGES_PER_SEC: '1000000',
    VISITOR_MESSAGE_BURST: '1000000',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...shared,
  };
  const child = spawnNode(args, { nofile, env });
  const warnings: Record<string, number> = {};
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; level?: number };
      if (entry.level !== undefined && entry.level >= 40) warnings[entry.msg ?? '?'] = (warnings[entry.msg ?? '?'] ?? 0) + 1;
    } catch {
      /* not a log line */
    }
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(origin, child, () => stderr);
  } catch (err) {
    await killChild(child, 1000);
    throw err;
  }
  return { pid: child.pid!, origin, wsBase: `ws://127.0.0.1:${port}`, child, warnings };
}

/** Turns the demo site's assistant on or off (`--bot`), as an admin would in Settings. */
export async function setBot(origin: string, enabled: boolean): Promise<void> {
  const res = await fetch(`${origin}/api/agent/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ email: 'ana@example.com', password: 'mostrador' }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const patch = await fetch(`${origin}/api/agent/admin/site`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookie, 'X-CSRF-Token': csrfToken },
    body: JSON.stringify({ botEnabled: enabled }),
  });
  if (!patch.ok) throw new Error(`turning the bot ${enabled ? 'on' : 'off'} failed: ${patch.status} ${await patch.text()}`);
}

/** Signs the demo agent in and returns `name=value` of the session cookie. */
export async function signIn(origin: string): Promise<string> {
  const res = await fetch(`${origin}/api/agent/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ email: 'ana@example.com', password: 'mostrador' }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('sign-in returned no cookie');
  return cookie.split(';')[0]!;
}

/** Open connections the target reports on /healthz. */
export async function connectionCount(origin: string): Promise<number> {
  const res = await fetch(`${origin}/healthz`);
  return ((await res.json()) as { connections?: number }).connections ?? NaN;
}
