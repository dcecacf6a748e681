/**
 * Runs Debian's nginx (`apt-get install -y nginx`) as an unprivileged process in front of a test
 * server, with the configuration docs/deploy.md gives operators: the test exercises the doc.
 * TLS uses a throwaway self-signed certificate made with openssl.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => {
  try {
    execFileSync(p, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

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

function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((done, fail) => {
    const attempt = () => {
      if (child.exitCode !== null) return fail(new Error(`nginx exited ${child.exitCode}: ${log()}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) fail(new Error(`nginx did not listen on ${port}: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface RunningNginx {
  port: number;
  /** https://127.0.0.1:<port> */
  origin: string;
  /** The nginx.conf it runs. */
  config: string;
  stop(): Promise<void>;
}

/** Starts nginx on a free port of 127.0.0.1 with docs/deploy.md's server block, proxying to `upstreamPort`. */
export async function startNginx(upstreamPort: number): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install -y nginx)');
  const dir = mkdtempSync(join(tmpdir(), 'mostrador-nginx-'));
  const port = await freePort();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], {
    stdio: 'ignore',
  });
  const server = docBlock('deploy.md', 'nginx', 'proxy_pass')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${port} ssl http2;`)
    .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', join(dir, 'cert.pem'))
    .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', join(dir, 'key.pem'))
    .replace('http://127.0.0.1:8787', `http://127.0.0.1:${upstreamPort}`);
  if (!server.includes(`127.0.0.1:${port}`) || !server.includes(String(upstreamPort))) throw new Error(`docs/deploy.md's nginx block changed shape:\n${server}`);
  mkdirSync(join(dir, 'tmp'));
  const config = [
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'daemon off;',
    'events { worker_connections 512; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${join(dir, 'tmp', k)};`),
    server.replace(/^/gm, '  '),
    '}',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), config);
  // Unprivileged: as root, run it as nobody (it then never switches user itself).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    for (const f of ['', ...readdirSync(dir)]) chownSync(join(dir, f), 65534, 65534);
  }
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const log = () => {
    let file = '';
    try {
      file = readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      /* not written yet */
    }
    return `${stderr}\n${file}`;
  };
  try {
    await waitForPort(port, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    config,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
