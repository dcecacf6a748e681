/**
 * docs/deploy.md's backup script, run against a live server, and its restore steps: a
 * conversation, an agent and an attachment (whose link depends on server.key) come back.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docBlock } from '../helpers/nginx';
import { png } from '../helpers/png';
import { startTestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

const SQLITE3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!SQLITE3 && !process.env.CI)('backup and restore (docs/deploy.md)', () => {
  it('restores messages, agents and attachments from a backup taken while the server runs', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mostrador-backup-'));
    dirs.push(work);
    const script = join(work, 'mostrador-backup');
    writeFileSync(script, docBlock('deploy.md', 'sh', 'mostrador-backup —'));
    chmodSync(script, 0o755);

    const server = await startTestServer();
    const cookie = await signIn(server);
    const agent = await connectAgent(server, cookie);
    const visitor = await connectVisitor(server);
    const upload = await fetch(`${server.origin}/api/uploads/visitor?site=pk_demo`, {
      method: 'POST',
      headers: { Origin: server.origin, 'X-File-Name': 'foto.png', 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${visitor.token}` },
      body: new Uint8Array(png()),
    });
    const file = (await upload.json()) as { id: string };
    const clientId = cid();
    const seen = agent.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
    visitor.socket.send({ type: 'message.send', clientId, text: 'antes de la copia', attachments: [file.id] });
    const message = (await seen).message as { conversationId: string; payload: { attachments: { url: string }[] } };

    // The backup runs while the server is up and holding the database open.
    const backup = join(work, 'backup');
    const out = execFileSync(script, [backup], { env: { ...process.env, DATA_DIR: server.dataDir }, encoding: 'utf8' });
    expect(out).toContain(`backup written to ${backup}`);

    // Written after the backup: must not come back.
    const later = cid();
    const laterSeen = agent.socket.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === later);
    visitor.socket.send({ type: 'message.send', clientId: later, text: 'después de la copia' });
    await laterSeen;
    visitor.socket.close();
    agent.socket.close();
    await server.close();

    // Restore, as the doc says, into the data folder (the disk was lost: start empty).
    rmSync(server.dataDir, { recursive: true, force: true });
    cpSync(backup, server.dataDir, { recursive: true });
    const restored = await startTestServer({ dataDir: server.dataDir });
    try {
      const again = await signIn(restored);
      const res = await fetch(`${restored.origin}/api/v1/conversations/${message.conversationId}`, { headers: { Authorization: 'Bearer sk_demo_secret' } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('antes de la copia');
      expect(text).not.toContain('después de la copia');
      expect(again).toBeTruthy();
      // The attachment link made before the backup still opens: same server.key, same file.
      const download = await fetch(`${restored.origin}${message.payload.attachments[0]!.url}`);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(png())).toBe(true);
    } finally {
      await restored.destroy();
    }
  }, 60_000);
});
