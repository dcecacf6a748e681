/**
 * Requests to merchant- and shop-supplied URLs (`safeRequest`) without letting them reach our own network. The decision is
 * made on addresses, never on names: an IP literal (however the URL spelled it — the URL
 * parser normalises 2130706433, 0x7f.1 and [::ffff:127.0.0.1]) is checked as it is; a host
 * name is resolved by our own `lookup`, which refuses the connection if ANY address it got is
 * not allowed and otherwise hands the socket exactly the addresses it checked. There is no
 * second resolution to race (DNS rebinding), and no redirect is ever followed.
 *
 * Failures reach the merchant as one of two answers ("target not allowed", "delivery failed";
 * the bot's handoff packet has its own two codes): whether a port refused, timed out or answered
 * with some status is for the operator's log only, so neither can be used as a port scanner.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { addressProblem } from '../domain/network';

export class BlockedTargetError extends Error {
  constructor(host: string, reason: string) {
    super(`${host} resolves to a private or reserved address (${reason})`);
    this.name = 'BlockedTargetError';
  }
}

/** What the merchant is told about a failed delivery: nothing a port scan could use. */
export const DELIVERY_ERRORS = {
  blocked: 'target not allowed: it resolves to a private or reserved address',
  failed: 'delivery failed',
} as const;

/** The merchant-facing description of a failed request (see DELIVERY_ERRORS). */
export function publicDeliveryError(err: unknown): string {
  return err instanceof BlockedTargetError ? DELIVERY_ERRORS.blocked : DELIVERY_ERRORS.failed;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** The host of a URL as a resolver or `isIP` wants it (no IPv6 brackets, no trailing dot). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** The first address of `addresses` that may not be reached, with why; null when all may. */
function firstRefused(addresses: readonly LookupAddress[]): { address: string; reason: string } | null {
  for (const a of addresses) {
    const reason = addressProblem(a.address);
    if (reason) return { address: a.address, reason };
  }
  return null;
}

/**
 * A `lookup` for http(s).request: resolves every address, refuses the connection when any of
 * them may not be reached, and connects only to the addresses it checked.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number } | number | undefined, callback: LookupCallback) => {
    const family = typeof options === 'number' ? options : (options?.family ?? 0);
    dnsLookup(hostname, { all: true, family, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      const refused = allowPrivate ? null : firstRefused(addresses);
      if (refused) return callback(new BlockedTargetError(hostname, refused.reason), []);
      if (typeof options === 'object' && options?.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** Resolves the host of `url` and says whether it may be a target (checked when a URL is saved). */
export function checkTarget(url: string, allowPrivate: boolean): Promise<'ok' | 'private' | 'unresolvable'> {
  const host = hostOf(new URL(url));
  if (isIP(host)) return Promise.resolve(!allowPrivate && addressProblem(host) ? 'private' : 'ok');
  return new Promise((resolve) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => {
      if (err || addresses.length === 0) return resolve('unresolvable');
      resolve(!allowPrivate && firstRefused(addresses) ? 'private' : 'ok');
    });
  });
}

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text: at most `maxBodyBytes` of it. */
  body: string;
}

export interface SafeRequestOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** How much of the answer is read (default 2 KiB, for logs). */
  maxBodyBytes?: number;
  /** A longer answer: `truncate` keeps its start (logs, the default); `fail` refuses it (data we parse whole). */
  overLimit?: 'truncate' | 'fail';
  /** The request body (POST: sent as JSON). */
  body?: string;
}

/**
 * Sends one request to a merchant- or shop-supplied URL through the address guard: POST (a
 * webhook, the merchant's bot; `opts.body` is JSON) or GET (a page of a shop's API). Gives up
 * after `timeoutMs`. Never follows redirects, never reuses a pooled socket (it would skip the
 * guarded lookup).
 */
export function safeRequest(method: 'GET' | 'POST', url: string, headers: Record<string, string>, opts: SafeRequestOptions): Promise<SafeResponse> {
  const max = opts.maxBodyBytes ?? 2048;
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  // An IP literal is connected to directly, without a lookup: check it here.
  const literal = hostOf(target);
  if (isIP(literal) && !opts.allowPrivate) {
    const reason = addressProblem(literal);
    if (reason) return Promise.reject(new BlockedTargetError(literal, reason));
  }
  const body = opts.body ?? '';
  const defaults: Record<string, string> =
    method === 'POST'
      ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'Mostrador-Webhooks/1' }
      : { Accept: 'application/json', 'User-Agent': 'Mostrador-Import/1' };
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method,
        headers: { ...defaults, ...headers },
        lookup: guardedLookup(opts.allowPrivate) as unknown as typeof dnsLookup,
        agent: false,
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= max && opts.overLimit !== 'fail') return; // read on, keep nothing more
          size += chunk.length;
          if (size > max && opts.overLimit === 'fail') {
            // Settle now: once the answer has started, destroying the request need not emit an error.
            reject(new Error(`response larger than ${max} bytes`));
            return req.destroy();
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, max).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(method === 'POST' ? body : undefined);
  });
}
