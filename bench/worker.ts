/**
 * Load-generator worker, forked by bench/run.ts (`node --import tsx bench/worker.ts <index> <count>`).
 * It holds a share of the shopper sockets (the `ws` client) and of the agent sockets (the lean
 * client in agent-socket.ts) and does what the orchestrator asks over IPC: open sockets, prime
 * conversations, offer a message rate for one step, report what it measured.
 *
 * A message's `clientId` is `bench-<step>-<worker>-<seq>` and its text starts with
 * `t<send time in µs>`; agents read both straight from the frame bytes.
 */
import { WebSocket } from 'ws';
import { openLeanSocket, type LeanSocket } from './agent-socket';
import { hrUs, type ConnectTarget, type FromWorker, type StepReport, type ToWorker } from './ipc';
import { GrowF64, GrowU8, readCid, readInt } from './bytes';
import { Histogram } from './stats';

const WORKER = Number(process.argv[2] ?? 0);
const WORKERS = Number(process.argv[3] ?? 1);
const FILLER = 'hello, where is my order? it has not arrived yet';
const CID_KEY = Buffer.from('"clientId":"bench-');
const TEXT_KEY = Buffer.from('"text":"t');
const DUP_KEY = Buffer.from('"duplicate":true');
const CONNECT_CONCURRENCY = 64;
const TICK_MS = 5;

// Byte 9 of `{"type":"…` names the frame type.
const T_ACK = 0x61; // a
const T_MESSAGE = 0x6d; // m
const T_ERROR = 0x65; // e
const T_WELCOME = 0x77; // w

function send(msg: FromWorker): void {
  process.send?.(msg);
}

// ---------- per-step state ----------

interface StepState {
  step: number;
  windowStartUs: number;
  windowEndUs: number;
  sent: number;
  acked: number;
  errored: number;
  sentInWindow: number;
  acksInWindow: number;
  deliveriesInWindow: number;
  duplicateAcks: number;
  stray: number;
  errors: Record<string, number>;
  sendTimes: GrowF64;
  ackState: GrowU8;
  ackHist: Histogram;
  deliveryHist: Histogram;
}

function newStep(step: number, windowStartUs = Infinity, windowEndUs = -Infinity): StepState {
  return {
    step,
    windowStartUs,
    windowEndUs,
    sent: 0,
    acked: 0,
    errored: 0,
    sentInWindow: 0,
    acksInWindow: 0,
    deliveriesInWindow: 0,
    duplicateAcks: 0,
    stray: 0,
    errors: {},
    sendTimes: new GrowF64(),
    ackState: new GrowU8(),
    ackHist: new Histogram(),
    deliveryHist: new Histogram(),
  };
}

let st: StepState = newStep(-1);

// ---------- shoppers ----------

interface Shopper {
  ws: WebSocket;
  conversationId: string | null;
}

let shoppers: Shopper[] = [];
let idleSockets: WebSocket[] = [];

function recordError(frame: Buffer): void {
  const parsed = JSON.parse(frame.toString()) as { code?: string; ref?: string };
  const code = parsed.code ?? 'unknown';
  st.errors[code] = (st.errors[code] ?? 0) + 1;
  const ref = parsed.ref ? Buffer.from(`"clientId":"${parsed.ref}"`) : null;
  if (ref && ref.indexOf(CID_KEY) === 0) {
    const id = readCid(ref, CID_KEY.length);
    if (id.step === st.step && id.worker === WORKER && st.ackState.get(id.seq) === 0) {
      st.ackState.set(id.seq, 2);
      st.errored++;
    }
  }
}

function onShopperFrame(shopper: Shopper, data: Buffer): void {
  const type = data[9];
  if (type === T_ACK) {
    const now = hrUs();
    const at = data.indexOf(CID_KEY);
    if (at < 0) return;
    const id = readCid(data, at + CID_KEY.length);
    if (id.step !== st.step || id.worker !== WORKER) return;
    if (data.indexOf(DUP_KEY) >= 0 || st.ackState.get(id.seq) === 1) st.duplicateAcks++;
    if (st.ackState.get(id.seq) === 1) return;
    st.ackState.set(id.seq, 1);
    st.acked++;
    if (shopper.conversationId === null) shopper.conversationId = (JSON.parse(data.toString()) as { conversationId: string }).conversationId;
    const sentAt = st.sendTimes.get(id.seq);
    if (sentAt >= st.windowStartUs && sentAt < st.windowEndUs) st.ackHist.record(now - sentAt);
    if (now >= st.windowStartUs && now < st.windowEndUs) st.acksInWindow++;
  } else if (type === T_ERROR) {
    recordError(data);
  }
  // message.created (the shopper's own message echoed to its tabs), conversation.updated, pong: ignored.
}

function openShopper(target: ConnectTarget): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${target.wsBase}/ws/visitor?site=pk_demo`, { headers: { Origin: target.origin }, perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no welcome within 60 s'));
    }, 60_000);
    ws.once('open', () => ws.send('{"type":"hello","v":1}'));
    ws.on('message', function first(data: Buffer) {
      if (data[9] !== T_WELCOME) return;
      ws.off('message', first);
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: ${res.statusCode}`));
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

// ---------- agents ----------

interface Agent {
  socket: LeanSocket | null;
  counts: GrowU8[];
  stepCount: number;
  lastRecvUs: number;
}

let agents: Agent[] = [];

function resetAgent(agent: Agent): void {
  agent.counts = Array.from({ length: WORKERS }, () => new GrowU8());
  agent.stepCount = 0;
}

function onAgentMessage(agent: Agent, buf: Buffer, start: number, end: number, nowUs: number): void {
  const at = buf.indexOf(CID_KEY, start);
  if (at < 0 || at >= end) return; // not a bench message
  const id = readCid(buf, at + CID_KEY.length);
  if (id.step !== st.step || id.worker >= WORKERS) {
    st.stray++;
    return;
  }
  agent.counts[id.worker]!.inc(id.seq);
  agent.stepCount++;
  agent.lastRecvUs = nowUs;
  const textAt = buf.indexOf(TEXT_KEY, at);
  if (textAt < 0 || textAt >= end) return;
  const [sentAt] = readInt(buf, textAt + TEXT_KEY.length);
  if (sentAt >= st.windowStartUs && sentAt < st.windowEndUs) st.deliveryHist.record(nowUs - sentAt);
  if (nowUs >= st.windowStartUs && nowUs < st.windowEndUs) st.deliveriesInWindow++;
}

function openAgent(target: ConnectTarget): Promise<Agent> {
  const agent: Agent = { socket: null, counts: [], stepCount: 0, lastRecvUs: 0 };
  resetAgent(agent);
  return new Promise((resolve, reject) => {
    let welcomed = false;
    const timer = setTimeout(() => reject(new Error('agent: no welcome within 30 s')), 30_000);
    openLeanSocket(
      `${(target.agents ?? target).wsBase}/ws/agent`,
      { Origin: (target.agents ?? target).origin, Cookie: target.cookie },
      {
        onText(buf, start, end, nowUs) {
          const type = buf[start + 9];
          if (type === T_MESSAGE) onAgentMessage(agent, buf, start, end, nowUs);
          else if (type === T_WELCOME && !welcomed) {
            welcomed = true;
            clearTimeout(timer);
            resolve(agent);
          } else if (type === T_ERROR) recordError(buf.subarray(start, end));
        },
        onClose(code) {
          if (!welcomed) reject(new Error(`agent socket closed before welcome: ${code}`));
        },
        onProtocolError(message) {
          st.errors[`agent_protocol: ${message}`] = (st.errors[`agent_protocol: ${message}`] ?? 0) + 1;
        },
      },
      hrUs,
    ).then((socket) => {
      agent.socket = socket;
      socket.sendText('{"type":"hello","v":1}');
    }, reject);
  });
}

// ---------- commands ----------

/** Runs `fn(i)` for i in [0, count) with at most `limit` in flight; returns how many failed. */
async function pool(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await fn(i).catch(() => failed++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return failed;
}

async function open(target: ConnectTarget, shopperCount: number, agentCount: number): Promise<void> {
  closeAll();
  const opened: Shopper[] = [];
  const agentList: Agent[] = [];
  let failed = await pool(agentCount, 8, async () => {
    agentList.push(await openAgent(target));
  });
  failed += await pool(shopperCount, CONNECT_CONCURRENCY, async () => {
    const ws = await openShopper(target);
    const shopper: Shopper = { ws, conversationId: null };
    ws.on('message', (data: Buffer) => onShopperFrame(shopper, data));
    ws.on('error', () => {});
    opened.push(shopper);
  });
  shoppers = opened;
  agents = agentList;
  send({ type: 'opened', shoppers: shoppers.length, agents: agents.length, failed });
}

function sendOne(step: number, shopper: Shopper): void {
  const seq = st.sent++;
  const now = hrUs();
  st.sendTimes.set(seq, now);
  st.ackState.set(seq, 0);
  if (now >= st.windowStartUs && now < st.windowEndUs) st.sentInWindow++;
  const conv = shopper.conversationId ? `,"conversationId":"${shopper.conversationId}"` : '';
  shopper.ws.send(`{"type":"message.send","clientId":"bench-${step}-${WORKER}-${seq}"${conv},"text":"t${Math.round(now)} ${FILLER}"}`);
}

function beginStep(step: number, windowStartUs = Infinity, windowEndUs = -Infinity): void {
  st = newStep(step, windowStartUs, windowEndUs);
  for (const agent of agents) resetAgent(agent);
}

/**
 * Resolves when every send has an ack or an error reply, or when replies stopped coming for
 * `stallMs` (a saturated server may still be working through its backlog: keep waiting while
 * it makes progress), or after `maxMs` in any case.
 */
function drained(stallMs: number, maxMs = 120_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let answered = -1;
  let progressAt = Date.now();
  return new Promise((resolve) => {
    const check = () => {
      const now = Date.now();
      const n = st.acked + st.errored;
      if (n !== answered) {
        answered = n;
        progressAt = now;
      }
      if (n >= st.sent || now - progressAt >= stallMs || now >= deadline) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}

/** Step 0: every shopper sends one message, so its conversation exists before measuring. */
async function prime(): Promise<void> {
  beginStep(0);
  for (const shopper of shoppers) if (shopper.ws.readyState === WebSocket.OPEN) sendOne(0, shopper);
  await drained(10_000);
  send({ type: 'primed', acked: st.acked, failed: st.sent - st.acked, conversationIds: shoppers.flatMap((s) => (s.conversationId ? [s.conversationId] : [])) });
}

async function runStep(cmd: Extract<ToWorker, { type: 'step' }>): Promise<void> {
  beginStep(cmd.step, cmd.windowStartUs, cmd.windowEndUs);
  const live = shoppers.filter((s) => s.ws.readyState === WebSocket.OPEN);
  // Never more than 50 ms worth of messages in one tick, so a stalled loop cannot flood.
  const maxBurst = Math.max(1, Math.ceil(cmd.rate * 0.05));
  let rr = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = hrUs();
      if (now >= cmd.windowEndUs || live.length === 0) {
        clearInterval(timer);
        resolve();
        return;
      }
      if (now < cmd.startUs) return;
      const due = Math.floor((cmd.rate * (now - cmd.startUs)) / 1e6) - st.sent;
      for (let k = Math.min(due, maxBurst); k > 0; k--) sendOne(cmd.step, live[rr++ % live.length]!);
    };
    const timer = setInterval(tick, TICK_MS);
  });
  await drained(cmd.drainStallMs, cmd.drainMaxMs);
  send({ type: 'sent', step: cmd.step, sent: st.sent, acked: st.acked, errored: st.errored });
}

/** Waits until every agent has `expected` deliveries or has been quiet for a second, then reports. */
async function collect(cmd: Extract<ToWorker, { type: 'collect' }>): Promise<void> {
  const deadline = Date.now() + cmd.timeoutMs;
  const startUs = hrUs();
  await new Promise<void>((resolve) => {
    const check = () => {
      const now = hrUs();
      const done = agents.every((a) => a.stepCount >= cmd.expectedPerAgent || now - Math.max(a.lastRecvUs, startUs) > 1_000_000);
      if (done || Date.now() >= deadline) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
  const report: StepReport = {
    type: 'report',
    step: cmd.step,
    worker: WORKER,
    sent: st.sent,
    acked: st.acked,
    sentInWindow: st.sentInWindow,
    acksInWindow: st.acksInWindow,
    deliveriesInWindow: st.deliveriesInWindow,
    agents: agents.length,
    ackState: st.ackState.a.slice(0, st.sent),
    errors: st.errors,
    duplicateAcks: st.duplicateAcks,
    ackHist: st.ackHist.counts,
    deliveryHist: st.deliveryHist.counts,
    ackMaxUs: st.ackHist.max,
    deliveryMaxUs: st.deliveryHist.max,
    deliveryCounts: agents.map((a) => a.counts.map((c) => c.snapshot())),
    stray: st.stray,
  };
  send(report);
}

async function idle(target: ConnectTarget, count: number): Promise<void> {
  const opened: WebSocket[] = [];
  const failed = await pool(count, CONNECT_CONCURRENCY, async () => {
    const ws = await openShopper(target);
    ws.on('error', () => {});
    opened.push(ws);
  });
  idleSockets.push(...opened);
  send({ type: 'idleOpened', opened: opened.length, failed });
}

function closeAll(): void {
  for (const s of shoppers) s.ws.terminate();
  for (const ws of idleSockets) ws.terminate();
  for (const a of agents) a.socket?.terminate();
  shoppers = [];
  idleSockets = [];
  agents = [];
}

process.on('message', (msg: ToWorker) => {
  const run = async () => {
    switch (msg.type) {
      case 'open':
        return open(msg.target, msg.shoppers, msg.agents);
      case 'prime':
        return prime();
      case 'watch':
        agents.forEach((a, i) => a.socket?.sendText(JSON.stringify({ type: 'watch', conversationIds: msg.lists[i] ?? [] })));
        return send({ type: 'watched' });
      case 'step':
        return runStep(msg);
      case 'collect':
        return collect(msg);
      case 'idle':
        return idle(msg.target, msg.count);
      case 'closeAll':
        closeAll();
        return send({ type: 'closed' });
    }
  };
  run().catch((err: unknown) => send({ type: 'fatal', message: err instanceof Error ? err.stack ?? err.message : String(err) }));
});

// The orchestrator went away (finished, crashed or Ctrl+C) or stops us: leave at once.
// process.exit (rather than dying of the signal) lets --cpu-prof write its profile.
const leave = () => {
  closeAll();
  process.exit(0);
};
process.on('disconnect', leave);
process.on('SIGTERM', leave);
process.on('SIGINT', leave);

send({ type: 'ready', worker: WORKER });
