/** Token buckets: `rate` tokens per second refill up to `burst`. Pure: state and time come in. */

export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface TakeResult {
  bucket: Bucket;
  allowed: boolean;
  /** When not allowed: how long until one token is available. */
  retryAfterMs: number;
}

/** Takes one token from `bucket` (a new, full bucket when undefined) at time `now`. */
export function takeToken(bucket: Bucket | undefined, now: number, rate: number, burst: number): TakeResult {
  const elapsed = bucket ? Math.max(0, now - bucket.updatedAt) : 0;
  const tokens = bucket ? Math.min(burst, bucket.tokens + (elapsed * rate) / 1000) : burst;
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, updatedAt: now }, allowed: true, retryAfterMs: 0 };
  return { bucket: { tokens, updatedAt: now }, allowed: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / rate) };
}

/** A keyed set of buckets in memory, pruned when it grows. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  take(key: string, now: number): TakeResult {
    const result = takeToken(this.buckets.get(key), now, this.rate, this.burst);
    this.buckets.set(key, result.bucket);
    if (this.buckets.size > 50_000) this.prune(now);
    return result;
  }

  private prune(now: number): void {
    const fullAfterMs = (this.burst / this.rate) * 1000;
    for (const [key, b] of this.buckets) if (now - b.updatedAt > fullAfterMs) this.buckets.delete(key);
  }
}

export interface Budget {
  /** Tokens per second, sustained. */
  rate: number;
  /** Tokens available at once. */
  burst: number;
}

/**
 * Per-shopper budgets (all their tabs together), one bucket per kind of frame, so a flood of one
 * kind neither writes without end nor spends another kind's budget. Far above what the widget
 * sends; documented in docs/protocol.md ("Budgets"). `send` is configurable (VISITOR_MESSAGES_*).
 */
export const VISITOR_BUDGETS = {
  send: { rate: 5, burst: 30 },
  context: { rate: 2, burst: 20 },
  chatter: { rate: 10, burst: 30 },
  identity: { rate: 1, burst: 10 },
  proactive: { rate: 2, burst: 20 },
  reads: { rate: 5, burst: 40 },
  // A pong costs no store work; the widget pings every 20 s, a latency probe far more often.
  ping: { rate: 60, burst: 120 },
} as const satisfies Record<string, Budget>;
export type VisitorBucket = keyof typeof VISITOR_BUDGETS;

/** Which budget each shopper frame spends (`hello` comes once per socket, before any). */
export const VISITOR_FRAME_BUCKET = {
  'message.send': 'send',
  context: 'context',
  typing: 'chatter',
  read: 'chatter',
  profile: 'identity',
  identify: 'identity',
  proactive: 'proactive',
  sync: 'reads',
  history: 'reads',
  ping: 'ping',
} as const satisfies Record<string, VisitorBucket>;

/** Per-agent budgets (all their tabs together). `send` is configurable (AGENT_MESSAGES_*). */
export const AGENT_BUDGETS = {
  send: { rate: 10, burst: 60 },
  action: { rate: 5, burst: 30 },
  chatter: { rate: 10, burst: 30 },
  reads: { rate: 20, burst: 100 },
  ping: { rate: 60, burst: 120 },
} as const satisfies Record<string, Budget>;
export type AgentBucket = keyof typeof AGENT_BUDGETS;

export const AGENT_FRAME_BUCKET = {
  'message.send': 'send',
  'order.share': 'send',
  'visitor.chat': 'send',
  'conversation.action': 'action',
  status: 'chatter',
  typing: 'chatter',
  read: 'chatter',
  sync: 'reads',
  history: 'reads',
  'visitors.list': 'reads',
  'visitor.get': 'reads',
  ping: 'ping',
} as const satisfies Record<string, AgentBucket>;

/** One RateLimiter per bucket, keyed by who spends (a visitor or agent id). */
export class Budgets<K extends string> {
  private readonly limiters: Record<K, RateLimiter>;

  constructor(budgets: Record<K, Budget>) {
    this.limiters = Object.fromEntries(Object.entries<Budget>(budgets).map(([k, b]) => [k, new RateLimiter(b.rate, b.burst)])) as Record<K, RateLimiter>;
  }

  take(bucket: K, key: string, now: number): TakeResult {
    return this.limiters[bucket].take(key, now);
  }
}
