/** HTTP helpers shared by routes: origin checks, problem+json errors, body limits and the client's address. */
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from './logger';
import { StoreUnavailableError } from './store/errors';
import { MAX_UPLOAD_BYTES } from './domain/files';
import { resolveClient, type ClientInfo, type TrustProxy } from './domain/proxy';

/**
 * True when the request's Origin is this server's own origin: PUBLIC_URL when configured,
 * otherwise the Host the request was sent to.
 */
export function isSameOrigin(c: Context, origin: string | undefined, publicUrl: string): boolean {
  if (!origin) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (publicUrl) return parsed.origin === new URL(publicUrl).origin;
  const host = c.req.header('host');
  return !!host && parsed.host === host.toLowerCase();
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;

/** What a problem may carry beyond its title: `code` is stable for programs, `detail` and `field` are for people and forms. */
export interface ProblemExtra {
  code?: string;
  detail?: string;
  /** The offending field, a dotted path into the body (`canned.2.shortcut`). */
  field?: string;
  [key: string]: unknown;
}

/**
 * The one shape of every REST error answer (RFC 9457, application/problem+json): `type` names
 * the `code` (https://mostrador.dev/problems/<code>), or is about:blank without one. Headers
 * already set on the context (Retry-After, WWW-Authenticate, Cache-Control) go with it.
 */
export function problem(c: Context, status: ProblemStatus, title: string, extra: ProblemExtra = {}) {
  const type = extra.code ? `https://mostrador.dev/problems/${extra.code}` : 'about:blank';
  return c.body(JSON.stringify({ type, title, status, ...extra }), status, {
    'Content-Type': 'application/problem+json',
  });
}

/** A refusal thrown from anywhere in a request (Hono's HTTPException): `app.onError` answers it with `problem`. */
export class Problem extends HTTPException {
  constructor(
    override readonly status: ProblemStatus,
    title: string,
    readonly extra: ProblemExtra = {},
  ) {
    super(status, { message: title });
  }
}

/**
 * The error handler of the whole app (server/app.ts `app.onError`): a thrown Problem or other
 * HTTPException becomes its problem answer; a store that refused a write is a 503 worth retrying;
 * anything else is logged and answered 500 without detail.
 */
export function problemOnError(logger: Pick<Logger, 'warn' | 'error'>): ErrorHandler {
  return (err, c) => {
    if (err instanceof Problem) return problem(c, err.status, err.message, err.extra);
    if (err instanceof HTTPException) return problem(c, err.status as ProblemStatus, err.message || 'the request was refused');
    // The disk or database refused a write: nothing was stored, and trying again later is right.
    if (err instanceof StoreUnavailableError) {
      logger.warn({ err, path: c.req.path }, 'store unavailable');
      c.header('Retry-After', '5');
      return problem(c, 503, 'storage is unavailable; nothing was saved, try again shortly', { code: 'store_unavailable' });
    }
    logger.error({ err, path: c.req.path }, 'request failed');
    return problem(c, 500, 'internal error', { code: 'internal' });
  };
}

/**
 * The largest request body each kind of route reads, in bytes. Checked before anything parses
 * the body, and before authentication: a declared Content-Length above the limit is answered at
 * once; a chunked body is counted as it arrives and refused as soon as it passes the limit (at
 * most the limit is ever buffered).
 */
export const BODY_LIMITS = {
  /** POST /api/agent/session: an email (≤ 254) and a password (≤ 1,024 characters) in JSON. */
  signIn: 16 * 1024,
  /** The console's agent and admin API, and the REST API /api/v1 (whose own reader also stops at 1 MiB). */
  api: 1024 * 1024,
  /** Uploads: a file of up to 10 MB (checked here by its declared length; the route streams the rest). */
  upload: MAX_UPLOAD_BYTES,
  /** Shop platforms' webhooks (/integrations/…): Shopify's largest orders are a few hundred KB. */
  shopWebhook: 2 * 1024 * 1024,
  /** Everything else (the demo's back office, pages, anything new): small JSON at most. */
  other: 64 * 1024,
} as const;

function tooLarge(max: number) {
  return (c: Context) => {
    // No `Connection: close`: closing at once would reset the connection under a client still
    // writing, which then never reads this answer. The Node adapter discards what is still
    // coming (at most 64 MiB or 500 ms, never buffered) and then closes.
    return problem(c, 413, 'The body is too large', { code: 'body_too_large', detail: `at most ${max} bytes` });
  };
}

/**
 * Body limits for every route (see BODY_LIMITS), mounted before all of them. Uploads are checked
 * here only by their declared length: an undeclared (chunked) upload is counted by the upload
 * route itself after it has authenticated the uploader, so no stranger can make us buffer 10 MB.
 */
export function bodyLimits(): MiddlewareHandler {
  const limit = (max: number) => bodyLimit({ maxSize: max, onError: tooLarge(max) });
  const signIn = limit(BODY_LIMITS.signIn);
  const api = limit(BODY_LIMITS.api);
  const other = limit(BODY_LIMITS.other);
  const shopWebhook = limit(BODY_LIMITS.shopWebhook);
  const uploadTooLarge = tooLarge(BODY_LIMITS.upload);
  return async (c, next) => {
    if (/^(GET|HEAD|OPTIONS)$/.test(c.req.method) && !c.req.header('content-length') && !c.req.header('transfer-encoding')) return next();
    const path = c.req.path;
    if (path.startsWith('/api/uploads/')) {
      const declared = Number(c.req.header('content-length') ?? NaN);
      return Number.isFinite(declared) && declared > BODY_LIMITS.upload ? uploadTooLarge(c) : next();
    }
    if (path === '/api/agent/session') return signIn(c, next);
    // A raw mail: the route reads it up to MAIL_MAX_BYTES itself and refuses more.
    if (path === '/api/v1/inbound-email') return next();
    if (path.startsWith('/api/agent/') || path.startsWith('/api/v1/')) return api(c, next);
    if (path.startsWith('/integrations/')) return shopWebhook(c, next);
    return other(c, next);
  };
}
declare module 'hono' {
  interface ContextVariableMap {
    /** Set once per request by `clientInfo` (app.ts): the client behind any trusted proxies. */
    client: ClientInfo;
  }
}

/** The TCP peer of a request served by @hono/node-server (`unknown` under `app.request()`). */
function peerOf(c: Context): { peer: string; socketProtocol: 'http:' | 'https:' } {
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string; encrypted?: boolean } } } | undefined)?.incoming?.socket;
  return { peer: socket?.remoteAddress ?? 'unknown', socketProtocol: socket?.encrypted ? 'https:' : 'http:' };
}

/**
 * Middleware: works out the client's address and protocol once per request, from the proxy's
 * X-Forwarded-For / X-Forwarded-Proto only when TRUST_PROXY says the peer is our proxy.
 */
export function clientInfo(trust: TrustProxy): MiddlewareHandler {
  return async (c, next) => {
    c.set('client', resolveClient({ ...peerOf(c), forwardedFor: c.req.header('x-forwarded-for'), forwardedProto: c.req.header('x-forwarded-proto') }, trust));
    return next();
  };
}

/**
 * THE client address: every per-address budget (sign-in throttle, API key guessing, uploads)
 * keys by this, so behind a trusted proxy each shopper or agent has their own budget.
 */
export function clientAddress(c: Context): string {
  return c.get('client')?.address ?? peerOf(c).peer;
}

/** The protocol the client used (`https:` behind a TLS-terminating trusted proxy). */
export function clientProtocol(c: Context): 'http:' | 'https:' {
  return c.get('client')?.protocol ?? peerOf(c).socketProtocol;
}

/**
 * This server's public origin: PUBLIC_URL when set, else what the client reached (trusted
 * proxy's protocol + Host). Used for the embed snippet and every link we hand out.
 */
export function publicOrigin(c: Context, publicUrl: string): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `${clientProtocol(c)}//${c.req.header('host') ?? 'localhost'}`;
}
