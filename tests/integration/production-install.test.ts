/**
 * The server runs from the build with production dependencies only: a copy of the package with
 * its build (dist/, dist-server/), installed with `npm ci --omit=dev`, serves the widget and the
 * console, carries a chat, and its `npm run admin:create` works — no tsx, vite or TypeScript.
 *
 * Needs `npm run build` first (as the browser tests do). The install runs with --ignore-scripts
 * and reuses this checkout's compiled better-sqlite3 binary: compiling SQLite again takes minutes
 * on a small machine and proves nothing about which dependencies the server needs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { TestSocket, cid } from '../helpers/ws-client';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;

function npm(args: string[], env: Record<string, string> = {}): string {
  return execFileSync('npm', args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist-server', 'index.js')) || !existsSync(join(ROOT, 'dist', 'widget.js'))) {
    throw new Error('run `npm run build` first: this test installs the built server');
  }
  dir = mkdtempSync(join(tmpdir(), 'mostrador-prod-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'dist-server'), join(dir, 'dist-server'), { recursive: true });
  npm(['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline']);
  cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(dir, 'node_modules/better-sqlite3/build'), { recursive: true });
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a production install (npm ci --omit=dev)', () => {
  it('has no development tooling', () => {
    // (typescript itself may be there: valibot lists it as a peer dependency.)
    for (const dev of ['tsx', 'vite', 'vitest', 'drizzle-kit']) expect(existsSync(join(dir, 'node_modules', dev))).toBe(false);
  });

  it('creates the first admin and serves the widget, the console and a chat from the build', async () => {
    const dataDir = join(dir, 'data');
    const created = npm(['run', '--silent', 'admin:create', '--', '--email', 'owner@shop.example', '--name', 'Owner', '--site-name', 'Shop', '--origin', 'https://shop.example'], {
      DATA_DIR: dataDir,
      SEED_DEMO: '0',
      MOSTRADOR_ADMIN_PASSWORD: 'a long enough password',
    });
    const publicKey = /public key[^:]*: (pk_\S+)/.exec(created)?.[1];
    expect(publicKey).toBeTruthy();

    const proc = spawn('npm', ['run', '--silent', 'serve'], {
      cwd: dir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((r) => proc.once('exit', r));
    try {
      const origin = await new Promise<string>((done, fail) => {
        createInterface({ input: proc.stdout! }).on('line', (line) => {
          const m = /"url":"(http:[^"]+)".*"msg":"Mostrador listening"/.exec(line);
          if (m) done(m[1]!.replace('localhost', '127.0.0.1'));
        });
        void exited.then(() => fail(new Error(`the built server exited: ${stderr}`)));
      });
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${origin}/widget.js`)).text()).toContain('data-site');
      expect((await fetch(`${origin}/console/`)).status).toBe(200);

      const signIn = await fetch(`${origin}/api/agent/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: JSON.stringify({ email: 'owner@shop.example', password: 'a long enough password' }),
      });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const agent = await TestSocket.open(`${origin.replace('http', 'ws')}/ws/agent`, { Origin: origin, Cookie: cookie });
      const agentWelcome = agent.nextOfType('welcome');
      agent.send({ type: 'hello', v: PROTOCOL_VERSION });
      await agentWelcome;
      const visitor = await TestSocket.open(`${origin.replace('http', 'ws')}/ws/visitor?site=${publicKey}`, { Origin: 'https://shop.example' });
      const welcome = visitor.nextOfType('welcome');
      visitor.send({ type: 'hello', v: PROTOCOL_VERSION });
      await welcome;
      const clientId = cid();
      const ack = visitor.next((f) => f.type === 'ack' && f.clientId === clientId);
      const seen = agent.next((f) => f.type === 'message.created' && (f.message as { text?: string }).text === 'hola');
      visitor.send({ type: 'message.send', clientId, text: 'hola' });
      await ack;
      await seen;
      agent.close();
      visitor.close();
    } finally {
      process.kill(-proc.pid!, 'SIGTERM');
      await exited;
    }
  }, 60_000);
});
