/**
 * A full disk, for real: the server's DATA_DIR is a small tmpfs, filled with a file until the
 * kernel answers ENOSPC. Sends must then fail with a typed, retryable `store_unavailable`
 * (never an ack for a message that is not on disk), and once space is freed the same resends
 * succeed, on the same server process, with no gap in `seq`.
 *
 * Mounting needs root (CAP_SYS_ADMIN); CI runs as root. Elsewhere the test is skipped and says why.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { unmount } from '../helpers/mounts';
import { startTestServer, type TestServer } from '../helpers/server';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { TestSocket, cid, connectAgent, connectVisitor, csrfOf, signIn, visitorUrl, type Frame } from '../helpers/ws-client';

const mountPoint = mkdtempSync(join(tmpdir(), 'mostrador-full-'));
let mounted = false;
let why = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  why = `cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  console.warn(`disk-full test skipped: ${why}`);
  rmSync(mountPoint, { recursive: true, force: true });
}

let server: TestServer | null = null;
afterAll(async () => {
  await server?.close();
  if (mounted) {
    unmount(mountPoint);
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros into `path` until the filesystem has no byte left. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1024 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

describe.skipIf(!mounted)('full disk', () => {
  it('answers sends with store_unavailable while the disk is full, stores nothing, and recovers without a restart', async () => {
    const dataDir = join(mountPoint, 'data');
    server = await startTestServer({ dataDir });
    const s = server;
    const visitor = await connectVisitor(s);
    const cookie = await signIn(s);
    const agent = await connectAgent(s, cookie);
    const firstId = cid('ok');
    visitor.socket.send({ type: 'message.send', clientId: firstId, text: 'antes' });
    const first = await visitor.socket.next((f) => f.type === 'ack' && f.clientId === firstId);
    const conversationId = first.conversationId as string;

    // Empty the WAL into the database file, so the next commit needs new pages; then fill the disk.
    const other = new Database(join(dataDir, 'mostrador.db'));
    other.pragma('wal_checkpoint(TRUNCATE)');
    other.close();
    const fill = join(mountPoint, 'fill');
    const filled = fillDisk(fill);

    // Shopper sends (and an agent reply) while nothing can be written.
    const failing = Array.from({ length: 5 }, (_, i) => ({ clientId: cid(`full${i}`), text: `durante ${i}` }));
    const replies = failing.map((m) => visitor.socket.next((f) => f.clientId === m.clientId || f.ref === m.clientId, 15_000));
    for (const m of failing) visitor.socket.send({ type: 'message.send', clientId: m.clientId, text: m.text });
    const agentId = cid('agentfull');
    const agentReply = agent.socket.next((f) => f.clientId === agentId || f.ref === agentId, 15_000);
    agent.socket.send({ type: 'message.send', conversationId, clientId: agentId, text: 'respuesta', kind: 'note' });
    for (const reply of [...(await Promise.all(replies)), await agentReply]) {
      expect(reply).toMatchObject({ type: 'error', code: 'store_unavailable', retryAfterMs: expect.any(Number) });
    }
    expect(visitor.socket.frames.filter((f) => f.type === 'ack')).toHaveLength(1);

    // A new shopper arriving now cannot be created either: told so, the socket stays usable.
    const newcomer = await TestSocket.open(visitorUrl(s), { Origin: s.origin });
    const refused = newcomer.nextOfType('error', 15_000);
    newcomer.send({ type: 'hello', v: PROTOCOL_VERSION });
    expect(await refused).toMatchObject({ code: 'store_unavailable' });

    // The merchant API: a typed 503, nothing stored.
    const api = (method: string, body?: object) =>
      fetch(`${s.origin}/api/v1/customers/cus_full`, {
        method,
        headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const customer = { email: 'lleno@example.com', name: 'Disco Lleno' };
    const put = await api('PUT', customer);
    expect(put.status).toBe(503);
    expect(await put.json()).toMatchObject({ code: 'store_unavailable' });
    expect((await api('GET')).status).toBe(404);

    // The console's HTTP API too: a typed 503 with Retry-After, not an internal error.
    const csrf = csrfOf(cookie);
    const patch = await fetch(`${s.origin}/api/agent/admin/site`, {
      method: 'PATCH',
      headers: { Cookie: cookie, Origin: s.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ name: 'Tienda llena' }),
    });
    expect(patch.status).toBe(503);
    expect(patch.headers.get('retry-after')).toBe('5');
    expect(await patch.json()).toMatchObject({ code: 'store_unavailable' });

    // Nothing of it was stored (reads still work on a full disk).
    const during = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(((await during).messages as Frame[]).map((m) => m.clientId)).toEqual([firstId]);

    // Space comes back; the same resends (what the widget's outbox does) now succeed.
    unlinkSync(fill);
    const acks: Frame[] = [];
    for (const m of failing) {
      const ack = visitor.socket.next((f) => f.clientId === m.clientId && f.type === 'ack', 15_000);
      visitor.socket.send({ type: 'message.send', clientId: m.clientId, text: m.text });
      acks.push(await ack);
    }
    expect(acks.map((a) => a.duplicate)).toEqual([false, false, false, false, false]);
    expect(acks.map((a) => a.seq)).toEqual([2, 3, 4, 5, 6]);
    const agentAck = agent.socket.next((f) => f.clientId === agentId && f.type === 'ack', 15_000);
    agent.socket.send({ type: 'message.send', conversationId, clientId: agentId, text: 'respuesta', kind: 'note' });
    expect(await agentAck).toMatchObject({ seq: 7, duplicate: false });
    expect((await api('PUT', customer)).status).toBe(201);
    const welcome = newcomer.nextOfType('welcome', 15_000);
    newcomer.send({ type: 'hello', v: PROTOCOL_VERSION });
    expect(await welcome).toMatchObject({ conversations: [] });
    newcomer.close();

    const after = agent.socket.nextOfType('sync.result');
    agent.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const stored = (await after).messages as Frame[];
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(stored.map((m) => m.clientId)).toEqual([firstId, ...failing.map((m) => m.clientId), agentId]);
    console.log(`disk full: filled ${(filled / 1048576).toFixed(1)} MiB of a 16 MiB tmpfs; 6 sends refused with store_unavailable, all 6 stored once after space came back`);
    visitor.socket.close();
    agent.socket.close();
  });
});
