/**
 * Agent sign-in and sign-out. Sessions are opaque random tokens in an httpOnly, SameSite=Strict
 * cookie; the database keeps only their SHA-256. State-changing requests must come from our own
 * origin (checked on Origin / Sec-Fetch-Site) and carry JSON, which a cross-site form cannot.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as v from 'valibot';
import { SESSION_COOKIE, SignInThrottle, SESSION_TTL_MS, agentFromRequest, csrfOk, csrfTokenFor, verifyPassword } from '../auth';
import { clientAddress, clientProtocol, isSameOrigin, problem } from '../http';
import { hashToken, newToken } from '../ids';
import type { Logger } from '../logger';
import type { SecurityLog } from '../security-log';
import type { Store } from '../store/types';
import type { AgentSockets } from '../ws/agent-gateway';

const SignIn = v.object({
  email: v.pipe(v.string(), v.trim(), v.email('email is not valid'), v.maxLength(254)),
  password: v.pipe(v.string(), v.minLength(1, 'password is required'), v.maxLength(1024)),
  /** The shop's public key, when the same email and password open more than one (see 409 choose_site). */
  site: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

export interface AgentAuthDeps {
  store: Store;
  logger: Logger;
  publicUrl: string;
  now: () => number;
  /** Sign-in failures are reported here (rate-limited), keyed by client address. */
  securityLog?: SecurityLog;
  /** Signing out closes the session's open sockets (4001) before answering. */
  agentSockets?: AgentSockets;
}

/**
 * Refuses unsafe requests of a signed-in session without its CSRF token (X-CSRF-Token), with
 * 403 `csrf`. Signing in is exempt: there is no session yet, and the Origin checks guard it.
 */
export function csrfProtected(opts: { except?: (c: Context) => boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    if (/^(GET|HEAD|OPTIONS)$/.test(c.req.method) || opts.except?.(c)) return next();
    if (!csrfOk(c)) return problem(c, 403, 'missing or wrong CSRF token', { code: 'csrf' });
    return next();
  };
}

/** Refuses unsafe methods unless they come from our own origin with a JSON body. */
export function sameOriginOnly(publicUrl: string): MiddlewareHandler {
  return async (c, next) => {
    if (/^(GET|HEAD|OPTIONS)$/.test(c.req.method)) return next();
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    if ((site && site !== 'same-origin') || (origin && !isSameOrigin(c, origin, publicUrl))) {
      return problem(c, 403, 'cross-origin request refused');
    }
    if (c.req.method !== 'DELETE' && !/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return problem(c, 415, 'send JSON (Content-Type: application/json)');
    }
    return next();
  };
}

function isSecure(c: Context, publicUrl: string): boolean {
  if (publicUrl) return publicUrl.startsWith('https:');
  return clientProtocol(c) === 'https:';
}

export function agentAuthRoutes(deps: AgentAuthDeps) {
  const app = new Hono();
  // By (email, address), by address and by email from unfamiliar addresses: see SIGN_IN_LIMITS.
  const throttle = new SignInThrottle();
  app.use('*', sameOriginOnly(deps.publicUrl));
  // Everything under /api/agent (this app is mounted there, so also admin and the agent API).
  app.use('*', csrfProtected({ except: (c) => c.req.method === 'POST' && c.req.path.replace(/^\/api\/agent/, '') === '/session' }));

  app.post('/session', async (c) => {
    const now = deps.now();
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem(c, 400, 'body is not valid JSON');
    }
    const parsed = v.safeParse(SignIn, body);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      return problem(c, 400, issue.message, { field: issue.path?.map((p) => String(p.key)).join('.') });
    }
    const email = parsed.output.email.toLowerCase();
    const address = clientAddress(c);
    const wait = throttle.retryAfter(email, address, now);
    if (wait > 0) {
      deps.securityLog?.record('sign_in_failed', address, { address, email, throttled: true }, 'sign-in refused: too many attempts');
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return problem(c, 429, 'too many sign-in attempts', { code: 'rate_limited' });
    }
    // An email is unique per site, so it may be an agent of several shops: the password decides
    // which. An unknown email still costs one verification, like a known one.
    const candidates = (await deps.store.agents.forSignIn(email)).filter((a) => !a.disabled && (!parsed.output.site || a.site.publicKey === parsed.output.site));
    const matches = [];
    if (candidates.length === 0) await verifyPassword(null, parsed.output.password);
    for (const candidate of candidates) if (await verifyPassword(candidate.passwordHash, parsed.output.password)) matches.push(candidate);
    if (matches.length === 0) {
      throttle.failed(email, address, now);
      deps.securityLog?.record('sign_in_failed', address, { address, email }, 'sign-in refused: wrong email or password');
      return problem(c, 401, 'email or password is not correct', { code: 'bad_credentials' });
    }
    if (matches.length > 1) {
      // Only someone who knows the password of each learns these shops: ask which one.
      return problem(c, 409, 'this email and password open more than one shop: choose one', {
        code: 'choose_site',
        sites: matches.map((m) => ({ key: m.site.publicKey, name: m.site.name })),
      });
    }
    const agent = matches[0]!;
    throttle.succeeded(email, address, now);
    const token = newToken(32);
    await deps.store.sessions.create({ tokenHash: hashToken(token), agentId: agent.id, siteId: agent.siteId, now, ttlMs: SESSION_TTL_MS });
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isSecure(c, deps.publicUrl),
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    deps.logger.info({ agentId: agent.id }, 'agent signed in');
    return c.json({ agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, csrfToken: csrfTokenFor(token) });
  });

  app.delete('/session', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const tokenHash = hashToken(token);
      // Both at once: the sockets stop handling frames now (closed 4001, the frame in hand
      // settled) while the row goes; after the 204 this session does nothing anywhere.
      await Promise.all([deps.store.sessions.delete(tokenHash), deps.agentSockets?.endSession(tokenHash)]);
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/me', async (c) => {
    const agent = await agentFromRequest(c, deps.store, deps.now());
    if (!agent) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    c.header('Cache-Control', 'no-store');
    return c.json({ agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, csrfToken: csrfTokenFor(getCookie(c, SESSION_COOKIE)!) });
  });

  return app;
}
