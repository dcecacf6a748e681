/**
 * Who the client is behind a reverse proxy. With TRUST_PROXY unset the TCP peer is the client and
 * X-Forwarded-* headers are ignored (anyone can send them). With a hop count or a list of proxy
 * addresses, the client is found by walking X-Forwarded-For from the right, past the proxies we
 * trust, and the protocol comes from X-Forwarded-Proto when the peer is a trusted proxy. Pure.
 */
import { BlockList, isIP } from 'node:net';

export type TrustProxy =
  | { kind: 'none' }
  /** This many proxies stand in front of the server (1: nginx on the same machine). */
  | { kind: 'hops'; hops: number }
  /** Proxies are the peers inside these addresses/ranges. */
  | { kind: 'list'; list: BlockList; source: string };

export const TRUST_NONE: TrustProxy = { kind: 'none' };

/** Strips the IPv4-mapped prefix (`::ffff:127.0.0.1` → `127.0.0.1`) so v4 ranges match. */
export function normalizeAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Parses TRUST_PROXY: empty, `0` or `false` → none; a whole number → hop count; otherwise a
 * comma-separated list of addresses, CIDR ranges, `loopback` or `private`. Throws on a bad entry.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || /^(0|false|no|off)$/i.test(value)) return TRUST_NONE;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new Error(`TRUST_PROXY hop count must be 0–10, got ${value}`);
    return { kind: 'hops', hops };
  }
  const list = new BlockList();
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    for (const item of NAMED[entry.toLowerCase()] ?? [entry]) {
      const [address, bitsText] = item.split('/');
      const family = isIP(address ?? '');
      if (!family) throw new Error(`TRUST_PROXY: "${entry}" is not a hop count, an IP address, a CIDR range, loopback or private`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bitsText === undefined) list.addAddress(address!, type);
      else {
        const bits = Number(bitsText);
        if (!/^\d+$/.test(bitsText) || bits > (family === 4 ? 32 : 128)) throw new Error(`TRUST_PROXY: "${entry}" has a bad prefix length`);
        list.addSubnet(address!, bits, type);
      }
    }
  }
  return { kind: 'list', list, source: value };
}

function trusted(trust: TrustProxy, address: string, hop: number): boolean {
  if (trust.kind === 'none') return false;
  if (trust.kind === 'hops') return hop < trust.hops;
  const ip = normalizeAddress(address);
  const family = isIP(ip);
  return family !== 0 && trust.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

export interface ClientInfo {
  /** The client's address as far as the trusted proxies vouch for it. */
  address: string;
  /** `https:` or `http:`, as the client used it. */
  protocol: 'http:' | 'https:';
}

/**
 * The client behind `trust`: `peer` is the TCP peer, `forwardedFor` / `forwardedProto` the
 * X-Forwarded-For / X-Forwarded-Proto headers as received, `socketProtocol` what the peer used.
 */
export function resolveClient(
  input: { peer: string; socketProtocol: 'http:' | 'https:'; forwardedFor?: string | undefined; forwardedProto?: string | undefined },
  trust: TrustProxy,
): ClientInfo {
  const peer = normalizeAddress(input.peer);
  if (!trusted(trust, peer, 0)) return { address: peer, protocol: input.socketProtocol };
  // Rightmost entry is what our nearest proxy saw; walk left past every proxy we trust.
  const chain = (input.forwardedFor ?? '')
    .split(',')
    .map((a) => normalizeAddress(a.trim()))
    .filter((a) => isIP(a) !== 0);
  let address = peer;
  for (let hop = 1; chain.length > 0; hop++) {
    address = chain.pop()!;
    if (!trusted(trust, address, hop)) break;
  }
  const proto = (input.forwardedProto ?? '').split(',')[0]!.trim().toLowerCase();
  const protocol = proto === 'https' ? 'https:' : proto === 'http' ? 'http:' : input.socketProtocol;
  return { address, protocol };
}
