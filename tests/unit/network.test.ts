import { describe, expect, it } from 'vitest';
import { isPrivateAddress, targetUrlProblem } from '../../server/domain/network';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.10', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['not-an-ip', true],
    // Every IPv6 spelling that carries an IPv4 address is decided on the IPv4 address inside.
    ['::ffff:7f00:1', true], // what the URL parser makes of [::ffff:127.0.0.1]
    ['::ffff:a9fe:a9fe', true], // 169.254.169.254
    ['::ffff:c0a8:101', true], // 192.168.1.1
    ['::ffff:808:808', false],
    ['::7f00:1', true], // IPv4-compatible (deprecated)
    ['::ffff:0:7f00:1', true], // SIIT
    ['64:ff9b::7f00:1', true], // NAT64 of 127.0.0.1
    ['64:ff9b::808:808', false], // NAT64 of 8.8.8.8
    ['64:ff9b:1::808:808', true], // local-use NAT64
    ['2002:7f00:1::1', true], // 6to4 of 127.0.0.1
    ['2002:808:808::1', false],
    ['2001::1', true], // Teredo
    ['fe80::1%eth0', true],
    ['fec0::1', true], // site-local
    ['ff02::1', true],
    ['2001:db8::1', true],
    ['255.255.255.255', true],
    ['224.0.0.1', true],
    ['198.18.0.1', true],
    ['240.0.0.1', true],
    ['0x7f000001', true], // not canonical: never an address we connect to
  ])('%s → %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});

describe('targetUrlProblem', () => {
  it.each([
    ['https://hooks.shop.example/mostrador', null],
    ['http://hooks.shop.example', null],
    ['ftp://hooks.shop.example', 'must be an http(s) URL'],
    ['https://user:pass@hooks.shop.example', 'must not contain credentials'],
    ['not a url', 'must be a URL'],
  ])('%s → %s', (url, expected) => {
    expect(targetUrlProblem(url)).toBe(expected);
  });
});
