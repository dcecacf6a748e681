/**
 * Wrong passwords slow down whoever sends them, not the agent they target: sign-in failures are
 * counted per (email, client address), with a per-address limit across emails and a per-email
 * ceiling that addresses where the agent signed in lately are exempt from. Real server, real
 * HTTP from different loopback addresses (127.0.0.x: Linux lets a client bind any of them).
 */
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGN_IN_LIMITS } from '../../server/auth';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.destroy();
});

/** POST /api/agent/session from `address`; the status and Retry-After. */
function signInFrom(address: string, email: string, password: string): Promise<{ status: number; retryAfter: string | null; cookie: string | null }> {
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.origin}/api/agent/session`, {
      method: 'POST',
      localAddress: address,
      agent: false,
      headers: { 'Content-Type': 'application/json', Origin: server.origin, 'Content-Length': String(Buffer.byteLength(body)) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null, cookie: res.headers['set-cookie']?.[0] ?? null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const OWNER = '127.0.0.3';
const ATTACKER = '127.0.0.2';

describe('sign-in throttling', () => {
  it('throttles an attacker guessing from one address while the owner signs in from another', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await signInFrom(ATTACKER, 'ana@example.com', `guess-${i}`)).status);
    // Ten wrong passwords, then 429 for the rest.
    expect(statuses.slice(0, SIGN_IN_LIMITS.perEmailAndAddress).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(SIGN_IN_LIMITS.perEmailAndAddress).every((s) => s === 429)).toBe(true);

    // The owner, from their own address, signs in at once.
    const owner = await signInFrom(OWNER, 'ana@example.com', 'mostrador');
    expect(owner.status).toBe(200);
    expect(owner.cookie).toMatch(/^mostrador_session=/);

    // The attacker stays throttled, even with the right password.
    const again = await signInFrom(ATTACKER, 'ana@example.com', 'mostrador');
    expect(again.status).toBe(429);
    expect(Number(again.retryAfter)).toBeGreaterThan(0);
    expect(again.cookie).toBeNull();
  });

  it('bounds guessing spread over many addresses with a per-email ceiling that does not lock the owner out of their usual address', async () => {
    // The owner has signed in from their usual address before.
    expect((await signInFrom(OWNER, 'ana@example.com', 'mostrador')).status).toBe(200);

    // A botnet: each address stays under its own limit; together they reach the email's ceiling.
    const addresses = Math.ceil(SIGN_IN_LIMITS.perEmail / SIGN_IN_LIMITS.perEmailAndAddress) + 1;
    let failures = 0;
    let throttled = 0;
    for (let a = 0; a < addresses; a++) {
      for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++) {
        const { status } = await signInFrom(`127.0.1.${10 + a}`, 'ana@example.com', `guess-${a}-${i}`);
        if (status === 401) failures++;
        else if (status === 429) throttled++;
        else throw new Error(`unexpected ${status}`);
      }
    }
    expect(failures).toBe(SIGN_IN_LIMITS.perEmail);
    expect(throttled).toBe(addresses * SIGN_IN_LIMITS.perEmailAndAddress - SIGN_IN_LIMITS.perEmail);

    // A new address is refused even with the right password while the ceiling holds…
    expect((await signInFrom('127.0.2.1', 'ana@example.com', 'mostrador')).status).toBe(429);
    // …but the owner's usual address is not.
    expect((await signInFrom(OWNER, 'ana@example.com', 'mostrador')).status).toBe(200);
    // Another agent's email is untouched.
    expect((await signInFrom('127.0.2.1', 'luis@example.com', 'mostrador')).status).toBe(200);
  }, 60_000);
});
