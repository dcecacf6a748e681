/** Set-up for tests that run the server as its own process (tests/helpers/process.ts). */
import { csrfOf, signIn } from './ws-client';

/**
 * Turns the demo bot and proactive rules off through the admin API, so a conversation holds
 * only what the test sends (in-process tests get this from startTestServer).
 */
export async function quietDemoSite(server: { origin: string }): Promise<void> {
  const cookie = await signIn(server);
  const res = await fetch(`${server.origin}/api/agent/admin/site`, {
    method: 'PATCH',
    headers: { Cookie: cookie, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
    body: JSON.stringify({ botEnabled: false }),
  });
  if (res.status !== 200) throw new Error(`could not turn the demo bot off: ${res.status} ${await res.text()}`);
}
