import { describe, expect, it } from 'vitest';
import { frameAncestors, originAllowed, originMatches } from '../../server/domain/origins';

describe('originMatches', () => {
  it.each([
    ['https://shop.example', 'https://shop.example', true],
    ['https://shop.example', 'https://shop.example/', true],
    ['https://shop.example:443', 'https://shop.example', true],
    ['http://shop.example', 'https://shop.example', false],
    ['https://shop.example:8443', 'https://shop.example', false],
    ['http://localhost:5173', 'http://localhost:*', true],
    ['http://localhost', 'http://localhost:*', true],
    ['http://localhost.evil.example:5173', 'http://localhost:*', false],
    ['https://www.shop.example', 'https://*.shop.example', true],
    ['https://a.b.shop.example', 'https://*.shop.example', true],
    ['https://shop.example', 'https://*.shop.example', false],
    ['https://evilshop.example', 'https://*.shop.example', false],
    ['null', 'https://shop.example', false],
    ['https://*.shop.example', 'https://*.shop.example', false],
    ['javascript:alert(1)', 'https://shop.example', false],
  ])('%s against %s → %s', (origin, pattern, expected) => {
    expect(originMatches(origin, pattern)).toBe(expected);
  });
});

describe('originAllowed', () => {
  it('refuses a missing origin', () => {
    expect(originAllowed(undefined, ['http://localhost:*'])).toBe(false);
    expect(originAllowed('', ['http://localhost:*'])).toBe(false);
  });
  it('accepts any matching pattern', () => {
    expect(originAllowed('http://127.0.0.1:8080', ['http://localhost:*', 'http://127.0.0.1:*'])).toBe(true);
  });
});

describe('frameAncestors', () => {
  it('lists self and the valid patterns, dropping invalid ones', () => {
    expect(frameAncestors(['https://shop.example/', 'http://localhost:*', 'not an origin; script-src *'])).toBe(
      "frame-ancestors 'self' https://shop.example http://localhost:*",
    );
  });
});
