/**
 * Seals the secrets a shop integration needs in clear at run time (a webhook signing secret, an
 * Admin API token) before they reach the database: AES-256-GCM under a key derived (HKDF) from
 * DATA_DIR/server.key, which never enters the database. A stolen database file or backup alone
 * yields no shop credentials; a tampered row fails to open instead of yielding wrong secrets.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SecretBox {
  private readonly key: Buffer;

  constructor(serverKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', serverKey, Buffer.alloc(0), 'mostrador integration secrets v1', 32));
  }

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url); `context` (site and platform) is bound as associated data. */
  seal(secrets: Record<string, string>, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The secrets, or throws when the box was sealed under another key or context, or altered. */
  open(sealed: string, context: string): Record<string, string> {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('sealed secrets: unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Record<string, string>;
  }
}
