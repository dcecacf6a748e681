/**
 * Runs Debian's nginx (`apt-get install -y nginx`) as an unprivileged process in front of a test
 * server, with the configuration docs/deploy.md gives operators: the test exercises the doc.
 * TLS uses a throwaway self-signed certificate made with openssl.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { certDir, docBlock, findBinary, freePort, runProxy, type Proxy } from './proxy';

export { docBlock, freePort };

export const NGINX = findBinary(['/usr/sbin/nginx', '/usr/bin/nginx'], ['-v']);

export type RunningNginx = Proxy;

/** Starts nginx on a free port of 127.0.0.1 with docs/deploy.md's server block, proxying to `upstreamPort`. */
export async function startNginx(upstreamPort: number): Promise<RunningNginx> {
  const { dir, cert, key } = certDir('mostrador-nginx-');
  const port = await freePort();
  const server = docBlock('deploy.md', 'nginx', 'proxy_pass')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${port} ssl http2;`)
    .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', cert)
    .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', key)
    .replace('http://127.0.0.1:8787', `http://127.0.0.1:${upstreamPort}`);
  if (!server.includes(`127.0.0.1:${port}`) || !server.includes(String(upstreamPort))) throw new Error(`docs/deploy.md's nginx block changed shape:\n${server}`);
  return runNginx(dir, port, server);
}

/**
 * Starts nginx with docs/nginx-multinode.conf in front of several nodes: the file as operators
 * get it, with a local port, a throwaway certificate and the nodes' ports in place of the
 * example addresses.
 */
export async function startNginxNodes(upstreamPorts: number[]): Promise<RunningNginx> {
  const { dir, cert, key } = certDir('mostrador-nginx-nodes-');
  const port = await freePort();
  const file = readFileSync(resolve(import.meta.dirname, '../../docs/nginx-multinode.conf'), 'utf8');
  const example = /^\s*server 10\.0\.0\.\d+:8787 .*$/gm;
  const lines = file.match(example) ?? [];
  if (lines.length < 2) throw new Error('docs/nginx-multinode.conf lists no example nodes (server 10.0.0.x:8787 …)');
  const nodes = upstreamPorts.map((p) => lines[0]!.replace(/10\.0\.0\.\d+:8787/, `127.0.0.1:${p}`)).join('\n');
  const server = file
    .replace(lines.join('\n'), nodes)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${port} ssl http2;`)
    .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', cert)
    .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', key);
  if (!server.includes(`127.0.0.1:${port}`) || upstreamPorts.some((p) => !server.includes(`127.0.0.1:${p}`)) || /10\.0\.0\./.test(server)) {
    throw new Error(`docs/nginx-multinode.conf changed shape:\n${server}`);
  }
  return runNginx(dir, port, server);
}

async function runNginx(dir: string, port: number, server: string): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install -y nginx)');
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
  return runProxy({
    name: 'nginx',
    binary: NGINX,
    args: ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')],
    dir,
    port,
    config,
    stopSignal: 'SIGQUIT',
    log: () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        return ''; // not written yet
      }
    },
  });
}
