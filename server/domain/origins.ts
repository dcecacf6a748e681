/**
 * Origin rules for embedding and WebSocket upgrades. A site lists origin patterns:
 *   "https://shop.example"      exactly that origin
 *   "http://localhost:*"        any port on that scheme and host
 *   "https://*.shop.example"    any subdomain (not the bare domain)
 * Pure functions: no I/O, no globals.
 */

interface ParsedOrigin {
  scheme: string;
  host: string;
  port: string;
}

function defaultPort(scheme: string): string {
  return scheme === 'https' ? '443' : scheme === 'http' ? '80' : '';
}

/** Parses `scheme://host[:port]` (an Origin header or a pattern with `*` in host or port). */
function parse(origin: string): ParsedOrigin | null {
  const m = /^(https?):\/\/([a-z0-9.*-]+|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?\/?$/i.exec(origin.trim());
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  return { scheme, host: m[2]!.toLowerCase(), port: m[3] ?? defaultPort(scheme) };
}

/** True when `origin` (an exact Origin header value) matches `pattern`. */
export function originMatches(origin: string, pattern: string): boolean {
  const o = parse(origin);
  const p = parse(pattern);
  if (!o || !p || o.host.includes('*') || o.port === '*') return false;
  if (o.scheme !== p.scheme) return false;
  if (p.port !== '*' && p.port !== o.port) return false;
  if (p.host.startsWith('*.')) {
    const suffix = p.host.slice(1); // ".shop.example"
    return o.host.endsWith(suffix) && o.host.length > suffix.length;
  }
  return !p.host.includes('*') && p.host === o.host;
}

/** True when `origin` matches any of the site's patterns. */
export function originAllowed(origin: string | undefined | null, patterns: readonly string[]): boolean {
  if (!origin) return false;
  return patterns.some((p) => originMatches(origin, p));
}

/** True when the pattern is one `originMatches` understands (used to validate settings input). */
export function isValidOriginPattern(pattern: string): boolean {
  return parse(pattern) !== null;
}

/**
 * The CSP `frame-ancestors` source list for a site: the panel iframe may only be embedded by
 * pages on the site's allowed origins (plus our own origin, for previews).
 */
export function frameAncestors(patterns: readonly string[]): string {
  const sources = patterns.filter(isValidOriginPattern).map((p) => p.trim().replace(/\/$/, ''));
  return ['frame-ancestors', "'self'", ...sources].join(' ');
}
