/**
 * `npm run bench` — end-to-end benchmark of the Mostrador server against a raw `ws` relay.
 *
 *   npm run bench                      full run (≈ 2,000 shoppers, 20 agents, 10 s steps, 10,000 idle sockets)
 *   npm run bench -- --quick           under 3 minutes (500 shoppers, 5 agents, 3 s steps, 10,000 idle sockets: the idle figure is defined at 10,000)
 *   npm run bench -- --quick --profile  the same, printing the server's top 10 functions by self time
 *   npm run bench -- --shoppers=200 --agents=2 --rates=1000,2000 --step-seconds=2 --target=server
 *
 * Flags: --quick, --shoppers=N, --agents=M, --rates=a,b,c (exactly these; the default list keeps
 * doubling until saturation in a full run), --step-seconds=S, --warmup-seconds=S, --workers=W,
 * --idle=N (0 skips the idle phase), --target=server|baseline|both, --profile, --agents-see=open|all,
 * --bot=on|off, --chats-per-agent=N (as many agents as it takes for N open chats each, e.g. 200),
 * --store=sqlite|postgres, --nodes=N (N server processes on PostgreSQL + Redis: shoppers on the
 * first, agents on the last, so delivery is measured across nodes).
 *
 *   npm run bench -- --reports          the reports on 100,000 conversations and 2,000,000 messages (bench/reports.ts)
 *   npm run bench -- --widget [--quick] what the widget costs a shop page: Chromium 4× CPU and Lighthouse 12 mobile (bench/widget.ts)
 * See docs/benchmarks.md for the method.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { mainProfile, renderTop, topSelfTime } from './profile';
import { hrUs } from './ipc';
import { Sampler } from './proc';
import { peak, render, writeResult, type Check, type RunConfig, type RunResult, type StepResult, type TargetResult } from './report';
import { idlePhase, loadPhase, type Env } from './scenario';
import { fmtInt, fmtKiB, fmtMs, fmtRatio } from './stats';
import { killEverything, type TargetKind } from './target';
import { WorkerPool } from './workers';
import { runReportsBench } from './reports';
import { runWidgetBench } from './widget';

function parseArgs(argv: string[]): RunConfig {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    flags.set(m[1]!, m[2] ?? 'true');
  }
  const known = ['quick', 'shoppers', 'agents', 'rates', 'step-seconds', 'warmup-seconds', 'workers', 'idle', 'target', 'profile', 'agents-see', 'bot', 'chats-per-agent', 'store', 'nodes'];
  for (const key of flags.keys()) if (!known.includes(key)) throw new Error(`unknown flag --${key} (known: ${known.join(', ')})`);
  const quick = flags.get('quick') === 'true';
  const num = (key: string, fallback: number) => {
    const raw = flags.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${key} must be a non-negative number`);
    return n;
  };
  const target = flags.get('target') ?? 'both';
  if (!['server', 'baseline', 'both'].includes(target)) throw new Error('--target must be server, baseline or both');
  const rates = flags.get('rates')?.split(',').map(Number);
  if (rates && (rates.length === 0 || rates.some((r) => !Number.isFinite(r) || r <= 0))) throw new Error('--rates must be positive numbers, e.g. 5000,10000');
  const config: RunConfig = {
    quick,
    shoppers: num('shoppers', quick ? 500 : 2000),
    agents: num('agents', quick ? 5 : 20),
    workers: num('workers', 2),
    // 5k/10k/20k are the steps; 1k (and 2.5k) below them show the unsaturated curve.
    rates: rates ?? (quick ? [1000, 5000, 10_000, 20_000] : [1000, 2500, 5000, 10_000, 20_000]),
    extendRates: !rates && !quick,
    stepSeconds: num('step-seconds', quick ? 3 : 10),
    warmupSeconds: num('warmup-seconds', quick ? 1 : 2),
    idleSockets: num('idle', 10_000),
    targets: target === 'both' ? ['server', 'baseline'] : [target as TargetKind],
    profile: flags.get('profile') === 'true',
    agentsSee: flags.get('agents-see') === 'all' ? 'all' : 'open',
    bot: flags.get('bot') !== 'off',
    store: flags.get('store') === 'postgres' ? 'postgres' : 'sqlite',
    nodes: num('nodes', 1),
  };
  if (!['sqlite', 'postgres', undefined].includes(flags.get('store'))) throw new Error('--store must be sqlite or postgres');
  if (!Number.isInteger(config.nodes) || config.nodes < 1) throw new Error('--nodes must be a whole number ≥ 1');
  if (config.nodes > 1 && config.store !== 'postgres') throw new Error('--nodes=N needs --store=postgres: SQLite is one process (the nodes share PostgreSQL and Redis)');
  if (!['open', 'all', undefined].includes(flags.get('agents-see'))) throw new Error('--agents-see must be open or all');
  if (!['on', 'off', undefined].includes(flags.get('bot'))) throw new Error('--bot must be on or off');
  // Agents with many chats open each (issue 18's "agents with 200 chats"): as many agents as it takes.
  if (flags.has('chats-per-agent')) {
    const per = num('chats-per-agent', 200);
    if (per < 1) throw new Error('--chats-per-agent must be at least 1');
    if (flags.has('agents')) throw new Error('--chats-per-agent sets the number of agents; leave out --agents');
    if (config.agentsSee !== 'open') throw new Error('--chats-per-agent needs --agents-see=open');
    config.agents = Math.max(1, Math.ceil(config.shoppers / per));
  }
  if (config.shoppers < 1 || config.agents < 1 || config.workers < 1) throw new Error('--shoppers, --agents and --workers must be at least 1');
  return config;
}

function compare(r: RunResult): void {
  const server = r.results.server?.steps ?? [];
  const base = r.results.baseline?.steps ?? [];
  for (const s of server) {
    const b = base.find((x) => x.rate === s.rate);
    if (b) r.comparison.push({ rate: s.rate, ackedRatio: s.ackedPerSec / b.ackedPerSec, p99Ratio: s.delivery.p99Ms / b.delivery.p99Ms });
  }
  r.peakRatio = base.length > 0 && server.length > 0 ? peak(server) / peak(base) : NaN;
}

function checks(r: RunResult): Check[] {
  const out: Check[] = [];
  const server = r.results.server;
  if (!server) return out;
  const steps = server.steps;
  const clean = (s: StepResult) => s.lost === 0 && s.duplicated === 0;
  const best = Math.max(0, ...steps.filter(clean).map((s) => s.ackedPerSec));
  out.push({ goal: '≥ 20,000 persisted messages/s', measured: `${fmtInt(best)} acked/s (peak, no loss)`, met: best >= 20_000 });
  const at10k = steps.find((s) => s.rate === 10_000);
  out.push({
    goal: 'delivery p99 ≤ 10 ms at 10,000 messages/s',
    measured: at10k ? `${fmtMs(at10k.delivery.p99Ms)} ms${at10k.saturated ? ' (saturated)' : ''}` : 'not run (saturated below 10,000/s or not in --rates)',
    met: at10k ? at10k.delivery.p99Ms <= 10 && !at10k.saturated : steps.length > 0 ? false : null,
  });
  const idle = server.idle;
  out.push({ goal: '≤ 12 KiB per idle connection', measured: idle ? fmtKiB(idle.bytesPerConnection) : 'not run', met: idle ? idle.bytesPerConnection <= 12 * 1024 : null });
  if (r.results.baseline) {
    out.push({ goal: 'throughput ≥ 0.5× baseline', measured: `${fmtRatio(r.peakRatio)} (peak acked/s)`, met: Number.isFinite(r.peakRatio) ? r.peakRatio >= 0.5 : null });
    // p99 is compared where the server kept up; when it never did, at the lowest common rate.
    const base = r.results.baseline.steps;
    const kept = r.comparison.filter((c) => !steps.find((s) => s.rate === c.rate)!.saturated && !base.find((b) => b.rate === c.rate)!.saturated);
    const pool = kept.length > 0 ? kept : r.comparison.slice(0, 1);
    const worst = pool.length > 0 ? pool.reduce((a, c) => (c.p99Ratio > a.p99Ratio ? c : a)) : null;
    out.push({
      goal: 'delivery p99 ≤ 3× baseline',
      measured: worst ? `${fmtRatio(worst.p99Ratio)} at ${fmtInt(worst.rate)}/s${kept.length > 0 ? ' (worst unsaturated rate)' : ' (both saturated)'}` : 'no common rate',
      met: worst ? worst.p99Ratio <= 3 : null,
    });
  }
  return out;
}

async function main(): Promise<void> {
  if (process.argv.includes('--reports')) return runReportsBench(process.argv.slice(2));
  if (process.argv.includes('--widget')) return runWidgetBench(process.argv.slice(2));
  const config = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = hrUs();
  const sampler = new Sampler(hrUs);
  const perWorker = Math.ceil((Math.max(config.shoppers, config.idleSockets + 100) + config.agents) / config.workers) + 512;
  console.error(`[bench] ${config.quick ? 'quick' : 'full'} run: targets ${config.targets.join(' + ')}, ${config.workers} generator processes`);
  const pool = await WorkerPool.start(config.workers, perWorker);
  const profileDir = config.profile ? mkdtempSync(join(tmpdir(), 'mostrador-prof-')) : undefined;
  const env: Env = { pool, sampler, config, profileDir };
  const result: RunResult = {
    startedAt: startedAt.toISOString(),
    elapsedSeconds: 0,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, platform: `${process.platform}-${process.arch}` },
    config,
    results: {},
    comparison: [],
    peakRatio: NaN,
    checks: [],
  };
  try {
    for (const kind of config.targets) {
      const t: TargetResult = { steps: [], idle: null, warnings: {}, samples: [] };
      result.results[kind] = t;
      const load = await loadPhase(env, kind);
      t.steps = load.steps;
      t.samples.push({ phase: 'load', series: sampler.export(kind, t0) });
      Object.assign(t.warnings, load.warnings);
      if (config.idleSockets > 0) {
        const idle = await idlePhase(env, kind);
        t.idle = idle.idle;
        t.samples.push({ phase: 'idle', series: sampler.export(`${kind}-idle`, t0) });
        for (const [k, n] of Object.entries(idle.warnings)) t.warnings[k] = (t.warnings[k] ?? 0) + n;
      }
    }
  } finally {
    sampler.stop();
    await pool.stop();
  }
  if (profileDir) {
    const profile = mainProfile(profileDir);
    if (profile) result.profile = topSelfTime(profile, 10);
    rmSync(profileDir, { recursive: true, force: true });
  }
  compare(result);
  result.checks = checks(result);
  result.elapsedSeconds = (hrUs() - t0) / 1e6;
  const file = writeResult(result);
  console.log(`\n${render(result)}\n`);
  if (result.profile) console.log(`${renderTop('server during the load phase', result.profile)}\n`);
  for (const [kind, t] of Object.entries(result.results)) {
    if (Object.keys(t.warnings).length > 0) console.log(`${kind} logged warnings: ${JSON.stringify(t.warnings)}`);
  }
  console.log(`Results written to ${file}`);
  console.log(`Elapsed: ${result.elapsedSeconds.toFixed(1)} s`);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n[bench] ${signal}: stopping every process and removing temp dirs`);
    killEverything();
    process.exit(130);
  });
}

main().then(
  () => {
    killEverything();
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    killEverything();
    process.exit(1);
  },
);
