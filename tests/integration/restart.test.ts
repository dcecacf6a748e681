import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/process';
import { tempDataDir } from '../helpers/server';
import { cid, connectVisitor, csrfOf, signIn, type Frame } from '../helpers/ws-client';

const dataDir = tempDataDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('crash and restart', () => {
  it('keeps every acked message after kill -9, with gap-free seqs and no duplicates', async () => {
    const first = await spawnServer(dataDir);
    // The demo bot would answer too; this test counts only the shopper's own messages.
    const cookie = await signIn(first);
    const off = await fetch(`${first.origin}/api/agent/admin/site`, {
      method: 'PATCH',
      headers: { Cookie: cookie, Origin: first.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
      body: JSON.stringify({ botEnabled: false }),
    });
    expect(off.status).toBe(200);
    const visitor = await connectVisitor(first);
    const acks: Frame[] = [];
    const ids = Array.from({ length: 40 }, () => cid('crash'));
    // Stream sends and collect acks; kill the process mid-stream.
    let sent = 0;
    const onAck = (f: Frame) => f.type === 'ack';
    for (const clientId of ids) {
      visitor.socket.send({ type: 'message.send', clientId, text: `mensaje ${sent++}` });
      if (sent === 25) {
        await expect.poll(() => visitor.socket.frames.filter(onAck).length).toBeGreaterThanOrEqual(10);
        first.proc.kill('SIGKILL');
        break;
      }
    }
    await first.exited;
    acks.push(...visitor.socket.frames.filter(onAck));
    expect(acks.length).toBeGreaterThanOrEqual(10);

    const second = await spawnServer(dataDir);
    try {
      const back = await connectVisitor(second, { token: visitor.token });
      expect(back.visitorId).toBe(visitor.visitorId);
      const conversationId = acks[0]!.conversationId as string;
      // Resend everything that was not acked (what the widget's outbox does) plus one acked one.
      const acked = new Set(acks.map((a) => a.clientId as string));
      const resend = [...ids.slice(0, 25).filter((id) => !acked.has(id)), ids[0]!];
      for (const clientId of resend) back.socket.send({ type: 'message.send', clientId, text: `mensaje ${ids.indexOf(clientId)}` });
      await expect.poll(() => back.socket.frames.filter(onAck).length).toBe(resend.length);

      const page = back.socket.nextOfType('sync.result');
      back.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
      const messages = (await page).messages as Frame[];
      // Every acked message is there with the seq it was acked with.
      for (const ack of acks) expect(messages.find((m) => m.clientId === ack.clientId)?.seq).toBe(ack.seq);
      // Each of the 25 sent exactly once, seqs 1..25 without gaps, in send order.
      expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(new Set(messages.map((m) => m.clientId)).size).toBe(25);
      const acksAfter = back.socket.frames.filter(onAck);
      expect(acksAfter.find((a) => a.clientId === ids[0])).toMatchObject({ duplicate: true, seq: 1 });
      back.socket.close();
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  });
});
