/**
 * Another connection holding SQLite's write lock (a second server process sharing the file, a
 * backup, an operator's sqlite3 shell) must never surface as an untyped failure. The server
 * runs as its own process; this test process opens the same database file and takes the write
 * lock with BEGIN IMMEDIATE, over and over, while many shoppers send.
 */
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { tempDataDir } from '../helpers/server';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectVisitor, type Frame } from '../helpers/ws-client';
import { RETRYABLE_ERRORS, type ErrorCode } from '../../shared/errors';

const started: { server: ServerProcess; dataDir: string }[] = [];
afterAll(async () => {
  for (const { server, dataDir } of started) {
    server.proc.kill('SIGKILL');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function start(env: Record<string, string> = {}) {
  const dataDir = tempDataDir();
  // Many shoppers from one test: the per-visitor budget is not what this test is about.
  const server = await spawnServer(dataDir, { VISITOR_MESSAGES_PER_SEC: '1000', VISITOR_MESSAGE_BURST: '1000', ...env });
  started.push({ server, dataDir });
  await quietDemoSite(server);
  return { server, db: join(dataDir, 'mostrador.db') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds the write lock for `holdMs` at a time, with short gaps, until `stop()`. */
function lockHolder(file: string, holdMs: number, gapMs: number) {
  const db = new Database(file);
  let running = true;
  let holds = 0;
  const done = (async () => {
    while (running) {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.prepare("INSERT INTO idempotency_keys (site_id, key, request_hash, status, body, created_at) SELECT id, ?, 'x', 200, '{}', ? FROM sites LIMIT 1").run(
          `lock-${holds}-${Date.now()}`,
          Date.now(),
        );
        holds++;
        await sleep(holdMs);
      } finally {
        db.exec('COMMIT');
      }
      await sleep(gapMs);
    }
    db.close();
  })();
  return {
    get holds() {
      return holds;
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('a second writer holding the lock', () => {
  it('makes writers wait, never fail: 40 shoppers × 10 sends and verified identifies while another connection holds the lock 300 ms at a time', async () => {
    const { server, db } = await start();
    const shoppers = await Promise.all(Array.from({ length: 40 }, () => connectVisitor(server)));
    const holder = lockHolder(db, 300, 30);
    await sleep(50);
    const outcomes: Frame[] = [];
    const t0 = Date.now();
    await Promise.all(
      shoppers.map(async ({ socket }, i) => {
        for (let n = 0; n < 10; n++) {
          const clientId = cid(`b${i}`);
          const reply = socket.next((f) => f.clientId === clientId || f.ref === clientId, 20_000);
          socket.send({ type: 'message.send', clientId, text: `mensaje ${n}` });
          outcomes.push(await reply);
          if (n === 4) {
            // Verified identify: reads the customer, then writes (a read transaction that upgrades).
            const id = `cus_busy_${i}`;
            const hash = createHmac('sha256', 'sk_demo_secret').update(id).digest('hex');
            const identified = socket.next((f) => f.type === 'identified' || f.type === 'error', 20_000);
            socket.send({ type: 'identify', id, email: `${id}@example.com`, name: `Cliente ${i}`, hash });
            outcomes.push(await identified);
          }
        }
      }),
    );
    const elapsed = Date.now() - t0;
    await holder.stop();
    const errors = outcomes.filter((f) => f.type === 'error');
    console.log(`busy: ${outcomes.length} replies in ${elapsed} ms while the lock was taken ${holder.holds} times; errors: ${JSON.stringify(errors.slice(0, 3))}`);
    expect(holder.holds).toBeGreaterThan(2);
    expect(errors).toEqual([]);
    expect(outcomes.filter((f) => f.type === 'ack')).toHaveLength(400);
    expect(outcomes.filter((f) => f.type === 'identified' && f.verified === true)).toHaveLength(40);
    // Every conversation: seqs 1..10, in send order.
    for (const { socket } of shoppers) {
      const acks = socket.frames.filter((f) => f.type === 'ack');
      expect(acks.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      socket.close();
    }
    expect(server.logs.filter((l) => /SQLITE_BUSY/.test(JSON.stringify(l)))).toEqual([]);
  }, 60_000);

  it('past the busy timeout a send gets a typed, retryable error, and the resend is stored once', async () => {
    const { server, db } = await start({ DB_BUSY_TIMEOUT_MS: '200' });
    const shoppers = await Promise.all(Array.from({ length: 10 }, () => connectVisitor(server)));
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    const ids = shoppers.map((_, i) => cid(`t${i}`));
    const replies = await Promise.all(
      shoppers.map(({ socket }, i) => {
        const reply = socket.next((f) => f.clientId === ids[i] || f.ref === ids[i], 20_000);
        socket.send({ type: 'message.send', clientId: ids[i], text: 'mientras tanto' });
        return reply;
      }),
    );
    holder.exec('ROLLBACK');
    holder.close();
    for (const reply of replies) {
      expect(reply).toMatchObject({ type: 'error', code: 'store_unavailable', retryAfterMs: expect.any(Number) });
      expect(RETRYABLE_ERRORS).toContain(reply.code as ErrorCode);
    }
    // The client's outbox resends with the same clientId: stored exactly once, as seq 1.
    const acks = await Promise.all(
      shoppers.map(({ socket }, i) => {
        const ack = socket.next((f) => f.type === 'ack' && f.clientId === ids[i], 20_000);
        socket.send({ type: 'message.send', clientId: ids[i], text: 'mientras tanto' });
        return ack;
      }),
    );
    for (const ack of acks) expect(ack).toMatchObject({ seq: 1, duplicate: false });
    const again = shoppers[0]!.socket.next((f) => f.type === 'ack' && f.clientId === ids[0] && f.duplicate === true, 20_000);
    shoppers[0]!.socket.send({ type: 'message.send', clientId: ids[0], text: 'mientras tanto' });
    expect(await again).toMatchObject({ seq: 1 });
    for (const { socket } of shoppers) socket.close();
  }, 60_000);
});
