/** A settings operation's refusal names its reason as a code the console translates (issue 16: no English in the Spanish console). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { csrfOf, signIn } from '../helpers/ws-client';

let server: TestServer;
let ana: string;
beforeAll(async () => {
  server = await startTestServer();
  ana = await signIn(server, 'ana@example.com');
});
afterAll(async () => {
  await server.destroy();
});

const post = (path: string) =>
  fetch(`${server.origin}/api/agent/admin${path}`, {
    method: 'POST',
    headers: { Cookie: ana, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(ana) },
    body: '{}',
  });

describe('settings operations', () => {
  it('an import that cannot start says why with a reason code', async () => {
    for (const [platform, reason] of [['prestashop', 'push_only'], ['shopify', 'not_saved']] as const) {
      const res = await post(`/integrations/${platform}/import`);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'not_ready', reason });
    }
  });

  it('retiring a previous key when there is none is a coded refusal', async () => {
    const res = await post('/site/retire-previous-secret');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'nothing_to_retire' });
  });
});
