/** Result types, the printed tables and chart, and bench/results/latest.json. */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type TargetKind } from './target';
import { barChart, fmtInt, fmtKiB, fmtMiB, fmtMs, fmtRatio, table, type LatencySummary } from './stats';

export interface StepResult {
  rate: number;
  sentPerSec: number;
  ackedPerSec: number;
  /** Per agent socket: every agent should see every message. */
  deliveredPerSec: number;
  ack: LatencySummary;
  delivery: LatencySummary;
  sent: number;
  acked: number;
  /** Sends with neither ack nor error reply when the drain gave up. */
  unanswered: number;
  errors: Record<string, number>;
  /** (agent, acked message) pairs never delivered. */
  lost: number;
  /** Extra deliveries of a message to the same agent. */
  duplicated: number;
  duplicateAcks: number;
  /** Deliveries of messages that were never acked. */
  deliveredUnacked: number;
  stray: number;
  serverCpuPct: number;
  serverRssBytes: number;
  generatorCpuPct: number;
  saturated: boolean;
  generatorLimited: boolean;
  note: string;
}

export interface IdleResult {
  sockets: number;
  failed: number;
  connectionsReported: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerConnection: number;
  openSeconds: number;
}

export interface TargetResult {
  steps: StepResult[];
  idle: IdleResult | null;
  warnings: Record<string, number>;
  samples: { phase: string; series: { t: number; cpuPct: number; rssMiB: number }[] }[];
}

export interface RunConfig {
  quick: boolean;
  shoppers: number;
  agents: number;
  workers: number;
  rates: number[];
  extendRates: boolean;
  stepSeconds: number;
  warmupSeconds: number;
  idleSockets: number;
  targets: TargetKind[];
  /** `--profile`: the server's load phase runs under V8's CPU profiler. */
  profile: boolean;
  /**
   * `--agents-see`: `open` (default) — each conversation is open at one agent (`watch`), as in a
   * console, so each message reaches one agent; `all` — every agent hears every message (sockets
   * that never send `watch`: the fan-out before agent scopes).
   */
  agentsSee: 'open' | 'all';
  /** `--store`: SQLite (the default) or PostgreSQL; `--nodes`: server processes sharing it (Redis between them). */
  store: 'sqlite' | 'postgres';
  nodes: number;
  /** `--bot`: whether the demo site's assistant answers the shoppers (`on`, default) or not (`off`: human chats). */
  bot: boolean;
}

export interface Check {
  goal: string;
  measured: string;
  met: boolean | null;
  why?: string;
}

export interface RunResult {
  startedAt: string;
  elapsedSeconds: number;
  machine: { cpus: number; cpuModel: string; memGiB: number; node: string; platform: string };
  config: RunConfig;
  results: Partial<Record<TargetKind, TargetResult>>;
  comparison: { rate: number; ackedRatio: number; p99Ratio: number }[];
  peakRatio: number;
  checks: Check[];
  /** `--profile`: the server's top functions by self time during the load phase. */
  profile?: { totalMs: number; functions: { name: string; where: string; selfMs: number; share: number }[] };
}

const lat = (s: LatencySummary) => `${fmtMs(s.p50Ms)} / ${fmtMs(s.p95Ms)} / ${fmtMs(s.p99Ms)} / ${fmtMs(s.maxMs)}`;

function errorCount(e: Record<string, number>): number {
  return Object.values(e).reduce((a, b) => a + b, 0);
}

export function stepsTable(kind: TargetKind, steps: StepResult[]): string {
  const rows = [
    ['offered/s', 'sent/s', 'acked/s', 'delivered/s', 'ack p50/p95/p99/max ms', 'delivery p50/p95/p99/max ms', 'lost', 'dup', 'err', 'srv CPU %', 'srv RSS MiB', 'gen CPU %', 'status'],
    ...steps.map((s) => [
      fmtInt(s.rate),
      fmtInt(s.sentPerSec),
      fmtInt(s.ackedPerSec),
      fmtInt(s.deliveredPerSec),
      lat(s.ack),
      lat(s.delivery),
      fmtInt(s.lost),
      fmtInt(s.duplicated),
      fmtInt(errorCount(s.errors) + s.unanswered),
      s.serverCpuPct.toFixed(0),
      fmtMiB(s.serverRssBytes),
      s.generatorCpuPct.toFixed(0),
      s.note,
    ]),
  ];
  return table(rows, `${kind === 'server' ? 'Mostrador server' : 'Baseline relay (raw ws)'} — throughput and latency`);
}

export function comparisonTable(r: RunResult): string {
  const server = r.results.server?.steps ?? [];
  const base = r.results.baseline?.steps ?? [];
  const rows = [['offered/s', 'server acked/s', 'baseline acked/s', 'ratio', 'server p99 ms', 'baseline p99 ms', 'ratio']];
  for (const c of r.comparison) {
    const s = server.find((x) => x.rate === c.rate)!;
    const b = base.find((x) => x.rate === c.rate)!;
    rows.push([fmtInt(c.rate), fmtInt(s.ackedPerSec), fmtInt(b.ackedPerSec), fmtRatio(c.ackedRatio), fmtMs(s.delivery.p99Ms), fmtMs(b.delivery.p99Ms), fmtRatio(c.p99Ratio)]);
  }
  rows.push(['peak', fmtInt(peak(server)), fmtInt(peak(base)), fmtRatio(r.peakRatio), '', '', '']);
  return table(rows, 'Server ÷ baseline');
}

export function idleTable(r: RunResult): string {
  const rows = [['target', 'idle sockets', 'open s', 'RSS before MiB', 'RSS after MiB', 'per connection']];
  for (const kind of ['server', 'baseline'] as const) {
    const i = r.results[kind]?.idle;
    if (!i) continue;
    rows.push([kind, fmtInt(i.sockets), i.openSeconds.toFixed(1), fmtMiB(i.rssBeforeBytes), fmtMiB(i.rssAfterBytes), fmtKiB(i.bytesPerConnection)]);
  }
  const s = r.results.server?.idle;
  const b = r.results.baseline?.idle;
  if (s && b) rows.push(['ratio', '', '', '', '', fmtRatio(s.bytesPerConnection / b.bytesPerConnection)]);
  return table(rows, 'Memory per idle shopper connection (hello completed)');
}

export function checksTable(checks: Check[]): string {
  const rows = [['target', 'measured', 'met']];
  for (const c of checks) rows.push([c.goal, c.measured, c.met === null ? 'n/a' : c.met ? 'yes' : 'NO']);
  return table(rows, 'Targets (reported, not asserted)');
}

export function peak(steps: StepResult[]): number {
  return Math.max(0, ...steps.map((s) => s.ackedPerSec));
}

export function chart(r: RunResult): string {
  const items: { label: string; value: number; note?: string }[] = [];
  const rates = [...new Set([...(r.results.server?.steps ?? []), ...(r.results.baseline?.steps ?? [])].map((s) => s.rate))].sort((a, b) => a - b);
  for (const rate of rates) {
    for (const kind of ['server', 'baseline'] as const) {
      const s = r.results[kind]?.steps.find((x) => x.rate === rate);
      if (s) items.push({ label: `${fmtInt(rate)}/s ${kind}`, value: s.ackedPerSec, note: `${fmtInt(s.ackedPerSec)} acked/s · p99 ${fmtMs(s.delivery.p99Ms)} ms` });
    }
  }
  return `Achieved (acked) messages/s by offered rate\n\n${barChart(items)}`;
}

export function render(r: RunResult): string {
  const parts: string[] = [];
  for (const kind of ['server', 'baseline'] as const) {
    const t = r.results[kind];
    if (t && t.steps.length > 0) parts.push(stepsTable(kind, t.steps));
  }
  if (r.comparison.length > 0) parts.push(comparisonTable(r));
  if (r.results.server?.idle || r.results.baseline?.idle) parts.push(idleTable(r));
  if (r.checks.length > 0) parts.push(checksTable(r.checks));
  parts.push(chart(r));
  const c = r.config;
  parts.push(
    `${c.quick ? 'quick run' : 'full run'}: ${c.shoppers} shoppers, ${c.agents} agents, ${c.workers} generator processes, ` +
      `${c.store === 'postgres' ? 'PostgreSQL' : 'SQLite'}${c.nodes > 1 ? `, ${c.nodes} nodes (shoppers on the first, agents on the last; Redis between them)` : ''}, ` +
      `${c.warmupSeconds} s warm-up + ${c.stepSeconds} s per step, ${c.idleSockets} idle sockets · ` +
      `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node} · elapsed ${r.elapsedSeconds.toFixed(0)} s`,
  );
  return parts.join('\n\n');
}

/** Writes bench/results/latest.json (through a .tmp file, so a crash never leaves half a file). */
export function writeResult(r: RunResult): string {
  const file = join(ROOT, 'bench', 'results', 'latest.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  renameSync(`${file}.tmp`, file);
  return file;
}
