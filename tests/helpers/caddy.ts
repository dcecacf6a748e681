/**
 * Runs Debian's Caddy (`apt-get install -y caddy`) as an unprivileged process in front of a test
 * server, with the Caddyfile docs/deploy.md gives operators: the test exercises the doc. Only
 * the site address changes (a loopback port instead of chat.example.com) and a throwaway
 * self-signed certificate replaces the one Caddy would obtain.
 */
import { spawn, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docBlock, freePort } from './nginx';

export const CADDY = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => {
  try {
    execFileSync(p, ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

export interface RunningCaddy {
  port: number;
  origin: string;
  config: string;
  stop(): Promise<void>;
}

export async function startCaddy(upstreamPort: number): Promise<RunningCaddy> {
  if (!CADDY) throw new Error('caddy is not installed (apt-get install -y caddy)');
  const dir = mkdtempSync(join(tmpdir(), 'mostrador-caddy-'));
  const port = await freePort();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], {
    stdio: 'ignore',
  });
  const site = docBlock('deploy.md', 'caddyfile', 'reverse_proxy')
    .replace('chat.example.com {', `https://127.0.0.1:${port} {\n\ttls ${join(dir, 'cert.pem')} ${join(dir, 'key.pem')}`)
    .replace('127.0.0.1:8787', `127.0.0.1:${upstreamPort}`);
  if (!site.includes(`127.0.0.1:${port}`) || !site.includes(String(upstreamPort))) throw new Error(`docs/deploy.md's Caddyfile changed shape:\n${site}`);
  // Test-only globals: no admin endpoint, no port-80 redirect listener, no trust-store changes.
  const config = `{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n\thttps_port ${port}\n}\n\n${site}`;
  writeFileSync(join(dir, 'Caddyfile'), config);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) for (const f of ['', ...readdirSync(dir)]) chownSync(join(dir, f), 65534, 65534);
  const child = spawn(CADDY, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 15_000;
  await new Promise<void>((done, fail) => {
    const attempt = () => {
      if (child.exitCode !== null) return fail(new Error(`caddy exited ${child.exitCode}: ${log}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) fail(new Error(`caddy did not listen on ${port}: ${log}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    config,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
