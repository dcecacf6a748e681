/**
 * Runs Debian's Caddy (`apt-get install -y caddy`) as an unprivileged process in front of a test
 * server, with the Caddyfile docs/deploy.md gives operators: the test exercises the doc. Only
 * the site address changes (a loopback port instead of chat.example.com) and a throwaway
 * self-signed certificate replaces the one Caddy would obtain.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certDir, docBlock, findBinary, freePort, runProxy, type Proxy } from './proxy';

export const CADDY = findBinary(['/usr/bin/caddy', '/usr/local/bin/caddy'], ['version']);

export type RunningCaddy = Proxy;

export async function startCaddy(upstreamPort: number): Promise<RunningCaddy> {
  if (!CADDY) throw new Error('caddy is not installed (apt-get install -y caddy)');
  const { dir, cert, key } = certDir('mostrador-caddy-');
  const port = await freePort();
  const site = docBlock('deploy.md', 'caddyfile', 'reverse_proxy')
    .replace('chat.example.com {', `https://127.0.0.1:${port} {\n\ttls ${cert} ${key}`)
    .replace('127.0.0.1:8787', `127.0.0.1:${upstreamPort}`);
  if (!site.includes(`127.0.0.1:${port}`) || !site.includes(String(upstreamPort))) throw new Error(`docs/deploy.md's Caddyfile changed shape:\n${site}`);
  // Test-only globals: no admin endpoint, no port-80 redirect listener, no trust-store changes.
  const config = `{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n\thttps_port ${port}\n}\n\n${site}`;
  writeFileSync(join(dir, 'Caddyfile'), config);
  return runProxy({
    name: 'caddy',
    binary: CADDY,
    args: ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    dir,
    port,
    config,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
    stopSignal: 'SIGTERM',
    timeoutMs: 15_000,
  });
}
