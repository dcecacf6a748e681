/** The conversation.handoff webhook carries its times in ISO 8601, like the rest of the API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../helpers/receiver';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, csrfOf, signIn } from '../helpers/ws-client';

let server: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  server = await startTestServer({ bot: true, env: { ALLOW_PRIVATE_NETWORK_TARGETS: '1', WEBHOOK_INTERVAL_MS: '50' } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await server.destroy();
});

const ALL_DAY = [['00:00', '24:00']];
const utcDate = (at: number) => new Date(at).toISOString().slice(0, 10);

describe('conversation.handoff webhook', () => {
  it('gives backAt (when the counter opens again) as an ISO 8601 time', async () => {
    const hook = await fetch(`${server.origin}/api/v1/webhooks`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['conversation.handoff'] }),
    });
    expect(hook.status).toBe(201);
    // Closed today (a holiday), open every other day all day.
    const now = Date.now();
    const admin = await signIn(server);
    const hours = { timeZone: 'UTC', schedule: { weekly: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY }, holidays: [utcDate(now), utcDate(now + 86_400_000 * 2)] } };
    const patched = await fetch(`${server.origin}/api/agent/admin/site`, {
      method: 'PATCH',
      headers: { Cookie: admin, Origin: server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
      body: JSON.stringify({ hours }),
    });
    expect(patched.status).toBe(200);

    const { socket } = await connectVisitor(server);
    socket.send({ type: 'message.send', clientId: cid(), text: 'Quiero hablar con una persona' });
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const body = JSON.parse(receiver.received[0]!.body) as { type?: string; event?: string; data?: { handoff?: { backAt: unknown; offHours: boolean } }; handoff?: { backAt: unknown; offHours: boolean } };
    const handoff = body.data?.handoff ?? body.handoff;
    expect(handoff?.offHours).toBe(true);
    expect(typeof handoff?.backAt).toBe('string');
    expect(new Date(handoff!.backAt as string).toISOString()).toBe(handoff!.backAt);
    expect(Date.parse(handoff!.backAt as string)).toBeGreaterThan(now);
    socket.close();
  });
});
