/**
 * What the tests that put a real reverse proxy (nginx, Caddy) in front of a test server share:
 * a free port, the doc's config block, a throwaway certificate, the proxy run unprivileged, a
 * wait until it listens, and a stop that removes its directory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The first of `paths` that runs with `versionArgs`, or undefined when none is installed. */
export function findBinary(paths: string[], versionArgs: string[]): string | undefined {
  return paths.find((p) => {
    try {
      execFileSync(p, versionArgs, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

/** The fenced ```lang block of a doc that contains `marker`. */
export function docBlock(doc: string, lang: string, marker: string): string {
  const text = readFileSync(resolve(import.meta.dirname, '../../docs', doc), 'utf8');
  const blocks = [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes(marker));
  if (!block) throw new Error(`docs/${doc} has no \`\`\`${lang} block containing ${marker}`);
  return block;
}

/** A new temp directory with a one-day self-signed certificate for 127.0.0.1 in it (cert.pem, key.pem). */
export function certDir(prefix: string): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], {
    stdio: 'ignore',
  });
  return { dir, cert, key };
}

export interface Proxy {
  port: number;
  /** https://127.0.0.1:<port> */
  origin: string;
  /** The configuration it runs. */
  config: string;
  stop(): Promise<void>;
}

/**
 * Runs `binary args` with `dir` as its home: as nobody when the tests run as root (the files of
 * `dir` handed over first), waits until it listens on `port`, and returns how to stop it (with
 * `stopSignal`, then the directory goes). `log` adds what the proxy wrote to files to failures.
 */
export async function runProxy(opts: {
  name: string;
  binary: string;
  args: string[];
  dir: string;
  port: number;
  config: string;
  env?: NodeJS.ProcessEnv;
  stopSignal: NodeJS.Signals;
  log?: () => string;
  timeoutMs?: number;
}): Promise<Proxy> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) for (const f of ['', ...readdirSync(opts.dir)]) chownSync(join(opts.dir, f), 65534, 65534);
  const child = spawn(opts.binary, opts.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.env ? { env: opts.env } : {}),
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const log = () => `${output}\n${opts.log?.() ?? ''}`;
  try {
    await waitForPort(opts.port, child, opts.name, log, opts.timeoutMs ?? 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(opts.dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port: opts.port,
    origin: `https://127.0.0.1:${opts.port}`,
    config: opts.config,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(opts.stopSignal);
        await exited;
      }
      rmSync(opts.dir, { recursive: true, force: true });
    },
  };
}

function waitForPort(port: number, child: ChildProcess, name: string, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((done, fail) => {
    const attempt = () => {
      if (child.exitCode !== null) return fail(new Error(`${name} exited ${child.exitCode}: ${log()}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) fail(new Error(`${name} did not listen on ${port}: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
