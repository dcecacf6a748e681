/**
 * How shop platforms sign what they send us, checked in constant time. Pure.
 * - Shopify and WooCommerce webhooks: base64(HMAC-SHA256(secret, raw body)) in a header.
 * - Shopify app proxy: hex HMAC-SHA256 over the query parameters except `signature`, sorted by
 *   name, each `name=value` (repeated names' values joined with commas), concatenated with no
 *   separator (shopify.dev, "Authenticate app proxies").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `header` is the base64 HMAC-SHA256 of `body` under `secret`. */
export function verifyBodyHmac(body: Buffer, secret: string, header: string | undefined | null): boolean {
  if (!header || !secret || !/^[A-Za-z0-9+/]{43}=$/.test(header.trim())) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return equalBytes(Buffer.from(header.trim(), 'base64'), expected);
}

/** The message Shopify signs for an app proxy request: `a=1b=x,yc=` (sorted, no separators). */
export function appProxyMessage(params: URLSearchParams): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === 'signature') continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  return [...grouped.keys()]
    .sort()
    .map((key) => `${key}=${grouped.get(key)!.join(',')}`)
    .join('');
}

/** True when the query's `signature` is Shopify's for these parameters under the app's secret. */
export function verifyAppProxy(params: URLSearchParams, secret: string): boolean {
  const signature = params.get('signature') ?? '';
  if (!secret || !/^[0-9a-f]{64}$/i.test(signature) || params.getAll('signature').length !== 1) return false;
  const expected = createHmac('sha256', secret).update(appProxyMessage(params), 'utf8').digest();
  return equalBytes(Buffer.from(signature.toLowerCase(), 'hex'), expected);
}
