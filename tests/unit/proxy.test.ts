import { describe, expect, it } from 'vitest';
import { parseTrustProxy, resolveClient } from '../../server/domain/proxy';

const at = (peer: string, forwardedFor?: string, forwardedProto?: string) => ({ peer, socketProtocol: 'http:' as const, forwardedFor, forwardedProto });

describe('parseTrustProxy', () => {
  it.each(['', '0', 'false', undefined])('%s trusts nobody', (raw) => {
    expect(parseTrustProxy(raw).kind).toBe('none');
  });
  it('reads a hop count', () => {
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', hops: 2 });
  });
  it('refuses a bad entry, naming it', () => {
    expect(() => parseTrustProxy('10.0.0.0/8, proxy.local')).toThrow(/proxy\.local/);
    expect(() => parseTrustProxy('10.0.0.0/40')).toThrow(/prefix/);
  });
});

describe('resolveClient', () => {
  it('ignores forwarded headers unless TRUST_PROXY is set', () => {
    expect(resolveClient(at('::ffff:127.0.0.1', '9.9.9.9', 'https'), parseTrustProxy(''))).toEqual({ address: '127.0.0.1', protocol: 'http:' });
  });
  it('with one hop takes the address the proxy saw, not what the client claimed', () => {
    expect(resolveClient(at('127.0.0.1', '6.6.6.6, 1.2.3.4', 'https'), parseTrustProxy('1'))).toEqual({ address: '1.2.3.4', protocol: 'https:' });
  });
  it('with two hops walks past the CDN', () => {
    expect(resolveClient(at('127.0.0.1', '6.6.6.6, 1.2.3.4, 104.16.0.1'), parseTrustProxy('2')).address).toBe('1.2.3.4');
  });
  it('with a list trusts only peers inside it', () => {
    const trust = parseTrustProxy('loopback, 10.0.0.0/8');
    expect(resolveClient(at('10.1.2.3', '1.2.3.4, 10.0.0.7'), trust).address).toBe('1.2.3.4');
    expect(resolveClient(at('8.8.8.8', '1.2.3.4', 'https'), trust)).toEqual({ address: '8.8.8.8', protocol: 'http:' });
  });
  it('falls back to the peer when the proxy sent no header', () => {
    expect(resolveClient(at('127.0.0.1'), parseTrustProxy('1')).address).toBe('127.0.0.1');
  });
});
