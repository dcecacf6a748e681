import { describe, expect, it } from 'vitest';
import { RateLimiter, takeToken } from '../../server/domain/rate-limit';

describe('takeToken', () => {
  it('starts full and empties after `burst` takes', () => {
    let bucket;
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const r = takeToken(bucket, 0, 1, 3);
      bucket = r.bucket;
      allowed.push(r.allowed);
    }
    expect(allowed).toEqual([true, true, true, false]);
  });

  it('refills at `rate` per second and says when the next token comes', () => {
    const empty = { tokens: 0, updatedAt: 0 };
    expect(takeToken(empty, 0, 2, 5)).toMatchObject({ allowed: false, retryAfterMs: 500 });
    expect(takeToken(empty, 499, 2, 5).allowed).toBe(false);
    expect(takeToken(empty, 500, 2, 5).allowed).toBe(true);
  });

  it('never holds more than `burst`', () => {
    expect(takeToken({ tokens: 1, updatedAt: 0 }, 1_000_000, 10, 4).bucket.tokens).toBe(3);
  });

  it('ignores clocks going backwards', () => {
    expect(takeToken({ tokens: 0.5, updatedAt: 1000 }, 500, 1, 4)).toMatchObject({ allowed: false });
  });
});

describe('RateLimiter', () => {
  it('keeps separate buckets per key', () => {
    const l = new RateLimiter(1, 1);
    expect(l.take('a', 0).allowed).toBe(true);
    expect(l.take('a', 0).allowed).toBe(false);
    expect(l.take('b', 0).allowed).toBe(true);
  });
});
