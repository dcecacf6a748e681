/**
 * `kill -9` right after an agent's take and resolve are acknowledged, while the webhook receiver
 * has not answered yet: after a restart on the same SQLite file the transcript, the conversation
 * event log and both webhooks (conversation.assigned, conversation.resolved) are all there —
 * they were committed in the same transaction as the change, and the outbox delivers them.
 */
import Database from 'better-sqlite3';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { tempDataDir } from '../helpers/server';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

const dataDir = tempDataDir();
const servers: ServerProcess[] = [];
const held: ServerResponse[] = [];
let holding = true;
const received: { event: string; conversationId: string | undefined }[] = [];
const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    // While holding, the receiver never answers: the server dies with the deliveries in flight.
    if (holding) return void held.push(res);
    const parsed = JSON.parse(body) as { type: string; data: { conversation?: { id: string }; conversationId?: string } };
    received.push({ event: parsed.type, conversationId: parsed.data.conversation?.id ?? parsed.data.conversationId });
    res.writeHead(200).end('ok');
  });
});

afterAll(async () => {
  for (const s of servers) {
    s.proc.kill('SIGKILL');
    await s.exited;
  }
  for (const r of held) r.destroy();
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('kill -9 between a take/resolve and its webhook', () => {
  it('loses neither the change nor its webhook', async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const env = { ALLOW_PRIVATE_NETWORK_TARGETS: '1' };
    const first = await spawnServer(dataDir, env);
    servers.push(first);
    await quietDemoSite(first);
    // Manual routing: the agent takes the chat herself.
    const cookie = await signIn(first);
    const manual = await fetch(`${first.origin}/api/agent/admin/site`, {
      method: 'PATCH',
      headers: { Cookie: cookie, Origin: first.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
      body: JSON.stringify({ routingMode: 'manual' }),
    });
    expect(manual.status).toBe(200);
    const hook = await fetch(`${first.origin}/api/v1/webhooks`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' },
      body: JSON.stringify({ url, events: ['conversation.assigned', 'conversation.resolved'] }),
    });
    expect(hook.status).toBe(201);

    const visitor = await connectVisitor(first);
    const sent = cid();
    visitor.socket.send({ type: 'message.send', clientId: sent, text: 'Hola' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === sent)).conversationId as string;

    const agent = await connectAgent(first, cookie);
    const act = async (action: string) => {
      const clientId = cid('act');
      const reply = agent.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId));
      agent.socket.send({ type: 'conversation.action', clientId, conversationId, action });
      return reply;
    };
    expect(await act('take')).toMatchObject({ type: 'ack' });
    expect(await act('resolve')).toMatchObject({ type: 'ack' });
    first.proc.kill('SIGKILL');
    await first.exited;
    for (const r of held) r.destroy();

    // The change and its facts are on disk, committed together.
    const db = new Database(join(dataDir, 'mostrador.db'), { readonly: true });
    try {
      const events = db.prepare('SELECT type FROM conversation_events WHERE conversation_id = ? ORDER BY id').all(conversationId) as { type: string }[];
      expect(events.map((e) => e.type)).toEqual(['created', 'queued', 'assigned', 'resolved']);
      const hooks = db.prepare('SELECT event FROM webhook_deliveries ORDER BY created_at, rowid').all() as { event: string }[];
      expect(hooks.map((h) => h.event)).toEqual(['conversation.assigned', 'conversation.resolved']);
    } finally {
      db.close();
    }

    holding = false;
    const second = await spawnServer(dataDir, env);
    servers.push(second);
    await until(() => received.some((r) => r.event === 'conversation.resolved') && received.some((r) => r.event === 'conversation.assigned'), 20_000);
    expect(received.filter((r) => r.conversationId === conversationId).map((r) => r.event).sort()).toEqual(['conversation.assigned', 'conversation.resolved']);

    const again = await connectVisitor(second, { token: visitor.token });
    const page = again.socket.nextOfType('sync.result');
    again.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const lines = ((await page).messages as Frame[]).filter((m) => m.kind === 'system').map((m) => (m.payload as Frame).event);
    expect(lines).toEqual(['agent_joined', 'resolved']);
  }, 60_000);
});
