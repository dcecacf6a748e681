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

/**
 * Where a shared limiter reports what it spent, so the other nodes debit their copies of the
 * same budget too (REDIS_URL: cluster-node.ts carries it). Each node decides at once from its
 * own copy; the others learn within a fraction of a second, so a budget is shared across nodes
 * up to what they spend in that time.
 */
export interface SpendSink {
  spent(limiter: string, key: string, tokens: number): void;
}

/** A keyed set of buckets in memory, pruned when it grows. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private share: { name: string; sink: SpendSink } | null = null;

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  /** Shares this budget with the other nodes under `name` (the same on every node). */
  shareAs(name: string, sink: SpendSink): this {
    this.share = { name, sink };
    return this;
  }

  /** Another node spent `tokens` of `key`'s budget at about `now` (its copy may go below zero: an overdraft to wait out). */
  debit(key: string, tokens: number, now: number): void {
    const b = this.buckets.get(key);
    const elapsed = b ? Math.max(0, now - b.updatedAt) : 0;
    const have = b ? Math.min(this.burst, b.tokens + (elapsed * this.rate) / 1000) : this.burst;
    this.buckets.set(key, { tokens: Math.max(-this.burst, have - tokens), updatedAt: b ? Math.max(now, b.updatedAt) : now });
  }

  /** Whether `key` has a token now, without taking it. */
  has(key: string, now: number): boolean {
    const b = this.buckets.get(key);
    return !b || Math.min(this.burst, b.tokens + (Math.max(0, now - b.updatedAt) * this.rate) / 1000) >= 1;
  }

  take(key: string, now: number): TakeResult {
    const result = takeToken(this.buckets.get(key), now, this.rate, this.burst);
    this.buckets.set(key, result.bucket);
    if (result.allowed) this.share?.sink.spent(this.share.name, key, 1);
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
  // A rating writes a transcript line: it spends the message budget.
  'conversation.rate': 'send',
  context: 'context',
  typing: 'chatter',
  read: 'chatter',
  profile: 'identity',
  // A transcript by e-mail: the identity budget (a few a minute) keeps it from flooding a mailbox.
  transcript: 'identity',
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
  'conversation.tag': 'action',
  status: 'chatter',
  typing: 'chatter',
  read: 'chatter',
  sync: 'reads',
  history: 'reads',
  'visitors.list': 'reads',
  'visitor.get': 'reads',
  watch: 'reads',
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

  /** Shares every bucket with the other nodes, as `<name>.<bucket>`. */
  shareAs(name: string, sink: SpendSink): this {
    for (const [bucket, limiter] of Object.entries<RateLimiter>(this.limiters)) limiter.shareAs(`${name}.${bucket}`, sink);
    return this;
  }

  /** Another node spent from `<name>.<bucket>`. */
  limiter(bucket: K): RateLimiter {
    return this.limiters[bucket];
  }
}

const HOUR = 3600;
/**
 * Failed order lookups by unverified shoppers, across all their conversations: per email, per
 * client address (an IPv6 /64 counts as one) and per site. Each conversation allows three on its
 * own (domain/bot); these stop an attacker who opens a new chat, or a new tab, for every guess.
 */
export const LOOKUP_FAILURE_BUDGETS = {
  email: { rate: 5 / HOUR, burst: 5 },
  address: { rate: 10 / HOUR, burst: 10 },
  site: { rate: 100 / HOUR, burst: 100 },
} as const satisfies Record<string, Budget>;

/** The key a client address is limited by: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

export interface LookupKeys {
  siteId: string;
  /** The email the shopper gave for the order (any case). */
  email: string | null;
  address: string | null;
}

/** Counts failed unverified order lookups per email, address and site (see LOOKUP_FAILURE_BUDGETS). */
export class LookupGuard {
  private readonly email: RateLimiter;
  private readonly address: RateLimiter;
  private readonly site: RateLimiter;

  constructor(budgets: Record<keyof typeof LOOKUP_FAILURE_BUDGETS, Budget> = LOOKUP_FAILURE_BUDGETS) {
    this.email = new RateLimiter(budgets.email.rate, budgets.email.burst);
    this.address = new RateLimiter(budgets.address.rate, budgets.address.burst);
    this.site = new RateLimiter(budgets.site.rate, budgets.site.burst);
  }

  private keys(k: LookupKeys) {
    return [
      [this.site, k.siteId],
      ...(k.email ? [[this.email, `${k.siteId}|${k.email.trim().toLowerCase()}`] as const] : []),
      ...(k.address ? [[this.address, `${k.siteId}|${addressKey(k.address)}`] as const] : []),
    ] as const;
  }

  /** Shares the three budgets with the other nodes. */
  shareAs(name: string, sink: SpendSink): this {
    this.email.shareAs(`${name}.email`, sink);
    this.address.shareAs(`${name}.address`, sink);
    this.site.shareAs(`${name}.site`, sink);
    return this;
  }

  /** The limiters by the names `shareAs` gave them. */
  limiters(): [string, RateLimiter][] {
    return [['email', this.email], ['address', this.address], ['site', this.site]];
  }

  /** Whether one more failed lookup is allowed for all of these keys. */
  allows(k: LookupKeys, now: number): boolean {
    return this.keys(k).every(([limiter, key]) => limiter.has(key, now));
  }

  /** Records a failed lookup against every key. */
  failed(k: LookupKeys, now: number): void {
    for (const [limiter, key] of this.keys(k)) limiter.take(key, now);
  }
}
