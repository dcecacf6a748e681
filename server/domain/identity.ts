/**
 * Identity verification for `identify({id, hash})`: the shop's backend computes
 * hash = hex(HMAC-SHA256(key = site secret key, message = id)) and prints it in the page. Only a
 * matching hash links the visitor to the customer record (and its orders).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The hash a merchant must send for `externalId`. */
export function identityHash(externalId: string, secretKey: string): string {
  return createHmac('sha256', secretKey).update(externalId, 'utf8').digest('hex');
}

/** Constant-time check of a claimed hash (any case of hex accepted). */
export function verifyIdentityHash(externalId: string, hash: string | undefined | null, secretKey: string): boolean {
  if (!hash || !/^[0-9a-f]{64}$/i.test(hash)) return false;
  const expected = Buffer.from(identityHash(externalId, secretKey), 'hex');
  const given = Buffer.from(hash.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
