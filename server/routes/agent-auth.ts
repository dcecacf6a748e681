/**
 * Agent sign-in and sign-out. Sessions are opaque random tokens in an httpOnly, SameSite=Strict
 * cookie; the database keeps only their SHA-256. State-changing requests must come from our own
 * origin (checked on Origin / Sec-Fetch-Site) and carry JSON, which a cross-site form cannot.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as v from 'valibot';
import { PASSWORD_MAX } from '../../shared/accounts';
import { acceptInvite, changePassword, endOtherSessions, endSession, requestPasswordReset, resetPassword, sessionId, type AccountDeps, type AccountRefusal } from '../app/accounts';
import { RateLimiter } from '../domain/rate-limit';
import { SESSION_COOKIE, SignInThrottle, SESSION_TTL_MS, agentFromRequest, csrfOk, csrfTokenFor, sessionFromRequest, verifyPassword } from '../auth';
import { clientAddress, clientProtocol, isSameOrigin, problem, publicOrigin } from '../http';
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

const ChangePassword = v.object({
  currentPassword: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(PASSWORD_MAX)),
  newPassword: v.pipe(v.string(), v.maxLength(PASSWORD_MAX)),
});

const AcceptInvite = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must have at most 100 characters')),
  password: v.pipe(v.string(), v.maxLength(PASSWORD_MAX)),
});

const ResetRequest = v.object({ email: v.pipe(v.string(), v.trim(), v.email('must be an email address'), v.maxLength(254)) });
const ResetPassword = v.object({ password: v.pipe(v.string(), v.maxLength(PASSWORD_MAX)) });

/** 422 for a refused account change: the field it names, and the password rule it broke. */
function refusalProblem(c: Context, r: AccountRefusal): Response {
  const detail = `${'field' in r ? `${r.field}: ` : ''}${r.message}`;
  return problem(c, 422, detail, { code: r.code, detail, ...('field' in r ? { field: r.field } : {}), ...('reason' in r ? { reason: r.reason } : {}) });
}

/** An invitation token as we hand them out (newToken(32): base64url). */
const INVITE_TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

export interface AgentAuthDeps {
  store: Store;
  logger: Logger;
  publicUrl: string;
  now: () => number;
  /** Sign-in failures are reported here (rate-limited), keyed by client address. */
  securityLog?: SecurityLog;
  /** Signing out closes the session's open sockets (4001) before answering. */
  agentSockets?: AgentSockets;
  /** False when no mail can be sent (SMTP_URL unset outside the demo): a reset request says so. */
  mailConfigured?: boolean;
  /** Sign-in failures counted across nodes (app.ts shares it when REDIS_URL joins several). */
  throttle?: SignInThrottle;
  /** With several nodes: shares a budget with the others under a name (cluster-node.ts). */
  share?: (name: string, limiter: RateLimiter) => RateLimiter;
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
  const throttle = deps.throttle ?? new SignInThrottle();
  app.use('*', sameOriginOnly(deps.publicUrl));
  // Everything under /api/agent (this app is mounted there, so also admin and the agent API).
  // Accepting an invitation is exempt too: the invitee may still carry another account's cookie.
  app.use(
    '*',
    csrfProtected({
      except: (c) => {
        const path = c.req.path.replace(/^\/api\/agent/, '');
        return c.req.method === 'POST' && (path === '/session' || /^\/invites\/[^/]+\/accept$/.test(path));
      },
    }),
  );
  const accounts: AccountDeps = { store: deps.store, now: deps.now, endSocketsOfSession: (h) => deps.agentSockets?.endSession(h) ?? Promise.resolve() };

  /** Starts a session for `agent` on this response: the cookie, and what the console keeps. */
  async function startSession(c: Context, agent: { id: string; siteId: string; name: string; email: string; role: string }, now: number) {
    const token = newToken(32);
    await deps.store.sessions.create({
      tokenHash: hashToken(token),
      agentId: agent.id,
      siteId: agent.siteId,
      now,
      ttlMs: SESSION_TTL_MS,
      userAgent: c.req.header('user-agent') ?? null,
      address: clientAddress(c),
    });
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isSecure(c, deps.publicUrl),
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.json({ agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, csrfToken: csrfTokenFor(token) });
  }

  async function readBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<{ ok: true; value: v.InferOutput<S> } | { ok: false; res: Response }> {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return { ok: false, res: problem(c, 400, 'body is not valid JSON') };
    }
    const parsed = v.safeParse(schema, body);
    if (parsed.success) return { ok: true, value: parsed.output };
    const issue = parsed.issues[0];
    const field = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    return { ok: false, res: problem(c, 422, `${field}: ${issue.message}`, { detail: `${field}: ${issue.message}`, field }) };
  }

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
    deps.logger.info({ agentId: agent.id }, 'agent signed in');
    return startSession(c, agent, now);
  });

  // ---- the signed-in agent's own account: password and sessions ----

  app.post('/account/password', async (c) => {
    const now = deps.now();
    const session = await sessionFromRequest(c, deps.store, now);
    if (!session) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    const parsed = await readBody(c, ChangePassword);
    if (!parsed.ok) return parsed.res;
    // Guessing the current password here is throttled like signing in.
    const address = clientAddress(c);
    const wait = throttle.retryAfter(session.agent.email, address, now);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return problem(c, 429, 'too many attempts', { code: 'rate_limited' });
    }
    const result = await changePassword(accounts, { agent: session.agent, sessionHash: session.tokenHash, currentPassword: parsed.value.currentPassword, newPassword: parsed.value.newPassword });
    if (!result.ok) {
      const r = result.refusal;
      if (r.code === 'wrong_password') {
        throttle.failed(session.agent.email, address, now);
        deps.securityLog?.record('sign_in_failed', address, { address, email: session.agent.email, where: 'password change' }, 'password change refused: wrong current password');
      }
      return problem(c, r.code === 'wrong_password' ? 403 : 422, `${'field' in r ? `${r.field}: ` : ''}${r.message}`, {
        code: r.code,
        detail: `${'field' in r ? `${r.field}: ` : ''}${r.message}`,
        ...('field' in r ? { field: r.field } : {}),
        ...('reason' in r ? { reason: r.reason } : {}),
      });
    }
    deps.logger.info({ agentId: session.agent.id, endedSessions: result.endedSessions }, 'agent changed their password');
    return c.json({ endedSessions: result.endedSessions });
  });

  app.get('/account/sessions', async (c) => {
    const now = deps.now();
    const session = await sessionFromRequest(c, deps.store, now);
    if (!session) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    c.header('Cache-Control', 'no-store');
    const list = await deps.store.sessions.listForAgent(session.agent.id, now);
    return c.json({
      data: list.map((s) => ({
        id: sessionId(s.tokenHash),
        current: s.tokenHash === session.tokenHash,
        userAgent: s.userAgent,
        address: s.address,
        createdAt: new Date(s.createdAt).toISOString(),
        lastSeenAt: new Date(s.lastSeenAt).toISOString(),
      })),
    });
  });

  /** "Sign out everywhere else": every other session ends and its sockets close. */
  app.post('/account/sessions/revoke-others', async (c) => {
    const session = await sessionFromRequest(c, deps.store, deps.now());
    if (!session) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    const ended = await endOtherSessions(accounts, session.agent.id, session.tokenHash);
    return c.json({ endedSessions: ended });
  });

  app.delete('/account/sessions/:id', async (c) => {
    const session = await sessionFromRequest(c, deps.store, deps.now());
    if (!session) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    const ended = await endSession(accounts, session.agent.id, c.req.param('id'));
    return ended ? c.body(null, 204) : problem(c, 404, 'no such session', { code: 'not_found' });
  });

  // ---- invitations: the invitee opens the link, sets a name and password, and is signed in ----

  app.get('/invites/:token', async (c) => {
    const token = c.req.param('token');
    c.header('Cache-Control', 'no-store');
    const invite = INVITE_TOKEN.test(token) ? await deps.store.invites.byToken(hashToken(token), deps.now()) : null;
    if (!invite) return problem(c, 404, 'this invitation link is not valid: it was used, withdrawn or has expired', { code: 'invite_invalid' });
    return c.json({ email: invite.email, role: invite.role, siteName: invite.siteName, expiresAt: new Date(invite.expiresAt).toISOString() });
  });

  app.post('/invites/:token/accept', async (c) => {
    const now = deps.now();
    const token = c.req.param('token');
    const parsed = await readBody(c, AcceptInvite);
    if (!parsed.ok) return parsed.res;
    if (!INVITE_TOKEN.test(token)) return problem(c, 404, 'this invitation link is not valid: it was used, withdrawn or has expired', { code: 'invite_invalid' });
    const result = await acceptInvite(accounts, { token, name: parsed.value.name, password: parsed.value.password });
    if (!result.ok) {
      const r = result.refusal;
      if (r.code === 'invite_invalid') return problem(c, 404, r.message, { code: r.code });
      if (r.code === 'exists') return problem(c, 409, r.message, { code: r.code, field: r.field });
      return refusalProblem(c, r);
    }
    deps.logger.info({ agentId: result.agent.id }, 'invitation accepted');
    // An older session cookie in this browser (another account) is replaced.
    const old = getCookie(c, SESSION_COOKIE);
    if (old) {
      await deps.store.sessions.delete(hashToken(old));
      await deps.agentSockets?.endSession(hashToken(old));
    }
    return startSession(c, result.agent, now);
  });

  // ---- password reset by e-mail (no account enumeration: the request always answers alike) ----
  const share = deps.share ?? ((_name: string, limiter: RateLimiter) => limiter);
  const resetsPerAddress = share('resets.address', new RateLimiter(3 / 3600, 3));
  const resetsPerClient = share('resets.client', new RateLimiter(10 / 3600, 10));
  app.post('/password-reset', async (c) => {
    const parsed = await readBody(c, ResetRequest);
    if (!parsed.ok) return parsed.res;
    const email = parsed.value.email.toLowerCase();
    // At most 3 mails an hour per address and 10 requests per client: nobody's inbox is flooded through us.
    const allowed = resetsPerClient.take(clientAddress(c) ?? '', deps.now()).allowed && resetsPerAddress.take(email, deps.now()).allowed;
    if (allowed) {
      const sent = await requestPasswordReset(accounts, { email, origin: publicOrigin(c, deps.publicUrl) });
      deps.logger.info({ accounts: sent }, 'password reset requested');
    }
    return c.json({ sent: true, email: deps.mailConfigured !== false }, 202);
  });

  app.get('/password-reset/:token', async (c) => {
    const token = c.req.param('token');
    c.header('Cache-Control', 'no-store');
    const link = INVITE_TOKEN.test(token) ? await deps.store.passwordResets.byToken(hashToken(token), deps.now()) : null;
    if (!link) return problem(c, 410, 'this link is not valid: it was used or has expired; ask for a new one', { code: 'reset_invalid' });
    return c.json({ email: link.agent.email, siteName: link.siteName });
  });

  app.post('/password-reset/:token', async (c) => {
    const token = c.req.param('token');
    const parsed = await readBody(c, ResetPassword);
    if (!parsed.ok) return parsed.res;
    if (!INVITE_TOKEN.test(token)) return problem(c, 410, 'this link is not valid: it was used or has expired; ask for a new one', { code: 'reset_invalid' });
    const result = await resetPassword(accounts, { token, password: parsed.value.password });
    if (!result.ok) {
      const r = result.refusal;
      if (r.code === 'reset_invalid') return problem(c, 410, r.message, { code: r.code });
      return refusalProblem(c, r);
    }
    deps.securityLog?.record('password_reset', result.agent.id, { agentId: result.agent.id, siteId: result.agent.siteId, endedSessions: result.endedSessions }, `password reset for agent ${result.agent.id}`, 'info');
    return c.body(null, 204);
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
