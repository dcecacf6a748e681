/**
 * `kill -9` of the server while 200 shoppers are sending (tests/integration/restart.test.ts does
 * one shopper; this is the crowd). After a restart on the same SQLite file: every acked message
 * is stored exactly once with the seq it was acked with, each conversation's seqs have no gaps,
 * and each shopper's messages are stored in the order they were sent. Then every shopper resends
 * its unacked outbox, as the widget does, and ends with exactly what it sent, once.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { tempDataDir } from '../helpers/server';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectVisitor, type Frame, type TestSocket } from '../helpers/ws-client';

const SHOPPERS = 200;
/** Each shopper keeps this many sends unacknowledged at a time, like a fast typist with a slow link. */
const IN_FLIGHT = 3;
/** Kill once this many acks have come back, so the crash lands mid-stream. */
const KILL_AFTER_ACKS = 1500;

const dataDir = tempDataDir();
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.proc.kill('SIGKILL');
    await s.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Shopper {
  token: string;
  socket: TestSocket;
  sent: string[];
  acks: Map<string, Frame>;
}

async function syncAll(socket: TestSocket, conversationId: string): Promise<Frame[]> {
  const all: Frame[] = [];
  for (;;) {
    const page = socket.next((f) => f.type === 'sync.result' && f.conversationId === conversationId, 20_000);
    socket.send({ type: 'sync', conversationId, afterSeq: all.length ? (all[all.length - 1]!.seq as number) : 0 });
    const result = await page;
    all.push(...(result.messages as Frame[]));
    if (!result.hasMore) return all;
  }
}

describe('kill -9 with 200 shoppers sending', () => {
  it('keeps every acked message exactly once, gap-free and in each sender’s order, and the outbox completes the rest', async () => {
    const env = { VISITOR_MESSAGES_PER_SEC: '1000', VISITOR_MESSAGE_BURST: '1000' };
    const first = await spawnServer(dataDir, env);
    servers.push(first);
    await quietDemoSite(first);

    const shoppers: Shopper[] = [];
    for (let i = 0; i < SHOPPERS; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, SHOPPERS - i) }, () => connectVisitor(first)));
      for (const v of batch) shoppers.push({ token: v.token, socket: v.socket, sent: [], acks: new Map() });
    }

    let totalAcks = 0;
    let killed = false;
    const killedAt = new Promise<void>((resolve) => {
      for (const [i, shopper] of shoppers.entries()) {
        const sendNext = () => {
          if (killed) return;
          const clientId = cid(`k${i}_`);
          shopper.sent.push(clientId);
          shopper.socket.send({ type: 'message.send', clientId, text: `${i}:${shopper.sent.length}` });
        };
        shopper.socket.ws.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as Frame;
          if (frame.type !== 'ack' || killed) return;
          shopper.acks.set(frame.clientId as string, frame);
          if (++totalAcks >= KILL_AFTER_ACKS && !killed) {
            killed = true;
            first.proc.kill('SIGKILL');
            resolve();
            return;
          }
          sendNext();
        });
        // A socket dropped by the kill is expected; its errors are not failures of the test.
        shopper.socket.ws.on('error', () => {});
        for (let n = 0; n < IN_FLIGHT; n++) sendNext();
      }
    });
    await killedAt;
    await first.exited;
    const sentTotal = shoppers.reduce((n, s) => n + s.sent.length, 0);
    const ackedTotal = shoppers.reduce((n, s) => n + s.acks.size, 0);
    expect(ackedTotal).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const second = await spawnServer(dataDir, env);
    servers.push(second);
    let storedUnacked = 0;
    let resent = 0;
    for (let i = 0; i < SHOPPERS; i += 25) {
      await Promise.all(
        shoppers.slice(i, i + 25).map(async (shopper) => {
          const back = await connectVisitor(second, { token: shopper.token });
          const conversations = back.welcome.conversations as Frame[];
          // None only if nothing of this shopper's was committed (then nothing was acked either).
          if (shopper.acks.size > 0) expect(conversations).toHaveLength(1);
          else expect(conversations.length).toBeLessThanOrEqual(1);
          let conversationId = (conversations[0]?.id as string | undefined) ?? null;
          const stored = conversationId ? await syncAll(back.socket, conversationId) : [];
          const ids = stored.map((m) => m.clientId as string);
          // Gap-free, no duplicates, and in the order this shopper sent them (a prefix of it).
          expect(stored.map((m) => m.seq)).toEqual(ids.map((_, k) => k + 1));
          expect(ids).toEqual(shopper.sent.slice(0, ids.length));
          // Every acked message is there, with the seq it was acked with.
          for (const [clientId, ack] of shopper.acks) expect(stored[(ack.seq as number) - 1]?.clientId).toBe(clientId);
          storedUnacked += ids.filter((id) => !shopper.acks.has(id)).length;

          // The outbox: everything not acked goes again with its original clientId.
          const outbox = shopper.sent.filter((id) => !shopper.acks.has(id));
          resent += outbox.length;
          const acks = await Promise.all(
            outbox.map((clientId) => {
              const ack = back.socket.next((f) => f.type === 'ack' && f.clientId === clientId, 20_000);
              back.socket.send({ type: 'message.send', clientId, text: `${shopper.sent.indexOf(clientId)}` });
              return ack;
            }),
          );
          for (const ack of acks) {
            const wasStored = ids.includes(ack.clientId as string);
            expect(ack.duplicate).toBe(wasStored);
          }
          conversationId ??= acks[0]!.conversationId as string;
          expect(new Set(acks.map((a) => a.conversationId))).toEqual(new Set(acks.length ? [conversationId] : []));
          const final = await syncAll(back.socket, conversationId);
          expect(final.map((m) => m.clientId)).toEqual(shopper.sent);
          expect(final.map((m) => m.seq)).toEqual(shopper.sent.map((_, k) => k + 1));
          back.socket.close();
        }),
      );
    }
    console.log(
      `kill -9: ${SHOPPERS} shoppers had sent ${sentTotal} messages, ${ackedTotal} acked when the server died; ` +
        `after restart all acked were stored once in order, ${storedUnacked} more had been committed without their ack arriving, ${resent} resent from outboxes`,
    );
    second.proc.kill('SIGTERM');
    await second.exited;
  }, 120_000);
});
