import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
let siteId: string;
beforeAll(async () => {
  server = await startTestServer({ routing: 'auto' });
  const site = (await server.store.sites.byPublicKey('pk_demo'))!;
  siteId = site.id;
  await server.store.sites.update(site.id, { settings: { ...site.settings, routing: { mode: 'auto', graceMs: 300 } } });
});
afterAll(async () => {
  await server.destroy();
});

async function assignedChat(agentCookie: string) {
  const agent = await connectAgent(server, agentCookie);
  const visitor = await connectVisitor(server);
  const joined = visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | undefined)?.event === 'agent_joined');
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text: 'ayuda' });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  await joined;
  return { agent, visitor, conversationId };
}

/**
 * Closes the agent's socket and waits until the server has handled it (its grace period has
 * started): the shopper is told nobody is online.
 */
async function leaves(agent: { socket: { close(): void } }, visitor: Awaited<ReturnType<typeof connectVisitor>>) {
  const gone = visitor.socket.next((f) => f.type === 'availability' && f.available === false);
  agent.socket.close();
  await gone;
}

describe('agent connection drops', () => {
  it('sends their chats back to the queue after the grace period, with their history, and routes them on', async () => {
    const { agent, visitor, conversationId } = await assignedChat(await signIn(server, 'ana@example.com'));
    await leaves(agent, visitor);
    const luis = await connectAgent(server, await signIn(server, 'luis@example.com'));
    // Luis is online but Ana's chat is hers until the grace period ends; then it goes to Luis.
    const toLuis = visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | undefined)?.agentName === 'Luis', 5000);
    expect(((await toLuis).message as Frame).payload).toMatchObject({ event: 'agent_joined' });
    const page = luis.socket.nextOfType('sync.result');
    luis.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const events = ((await page).messages as Frame[]).map((m) => (m.kind === 'system' ? (m.payload as Frame).event : m.text));
    expect(events).toEqual(['ayuda', 'agent_joined', 'requeued', 'agent_joined']);
    // Luis leaves too: his grace runs out and the chat goes back to the queue before the next test.
    const requeued = visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | undefined)?.event === 'requeued', 5000);
    luis.socket.close();
    await requeued;
    visitor.socket.close();
  });

  it('keeps the chats of an agent who comes back within the grace period', async () => {
    const cookie = await signIn(server, 'ana@example.com');
    const { agent, visitor, conversationId } = await assignedChat(cookie);
    const anaId = (agent.welcome.agent as Frame).id as string;
    await leaves(agent, visitor);
    const back = await connectAgent(server, cookie);
    // The assertion is that nothing happens: the grace period (300 ms) passes twice over and the
    // chat is still hers. There is no event to wait for; this wait is the test.
    await new Promise((r) => setTimeout(r, 600));
    expect((await server.store.conversations.get(siteId, conversationId))).toMatchObject({ status: 'assigned', assigneeId: anaId });
    back.socket.close();
    visitor.socket.close();
  });
});
