import { afterEach, describe, expect, it } from 'vitest';
import { setCsrfToken, withCsrf } from '../../console/state/api';

/** A fetch that records the headers it was called with. */
function recorder() {
  const calls: { url: string; method: string; token: string | null }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), method: init.method ?? 'GET', token: new Headers(init.headers).get('X-CSRF-Token') });
    return new Response(null, { status: 204 });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('withCsrf', () => {
  afterEach(() => setCsrfToken(null));

  it("adds the session's token to state-changing requests to our own origin, keeping their headers", async () => {
    const { calls, fetchImpl } = recorder();
    setCsrfToken('tok123');
    const f = withCsrf(fetchImpl);
    await f('/api/agent/admin/site', { method: 'PATCH', headers: { 'Content-Type': 'application/json' } });
    await f('/api/agent/session', { method: 'delete' });
    await f(`${location.origin}/api/uploads/agent`, { method: 'POST' });
    expect(calls.map((c) => c.token)).toEqual(['tok123', 'tok123', 'tok123']);
  });

  it('leaves reads, other origins and signed-out requests alone', async () => {
    const { calls, fetchImpl } = recorder();
    const f = withCsrf(fetchImpl);
    await f('/api/agent/admin/site', { method: 'PATCH' });
    setCsrfToken('tok123');
    await f('/api/agent/me');
    await f('https://elsewhere.example/hook', { method: 'POST' });
    expect(calls.map((c) => c.token)).toEqual([null, null, null]);
  });
});
