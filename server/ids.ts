/** Identifiers and secrets. Ids are public and only need to be unique; tokens are secrets. */
import { createHash, randomBytes } from 'node:crypto';
import { customAlphabet } from 'nanoid';

const idBody = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 18);

/** A prefixed, URL-safe unique id, e.g. `cv_3fK9…` (≈107 bits of randomness). */
export function newId(prefix: string): string {
  return `${prefix}_${idBody()}`;
}

/** A bearer secret of `bytes` random bytes (default 32 = 256 bits), base64url. */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a token: what the database keeps instead of the token itself. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
