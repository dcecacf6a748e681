/**
 * Message search's index is filled in batches (store/search-indexer.ts), not by a trigger per
 * insert: a message is not in the FTS5 index right after its commit, a search finds it anyway
 * (the index catches up first), and the store's own batch takes it within a few seconds.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, csrfOf, signIn } from '../helpers/ws-client';

let server: TestServer;
let ana: string;
beforeAll(async () => {
  server = await startTestServer();
  ana = await signIn(server, 'ana@example.com');
});
afterAll(async () => {
  await server.destroy();
});

const indexed = (word: string) => {
  const db = new Database(join(server.dataDir, 'mostrador.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?').pluck().get(word) as number) > 0;
  } finally {
    db.close();
  }
};

async function say(text: string) {
  const { socket } = await connectVisitor(server);
  const clientId = cid();
  socket.send({ type: 'message.send', clientId, text });
  await socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  socket.close();
}

describe.skipIf(process.env.TEST_STORE === 'postgres')('message search index', () => {
  it('is filled in batches after the commit, and a search never misses a committed message', async () => {
    await say('¿Tenéis cafetera italiana zumbadora?');
    // Committed, not indexed yet: no trigger writes the index in the message's transaction.
    expect(indexed('zumbadora')).toBe(false);
    // A search catches the index up first.
    const res = await fetch(`${server.origin}/api/agent/search?q=zumbadora`, { headers: { Cookie: ana, Origin: server.origin, 'X-CSRF-Token': csrfOf(ana) } });
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(indexed('zumbadora')).toBe(true);

    // Without a search, the store's batch takes it within a few seconds.
    await say('Busco un molinillo chirriante');
    await expect.poll(() => indexed('chirriante'), { timeout: 6000, interval: 200 }).toBe(true);
  });
});
