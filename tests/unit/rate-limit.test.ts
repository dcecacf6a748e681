import { describe, expect, it } from 'vitest';
import { LookupGuard, RateLimiter, addressKey, takeToken } from '../../server/domain/rate-limit';

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

describe('LookupGuard', () => {
  it('counts failed lookups per email (any case), per address and per site, and refills by the hour', () => {
    const guard = new LookupGuard({ email: { rate: 1 / 3600, burst: 2 }, address: { rate: 1 / 3600, burst: 3 }, site: { rate: 1 / 3600, burst: 5 } });
    const at = (email: string, address: string, siteId = 's1') => ({ siteId, email, address });
    guard.failed(at('Maria@example.com', '10.0.0.1'), 0);
    guard.failed(at('maria@example.com ', '10.0.0.2'), 0);
    expect(guard.allows(at('MARIA@example.com', '10.0.0.3'), 0)).toBe(false);
    expect(guard.allows(at('maria@example.com', '10.0.0.3', 's2'), 0)).toBe(true);
    guard.failed(at('a@example.com', '10.0.0.9'), 0);
    guard.failed(at('b@example.com', '10.0.0.9'), 0);
    guard.failed(at('c@example.com', '10.0.0.9'), 0);
    expect(guard.allows(at('d@example.com', '10.0.0.9'), 0)).toBe(false);
    // The site's budget (5) is spent too, whoever asks next.
    expect(guard.allows(at('e@example.com', '10.0.0.10'), 0)).toBe(false);
    expect(guard.allows(at('e@example.com', '10.0.0.10'), 3_600_000)).toBe(true);
  });

  it('limits an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  });
});
