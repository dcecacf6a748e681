/** HTTP helpers shared by routes: origin checks and problem+json errors. */
import type { Context, MiddlewareHandler } from 'hono';
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

/** An RFC 9457 problem response. */
export function problem(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503, title: string, extra: Record<string, unknown> = {}) {
  return c.body(JSON.stringify({ type: 'about:blank', title, status, ...extra }), status, {
    'Content-Type': 'application/problem+json',
  });
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
