/**
 * Signed links in e-mail: `<purpose>.<siteId>.<conversationId>.<exp>.<mac>`, HMAC-SHA256 with the
 * server's own key (DATA_DIR/server.key, like signed file URLs). A link gives access to its one
 * conversation, for one purpose, until it expires; nothing else is derived from it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'chat' | 'unsubscribe' | 'rate';

/** A chat link and a rating link last a week; an unsubscribe link a year. */
export const LINK_TTL_SEC: Record<LinkPurpose, number> = { chat: 7 * 24 * 60 * 60, unsubscribe: 365 * 24 * 60 * 60, rate: 7 * 24 * 60 * 60 };

export interface LinkClaims {
  purpose: LinkPurpose;
  siteId: string;
  conversationId: string;
  /** Unix seconds. */
  exp: number;
}

const PART = /^[A-Za-z0-9_-]{1,64}$/;

export class MailLinks {
  constructor(private readonly key: Buffer) {}

  private mac(c: Omit<LinkClaims, never>): string {
    return createHmac('sha256', this.key).update(`mail-link.${c.purpose}.${c.siteId}.${c.conversationId}.${c.exp}`).digest('base64url');
  }

  sign(purpose: LinkPurpose, siteId: string, conversationId: string, nowMs: number): string {
    const exp = Math.floor(nowMs / 1000) + LINK_TTL_SEC[purpose];
    const claims = { purpose, siteId, conversationId, exp };
    return `${purpose}.${siteId}.${conversationId}.${exp}.${this.mac(claims)}`;
  }

  /** The claims of a valid link for `purpose`, or why not ('invalid' or 'expired'). */
  verify(token: string, purpose: LinkPurpose, nowMs: number): { ok: true; claims: LinkClaims } | { ok: false; reason: 'invalid' | 'expired' } {
    const parts = token.split('.');
    if (parts.length !== 5) return { ok: false, reason: 'invalid' };
    const [p, siteId, conversationId, expRaw, mac] = parts as [string, string, string, string, string];
    const exp = Number(expRaw);
    if (p !== purpose || !PART.test(siteId) || !PART.test(conversationId) || !/^\d{1,12}$/.test(expRaw)) return { ok: false, reason: 'invalid' };
    const claims: LinkClaims = { purpose, siteId, conversationId, exp };
    const expected = Buffer.from(this.mac(claims));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
    if (exp * 1000 < nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }
}
