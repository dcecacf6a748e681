/**
 * What a stolen copy of the database (a backup, a disk image) gives an attacker: no visitor
 * token, no session cookie, no password — only their SHA-256 (tokens, which are 192–256 random
 * bits) or argon2id (passwords) — and no shop credential (sealed with a key kept outside the
 * database). Checked against the bytes of the SQLite files themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/ids';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, signIn } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

describe('secrets at rest', () => {
  it('stores only hashes of visitor tokens and session tokens, and argon2id password hashes', async () => {
    const visitor = await connectVisitor(server);
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
    await visitor.socket.next((f) => f.type === 'ack');
    const cookie = await signIn(server);
    const session = decodeURIComponent(cookie.split('=')[1]!);
    expect(session.length).toBeGreaterThanOrEqual(32);

    const db = new Database(join(server.dataDir, 'mostrador.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT token_hash AS tokenHash FROM visitors WHERE id = ?').get(visitor.visitorId) as { tokenHash: string };
      expect(row.tokenHash).toBe(hashToken(visitor.token));
      const sessions = db.prepare('SELECT token_hash AS tokenHash FROM agent_sessions').all() as { tokenHash: string }[];
      expect(sessions.map((s) => s.tokenHash)).toContain(hashToken(session));
      const passwords = db.prepare('SELECT password_hash AS hash FROM agents').all() as { hash: string }[];
      expect(passwords.length).toBeGreaterThan(0);
      for (const p of passwords) expect(p.hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    } finally {
      db.close();
    }

    // Not anywhere in the files either (database, WAL), in any form the client holds.
    const bytes = Buffer.concat(
      readdirSync(server.dataDir)
        .filter((f) => f.startsWith('mostrador.db'))
        .map((f) => readFileSync(join(server.dataDir, f))),
    );
    for (const secret of [visitor.token, session]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    // The hashes are there: the check above looked in the right place.
    expect(bytes.includes(Buffer.from(hashToken(visitor.token)))).toBe(true);
    visitor.socket.close();
  });
});

describe('shop credentials at rest', () => {
  it('seals webhook secrets and API tokens: the database files never hold them in clear', async () => {
    const secrets = { webhookSecret: 'shpss_at_rest_0a1b2c3d4e5f', accessToken: 'shpat_at_rest_9z8y7x6w5v4u' };
    const res = await fetch(`${server.origin}/api/v1/integrations/shopify`, {
      method: 'PUT',
      headers: { Authorization: 'Bearer sk_demo_secret', 'Content-Type': 'application/json' },
      body: JSON.stringify({ shopDomain: 'en-reposo.myshopify.com', ...secrets }),
    });
    expect(res.status).toBe(200);
    const db = new Database(join(server.dataDir, 'mostrador.db'), { readonly: true });
    let sealed: string;
    try {
      sealed = (db.prepare("SELECT secrets FROM integrations WHERE platform = 'shopify'").get() as { secrets: string }).secrets;
    } finally {
      db.close();
    }
    expect(sealed).toMatch(/^v1\./);
    const bytes = Buffer.concat(
      readdirSync(server.dataDir)
        .filter((f) => f.startsWith('mostrador.db'))
        .map((f) => readFileSync(join(server.dataDir, f))),
    );
    for (const secret of Object.values(secrets)) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    // The sealed form is there: the check above looked in the right place.
    expect(bytes.includes(Buffer.from(sealed))).toBe(true);
  });
});
