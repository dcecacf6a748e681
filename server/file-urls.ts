/**
 * Attachment URLs are capabilities: /files/<id>/<name>?exp=<unix s>&sig=<hmac>. <img> tags cannot
 * send credentials, so the URL itself proves the right to read that one file until it expires.
 * The key is the server's own secret (DATA_DIR/server.key), never a user's token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How long a signed file URL stays valid; clients get fresh ones with every sync. */
export const FILE_URL_TTL_SEC = 7 * 24 * 60 * 60;

/** Loads (creating on first start) the server's signing key. */
export function loadServerKey(dataDir: string): Buffer {
  const file = join(dataDir, 'server.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

export class FileUrls {
  constructor(private readonly key: Buffer) {}

  private mac(id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}.${exp}`).digest('base64url');
  }

  /** The signed path for a file, valid until `nowMs` + TTL (rounded so URLs stay cacheable for a day). */
  sign(id: string, name: string, nowMs: number): string {
    const day = 24 * 60 * 60;
    const exp = Math.ceil((nowMs / 1000 + FILE_URL_TTL_SEC) / day) * day;
    return `/files/${encodeURIComponent(id)}/${encodeURIComponent(name)}?exp=${exp}&sig=${this.mac(id, exp)}`;
  }

  /** True when `sig` is valid for the file and not expired. */
  verify(id: string, exp: string | undefined, sig: string | undefined, nowMs: number): boolean {
    const e = Number(exp);
    if (!Number.isInteger(e) || !sig || e * 1000 < nowMs) return false;
    const expected = Buffer.from(this.mac(id, e));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
