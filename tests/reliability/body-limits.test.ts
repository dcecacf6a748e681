/**
 * Every route refuses a body above its limit before parsing it, authenticated or not. The
 * server runs as its own process so its RSS is measured alone; the clients are raw HTTP
 * requests that stream a body (with a declared Content-Length, or chunked without one) and stop
 * as soon as an answer arrives.
 */
import http from 'node:http';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssBytes, spawnServer, type ServerProcess } from '../helpers/process';
import { tempDataDir } from '../helpers/server';

/** What one 100 MB sign-in body (or four at once) may add to the server's RSS: see docs/security.md. */
const RSS_BOUND = 16 * 1024 * 1024;
const HUNDRED_MB = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 'a');

const dataDir = tempDataDir();
let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(dataDir);
});
afterAll(async () => {
  server.proc.kill('SIGKILL');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

interface Outcome {
  status: number;
  body: string;
  /** Body bytes the client had handed to its socket when the answer came. */
  sent: number;
  ms: number;
}

/**
 * POSTs up to `total` bytes of body (declared with Content-Length unless `chunked`), writing as
 * fast as the server reads, and stops writing the moment the response arrives.
 */
function streamBody(path: string, total: number, opts: { chunked?: boolean; method?: string; headers?: Record<string, string> } = {}): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    // A keep-alive connection of its own, as browsers and curl send: the server answers, discards
    // what is still coming for a moment, then closes. (With `Connection: close` the server closes
    // at once and the client's kernel may drop the answer when the reset arrives.)
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const req = http.request(`${server.origin}${path}`, {
      method: opts.method ?? 'POST',
      agent,
      headers: {
        Origin: server.origin,
        'Content-Type': 'application/json',
        ...(opts.chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(total) }),
        ...opts.headers,
      },
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, sent, ms: performance.now() - started });
        req.destroy();
        agent.destroy();
      });
    });
    // Once the server has answered and closed, a write may fail: that is the point.
    req.on('error', (err) => {
      if (!answered) reject(new Error(`${opts.method ?? 'POST'} ${path}${opts.chunked ? ' (chunked)' : ''}: ${err.message} after ${sent} bytes, ${Math.round(performance.now() - started)} ms`));
    });
    const pump = () => {
      while (!answered && sent < total) {
        const piece = total - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, total - sent);
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

async function peakRssDuring<T>(work: Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssBytes(server.proc.pid!);
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(server.proc.pid!))), 10);
  try {
    const result = await work;
    peak = Math.max(peak, rssBytes(server.proc.pid!));
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

describe('body limits', () => {
  it('answers an unauthenticated 100 MB sign-in with 413 at once, and memory stays flat', async () => {
    // Warm up: ordinary sign-in attempts, so the heap is at its working size.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.origin}/api/agent/session`, {
        method: 'POST',
        headers: { Origin: server.origin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: `warm${i}@example.com`, password: 'not it' }),
      });
      expect(res.status).toBe(401);
    }
    const before = rssBytes(server.proc.pid!);
    const { result, peak } = await peakRssDuring(streamBody('/api/agent/session', HUNDRED_MB));
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ status: 413, code: 'body_too_large' });
    expect(result.ms).toBeLessThan(2000);
    expect(result.sent, 'the client was stopped long before it sent 100 MB').toBeLessThan(HUNDRED_MB / 4);
    if (process.env.REPORT_FIGURES) console.info(`one 100 MB sign-in: 413 in ${result.ms.toFixed(0)} ms after ${result.sent} bytes; RSS +${((peak - before) / 1048576).toFixed(1)} MiB`);
    expect(peak - before, `RSS ${(before / 1048576).toFixed(0)} → ${(peak / 1048576).toFixed(0)} MiB`).toBeLessThan(RSS_BOUND);

    // Four at once, as in the report (918 MB peak before the limit).
    const four = await peakRssDuring(Promise.all([1, 2, 3, 4].map(() => streamBody('/api/agent/session', HUNDRED_MB))));
    expect(four.result.map((r) => r.status)).toEqual([413, 413, 413, 413]);
    if (process.env.REPORT_FIGURES) console.info(`four at once: ${four.result.map((r) => r.ms.toFixed(0)).join(', ')} ms; RSS +${((four.peak - before) / 1048576).toFixed(1)} MiB`);
    expect(four.peak - before, `RSS ${(before / 1048576).toFixed(0)} → ${(four.peak / 1048576).toFixed(0)} MiB`).toBeLessThan(RSS_BOUND);
  });

  it('refuses a chunked sign-in body without Content-Length as soon as it passes 16 KiB', async () => {
    const before = rssBytes(server.proc.pid!);
    const { result, peak } = await peakRssDuring(streamBody('/api/agent/session', HUNDRED_MB, { chunked: true }));
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'body_too_large', detail: 'at most 16384 bytes' });
    expect(result.ms).toBeLessThan(2000);
    expect(result.sent).toBeLessThan(HUNDRED_MB / 4);
    if (process.env.REPORT_FIGURES) console.info(`chunked 100 MB sign-in: 413 in ${result.ms.toFixed(0)} ms after ${result.sent} bytes; RSS +${((peak - before) / 1048576).toFixed(1)} MiB`);
    expect(peak - before).toBeLessThan(RSS_BOUND);
    // Still signs people in.
    const ok = await fetch(`${server.origin}/api/agent/session`, {
      method: 'POST',
      headers: { Origin: server.origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com', password: 'mostrador' }),
    });
    expect(ok.status).toBe(200);
  });

  it('limits every other route before it authenticates or parses', async () => {
    const twoMb = 2 * 1024 * 1024;
    const cases: { path: string; method?: string; total: number; chunked?: boolean; headers?: Record<string, string> }[] = [
      { path: '/api/v1/orders', total: twoMb, headers: { Authorization: 'Bearer sk_wrong_key_123' } },
      { path: '/api/v1/orders', total: twoMb, chunked: true },
      { path: '/api/agent/admin/site', method: 'PATCH', total: twoMb },
      { path: '/api/agent/admin/agents', total: twoMb, chunked: true },
      { path: '/api/agent/canned', total: twoMb },
      { path: '/demo/api/backoffice/orders', total: 1024 * 1024 },
      { path: '/demo/api/backoffice/orders', total: 1024 * 1024, chunked: true },
      { path: '/api/uploads/visitor?site=pk_demo', total: 11 * 1024 * 1024, headers: { 'Content-Type': 'image/png' } },
      { path: '/api/uploads/agent', total: 11 * 1024 * 1024, headers: { 'Content-Type': 'image/png' } },
      { path: '/anything/else', total: 1024 * 1024 },
    ];
    const refused: string[] = [];
    for (const c of cases) {
      const r = await streamBody(c.path, c.total, c);
      if (r.status !== 413 || !r.body.includes('body_too_large')) refused.push(`${c.method ?? 'POST'} ${c.path}${c.chunked ? ' (chunked)' : ''} → ${r.status}`);
    }
    expect(refused).toEqual([]);
    // Bodies within the limits still reach their routes (which then answer for themselves).
    const withinApi = await streamBody('/api/v1/orders', 512 * 1024, { headers: { Authorization: 'Bearer sk_demo_secret' } });
    expect(withinApi.status).not.toBe(413);
    const signInPadded = await fetch(`${server.origin}/api/agent/session`, {
      method: 'POST',
      headers: { Origin: server.origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com', password: 'x'.repeat(1024), pad: ' '.repeat(8 * 1024) }),
    });
    expect(signInPadded.status).toBe(401);
  });
});
