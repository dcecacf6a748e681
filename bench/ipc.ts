/**
 * Messages between the orchestrator (bench/run.ts) and the load-generator workers
 * (bench/worker.ts). They travel over the Node IPC channel with `serialization: 'advanced'`,
 * so typed arrays cross the process boundary as they are.
 *
 * Clock: every timestamp is `hrUs()`, CLOCK_MONOTONIC in microseconds. On Linux that clock is
 * system-wide, so a send time taken in one worker and a receive time taken in another are on
 * the same time line.
 */

/** Microseconds on the system-wide monotonic clock (the same in every process on this machine). */
export function hrUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

export interface ConnectTarget {
  /** e.g. ws://127.0.0.1:1234 */
  wsBase: string;
  /** The target's own origin, sent as `Origin` by shoppers and agents. */
  origin: string;
  /** `name=value` of the agent session cookie. */
  cookie: string;
  /** Where agents connect when it is another node than the shoppers' (`--nodes=2`): cross-node delivery. */
  agents?: { wsBase: string; origin: string } | undefined;
}

export type ToWorker =
  | { type: 'open'; target: ConnectTarget; shoppers: number; agents: number }
  | { type: 'prime' }
  /** Each of this worker's agents opens (`watch`es) its list of conversations. */
  | { type: 'watch'; lists: string[][] }
  | {
      type: 'step';
      step: number;
      /** Messages per second this worker offers. */
      rate: number;
      /** All workers start sending at this instant (hrUs). */
      startUs: number;
      /** Latency and throughput are measured for [windowStartUs, windowEndUs). Sending stops at windowEndUs. */
      windowStartUs: number;
      windowEndUs: number;
      /** Stop waiting for outstanding acks after this long without a new one. */
      drainStallMs: number;
      /** …and after this long in any case (the rest counts as unanswered). */
      drainMaxMs: number;
    }
  | { type: 'collect'; step: number; expectedPerAgent: number; timeoutMs: number }
  | { type: 'idle'; target: ConnectTarget; count: number }
  | { type: 'closeAll' };

export interface PrimeDone {
  type: 'primed';
  acked: number;
  failed: number;
  /** The conversation of each of this worker's shoppers (after their first message). */
  conversationIds: string[];
}

export interface StepSent {
  type: 'sent';
  step: number;
  sent: number;
  acked: number;
  errored: number;
}

/** Everything a worker measured for one step. */
export interface StepReport {
  type: 'report';
  step: number;
  worker: number;
  sent: number;
  acked: number;
  sentInWindow: number;
  acksInWindow: number;
  /** Deliveries received by this worker's agents during the window (all agents together). */
  deliveriesInWindow: number;
  agents: number;
  /** Per seq of this worker's sends: 0 pending, 1 acked, 2 error reply. */
  ackState: Uint8Array;
  /** errors by code (`rate_limited`, …). */
  errors: Record<string, number>;
  duplicateAcks: number;
  /** Histogram counts (see stats.ts) of ack and delivery latency, µs. */
  ackHist: Float64Array;
  deliveryHist: Float64Array;
  ackMaxUs: number;
  deliveryMaxUs: number;
  /** [agent][sourceWorker] → count of deliveries per seq. */
  deliveryCounts: Uint8Array[][];
  /** Deliveries that belonged to another step (arrived late). */
  stray: number;
}

export type FromWorker =
  | { type: 'ready'; worker: number }
  | { type: 'opened'; shoppers: number; agents: number; failed: number }
  | { type: 'watched' }
  | PrimeDone
  | StepSent
  | StepReport
  | { type: 'idleOpened'; opened: number; failed: number }
  | { type: 'closed' }
  | { type: 'fatal'; message: string };
