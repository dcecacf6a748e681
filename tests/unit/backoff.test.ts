import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../shared/reconnecting-socket';
import { FailureLimiter } from '../../server/auth';
import { pickLocale } from '../../shared/i18n';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 30_000, () => 0.999)).toBe(3996);
    expect(backoffDelay(30, 500, 30_000, () => 0.999)).toBe(29_970);
    expect(backoffDelay(5, 500, 30_000, () => 0.5)).toBe(8000);
  });
  it('never retries faster than 100 ms', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(100);
  });
});

describe('FailureLimiter', () => {
  it('blocks after max failures in the window and frees up after it', () => {
    const l = new FailureLimiter(3, 1000);
    l.fail('k', 0);
    l.fail('k', 100);
    expect(l.retryAfter('k', 200)).toBe(0);
    l.fail('k', 200);
    expect(l.retryAfter('k', 300)).toBe(700);
    expect(l.retryAfter('k', 1001)).toBe(0);
    expect(l.retryAfter('other', 300)).toBe(0);
  });
  it('resets on success', () => {
    const l = new FailureLimiter(1, 1000);
    l.fail('k', 0);
    l.reset('k');
    expect(l.retryAfter('k', 1)).toBe(0);
  });
});

describe('pickLocale', () => {
  it.each([
    [['es-ES'], 'es'],
    [['', 'en-GB'], 'en'],
    [[null, 'fr-FR', 'es'], 'es'],
    [['fr'], 'en'],
  ] as const)('%j → %s', (candidates, expected) => {
    expect(pickLocale(candidates)).toBe(expected);
  });
});
