/** createApp over a real SQLite file, without listening: for HTTP tests through app.request(). */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadServerKey } from '../../server/file-urls';
import { createApp, type AppDeps } from '../../server/app';
import { MemoryBus } from '../../server/bus/bus';
import { createLogger } from '../../server/logger';
import { openDb } from '../../server/store/db';
import { seedDemo } from '../../server/store/seed';
import { SqliteStore } from '../../server/store/sqlite-store';
import { tempDataDir } from './server';

export async function createTestApp(overrides: Partial<AppDeps> = {}) {
  const dataDir = tempDataDir();
  const opened = openDb(dataDir);
  await seedDemo(opened.db, Date.now());
  const store = new SqliteStore(opened);
  const bus = new MemoryBus();
  const created = createApp({
    store,
    bus,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    publicUrl: '',
    distDir: resolve(import.meta.dirname, '../../dist'),
    fileKey: loadServerKey(dataDir),
    uploadsDir: join(dataDir, 'uploads'),
    ...overrides,
  });
  return {
    ...created,
    store,
    bus,
    sqlite: opened.sqlite,
    dataDir,
    async destroy() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
