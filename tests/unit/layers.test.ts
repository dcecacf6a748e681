/**
 * Keeps the layers honest (docs/architecture.md): the domain is pure, transports never reach
 * past the store's interface, and only the use cases commit conversation changes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** The file an import resolves to (`server/store/types.ts`), or null for a package. */
function resolveFile(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = target(file, spec);
  return ['.ts', '.tsx', '/index.ts'].map((ext) => base + ext).find((f) => existsSync(join(ROOT, f))) ?? null;
}

/** Every import cycle among `roots` (type-only imports count: they couple modules just the same). */
function importCycles(roots: string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const file of roots.flatMap(files)) graph.set(file, imports(file).flatMap((spec) => resolveFile(file, spec) ?? []));
  return cyclesOf(graph);
}

/** The cycles a depth-first walk meets (each once, as the path that closes it). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('layers', () => {
  it('no import cycles in server/ and shared/ (e.g. engine/router ↔ ws/gateway-common, shops service ↔ importer)', () => {
    expect(importCycles(['server', 'shared']).map((c) => c.join(' → '))).toEqual([]);
  });

  it('the cycle check sees a cycle, direct or through other files', () => {
    expect(cyclesOf(new Map([['router', ['gateway']], ['gateway', ['router']]]))).toEqual([['router', 'gateway', 'router']]);
    expect(cyclesOf(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c', 'a']]);
    expect(cyclesOf(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

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
