/**
 * Keeps the layers honest (docs/architecture.md): the domain is pure, transports never reach
 * past the store's interface, and only the use cases commit conversation changes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every module specifier a file imports (static imports and re-exports, type-only included). */
function imports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

/** The repository path an import resolves to ('server/store/types'), or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(ROOT, resolve(ROOT, file, '..', spec)).replace(/\\/g, '/');
}

function violations(dir: string, forbidden: (to: string) => boolean): string[] {
  return files(dir).flatMap((file) => imports(file).map((spec) => target(file, spec)).filter(forbidden).map((to) => `${file} → ${to}`));
}

describe('layers', () => {
  it('server/domain imports no IO: no store, bus, sockets, HTTP, files, logger or use cases', () => {
    const io = /^(server\/(store|bus|ws|routes|app|engine|integrations|presence|logger|config|file-urls)(\/|$)|node:(fs|http|https|dns|child_process|worker_threads)|better-sqlite3|drizzle-orm|ws$|hono|pino)/;
    expect(violations('server/domain', (to) => io.test(to))).toEqual([]);
  });

  it('server/ws and server/routes reach the store only through its interface (types and errors)', () => {
    const direct = (to: string) => /^server\/store\//.test(to) && !/^server\/store\/(types|errors|seed)$/.test(to) || /^(better-sqlite3|drizzle-orm)/.test(to);
    expect([...violations('server/ws', direct), ...violations('server/routes', direct)]).toEqual([]);
  });

  it('only server/app commits conversation changes (messages, lifecycle, event log, outbox)', () => {
    const writers = [...files('server'), ...files('shared')].filter((f) => !f.startsWith('server/app/') && !f.startsWith('server/store/'));
    const offenders = writers.filter((f) => /conversations\.commit\(|\.messages\.append\(/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('nothing imports server/engine from server/app (the router depends on the use cases, not back)', () => {
    expect(violations('server/app', (to) => /^server\/(engine|ws|routes\/(?!shapes$))/.test(to))).toEqual([]);
  });
});
