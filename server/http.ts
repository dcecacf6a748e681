/** HTTP helpers shared by routes: origin checks and problem+json errors. */
import type { Context } from 'hono';

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
