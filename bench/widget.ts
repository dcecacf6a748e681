/**
 * `npm run bench -- --widget` — what the widget costs a shop page (issue 18, "Also on the shop's
 * side"). A bare page is served from another origin (127.0.0.1 on a second port) with and without
 * the snippet; the server runs the demo shop (its proactive rule included) from `dist/`.
 *
 *   npm run bench -- --widget                 idle minute 60 s, 3 runs per variant, then Lighthouse
 *   npm run bench -- --widget --quick         idle 10 s, 2 runs, Lighthouse once per variant
 *   npm run bench -- --widget --dist=DIR      another build's dist/ (e.g. an older commit's, for "before")
 *   npm run bench -- --widget --no-lighthouse
 *   npm run bench -- --widget --cpu=1         the Chromium runs without CPU throttling
 *   WIDGET_BENCH_DEBUG=1 npm run bench -- --widget   also lists every main-thread task over 15 ms, with what ran in it
 *
 * Part 1, real Chromium (/usr/bin/chromium via playwright-core) with CDP 4× CPU throttling and a
 * trace of the renderer's main thread. The shop and our server are different origins of the same
 * site, so our iframes run in the page's renderer process, as on phones without site isolation:
 * their main-thread work is the page's. Per run:
 *   - ours until the launcher shows: main-thread tasks that did our work (a script, a timer or an
 *     event handler of ours; parsing, style, layout or paint of our frames' documents) from
 *     navigation until the first paint after widget.js ran (it draws the launcher synchronously);
 *   - ours after the idle window: the same, from navigation until the end of the idle window;
 *   - the page's whole main-thread busy time over the window (all top-level tasks), long tasks
 *     (> 50 ms, anyone's), cumulative layout shift (PerformanceObserver, buffered), bytes
 *     transferred (CDP Network: encoded bytes of every response; WebSocket frames apart).
 * Part 2, Lighthouse 12 (mobile, simulated throttling: 4× CPU, slow 4G) on the same two pages:
 * main-thread work (mainthread-work-breakdown), total byte weight, CLS, performance score.
 *
 * Targets: ≤ 10 ms of ours before the launcher shows, no long task of ours, no layout shift, and with
 * Lighthouse the page's main-thread work and bytes within 15 % of the page without the snippet.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../server/config';
import { startServer } from '../server/index';
import { createLogger } from '../server/logger';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** CDP CPU throttling of the Chromium runs (`--cpu=N`; Lighthouse always simulates 4×). */
let CPU_SLOWDOWN = 4;
const LONG_TASK_MS = 50;

interface Options {
  quick: boolean;
  idleMs: number;
  runs: number;
  dist: string;
  lighthouse: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = { quick: false, idleMs: 60_000, runs: 3, dist: resolve(import.meta.dirname, '../dist'), lighthouse: true };
  for (const arg of argv) {
    if (arg === '--widget') continue;
    else if (arg === '--quick') Object.assign(o, { quick: true, idleMs: 10_000, runs: 2 });
    else if (arg === '--no-lighthouse') o.lighthouse = false;
    else if (arg.startsWith('--dist=')) o.dist = resolve(arg.slice('--dist='.length));
    else if (arg.startsWith('--idle-seconds=')) o.idleMs = Number(arg.slice('--idle-seconds='.length)) * 1000;
    else if (arg.startsWith('--runs=')) o.runs = Number(arg.slice('--runs='.length));
    else if (arg.startsWith('--cpu=')) CPU_SLOWDOWN = Number(arg.slice('--cpu='.length));
    else throw new Error(`unknown argument ${arg} (with --widget: --quick --dist=DIR --idle-seconds=N --runs=N --cpu=N --no-lighthouse)`);
  }
  return o;
}

/** A bare shop page: a heading, a paragraph, the snippet or not. */
function shopHtml(widgetOrigin: string | null): string {
  const snippet = widgetOrigin
    ? `<script>window.Mostrador=window.Mostrador||function(){(Mostrador.q=Mostrador.q||[]).push(arguments)}</script><script async src="${widgetOrigin}/widget.js" data-site="pk_demo"></script>`
    : '';
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Tienda</title></head><body><h1>Tienda</h1><p>Café de especialidad, tostado cada semana.</p>${snippet}</body></html>`;
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the event, µs. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown>; beginData?: Record<string, unknown> };
}

/** Each frame's document URL (from the trace's frame records), to attribute style, layout and paint. */
const frameUrls = new Map<string, string>();

function learnFrames(events: TraceEvent[]): void {
  frameUrls.clear();
  for (const e of events) {
    const d = e.args?.data as { frame?: unknown; url?: unknown; frames?: { frame?: string; url?: string }[] } | undefined;
    if (typeof d?.frame === 'string' && typeof d.url === 'string' && d.url && (e.name === 'CommitLoad' || e.name === 'FrameCommittedInBrowser')) frameUrls.set(d.frame, d.url);
    for (const f of d?.frames ?? []) if (f.frame && f.url) frameUrls.set(f.frame, f.url);
  }
}

/** URLs an event names (the script it runs, the document it parses, the stack's top frame, the frame it works on). */
function urlsOf(e: TraceEvent): string[] {
  const d = e.args?.data ?? e.args?.beginData ?? {};
  const out: string[] = [];
  for (const k of ['url', 'scriptName', 'frame_url']) if (typeof d[k] === 'string') out.push(d[k] as string);
  if (typeof d.frame === 'string' && frameUrls.has(d.frame)) out.push(frameUrls.get(d.frame)!);
  const stack = d.stackTrace as { url?: string }[] | undefined;
  if (Array.isArray(stack)) for (const f of stack) if (typeof f.url === 'string') out.push(f.url);
  return out;
}

export interface RunFigures {
  /** Main-thread ms of tasks running our code, from navigation until the launcher showed. */
  oursUntilLauncherMs: number;
  /** The same over the whole window (navigation + idle). */
  oursWindowMs: number;
  /** Thread (CPU) time of those tasks: what machine load does not inflate (nor CDP throttling, mostly). */
  oursWindowCpuMs: number;
  /** All top-level main-thread tasks over the window (the page's busy time), and their CPU time. */
  busyMs: number;
  busyCpuMs: number;
  /** Tasks over 50 ms: all of them (the bare page has its own: Chromium committing the navigation), and ours. */
  longTasks: number;
  oursLongTasks: number;
  longestTaskMs: number;
  oursLongestTaskMs: number;
  cls: number;
  /** Encoded bytes of responses from our server, from the shop, and WebSocket frames (both ways). */
  bytesOurs: number;
  bytesShop: number;
  wsBytes: number;
  /** ms from navigation until the launcher's button was on the page (throttled). */
  launcherAtMs: number | null;
  /** Requests to our server, by path. */
  requests: string[];
  panelLoaded: boolean;
}

async function measurePage(browser: Browser, shopUrl: string, widgetOrigin: string, idleMs: number): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await cdp.send('Network.enable');
  // The cache is cold, as on a first page view.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const bytesByRequest = new Map<string, { url: string; bytes: number }>();
  const urlOf = new Map<string, string>();
  let wsBytes = 0;
  cdp.on('Network.requestWillBeSent', (e) => urlOf.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => bytesByRequest.set(e.requestId, { url: urlOf.get(e.requestId) ?? '', bytes: e.encodedDataLength }));
  cdp.on('Network.webSocketFrameReceived', (e) => (wsBytes += e.response.payloadData.length));
  cdp.on('Network.webSocketFrameSent', (e) => (wsBytes += e.response.payloadData.length));
  // (Strings, not functions: tsx would wrap a function's body in helpers the page lacks.)
  await page.addInitScript(
    'window.__cls=0;new PerformanceObserver(function(l){l.getEntries().forEach(function(e){if(!e.hadRecentInput)window.__cls+=e.value})}).observe({type:"layout-shift",buffered:true})',
  );

  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'loading'] });
  await page.goto(shopUrl, { waitUntil: 'load' });
  await page.waitForTimeout(idleMs);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  const cls = (await page.evaluate('window.__cls')) as number;
  const panelLoaded = page.frames().some((f) => f.url().includes('/widget/frame'));
  await context.close();

  const events = trace.traceEvents;
  learnFrames(events);
  // The page's renderer main thread: where the navigation's document was parsed.
  const threadName = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const parse = events.find((e) => e.name === 'ParseHTML' && urlsOf(e).some((u) => u.startsWith(shopUrl.split('?')[0]!)));
  if (!parse) throw new Error('no ParseHTML of the shop page in the trace');
  const main = `${parse.pid}:${parse.tid}`;
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && typeof e.dur === 'number').sort((a, b) => a.ts - b.ts);
  // From the shop document's navigation on (not the renderer's start-up nor about:blank).
  const navStart =
    events.find((e) => e.name === 'navigationStart' && `${e.pid}:${e.tid}` === main && String(e.args?.data?.documentLoaderURL ?? '').startsWith(shopUrl.split('?')[0]!))?.ts ??
    parse.ts;
  // Top-level tasks only (a RunTask may nest in another).
  const tasks: TraceEvent[] = [];
  for (const e of onMain) {
    if ((e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') || e.ts < navStart) continue;
    const last = tasks[tasks.length - 1];
    if (last && e.ts < last.ts + last.dur!) continue;
    tasks.push(e);
  }
  // The launcher shows at the first paint after the task that ran widget.js (it draws the
  // button synchronously, no network wait).
  const loaderRun = onMain.find((e) => e.name !== 'RunTask' && urlsOf(e).some((u) => u.startsWith(`${widgetOrigin}/widget.js`)) && e.ts >= navStart);
  const loaderTask = loaderRun && tasks.find((t) => t.ts <= loaderRun.ts && loaderRun.ts < t.ts + t.dur!);
  const paint = loaderTask && onMain.find((e) => (e.name === 'Paint' || e.name === 'PaintImage' || e.name === 'Commit') && e.ts >= loaderTask.ts + loaderTask.dur!);
  const launcherTs = paint ? paint.ts + paint.dur! : null;
  const launcherAtMs = launcherTs === null ? null : (launcherTs - navStart) / 1000;
  // Events with a URL, to attribute each task: ours when anything in it names our origin.
  const withUrl = onMain.filter((e) => e.name !== 'RunTask' && urlsOf(e).length > 0);
  let i = 0;
  let oursUntil = 0;
  let oursWindow = 0;
  let oursCpu = 0;
  let busy = 0;
  let busyCpu = 0;
  let longTasks = 0;
  let oursLongTasks = 0;
  let longest = 0;
  let oursLongest = 0;
  for (const t of tasks) {
    const end = t.ts + t.dur!;
    while (i < withUrl.length && withUrl[i]!.ts < t.ts) i++;
    let ours = false;
    for (let j = i; j < withUrl.length && withUrl[j]!.ts < end; j++) if (urlsOf(withUrl[j]!).some((u) => u.startsWith(widgetOrigin))) ours = true;
    const ms = t.dur! / 1000;
    if (process.env.WIDGET_BENCH_DEBUG && ms > (Number(process.env.WIDGET_BENCH_DEBUG) > 1 ? Number(process.env.WIDGET_BENCH_DEBUG) : 15)) {
      const inner = onMain.filter((e) => e.ts >= t.ts && e.ts < end && e !== t).sort((a, b) => b.dur! - a.dur!).slice(0, 4);
      const until = launcherTs !== null && t.ts <= launcherTs ? ' [until launcher]' : '';
      console.error(`  task ${ms.toFixed(1)} ms (cpu ${((t.tdur ?? 0) / 1000).toFixed(1)}) at ${((t.ts - navStart) / 1000).toFixed(0)} ms${ours ? ' (ours)' : ''}${until}: ${inner.map((e) => `${e.name} ${(e.dur! / 1000).toFixed(1)} ${urlsOf(e)[0] ?? ''}`).join(' | ')}`);
    }
    busy += ms;
    busyCpu += (t.tdur ?? 0) / 1000;
    if (ms > LONG_TASK_MS) longTasks++;
    longest = Math.max(longest, ms);
    if (ours) {
      if (ms > LONG_TASK_MS) oursLongTasks++;
      oursLongest = Math.max(oursLongest, ms);
      oursWindow += ms;
      oursCpu += (t.tdur ?? 0) / 1000;
      if (launcherTs !== null && t.ts <= launcherTs) oursUntil += ms;
    }
  }
  let bytesOurs = 0;
  let bytesShop = 0;
  const requests: string[] = [];
  for (const { url, bytes } of bytesByRequest.values()) {
    if (url.startsWith(widgetOrigin)) {
      bytesOurs += bytes;
      requests.push(new URL(url).pathname);
    } else bytesShop += bytes;
  }
  return { oursUntilLauncherMs: oursUntil, oursWindowMs: oursWindow, oursWindowCpuMs: oursCpu, busyMs: busy, busyCpuMs: busyCpu, longTasks, oursLongTasks, longestTaskMs: longest, oursLongestTaskMs: oursLongest, cls, bytesOurs, bytesShop, wsBytes, launcherAtMs, requests: requests.sort(), panelLoaded };
}

interface LhFigures {
  score: number;
  mainThreadMs: number;
  bytes: number;
  cls: number;
  bootupOursMs: number;
}

/** A free TCP port for Chromium's remote debugging (Lighthouse connects to it). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

async function lighthouseRun(url: string, widgetOrigin: string): Promise<LhFigures> {
  const { default: lighthouse } = await import('lighthouse');
  const port = await freePort();
  // A fresh browser per run (cold cache, no storage), as Lighthouse's own launcher would start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, `--remote-debugging-port=${port}`] });
  try {
    const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
    const lhr = result!.lhr;
    const audit = (id: string) => lhr.audits[id]!;
    const bootup = (audit('bootup-time').details as { items?: { url: string; total: number }[] } | undefined)?.items ?? [];
    return {
      score: lhr.categories.performance!.score ?? NaN,
      mainThreadMs: audit('mainthread-work-breakdown').numericValue ?? NaN,
      bytes: audit('total-byte-weight').numericValue ?? NaN,
      cls: audit('cumulative-layout-shift').numericValue ?? NaN,
      bootupOursMs: bootup.filter((b) => b.url.startsWith(widgetOrigin)).reduce((n, b) => n + b.total, 0),
    };
  } finally {
    await browser.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;

export async function runWidgetBench(argv: string[]): Promise<void> {
  const o = parse(argv);
  const dataDir = mkdtempSync(join(tmpdir(), 'mostrador-widget-bench-'));
  const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: '1', DIST_DIR: o.dist }), createLogger('silent'));
  const widgetOrigin = `http://127.0.0.1:${server.port}`;
  const shop: Server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(shopHtml(req.url?.includes('snippet') ? widgetOrigin : null));
  });
  await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r));
  const shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  const variants = { bare: `${shopOrigin}/?bare`, snippet: `${shopOrigin}/?snippet` } as const;
  console.error(`[bench] widget: dist ${o.dist}; shop ${shopOrigin}, widget ${widgetOrigin}; ${o.runs} runs per variant, idle ${o.idleMs / 1000} s, CPU ${CPU_SLOWDOWN}× slower`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const runs: Record<keyof typeof variants, RunFigures[]> = { bare: [], snippet: [] };
  const lh: Partial<Record<keyof typeof variants, LhFigures[]>> = {};
  try {
    for (let r = 0; r < o.runs; r++) {
      for (const v of ['bare', 'snippet'] as const) {
        const f = await measurePage(browser, variants[v], widgetOrigin, o.idleMs);
        runs[v].push(f);
        console.error(`[bench] ${v} run ${r + 1}: ours until launcher ${ms(f.oursUntilLauncherMs)}, ours in window ${ms(f.oursWindowMs)}, busy ${ms(f.busyMs)}, longest task ${ms(f.longestTaskMs)}, CLS ${f.cls.toFixed(3)}, ours ${kb(f.bytesOurs)} + ws ${kb(f.wsBytes)}, panel ${f.panelLoaded ? 'loaded' : 'not loaded'}`);
      }
    }
  } finally {
    await browser.close();
  }
  if (o.lighthouse) {
    for (const v of ['bare', 'snippet'] as const) {
      lh[v] = [];
      for (let r = 0; r < (o.quick ? 1 : 3); r++) {
        const f = await lighthouseRun(variants[v], widgetOrigin);
        lh[v]!.push(f);
        console.error(`[bench] lighthouse ${v} run ${r + 1}: score ${f.score}, main thread ${ms(f.mainThreadMs)}, bytes ${kb(f.bytes)}, CLS ${f.cls}`);
      }
    }
  }
  shop.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });

  const m = (v: keyof typeof variants, k: keyof RunFigures) => median(runs[v].map((f) => f[k] as number));
  const s = runs.snippet;
  const lines = [
    `Widget on the shop's page — Chromium ${CPU_SLOWDOWN}× CPU, idle window ${o.idleMs / 1000} s, median of ${o.runs} runs (dist: ${o.dist})`,
    '',
    `| | bare page | with snippet |`,
    `|---|---:|---:|`,
    `| our main thread until the launcher shows | — | ${ms(m('snippet', 'oursUntilLauncherMs'))} (launcher at ${ms(m('snippet', 'launcherAtMs'))}) |`,
    `| our main thread, navigation + idle window | — | ${ms(m('snippet', 'oursWindowMs'))} (CPU ${ms(m('snippet', 'oursWindowCpuMs'))}) |`,
    `| page main-thread busy time over the window | ${ms(m('bare', 'busyMs'))} (CPU ${ms(m('bare', 'busyCpuMs'))}) | ${ms(m('snippet', 'busyMs'))} (CPU ${ms(m('snippet', 'busyCpuMs'))}) |`,
    `| long tasks (> ${LONG_TASK_MS} ms), all runs | ${runs.bare.reduce((n, f) => n + f.longTasks, 0)} (longest ${ms(Math.max(...runs.bare.map((f) => f.longestTaskMs)))}) | ${s.reduce((n, f) => n + f.longTasks, 0)} (longest ${ms(Math.max(...s.map((f) => f.longestTaskMs)))}) |`,
    `| of which ours, all runs | — | ${s.reduce((n, f) => n + f.oursLongTasks, 0)} (longest of ours ${ms(Math.max(...s.map((f) => f.oursLongestTaskMs)))}) |`,
    `| layout shift (CLS), worst run | ${Math.max(...runs.bare.map((f) => f.cls)).toFixed(3)} | ${Math.max(...s.map((f) => f.cls)).toFixed(3)} |`,
    `| bytes from our server | — | ${kb(m('snippet', 'bytesOurs'))} |`,
    `| bytes from the shop | ${kb(m('bare', 'bytesShop'))} | ${kb(m('snippet', 'bytesShop'))} |`,
    `| WebSocket frames (both ways) | — | ${kb(m('snippet', 'wsBytes'))} |`,
    `| panel iframe loaded | — | ${s.filter((f) => f.panelLoaded).length} of ${s.length} runs |`,
    '',
    `Requested from our server (one run): ${s[0]?.requests.join(', ')}`,
  ];
  if (lh.bare && lh.snippet) {
    const lm = (v: 'bare' | 'snippet', k: keyof LhFigures) => median(lh[v]!.map((f) => f[k]));
    const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(0)} %`;
    lines.push(
      '',
      `Lighthouse 12, mobile (simulated: ${CPU_SLOWDOWN}× CPU, slow 4G), median of ${lh.bare.length}:`,
      '',
      `| | bare page | with snippet | change |`,
      `|---|---:|---:|---:|`,
      `| performance score | ${lm('bare', 'score')} | ${lm('snippet', 'score')} | |`,
      `| main-thread work | ${ms(lm('bare', 'mainThreadMs'))} | ${ms(lm('snippet', 'mainThreadMs'))} | ${pct(lm('bare', 'mainThreadMs'), lm('snippet', 'mainThreadMs'))} |`,
      `| our scripts (bootup-time) | — | ${ms(lm('snippet', 'bootupOursMs'))} | |`,
      `| total byte weight | ${kb(lm('bare', 'bytes'))} | ${kb(lm('snippet', 'bytes'))} | ${pct(lm('bare', 'bytes'), lm('snippet', 'bytes'))} |`,
      `| CLS | ${lm('bare', 'cls')} | ${lm('snippet', 'cls')} | |`,
    );
  }
  const untilLauncher = m('snippet', 'oursUntilLauncherMs');
  const checks = [
    { what: `≤ 10 ms of ours before the launcher shows`, ok: untilLauncher <= 10 },
    // The bare page has long tasks of its own (Chromium committing the navigation): the snippet must add none.
    { what: 'no long task of ours', ok: s.every((f) => f.oursLongTasks === 0) },
    { what: 'no layout shift', ok: s.every((f) => f.cls === 0) },
    { what: 'the panel does not load without intent', ok: s.every((f) => !f.panelLoaded) },
  ];
  if (lh.bare && lh.snippet) {
    const lm = (v: 'bare' | 'snippet', k: keyof LhFigures) => median(lh[v]!.map((f) => f[k]));
    checks.push(
      { what: 'Lighthouse main-thread work within 15 % of the bare page', ok: lm('snippet', 'mainThreadMs') <= 1.15 * lm('bare', 'mainThreadMs') },
      { what: 'Lighthouse bytes within 15 % of the bare page', ok: lm('snippet', 'bytes') <= 1.15 * lm('bare', 'bytes') },
    );
  }
  lines.push('', ...checks.map((c) => `${c.ok ? 'ok  ' : 'MISS'} ${c.what}`));
  console.log(`\n${lines.join('\n')}\n`);
}
