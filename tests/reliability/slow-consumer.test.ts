/**
 * A shopper whose client stopped reading must not make the server hold an ever-growing send
 * buffer. The server runs as its own process (its RSS is measured alone) with a small cut-off,
 * WS_MAX_BUFFERED_BYTES; the stalled shopper is a raw TCP client that completes the handshake
 * and then stops reading, so the kernel buffers fill first and the server's own buffer next.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { rssBytes, spawnServer, type ServerProcess } from '../helpers/process';
import { RawWsClient } from '../helpers/raw-ws';
import { tempDataDir } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

const LIMIT = 256 * 1024;
/** The most the kernel can hold for one loopback connection: receive plus send buffer maxima. */
function kernelBufferMax(): number {
  const max = (file: string) => Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]);
  try {
    return max('/proc/sys/net/ipv4/tcp_rmem') + max('/proc/sys/net/ipv4/tcp_wmem');
  } catch {
    return 64 * 1024 * 1024;
  }
}
/** Past this much pushed the cut-off must have fired, whatever the kernel absorbed. */
const MAX_PUSH = kernelBufferMax() + 16 * 1024 * 1024;
/**
 * Pushed after the cut-off. Measured from a warmed-up server, RSS grows by a few MiB with the
 * cut-off; with it disabled (a 1 GB limit) by most of what was pushed (35 MiB for 52 MiB here),
 * since every frame stays queued for the stalled socket. Growth below half of this tells the
 * two apart.
 */
const AFTER_PUSH = 32 * 1024 * 1024;
/** Pushed to the shopper while it still reads, before measuring. */
const WARMUP_PUSH = 16 * 1024 * 1024;
// 4,000 characters of a 3-byte UTF-8 character: a 12 KB `message.created` per message.
const BIG_TEXT = '€'.repeat(4000);

const dataDir = tempDataDir();
let server: ServerProcess | null = null;
afterAll(async () => {
  if (server) {
    server.proc.kill('SIGKILL');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function connections(origin: string): Promise<number> {
  return ((await (await fetch(`${origin}/healthz`)).json()) as { connections: number }).connections;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('slow consumer', () => {
  it('cuts off a shopper that stopped reading, keeps server memory bounded and other clients fast', async () => {
    // The agent here is a load generator pushing megabytes, not a person: lift its send budget.
    server = await spawnServer(dataDir, { WS_MAX_BUFFERED_BYTES: String(LIMIT), AGENT_MESSAGES_PER_SEC: '100000', AGENT_MESSAGE_BURST: '100000' });
    const s = server;

    // The stalled shopper: starts a chat, then stops reading.
    const slow = await RawWsClient.open(s.port, '/ws/visitor?site=pk_demo', { Origin: s.origin });
    slow.send({ type: 'hello', v: 1 });
    await slow.next((f) => f.type === 'welcome');
    const first = cid('slow');
    slow.send({ type: 'message.send', clientId: first, text: 'hola' });
    const conversationId = (await slow.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;

    const agent = await connectAgent(s, await signIn(s));
    const healthy = await connectVisitor(s);
    expect(await connections(s.origin)).toBe(3);

    /** The agent writes 50 big messages into the shopper's conversation; resolves when all are acked. */
    const pushWindow = async (): Promise<string[]> => {
      const window = Array.from({ length: 50 }, () => cid('big'));
      const acks = window.map((clientId) => agent.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId), 20_000));
      for (const clientId of window) agent.socket.send({ type: 'message.send', conversationId, clientId, text: BIG_TEXT });
      for (const ack of await Promise.all(acks)) expect(ack.type).toBe('ack');
      // Drop what the agent socket received so far: this test is not about its memory.
      agent.socket.frames.length = 0;
      return window;
    };

    // Warm-up while the shopper still reads: the server's heap and allocator grow to their
    // working size for this traffic (about 40 MiB here), so what follows measures buffering only.
    for (let warm = 0; warm < WARMUP_PUSH; warm += 50 * Buffer.byteLength(BIG_TEXT)) {
      const window = await pushWindow();
      await slow.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === window[window.length - 1], 20_000);
      slow.frames.length = 0;
    }

    slow.pause();
    const rssBefore = rssBytes(s.proc.pid!);

    // A healthy shopper measures its round trip throughout.
    const rtts: number[] = [];
    let pinging = true;
    const pinger = (async () => {
      for (let t = 0; pinging; t++) {
        const started = performance.now();
        const pong = healthy.socket.next((f) => f.type === 'pong' && f.t === t, 10_000);
        healthy.socket.send({ type: 'ping', t });
        await pong;
        rtts.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // Now the shopper has stopped reading; the agent keeps writing.
    const cutOff = () => s.logs.some((l) => l.msg === 'slow consumer cut off');
    let pushed = 0;
    let sent = 0;
    let peakRss = rssBefore;
    let pushedAtCutOff = 0;
    let sentAtCutOff = 0;
    while (pushedAtCutOff ? pushed - pushedAtCutOff < AFTER_PUSH : pushed < MAX_PUSH) {
      const window = await pushWindow();
      sent += window.length;
      pushed += window.length * Buffer.byteLength(BIG_TEXT);
      peakRss = Math.max(peakRss, rssBytes(s.proc.pid!));
      if (cutOff() && !pushedAtCutOff) {
        pushedAtCutOff = pushed;
        sentAtCutOff = sent;
      }
    }
    pinging = false;
    await pinger;

    const entry = s.logs.find((l) => l.msg === 'slow consumer cut off');
    expect(entry, `no cut-off after pushing ${(pushed / 1048576).toFixed(1)} MiB; RSS ${(rssBefore / 1048576).toFixed(0)} → ${(peakRss / 1048576).toFixed(0)} MiB`).toBeDefined();
    // The server held at most the limit plus the one frame that crossed it.
    expect(entry!.buffered as number).toBeGreaterThan(LIMIT);
    expect(entry!.buffered as number).toBeLessThan(LIMIT + 64 * 1024);
    // Once cut off, the connection is gone on the server side.
    await expect.poll(() => connections(s.origin), { timeout: 10_000 }).toBe(2);

    // Reading again, the stalled client gets what the kernel held, then the stream just ends:
    // the server dropped the socket (no close handshake with a client that does not read).
    slow.resume();
    await slow.waitEnded(20_000);
    expect(slow.closeFrame).toBeNull();
    const received = slow.frames.filter((f) => f.type === 'message.created' && (f.message as Frame).author && ((f.message as Frame).author as Frame).kind === 'agent').length;
    expect(received).toBeLessThanOrEqual(sentAtCutOff);

    const grown = peakRss - rssBefore;
    const sorted = [...rtts].sort((a, b) => a - b);
    console.log(
      `slow consumer: cut off at ${entry!.buffered as number} buffered bytes (limit ${LIMIT}) after ${(pushedAtCutOff / 1048576).toFixed(1)} MiB pushed in ${sentAtCutOff} messages ` +
        `(${(pushed / 1048576).toFixed(1)} MiB in ${sent} messages in all); ` +
        `it had read ${received} of them; server RSS ${(rssBefore / 1048576).toFixed(0)} → peak ${(peakRss / 1048576).toFixed(0)} MiB (+${(grown / 1048576).toFixed(1)}); ` +
        `healthy shopper RTT over ${rtts.length} pings p50 ${percentile(sorted, 50).toFixed(1)} / p95 ${percentile(sorted, 95).toFixed(1)} / max ${sorted[sorted.length - 1]!.toFixed(1)} ms`,
    );
    // Memory: bounded by the cut-off, not by what was pushed.
    expect(grown).toBeLessThan((pushed - pushedAtCutOff) / 2);
    // The healthy shopper kept being answered promptly while the other one was cut off.
    expect(rtts.length).toBeGreaterThan(5);
    expect(percentile(sorted, 50)).toBeLessThan(250);
    expect(percentile(sorted, 95)).toBeLessThan(1000);

    // And it still works: its own message is acked.
    const after = cid('after');
    healthy.socket.send({ type: 'message.send', clientId: after, text: 'sigo aquí' });
    expect(await healthy.socket.next((f) => f.clientId === after || f.ref === after, 10_000)).toMatchObject({ type: 'ack' });
    healthy.socket.close();
    agent.socket.close();
  }, 90_000);
});
