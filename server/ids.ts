/** Identifiers and secrets. Ids are public and only need to be unique; tokens are secrets. */
import { createHash, randomBytes } from 'node:crypto';
import { customAlphabet } from 'nanoid';

const idBody = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 18);

/** A prefixed, URL-safe unique id, e.g. `cv_3fK9…` (≈107 bits of randomness). */
export function newId(prefix: string): string {
  return `${prefix}_${idBody()}`;
}

// In ASCII order, so that ids sort as their text does (in SQLite, PostgreSQL's "C" collation and JS).
const SORTED = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const sortableRandom = customAlphabet(SORTED, 12);
let lastMs = 0;
let lastStamp = '';

/**
 * A prefixed unique id that sorts by creation time, e.g. `msg_0KVcY2pA3x…`: 8 characters of the
 * millisecond (base 62, good until the year 8900) and 12 random ones (≈71 bits). For rows written
 * at a high rate (messages): a random key lands each new row on a random page of the primary-key
 * index, so a batch of n messages dirtied n index pages; in time order they share the last one.
 */
export function newSortableId(prefix: string): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    let n = ms;
    let stamp = '';
    for (let i = 0; i < 8; i++) {
      stamp = SORTED[n % 62]! + stamp;
      n = Math.floor(n / 62);
    }
    lastStamp = stamp;
  }
  return `${prefix}_${lastStamp}${sortableRandom()}`;
}

/** A bearer secret of `bytes` random bytes (default 32 = 256 bits), base64url. */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a token: what the database keeps instead of the token itself. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
