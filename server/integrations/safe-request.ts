/**
 * POSTs to merchant-supplied URLs without letting them reach our own network: every address the
 * host resolves to is checked at connect time (not just when the URL was saved), so DNS
 * rebinding cannot slip a private address in between.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isPrivateAddress } from '../domain/network';

export class BlockedTargetError extends Error {
  constructor(host: string) {
    super(`${host} resolves to a private or loopback address`);
    this.name = 'BlockedTargetError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean } | number | undefined, callback: LookupCallback) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) return callback(new BlockedTargetError(hostname), []);
      if (typeof options === 'object' && options?.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves the host of `url` and says whether it may be a target. */
export function checkTarget(url: string, allowPrivate: boolean): Promise<'ok' | 'private' | 'unresolvable'> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    dnsLookup(host, { all: true }, (err, addresses) => {
      if (err || addresses.length === 0) return resolve('unresolvable');
      resolve(!allowPrivate && addresses.some((a) => isPrivateAddress(a.address)) ? 'private' : 'ok');
    });
  });
}

export interface PostResult {
  status: number;
  /** At most the first `maxBodyBytes` (default 2 KiB, for logs) of the response body. */
  body: string;
}

/** POSTs `body` with `headers`, giving up after `timeoutMs`. Never follows redirects. */
export function safePost(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean; maxBodyBytes?: number },
): Promise<PostResult> {
  const max = opts.maxBodyBytes ?? 2048;
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  // An IP literal is connected to directly, without a lookup: check it here.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !opts.allowPrivate && isPrivateAddress(literal)) return Promise.reject(new BlockedTargetError(literal));
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'Mostrador-Webhooks/1', ...headers },
        lookup: guardedLookup(opts.allowPrivate) as unknown as typeof dnsLookup,
        timeout: opts.timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < max) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.slice(0, max) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export interface GetResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GETs `url` (an import page from a shop's API) with the same guard, at most `maxBodyBytes`. Never follows redirects. */
export function safeGet(url: string, headers: Record<string, string>, opts: { timeoutMs: number; allowPrivate: boolean; maxBodyBytes: number }): Promise<GetResult> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !opts.allowPrivate && isPrivateAddress(literal)) return Promise.reject(new BlockedTargetError(literal));
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'GET',
        headers: { Accept: 'application/json', 'User-Agent': 'Mostrador-Import/1', ...headers },
        lookup: guardedLookup(opts.allowPrivate) as unknown as typeof dnsLookup,
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBodyBytes) return req.destroy(new Error(`response larger than ${opts.maxBodyBytes} bytes`));
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
