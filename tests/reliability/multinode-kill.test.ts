/**
 * `kill -9` of the shopper's node with 200 messages in flight, on three nodes sharing PostgreSQL
 * and Redis. The shopper's client does what the widget does: it keeps every unacknowledged
 * message in its outbox, reconnects (here to another node: a load balancer without sticky
 * sessions) and sends the outbox again with the same clientIds. Every acked message is stored
 * once with the seq it was acked with, all 200 are stored once and in the order sent, the agent
 * (on a node that stays up) is never delivered a message twice, and after the repair a client does
 * on a gap (`sync` from the last seq it has) it holds every message, in order, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectAgent, connectVisitor, csrfOf, signIn, type Frame, type TestSocket } from '../helpers/ws-client';

const MESSAGES = 200;
const KILL_AFTER_ACKS = 40;

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster(3, { env: { VISITOR_MESSAGES_PER_SEC: '1000', VISITOR_MESSAGE_BURST: '1000' } });
  const n1 = cluster.nodes[0]!;
  await quietDemoSite(n1);
  const admin = await signIn(n1);
  const res = await fetch(`${n1.origin}/api/agent/admin/site`, {
    method: 'PATCH',
    headers: { Cookie: admin, Origin: n1.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(admin) },
    body: JSON.stringify({ hours: null, routingMode: 'manual' }),
  });
  expect(res.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
});

type Msg = { id: string; seq: number; prevSeq?: number; clientId?: string; text: string; conversationId: string };

/**
 * An agent's view of one conversation as the console keeps it: messages by seq; a message whose
 * `prevSeq` is past what it has means a gap, repaired by `sync` from the last seq it has.
 */
class AgentView {
  readonly bySeq = new Map<number, Msg>();
  readonly delivered: Msg[] = [];
  private syncing = false;
  constructor(
    private readonly socket: TestSocket,
    private readonly conversationId: () => string | null,
  ) {
    socket.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      const id = this.conversationId();
      if (!id) return;
      if (f.type === 'message.created' && (f.message as Msg).conversationId === id) {
        const m = f.message as Msg;
        this.delivered.push(m);
        const have = this.last();
        if (m.prevSeq !== undefined && m.prevSeq > have) this.sync();
        this.bySeq.set(m.seq, m);
      } else if (f.type === 'sync.result' && f.conversationId === id) {
        for (const m of f.messages as Msg[]) this.bySeq.set(m.seq, m);
        this.syncing = false;
        if (f.hasMore) this.sync();
      }
    });
  }
  last(): number {
    let n = 0;
    while (this.bySeq.has(n + 1)) n++;
    return n;
  }
  sync(): void {
    if (this.syncing) return;
    this.syncing = true;
    this.socket.send({ type: 'sync', conversationId: this.conversationId(), afterSeq: this.last() });
  }
}

describe('kill -9 of the shopper’s node with 200 messages in flight', () => {
  it('reconnects to another node; every acked message stored once, none delivered twice, no gap for the agent', async () => {
    const [n1, n2, n3] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const ana = await connectAgent(n2, await signIn(n2));
    let conversationId: string | null = null;
    const view = new AgentView(ana.socket, () => conversationId);

    const first = await connectVisitor(n1);
    const token = first.token;
    // The outbox: every message not yet acknowledged, in the order written.
    const outbox = new Map<string, string>();
    const acks = new Map<string, Frame>();
    const sent: string[] = [];
    let killed = false;
    let onAck: (() => void) | null = null;
    const listen = (socket: TestSocket) =>
      socket.ws.on('message', (data) => {
        const f = JSON.parse(data.toString()) as Frame;
        if (f.type !== 'ack') return;
        acks.set(f.clientId as string, f);
        outbox.delete(f.clientId as string);
        conversationId ??= f.conversationId as string;
        onAck?.();
      });
    listen(first.socket);

    // The first message opens the chat; then 200 at once.
    const opener = cid('o');
    outbox.set(opener, 'mensaje 0');
    sent.push(opener);
    first.socket.send({ type: 'message.send', clientId: opener, text: 'mensaje 0' });
    await first.socket.next((f) => f.type === 'ack' && f.clientId === opener);
    const killedNow = new Promise<void>((resolve) => {
      onAck = () => {
        if (killed || acks.size < KILL_AFTER_ACKS) return;
        killed = true;
        n1.proc.kill('SIGKILL');
        resolve();
      };
    });
    for (let i = 1; i <= MESSAGES; i++) {
      const clientId = cid('k');
      outbox.set(clientId, `mensaje ${i}`);
      sent.push(clientId);
      first.socket.send({ type: 'message.send', clientId, conversationId, text: `mensaje ${i}` });
    }
    await killedNow;
    await n1.exited;
    await first.socket.waitClose();
    expect(outbox.size).toBeGreaterThan(0); // the kill landed mid-stream
    const ackedBeforeKill = new Map(acks);

    // Reconnect to node 3 with the same token and send the outbox again, in order.
    const again = await connectVisitor(n3, { token });
    expect(again.visitorId).toBe(first.visitorId);
    listen(again.socket);
    const allAcked = new Promise<void>((resolve) => {
      onAck = () => {
        if (outbox.size === 0) resolve();
      };
    });
    for (const [clientId, text] of outbox) again.socket.send({ type: 'message.send', clientId, conversationId, text });
    await allAcked;

    // The store: all 201 once, in the order sent, each acked seq the stored one.
    const rows = await cluster.query<{ client_id: string; seq: number; text: string }>(
      `SELECT client_id, seq, text FROM messages WHERE conversation_id = $1 AND author_kind = 'visitor' ORDER BY seq`,
      [conversationId],
    );
    expect(rows.map((r) => r.client_id)).toEqual(sent);
    for (const r of rows) expect(acks.get(r.client_id)?.seq).toBe(r.seq);
    for (const [clientId, ack] of ackedBeforeKill) expect(rows.find((r) => r.client_id === clientId)?.seq).toBe(ack.seq);
    const lastSeq = Math.max(...rows.map((r) => r.seq));

    // The agent: after the gap repair, every message 1..lastSeq once; nothing was delivered twice.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent has up to ${view.last()} of ${lastSeq}`)), 20_000);
      const check = () => {
        if (view.last() >= lastSeq) {
          clearTimeout(timer);
          resolve();
        } else {
          view.sync();
          setTimeout(check, 50);
        }
      };
      check();
    });
    await ana.socket.roundTrip();
    expect(view.last()).toBe(lastSeq);
    expect([...view.bySeq.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    const ids = view.delivered.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const texts = [...view.bySeq.values()].sort((a, b) => a.seq - b.seq).map((m) => m.text);
    expect(texts).toEqual(sent.map((_, i) => `mensaje ${i}`));
    again.socket.close();
    ana.socket.close();
  }, 90_000);

  it('requeues the chats of an agent whose node died before their grace timer fired, from a surviving node', async () => {
    const [, n2, n3] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0], typeof cluster.nodes[0]];
    // A short grace period (set in the database: the nodes read it when the agent leaves, long after their 2 s cache).
    await cluster.query(`UPDATE sites SET settings = jsonb_set(settings, '{routing}', coalesce(settings->'routing', '{}'::jsonb) || '{"graceMs": 3000}'::jsonb) WHERE public_key = 'pk_demo'`);
    const luis = await connectAgent(n3, await signIn(n3, 'luis@example.com'));
    const shopper = await connectVisitor(n2);
    const clientId = cid('g');
    shopper.socket.send({ type: 'message.send', clientId, text: 'hola' });
    const conversationId = (await shopper.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
    await luis.socket.next((f) => f.type === 'message.created' && (f.message as Msg).conversationId === conversationId, 5000, 0);
    const take = cid('t');
    const assigned = shopper.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as { status: string }).status === 'assigned');
    luis.socket.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
    await luis.socket.next((f) => f.type === 'ack' && f.clientId === take);
    await assigned;
    // Luis leaves (node 3 arms his grace timer), and node 3 dies before it fires.
    const requeued = shopper.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as { status: string }).status === 'queued', 30_000);
    luis.socket.close();
    await luis.socket.waitClose();
    n3.proc.kill('SIGKILL');
    await n3.exited;
    // Node 2 notices node 3 is gone, takes Luis for offline and sends his chat back to the queue after the grace.
    await requeued;
    const [row] = await cluster.query<{ status: string; assignee_id: string | null }>('SELECT status, assignee_id FROM conversations WHERE id = $1', [conversationId]);
    expect(row).toMatchObject({ status: 'queued', assignee_id: null });
    shopper.socket.close();
  }, 60_000);

  it('wakes a snoozed chat at its time though the node that armed the timer died', async () => {
    const n2 = cluster.nodes[1]!;
    const n4 = await cluster.addNode();
    const luis = await connectAgent(n2, await signIn(n2, 'luis@example.com'));
    const ana = await connectAgent(n4, await signIn(n4));
    const shopper = await connectVisitor(n2);
    const clientId = cid('z');
    shopper.socket.send({ type: 'message.send', clientId, text: 'hola' });
    const conversationId = (await shopper.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
    await ana.socket.next((f) => f.type === 'message.created' && (f.message as Msg).conversationId === conversationId, 5000, 0);
    const take = cid('t');
    ana.socket.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
    await ana.socket.next((f) => f.type === 'ack' && f.clientId === take);
    // Ana snoozes it on node 4 (node 4 arms the timer), and node 4 dies at once.
    const until = Date.now() + 2000;
    const snooze = cid('s');
    ana.socket.send({ type: 'conversation.action', clientId: snooze, conversationId, action: 'snooze', until });
    await ana.socket.next((f) => f.type === 'ack' && f.clientId === snooze);
    n4.proc.kill('SIGKILL');
    await n4.exited;
    // Node 2 wakes it: Luis sees it unsnoozed.
    const woken = await luis.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as { id: string }).id === conversationId && !('snoozedUntil' in (f.conversation as object)), 25_000);
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(woken.conversation).toMatchObject({ status: 'assigned' });
    const events = await cluster.query<{ type: string }>(`SELECT type FROM conversation_events WHERE conversation_id = $1 AND type LIKE '%snooze%' ORDER BY id`, [conversationId]);
    expect(events.map((e) => e.type)).toEqual(['snoozed', 'unsnoozed']);
    luis.socket.close();
    shopper.socket.close();
  }, 60_000);
});
