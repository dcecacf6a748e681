/**
 * The two phases run against each target: stepped message rates with shoppers and agents
 * connected (throughput, latency, loss), and idle shopper sockets (memory per connection).
 */
import { hrUs, type StepReport } from './ipc';
import { readProc, type Sampler } from './proc';
import type { IdleResult, RunConfig, StepResult } from './report';
import { Histogram } from './stats';
import { connectionCount, setBot, signIn, startTarget, type Target, type TargetKind } from './target';
import { split, type WorkerPool } from './workers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(`[bench] ${msg}`);

export interface Env {
  pool: WorkerPool;
  sampler: Sampler;
  config: RunConfig;
  /** Where the server writes its CPU profile (`--profile`). */
  profileDir?: string | undefined;
}

function trackWorkers(env: Env): void {
  env.pool.pids.forEach((pid, i) => env.sampler.track(`gen${i}`, pid));
}

function generatorCpu(env: Env, fromUs: number, toUs: number): number {
  return env.pool.pids.reduce((sum, _pid, i) => sum + env.sampler.usage(`gen${i}`, fromUs, toUs).cpuPct, 0);
}

/**
 * Counts (agent, message) pairs lost or duplicated by comparing every agent's receipts with the
 * acks. With `open` scopes each message is owed to exactly one agent: the receipts of all agents
 * are added up per message first.
 */
function audit(reports: StepReport[], agentsSee: 'open' | 'all'): { lost: number; duplicated: number; deliveredUnacked: number } {
  if (agentsSee === 'open') {
    const merged = reports[0] ? [mergeAgents(reports)] : [];
    reports = reports.map((r, i) => ({ ...r, deliveryCounts: i === 0 ? merged : [] }));
  }
  let lost = 0;
  let duplicated = 0;
  let deliveredUnacked = 0;
  const acks = new Map(reports.map((r) => [r.worker, r.ackState]));
  for (const r of reports) {
    for (const agent of r.deliveryCounts) {
      for (const [source, ackState] of acks) {
        const counts = agent[source] ?? new Uint8Array(0);
        const n = Math.max(ackState.length, counts.length);
        for (let seq = 0; seq < n; seq++) {
          const acked = ackState[seq] === 1;
          const c = counts[seq] ?? 0;
          if (acked && c === 0) lost++;
          if (c > 1) duplicated += c - 1;
          if (!acked && c > 0) deliveredUnacked++;
        }
      }
    }
  }
  return { lost, duplicated, deliveredUnacked };
}

/** One agent's receipts per source worker: every agent's added up. */
function mergeAgents(reports: StepReport[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const r of reports) {
    for (const agent of r.deliveryCounts) {
      agent.forEach((counts, source) => {
        const into = out[source] && out[source]!.length >= counts.length ? out[source]! : Uint8Array.from({ length: Math.max(out[source]?.length ?? 0, counts.length) }, (_, i) => out[source]?.[i] ?? 0);
        for (let i = 0; i < counts.length; i++) into[i] = Math.min(255, into[i]! + counts[i]!);
        out[source] = into;
      });
    }
  }
  return out;
}

async function runStep(env: Env, target: Target, step: number, rate: number): Promise<StepResult> {
  const { pool, sampler, config } = env;
  const startUs = hrUs() + 300_000;
  const windowStartUs = startUs + config.warmupSeconds * 1e6;
  const windowEndUs = windowStartUs + config.stepSeconds * 1e6;
  // Pin samples to the window edges so CPU is measured over exactly the window.
  setTimeout(() => sampler.sampleAll(), (windowStartUs - hrUs()) / 1000);
  setTimeout(() => sampler.sampleAll(), (windowEndUs - hrUs()) / 1000);
  const sent = await pool.ask('sent', () => ({ type: 'step', step, rate: rate / pool.size, startUs, windowStartUs, windowEndUs, drainStallMs: 3000, drainMaxMs: config.quick ? 20_000 : 120_000 }));
  const totalAcked = sent.reduce((a, s) => a + s.acked, 0);
  const reports = await pool.ask('report', () => ({ type: 'collect', step, expectedPerAgent: config.agentsSee === 'open' ? Infinity : totalAcked, timeoutMs: 15_000 }));

  const seconds = config.stepSeconds;
  const agents = reports.reduce((a, r) => a + r.agents, 0);
  const ackHist = new Histogram();
  const deliveryHist = new Histogram();
  const errors: Record<string, number> = {};
  for (const r of reports) {
    ackHist.merge(r.ackHist, r.ackMaxUs);
    deliveryHist.merge(r.deliveryHist, r.deliveryMaxUs);
    for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  }
  const sum = (f: (r: StepReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  // Every node's CPU (their sum) and the largest RSS of them.
  const usages = target.nodes.map((_, i) => sampler.usage(nodeLabel(target.kind, i), windowStartUs, windowEndUs));
  const server = { cpuPct: usages.reduce((a, u) => a + u.cpuPct, 0), maxRssBytes: Math.max(...usages.map((u) => u.maxRssBytes)) };
  const result: StepResult = {
    rate,
    sentPerSec: sum((r) => r.sentInWindow) / seconds,
    ackedPerSec: sum((r) => r.acksInWindow) / seconds,
    deliveredPerSec: agents > 0 ? sum((r) => r.deliveriesInWindow) / seconds / (config.agentsSee === 'open' ? 1 : agents) : NaN,
    ack: ackHist.summary(),
    delivery: deliveryHist.summary(),
    sent: sum((r) => r.sent),
    acked: sum((r) => r.acked),
    unanswered: sent.reduce((a, s) => a + (s.sent - s.acked - s.errored), 0),
    errors,
    ...audit(reports, config.agentsSee),
    duplicateAcks: sum((r) => r.duplicateAcks),
    stray: sum((r) => r.stray),
    serverCpuPct: server.cpuPct,
    serverRssBytes: server.maxRssBytes,
    generatorCpuPct: generatorCpu(env, windowStartUs, windowEndUs),
    saturated: false,
    generatorLimited: false,
    note: 'ok',
  };
  const notes: string[] = [];
  if (result.ackedPerSec < 0.9 * rate) notes.push('saturated: acked < 90 % of offered');
  if (result.delivery.p99Ms > 1000) notes.push('saturated: p99 > 1 s');
  result.saturated = notes.length > 0;
  if (result.sentPerSec < 0.95 * rate) {
    result.generatorLimited = true;
    notes.push('generator could not send the full rate');
  }
  if (result.lost > 0 || result.duplicated > 0) notes.push('LOSS/DUPLICATES');
  if (notes.length > 0) result.note = notes.join('; ');
  return result;
}

/** Connects shoppers and agents, primes one conversation per shopper, then steps up the rate. */
export async function loadPhase(env: Env, kind: TargetKind): Promise<{ steps: StepResult[]; warnings: Record<string, number> }> {
  const { pool, sampler, config } = env;
  const target = await startTarget(kind, config.shoppers + config.agents + 512, kind === 'server' ? env.profileDir : undefined, { store: config.store, nodes: config.nodes });
  try {
    target.nodes.forEach((n, i) => sampler.track(nodeLabel(kind, i), n.pid));
    trackWorkers(env);
    if (kind === 'server') await setBot(target.origin, config.bot);
    // With several nodes, agents sit on the last one: every delivery crosses nodes.
    const agentNode = target.nodes[target.nodes.length - 1]!;
    const cookie = await signIn(agentNode.origin);
    const conn = { wsBase: target.wsBase, origin: target.origin, cookie, ...(target.nodes.length > 1 ? { agents: { wsBase: agentNode.wsBase, origin: agentNode.origin } } : {}) };
    const shoppers = split(config.shoppers, pool.size);
    const agents = split(config.agents, pool.size);
    const t0 = Date.now();
    const opened = await pool.ask('opened', (i) => ({ type: 'open', target: conn, shoppers: shoppers[i]!, agents: agents[i]! }));
    const failed = opened.reduce((a, o) => a + o.failed, 0);
    log(`${kind}: ${opened.reduce((a, o) => a + o.shoppers, 0)} shoppers and ${opened.reduce((a, o) => a + o.agents, 0)} agents connected in ${((Date.now() - t0) / 1000).toFixed(1)} s${failed ? ` (${failed} failed)` : ''}`);
    const primed = await pool.ask('primed', () => ({ type: 'prime' }));
    log(`${kind}: primed ${primed.reduce((a, p) => a + p.acked, 0)} conversations`);
    if (config.agentsSee === 'open') {
      // Each conversation open at one agent, round robin over every agent of every worker.
      const all = primed.flatMap((p) => p.conversationIds);
      const firstAgent = agents.map((_, i) => agents.slice(0, i).reduce((a, b) => a + b, 0));
      await pool.ask('watched', (w) => ({
        type: 'watch',
        lists: Array.from({ length: agents[w]! }, (_, j) => all.filter((_, k) => k % config.agents === firstAgent[w]! + j)),
      }));
      log(`${kind}: each agent has ${Math.ceil(all.length / config.agents)} of the ${all.length} conversations open`);
    }
    await sleep(500);

    const steps: StepResult[] = [];
    const rates = [...config.rates];
    for (let i = 0; i < rates.length; i++) {
      const rate = rates[i]!;
      const result = await runStep(env, target, i + 1, rate);
      steps.push(result);
      log(
        `${kind} @ ${rate}/s: acked ${Math.round(result.ackedPerSec)}/s, delivery p99 ${result.delivery.p99Ms.toFixed(2)} ms, ` +
          `lost ${result.lost}, dup ${result.duplicated}, CPU ${result.serverCpuPct.toFixed(0)} % — ${result.note}`,
      );
      if (result.saturated) break;
      if (i === rates.length - 1 && config.extendRates && rate < 1_280_000) rates.push(rate * 2);
      await sleep(500);
    }
    await pool.ask('closed', () => ({ type: 'closeAll' }));
    return { steps, warnings: target.warnings };
  } finally {
    target.nodes.forEach((_, i) => sampler.untrack(nodeLabel(kind, i)));
    await target.stop();
  }
}

/** The sampler's label of a target's node: the kind itself for the first (and usually only) one. */
function nodeLabel(kind: TargetKind, i: number): string {
  return i === 0 ? kind : `${kind}-node${i + 1}`;
}

async function rssNow(pid: number): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < 3; i++) {
    values.push(readProc(pid, hrUs())?.rssBytes ?? NaN);
    await sleep(500);
  }
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Opens `idleSockets` shoppers that complete hello and then stay quiet; RSS before and after. */
export async function idlePhase(env: Env, kind: TargetKind): Promise<{ idle: IdleResult; warnings: Record<string, number> }> {
  const { pool, sampler, config } = env;
  const warm = 100;
  const target = await startTarget(kind, config.idleSockets + warm + 512, undefined, { store: config.store, nodes: 1 });
  try {
    sampler.track(`${kind}-idle`, target.pid);
    const conn = { wsBase: target.wsBase, origin: target.origin, cookie: '' };
    // A first handful of connections warms up code paths and lazily allocated structures.
    await pool.ask('idleOpened', (i) => ({ type: 'idle', target: conn, count: split(warm, pool.size)[i]! }));
    await sleep(1500);
    const before = await rssNow(target.pid);
    const t0 = Date.now();
    const counts = split(config.idleSockets, pool.size);
    const opened = await pool.ask('idleOpened', (i) => ({ type: 'idle', target: conn, count: counts[i]! }));
    const openSeconds = (Date.now() - t0) / 1000;
    await sleep(3000);
    const after = await rssNow(target.pid);
    const sockets = opened.reduce((a, o) => a + o.opened, 0);
    const idle: IdleResult = {
      sockets,
      failed: opened.reduce((a, o) => a + o.failed, 0),
      connectionsReported: await connectionCount(target.origin),
      rssBeforeBytes: before,
      rssAfterBytes: after,
      bytesPerConnection: (after - before) / sockets,
      openSeconds,
    };
    log(`${kind}: ${sockets} idle sockets in ${openSeconds.toFixed(1)} s, ${(idle.bytesPerConnection / 1024).toFixed(1)} KiB each (server reports ${idle.connectionsReported} connections)`);
    await pool.ask('closed', () => ({ type: 'closeAll' }));
    return { idle, warnings: target.warnings };
  } finally {
    sampler.untrack(`${kind}-idle`);
    await target.stop();
  }
}
