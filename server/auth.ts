/** Agent authentication: argon2id password hashes and opaque session cookies. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { clientAddress } from './http';
import { hashToken } from './ids';
import type { AgentRecord, Store } from './store/types';
import type { SpendSink } from './domain/rate-limit';

export const SESSION_COOKIE = 'mostrador_session';
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's recommended minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against this when the email is unknown keeps response times alike for both cases.
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash('not-a-real-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** The signed-in agent for this request's session cookie, or null. */
export async function agentFromRequest(c: Context, store: Store, now: number): Promise<AgentRecord | null> {
  return (await sessionFromRequest(c, store, now))?.agent ?? null;
}

/** How stale a session's "last seen" may get before a request records it again (one write a minute at most). */
export const LAST_SEEN_EVERY_MS = 60_000;

/** The live session this request's cookie names: its agent, the token's hash and when it expires. */
export async function sessionFromRequest(c: Context, store: Store, now: number): Promise<{ agent: AgentRecord; tokenHash: string; expiresAt: number } | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 128) return null;
  const tokenHash = hashToken(token);
  const live = await store.sessions.live(tokenHash, now);
  if (!live) return null;
  // "Where you're signed in" shows when and from where each session was last used.
  // Best effort: a store that cannot write now (disk full, read-only) still lets the agent read.
  if (now - live.lastSeenAt >= LAST_SEEN_EVERY_MS) await store.sessions.touch(tokenHash, now, clientAddress(c)).catch(() => undefined);
  return { agent: live.agent, expiresAt: live.expiresAt, tokenHash };
}

/** The header the console sends its CSRF token in on every state-changing request. */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * The session's CSRF token: derived from the (random, httpOnly) session token, so it is random,
 * lives and dies with the session, and needs no storage. It cannot be computed without the
 * session token, and the database keeps only a different hash of that.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`mostrador-csrf\0${sessionToken}`).digest('base64url');
}

/**
 * Whether a request carries the right CSRF token for its session cookie. A request without a
 * session cookie passes: it is not authenticated, so the route answers 401 on its own.
 */
export function csrfOk(c: Context): boolean {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return true;
  const sent = c.req.header(CSRF_HEADER) ?? '';
  const want = Buffer.from(csrfTokenFor(token));
  const got = Buffer.from(sent);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Counts failed sign-ins per key (email and address) in a sliding window. In memory: one
 * process is the deployment unit today; a shared limiter comes with multi-node support.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private share: { name: string; sink: SpendSink } | null = null;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.max) return 0;
    return recent[0]! + this.windowMs - now;
  }

  fail(key: string, now: number): void {
    this.count(key, 1, now);
    this.share?.sink.spent(this.share.name, key, 1);
  }

  /** With several nodes: failures are told to the others (`sink`), whose own come in by `debit`. */
  shareAs(name: string, sink: SpendSink): this {
    this.share = { name, sink };
    return this;
  }

  /** Failures of `key` another node saw at about `now`. */
  debit(key: string, failures: number, now: number): void {
    this.count(key, failures, now);
  }

  private count(key: string, n: number, now: number): void {
    const recent = this.recent(key, now);
    for (let i = 0; i < n; i++) recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [key, list] of this.failures) if (!list.some((t) => t > now - this.windowMs)) this.failures.delete(key);
  }
}

/** Sign-in throttling numbers (docs/security.md). Windows are sliding, counts are failures. */
export const SIGN_IN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  /** Failures for one email from one address: the guesser is slowed, the owner elsewhere is not. */
  perEmailAndAddress: 10,
  /** Failures from one address across all emails (an office behind one address shares it). */
  perAddress: 50,
  /**
   * Failures for one email from all addresses where it has not signed in lately: the ceiling on
   * guessing one password from many addresses (≤ 9,600 a day). Addresses where it did sign in
   * are exempt, so a distributed attack never locks the owner out of their usual address.
   */
  perEmail: 100,
  /** How long a successful sign-in makes its address "usual" for that email, and how many are kept. */
  trustedForMs: 30 * 24 * 60 * 60 * 1000,
  trustedPerEmail: 10,
} as const;

/**
 * Decides whether a sign-in attempt may be tried now, by (email, address), by address, and by
 * email from unfamiliar addresses — so ten wrong passwords from somewhere else do not lock the
 * real agent out. In memory, like FailureLimiter.
 */
export class SignInThrottle {
  private readonly pair = new FailureLimiter(SIGN_IN_LIMITS.perEmailAndAddress, SIGN_IN_LIMITS.windowMs);
  private readonly address = new FailureLimiter(SIGN_IN_LIMITS.perAddress, SIGN_IN_LIMITS.windowMs);
  private readonly email = new FailureLimiter(SIGN_IN_LIMITS.perEmail, SIGN_IN_LIMITS.windowMs);
  /** email → address → time of the last successful sign-in from there. */
  private readonly trusted = new Map<string, Map<string, number>>();

  /**
   * With several nodes: failures count on every node (`<name>.pair`, `.address`, `.email`), so a
   * guesser spreading attempts over N nodes gets one budget, not N. Successes stay local.
   */
  shareAs(name: string, sink: SpendSink): [string, FailureLimiter][] {
    const parts: [string, FailureLimiter][] = [
      [`${name}.pair`, this.pair],
      [`${name}.address`, this.address],
      [`${name}.email`, this.email],
    ];
    for (const [n, limiter] of parts) limiter.shareAs(n, sink);
    return parts;
  }

  /** Milliseconds until this email may be tried from this address, or 0 now. */
  retryAfter(email: string, address: string, now: number): number {
    return Math.max(
      this.pair.retryAfter(`${email}\n${address}`, now),
      this.address.retryAfter(address, now),
      this.isTrusted(email, address, now) ? 0 : this.email.retryAfter(email, now),
    );
  }

  failed(email: string, address: string, now: number): void {
    this.pair.fail(`${email}\n${address}`, now);
    this.address.fail(address, now);
    if (!this.isTrusted(email, address, now)) this.email.fail(email, now);
  }

  succeeded(email: string, address: string, now: number): void {
    this.pair.reset(`${email}\n${address}`);
    let known = this.trusted.get(email);
    if (!known) this.trusted.set(email, (known = new Map()));
    known.delete(address);
    known.set(address, now);
    // Oldest first (insertion order): keep the most recent few.
    while (known.size > SIGN_IN_LIMITS.trustedPerEmail) known.delete(known.keys().next().value!);
    if (this.trusted.size > 100_000) this.trusted.delete(this.trusted.keys().next().value!);
  }

  private isTrusted(email: string, address: string, now: number): boolean {
    const at = this.trusted.get(email)?.get(address);
    return at !== undefined && now - at < SIGN_IN_LIMITS.trustedForMs;
  }
}
