import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identityHash, verifyIdentityHash } from '../../server/domain/identity';

describe('identityHash', () => {
  it('is hex HMAC-SHA256 of the id keyed with the secret key', () => {
    expect(identityHash('cus_1', 'sk_x')).toBe(createHmac('sha256', 'sk_x').update('cus_1').digest('hex'));
    expect(identityHash('cus_1', 'sk_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('verifyIdentityHash', () => {
  const good = identityHash('cus_1', 'sk_x');
  it.each([
    ['the right hash', good, true],
    ['the right hash in upper case', good.toUpperCase(), true],
    ['a hash for another id', identityHash('cus_2', 'sk_x'), false],
    ['a hash with another key', identityHash('cus_1', 'sk_y'), false],
    ['a truncated hash', good.slice(0, 63), false],
    ['a non-hex string', 'z'.repeat(64), false],
    ['nothing', undefined, false],
    ['an empty string', '', false],
  ])('%s → %s', (_name, hash, expected) => {
    expect(verifyIdentityHash('cus_1', hash, 'sk_x')).toBe(expected);
  });
});
