/**
 * `kill -9` after an agent's reply by e-mail is committed and before its mail is sent (the mail
 * server has not accepted it yet): after a restart on the same SQLite file the mail is sent, and
 * only once — the outbox row was written in the same transaction as the message, and a row the
 * dead process had claimed goes back to the queue with the same Message-ID.
 */
import Database from 'better-sqlite3';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { tempDataDir } from '../helpers/server';
import { quietDemoSite } from '../helpers/spawned';
import { cid, connectAgent, connectVisitor, signIn } from '../helpers/ws-client';

const dataDir = tempDataDir();
const servers: ServerProcess[] = [];
let holding = true;
let inFlight = 0;
/** The mail outbox rows not yet sent when the first server was killed. */
let outstanding: string[] = [];
const accepted: { messageId: string; body: string }[] = [];
// A mail server that, while holding, takes the message and never answers: the sender dies mid-send.
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, cb) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (holding) {
        inFlight++;
        return; // never answered: the mail is not accepted
      }
      const body = Buffer.concat(chunks).toString();
      accepted.push({ messageId: /^Message-ID:\s*(\S+)/im.exec(body)?.[1] ?? '', body });
      cb();
    });
  },
});

afterAll(async () => {
  for (const s of servers) {
    s.proc.kill('SIGKILL');
    await s.exited;
  }
  await new Promise<void>((r) => smtp.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('kill -9 between a reply by e-mail and its sending', () => {
  it('sends the mail once after the restart', async () => {
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const env = { SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, MAIL_FROM: 'Tienda <chat@shop.test>', MAIL_INTERVAL_MS: '50' };
    const first = await spawnServer(dataDir, env);
    servers.push(first);
    await quietDemoSite(first);
    const cookie = await signIn(first);
    const agent = await connectAgent(first, cookie);

    const visitor = await connectVisitor(first);
    const sent = cid();
    visitor.socket.send({ type: 'message.send', clientId: sent, text: '¿Y el pedido?' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === sent)).conversationId as string;
    visitor.socket.send({ type: 'profile', email: 'lucia@example.com' });
    await visitor.socket.nextOfType('profile.saved');

    const reply = cid('a');
    agent.socket.send({ type: 'message.send', clientId: reply, conversationId, text: 'Sale hoy, te escribo por correo.', byEmail: true });
    expect(await agent.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === reply || f.ref === reply))).toMatchObject({ type: 'ack' });
    // The mail is on its way: the mail server has it and has not answered.
    await until(() => inFlight > 0, 10_000);
    first.proc.kill('SIGKILL');
    await first.exited;

    const db = new Database(join(dataDir, 'mostrador.db'), { readonly: true });
    try {
      // Committed with the message; claimed (`sending`), or still queued behind a mail in flight.
      const rows = db.prepare("SELECT status FROM mail_outbox WHERE conversation_id = ? AND kind = 'reply'").all(conversationId) as { status: string }[];
      expect(rows).toHaveLength(1);
      expect(['sending', 'pending']).toContain(rows[0]!.status);
      // The mail on the wire is claimed; the dispatcher claims every mail due at that moment
      // (up to 20) and sends them one by one, so others due with it are claimed as well.
      expect((db.prepare("SELECT count(*) AS n FROM mail_outbox WHERE status = 'sending'").get() as { n: number }).n).toBeGreaterThanOrEqual(1);
      outstanding = (db.prepare("SELECT id FROM mail_outbox WHERE status IN ('sending', 'pending')").all() as { id: string }[]).map((r) => r.id);
    } finally {
      db.close();
    }
    expect(accepted).toHaveLength(0);

    holding = false;
    const second = await spawnServer(dataDir, env);
    servers.push(second);
    await until(() => accepted.some((m) => m.body.includes('Sale hoy, te escribo por correo.')), 20_000);
    const check = new Database(join(dataDir, 'mostrador.db'), { readonly: true });
    try {
      await until(() => (check.prepare("SELECT status FROM mail_outbox WHERE conversation_id = ? AND kind = 'reply'").get(conversationId) as { status: string }).status === 'sent', 10_000);
      // Every mail claimed or queued when the server died is sent after the restart…
      await until(() => outstanding.every((id) => (check.prepare('SELECT status FROM mail_outbox WHERE id = ?').get(id) as { status: string }).status === 'sent'), 10_000);
      // …and nothing else is queued: the reply went out exactly once.
      expect(check.prepare("SELECT count(*) AS n FROM mail_outbox WHERE status IN ('pending', 'sending')").get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
    expect(accepted.filter((m) => m.body.includes('Sale hoy, te escribo por correo.'))).toHaveLength(1);
    // Every mail accepted once (a held one is sent again with its Message-ID, not duplicated).
    const ids = accepted.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);
});
