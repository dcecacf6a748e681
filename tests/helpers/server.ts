/** Starts the real server in-process on port 0 with a fresh SQLite file in a temp directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/index';
import { createLogger, type Logger } from '../../server/logger';

export interface TestServer extends RunningServer {
  dataDir: string;
  origin: string;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'mostrador-test-'));
}

/**
 * `bot`: whether the demo site's built-in bot answers new conversations; `routing`: whether
 * waiting chats are assigned automatically; `proactive`: whether the demo's proactive rules
 * stay on; `hours`: whether the demo's business hours apply (else the shop is always open, so a
 * test's outcome does not depend on the time of day it runs). All off unless a test is about
 * them, so transcripts hold only what the test sends.
 */
export async function startTestServer(
  opts: { dataDir?: string; env?: Record<string, string>; bot?: boolean; routing?: 'auto' | 'manual'; proactive?: boolean; hours?: boolean; logger?: Logger } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_DEMO: '1',
    DIST_DIR: resolve(import.meta.dirname, '../../dist'),
    ...opts.env,
  });
  const running = await startServer(config, opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  const site = await running.store.sites.byPublicKey('pk_demo');
  if (site) {
    const bot = typeof site.settings.bot === 'object' && site.settings.bot !== null ? site.settings.bot : {};
    const { hours, ...rest } = site.settings;
    await running.store.sites.update(site.id, {
      settings: {
        ...rest,
        ...(opts.hours === true ? { hours } : {}),
        bot: { ...bot, enabled: opts.bot === true },
        routing: { mode: opts.routing === 'auto' ? 'auto' : 'manual' },
        ...(opts.proactive === true ? {} : { proactive: { rules: [] } }),
      },
    });
  }
  return {
    ...running,
    dataDir,
    origin: `http://127.0.0.1:${running.port}`,
    async destroy() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
