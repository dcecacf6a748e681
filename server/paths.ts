/**
 * Where the server's non-code files live (migrations, the demo shop), found from the package
 * root, so the same code works run from source (tsx, tests) and from the build (dist-server/).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The directory holding package.json. */
export const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = join(ROOT, 'server', 'store', 'migrations');
/** The PostgreSQL store's migrations (DATABASE_URL=postgres://…). */
export const PG_MIGRATIONS_DIR = join(ROOT, 'server', 'store', 'migrations-pg');
export const DEMO_DIR = join(ROOT, 'server', 'demo');
