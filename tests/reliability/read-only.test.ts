/**
 * The database files turning read-only under a running server. Linux refuses to remount a
 * filesystem read-only while a file on it is open for writing, and `chmod` stops neither root
 * nor an already-open descriptor; the immutable flag does both on ext4 (`write(2)` on an open
 * descriptor then fails with EPERM). So the server's DATA_DIR is a small ext4 image mounted
 * through a loop device, and `chattr +i` makes the database and its WAL unwritable while the
 * server holds them open (SQLite sees SQLITE_IOERR_WRITE, as from a failing disk). Sends must
 * get `store_unavailable`, nothing may be acked or stored,
 * and after `chattr -i` the same process stores the resends once.
 *
 * Needs root and a loop device (CI runs as root); skipped with the reason otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unmount } from '../helpers/mounts';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

const work = mkdtempSync(join(tmpdir(), 'mostrador-ro-'));
const image = join(work, 'disk.img');
const mountPoint = join(work, 'mnt');
let mounted = false;
try {
  execFileSync('truncate', ['-s', '32M', image], { stdio: 'pipe' });
  execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
  execFileSync('mkdir', ['-p', mountPoint], { stdio: 'pipe' });
  execFileSync('mount', ['-o', 'loop', image, mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  console.warn(`read-only test skipped: cannot mount an ext4 image through a loop device here (needs root): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
  rmSync(work, { recursive: true, force: true });
}

let server: TestServer | null = null;
const dataDir = join(mountPoint, 'data');
const files = ['mostrador.db', 'mostrador.db-wal'].map((f) => join(dataDir, f));
afterAll(async () => {
  if (mounted) {
    for (const f of files) {
      try {
        execFileSync('chattr', ['-i', f], { stdio: 'pipe' });
      } catch {
        /* never created */
      }
    }
  }
  await server?.close();
  if (mounted) {
    unmount(mountPoint);
  }
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!mounted)('read-only database files', () => {
  it('answers sends with store_unavailable while the files are immutable, stores nothing, and recovers without a restart', async () => {
    server = await startTestServer({ dataDir });
    const s = server;
    const visitor = await connectVisitor(s);
    const agent = await connectAgent(s, await signIn(s));
    const firstId = cid('ok');
    visitor.socket.send({ type: 'message.send', clientId: firstId, text: 'antes' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === firstId)).conversationId as string;

    for (const f of files) execFileSync('chattr', ['+i', f], { stdio: 'pipe' });
    const failing = Array.from({ length: 5 }, (_, i) => cid(`ro${i}`));
    const replies = failing.map((clientId) => visitor.socket.next((f) => f.clientId === clientId || f.ref === clientId, 15_000));
    for (const clientId of failing) visitor.socket.send({ type: 'message.send', clientId, text: 'durante' });
    const agentId = cid('agentro');
    const agentReply = agent.socket.next((f) => f.clientId === agentId || f.ref === agentId, 15_000);
    agent.socket.send({ type: 'message.send', conversationId, clientId: agentId, text: 'nota', kind: 'note' });
    for (const reply of [...(await Promise.all(replies)), await agentReply]) {
      expect(reply).toMatchObject({ type: 'error', code: 'store_unavailable', retryAfterMs: expect.any(Number) });
    }
    expect(visitor.socket.frames.filter((f) => f.type === 'ack')).toHaveLength(1);
    const during = visitor.socket.nextOfType('sync.result');
    visitor.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    expect(((await during).messages as Frame[]).map((m) => m.clientId)).toEqual([firstId]);

    for (const f of files) execFileSync('chattr', ['-i', f], { stdio: 'pipe' });
    const acks: Frame[] = [];
    for (const clientId of failing) {
      const ack = visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId, 15_000);
      visitor.socket.send({ type: 'message.send', clientId, text: 'durante' });
      acks.push(await ack);
    }
    expect(acks.map((a) => [a.seq, a.duplicate])).toEqual([[2, false], [3, false], [4, false], [5, false], [6, false]]);
    const agentAck = agent.socket.next((f) => f.clientId === agentId && f.type === 'ack', 15_000);
    agent.socket.send({ type: 'message.send', conversationId, clientId: agentId, text: 'nota', kind: 'note' });
    expect(await agentAck).toMatchObject({ seq: 7, duplicate: false });
    const after = agent.socket.nextOfType('sync.result');
    agent.socket.send({ type: 'sync', conversationId, afterSeq: 0 });
    const stored = (await after).messages as Frame[];
    expect(stored.map((m) => m.clientId)).toEqual([firstId, ...failing, agentId]);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    visitor.socket.close();
    agent.socket.close();
  });
});
