/**
 * `--profile`: the server target runs with V8's CPU profiler (`--cpu-prof`) during the load
 * phase, and the run prints the ten functions with the most self time — where the server's CPU
 * went, by function and file, as shares of the profiled time (idle and GC included, so the
 * shares of real work are comparable between runs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

/** The `top` functions by self time in one .cpuprofile. */
export function topSelfTime(profile: CpuProfile, top = 10): { totalMs: number; functions: HotFunction[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const name = frame.functionName || '(anonymous)';
    const where = frame.url ? `${frame.url.replace(/^file:\/\//, '').split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = self.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    self.set(key, entry);
  });
  const functions = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, share: total > 0 ? f.us / total : 0 }));
  return { totalMs: total / 1000, functions };
}

/** The largest profile in `dir` (the server's main thread; worker threads write small ones). */
export function mainProfile(dir: string): CpuProfile | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
  if (files.length === 0) return null;
  const largest = files.reduce((a, b) => (statSync(b).size > statSync(a).size ? b : a));
  return JSON.parse(readFileSync(largest, 'utf8')) as CpuProfile;
}

export function renderTop(kind: string, summary: { totalMs: number; functions: HotFunction[] }): string {
  const lines = [`CPU profile of the ${kind} (top ${summary.functions.length} by self time, of ${(summary.totalMs / 1000).toFixed(1)} s profiled)`, '', '| self % | self ms | function | where |', '|---:|---:|:---|:---|'];
  for (const f of summary.functions) lines.push(`| ${(f.share * 100).toFixed(1)} | ${f.selfMs.toFixed(0)} | ${f.name} | ${f.where} |`);
  return lines.join('\n');
}
