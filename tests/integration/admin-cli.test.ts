/**
 * A shop's first day from the command line: `admin:create`, `demo:remove` and a server started
 * with SEED_DEMO=0, run as the operator runs them (separate processes on a real data folder).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/process';
import { startTestServer } from '../helpers/server';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mostrador-cli-'));
  dirs.push(d);
  return d;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the operator's commands (scripts/<name>.ts) as its own process; stdin is not a terminal. */
function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join('scripts', `${script}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, MOSTRADOR_ADMIN_PASSWORD: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdin.end();
    proc.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** Starts the server process on `dataDir` and resolves with how it ended if it refuses to start. */
function serverRefusal(dataDir: string, env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('Mostrador listening')) proc.kill('SIGTERM');
    });
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** A data folder where someone tried the quick start (the demo seeded). */
async function demoFolder(): Promise<string> {
  const dataDir = join(tempDir(), 'data');
  const server = await startTestServer({ dataDir });
  await server.close();
  return dataDir;
}

const ADMIN = ['--email', 'duena@tienda.example', '--name', 'Dueña', '--site-name', 'Tienda Real', '--origin', 'https://tienda.example'];
const PASSWORD = { MOSTRADOR_ADMIN_PASSWORD: 'una contraseña larga' };

describe('admin:create', () => {
  it('fails, creating nothing, when there is no terminal to ask for the password', async () => {
    const dataDir = join(tempDir(), 'data');
    const res = await run('create-admin', ADMIN, { DATA_DIR: dataDir, SEED_DEMO: '0' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/MOSTRADOR_ADMIN_PASSWORD/);
    // Nothing was created: a server on this folder has no agent to sign in.
    const server = await spawnServer(dataDir, { SEED_DEMO: '0' });
    const signIn = await fetch(`${server.origin}/api/agent/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: server.origin },
      body: JSON.stringify({ email: 'duena@tienda.example', password: 'una contraseña larga' }),
    });
    expect(signIn.status).toBe(401);
    server.proc.kill('SIGTERM');
    await server.exited;
  });

  it('refuses a data folder holding the demo shop, naming the way out', async () => {
    const dataDir = await demoFolder();
    const res = await run('create-admin', ADMIN, { DATA_DIR: dataDir, ...PASSWORD });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('npm run demo:remove');
    expect(res.stderr).toContain('--remove-demo');
    expect(res.stdout).not.toMatch(/created/);
  });

  it('with --remove-demo makes a clean production site with the given name, origin and printed keys', async () => {
    const dataDir = await demoFolder();
    const res = await run('create-admin', [...ADMIN, '--remove-demo'], { DATA_DIR: dataDir, ...PASSWORD });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Tienda Real');
    const publicKey = /public key[^:]*: (pk_\S+)/.exec(res.stdout)?.[1];
    const secretKey = /secret key[^:]*: (sk_\S+)/.exec(res.stdout)?.[1];
    expect(publicKey).toBeTruthy();
    expect(secretKey).toBeTruthy();
    expect(publicKey).not.toBe('pk_demo');

    // The data folder and its files are the server user's alone.
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'mostrador.db')).mode & 0o777).toBe(0o600);

    const server = await spawnServer(dataDir, { SEED_DEMO: '0' });
    try {
      const signIn = (email: string, password: string) =>
        fetch(`${server.origin}/api/agent/session`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: server.origin },
          body: JSON.stringify({ email, password }),
        });
      expect((await signIn('ana@example.com', 'mostrador')).status).toBe(401);
      const owner = await signIn('duena@tienda.example', 'una contraseña larga');
      expect(owner.status).toBe(200);
      const cookie = owner.headers.get('set-cookie')!.split(';')[0]!;
      const site = (await (await fetch(`${server.origin}/api/agent/admin/site`, { headers: { Cookie: cookie } })).json()) as { name: string; allowedOrigins: string[]; publicKey: string };
      expect(site).toMatchObject({ name: 'Tienda Real', allowedOrigins: ['https://tienda.example'], publicKey });
      const api = (key: string) => fetch(`${server.origin}/api/v1/conversations`, { headers: { Authorization: `Bearer ${key}` } });
      expect((await api('sk_demo_secret')).status).toBe(401);
      expect((await api(secretKey!)).status).toBe(200);
      // `/` is a plain status page, not a redirect to a demo shop that no longer exists.
      const home = await fetch(`${server.origin}/`, { redirect: 'manual' });
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('/console/');
      expect((await fetch(`${server.origin}/demo/`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      server.proc.kill('SIGTERM');
      await server.exited;
    }
  });
});

describe('a server started with SEED_DEMO=0', () => {
  it('refuses to start while demo agents or keys exist, naming the command that removes them; starts after it', async () => {
    const dataDir = await demoFolder();
    const refused = await serverRefusal(dataDir, { SEED_DEMO: '0' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('npm run demo:remove');
    expect(refused.stderr).toContain('ana@example.com');

    const removed = await run('remove-demo', [], { DATA_DIR: dataDir });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/Removed the demo site/);

    const started = await serverRefusal(dataDir, { SEED_DEMO: '0' });
    expect(started.stdout).toContain('Mostrador listening');
  });
});
