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
