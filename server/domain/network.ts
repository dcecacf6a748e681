/**
 * Which network addresses outgoing requests (webhooks, the merchant's bot) may reach. Only
 * global unicast addresses pass: loopback, private, link-local, unique-local, unspecified,
 * carrier-grade NAT, multicast, broadcast, documentation, benchmarking and other reserved
 * ranges are refused, and so is every IPv6 spelling that carries an IPv4 address (mapped,
 * compatible, SIIT, NAT64, 6to4, Teredo) unless the IPv4 address inside is itself allowed.
 * Ranges come from ipaddr.js (a maintained table of the IANA special-purpose registries), not
 * from our own regular expressions. The operator may lift all of it
 * (ALLOW_PRIVATE_NETWORK_TARGETS=1, for local development and tests). Pure.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an address is refused, or null when outgoing requests may reach it. */
export function addressProblem(ip: string): string | null {
  // Only the canonical forms a resolver returns (and the URL parser normalises literals to):
  // anything else ("0x7f.1", "2130706433", "[::1]") is not an address we connect to.
  const bare = ip.replace(/%.*$/, ''); // an IPv6 zone id (fe80::1%eth0) changes nothing here
  if (!isIP(bare)) return 'not an IP address';
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(bare);
  } catch {
    return 'not an IP address';
  }
  if (addr.kind() === 'ipv4') {
    const range = (addr as ipaddr.IPv4).range();
    return range === 'unicast' ? null : range;
  }
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  const parts = v6.parts;
  const embedded = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (range) {
    case 'unicast': {
      // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): ipaddr.js files it as unicast.
      if (parts.slice(0, 6).every((p) => p === 0)) return 'ipv4Compatible';
      return null;
    }
    case 'ipv4Mapped': {
      // ::ffff:a.b.c.d, however it is spelled (the URL parser writes ::ffff:7f00:1).
      const inner = addressProblem(embedded(parts[6]!, parts[7]!).toString());
      return inner && `ipv4Mapped(${inner})`;
    }
    case 'rfc6052': {
      // NAT64: only the well-known prefix 64:ff9b::/96 maps straight onto an IPv4 address;
      // 64:ff9b:1::/48 is for local use and is refused outright.
      if (parts[2] !== 0 || parts[3] !== 0 || parts[4] !== 0 || parts[5] !== 0) return 'rfc6052';
      const inner = addressProblem(embedded(parts[6]!, parts[7]!).toString());
      return inner && `nat64(${inner})`;
    }
    case '6to4': {
      // 2002:AABB:CCDD::/48 tunnels to the IPv4 address AA.BB.CC.DD.
      const inner = addressProblem(embedded(parts[1]!, parts[2]!).toString());
      return inner && `6to4(${inner})`;
    }
    default:
      // loopback, unspecified, linkLocal, uniqueLocal, multicast, rfc6145 (::ffff:0:a.b.c.d),
      // teredo, reserved (documentation, 2001::/23), benchmarking, discard, orchid, …
      return range;
  }
}

/** True for addresses outgoing requests must not reach by default. */
export function isPrivateAddress(ip: string): boolean {
  return addressProblem(ip) !== null;
}

/** Checks the shape of a target URL: http(s), no credentials, a host. Returns an error or null. */
export function targetUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not contain credentials';
  if (!url.hostname) return 'must have a host';
  return null;
}
