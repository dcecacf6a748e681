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
