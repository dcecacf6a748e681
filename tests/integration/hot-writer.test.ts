/**
 * The SQLite store's writer thread (server/store/hot-writer.ts): message-only commits are decided
 * on the main thread and written on the second one. The store contract runs with it and without
 * it; these cases are about the split itself — which commits go there, that later writes wait for
 * them, and that the store carries on alone if the thread stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_CONVERSATION, type ConversationState } from '../../server/domain/lifecycle';
import { hashToken, newId } from '../../server/ids';
import { openDb } from '../../server/store/db';
import * as schema from '../../server/store/schema';
import { SearchIndexer } from '../../server/store/search-indexer';
import { SqliteStore } from '../../server/store/sqlite-store';
import { countInFileAlone } from '../helpers/sqlite-file';
import type { CommitPlan, CommitSnapshot, ConversationRecord, MessageDraft } from '../../server/store/types';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function stateOf(c: ConversationRecord | null): ConversationState {
  if (!c) return { ...NO_CONVERSATION, status: 'bot' };
  const { status, assigneeId, lastAssigneeId, queuedAt, team, waitingSince, resolvedFrom, humanReplied, snoozedAt, snoozedUntil } = c;
  return { status, assigneeId, lastAssigneeId, queuedAt, team, waitingSince, resolvedFrom, humanReplied, snoozedAt, snoozedUntil };
}

function text(body: string, clientId: string | null): MessageDraft {
  return { clientId, author: { kind: 'visitor' }, kind: 'text', text: body, payload: null, preview: body };
}

async function setUp(writerThread = true) {
  const dir = mkdtempSync(join(tmpdir(), 'mostrador-writer-'));
  dirs.push(dir);
  const opened = openDb(dir);
  const store = new SqliteStore(opened, undefined, { writerThread });
  stores.push(store);
  const siteId = newId('site');
  opened.db
    .insert(schema.sites)
    .values({ id: siteId, name: 'Shop', publicKey: `pk_${siteId}`, secretKey: `sk_${siteId}`, secretKeyHash: hashToken(`sk_${siteId}`), allowedOrigins: [], settings: {}, createdAt: 1 })
    .run();
  let now = 1_800_000_000_000;
  const visitor = await store.visitors.create({ siteId, tokenHash: hashToken(newId('tok')), locale: 'es', now });
  const commit = (target: { conversationId: string } | { visitorId: string } | null, drafts: MessageDraft[], extra: (s: CommitSnapshot) => Partial<CommitPlan> = () => ({})) =>
    store.conversations.commit({
      siteId,
      target: target && 'conversationId' in target ? target : { openFor: { visitorId: target?.visitorId ?? visitor.id, customerId: null } },
      clientId: drafts[0]?.clientId ?? null,
      now: ++now,
      decide: (snap) => ({
        ...(snap.conversation ? {} : { create: { visitorId: target && 'visitorId' in target ? target.visitorId : visitor.id, locale: 'es' } }),
        state: stateOf(snap.conversation),
        messages: drafts,
        events: [],
        ...extra(snap),
      }),
    });
  const first = await commit(null, [text('hola', 'c0')]);
  /** Another visitor's conversation. */
  const another = async () => {
    const other = await store.visitors.create({ siteId, tokenHash: hashToken(newId('tok')), locale: 'es', now });
    return (await commit({ visitorId: other.id }, [text('otra', 'o0')])).conversation.id;
  };
  return { store, siteId, commit, another, conversationId: first.conversation.id, dir, sqlite: opened.sqlite };
}

describe('SQLite writer thread', () => {
  it('writes message-only commits there and state changes here, in the order they were asked for', async () => {
    const { store, siteId, commit, conversationId } = await setUp();
    expect(store.offThreadCommits).toBe(0); // creating the conversation moved its state
    const target = { conversationId };
    const sent = await Promise.all(Array.from({ length: 30 }, (_, i) => commit(target, [text(`m${i}`, `c${i + 1}`)])));
    expect(sent.map((r) => r.messages[0]!.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(store.offThreadCommits).toBe(30);

    // A state change between messages: written on the main thread, after the messages before it.
    const [, moved, after] = await Promise.all([
      commit(target, [text('antes', 'before')]),
      commit(target, [text('cola', 'queue')], (s) => ({ state: { ...stateOf(s.conversation), status: 'queued', queuedAt: 5 } })),
      commit(target, [text('después', 'after')]),
    ]);
    expect(moved.previous?.lastSeq).toBe(32);
    expect(moved.conversation).toMatchObject({ status: 'queued', lastSeq: 33 });
    expect(after.conversation).toMatchObject({ status: 'queued', lastSeq: 34 });
    expect(store.offThreadCommits).toBe(32);
    expect(await store.conversations.get(siteId, conversationId)).toMatchObject({ status: 'queued', lastSeq: 34, lastVisibleSeq: 34, lastMessage: { text: 'después' } });
    const stored = await store.messages.after(siteId, conversationId, 0, 100);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    expect(stored.slice(1).every((m, i) => m.prevSeq === stored[i]!.seq)).toBe(true);
  });

  it('answers a resend it refused (the clientId is stored) as a duplicate, with the stored message', async () => {
    const { store, commit, conversationId } = await setUp();
    const first = await commit({ conversationId }, [text('una vez', 'same')]);
    const written = store.offThreadCommits;
    const again = await commit({ conversationId }, [text('una vez (otra)', 'same')]);
    expect(again.duplicate).toBe(true);
    expect(again.messages[0]).toEqual(first.messages[0]);
    expect(store.offThreadCommits).toBe(written);
  });

  it('checkpoints there: the database file alone holds what it wrote within a second, and the main thread never checkpoints', async () => {
    const { store, commit, conversationId, dir } = await setUp();
    const walSync = (store as unknown as { walSync: { checkpoint(): void } }).walSync;
    let onMain = 0;
    const original = walSync.checkpoint.bind(walSync);
    walSync.checkpoint = () => (onMain++, original());
    await Promise.all(Array.from({ length: 20 }, (_, i) => commit({ conversationId }, [text(`m${i}`, `k${i}`)])));
    expect(store.offThreadCommits).toBe(20);
    const inFileAlone = () => countInFileAlone(dir, 'SELECT count(*) AS n FROM messages WHERE conversation_id = ?', conversationId);
    await expect.poll(inFileAlone, { timeout: 2500, interval: 100 }).toBe(21);
    expect(onMain).toBe(0);
  });

  it('begins no transaction here for a batch it writes whole', async () => {
    const { store, commit, another, conversationId } = await setUp();
    const second = await another();
    const before = store.mainTransactions;
    await Promise.all(Array.from({ length: 10 }, (_, i) => commit({ conversationId: i % 2 ? conversationId : second }, [text(`m${i}`, `t${i}`)])));
    expect(store.offThreadCommits).toBe(10);
    expect(store.mainTransactions).toBe(before);
    // A state change is written here, in a transaction.
    await commit({ conversationId }, [text('cola', 'q')], (s) => ({ state: { ...stateOf(s.conversation), status: 'queued', queuedAt: 5 } }));
    expect(store.mainTransactions).toBe(before + 1);
  });

  it('fills the search index there, in the background, never on the main thread', async () => {
    const { store, siteId, commit, conversationId, sqlite } = await setUp();
    const indexer = (store as unknown as { searchIndex: { step(): boolean; catchUp(): void } }).searchIndex;
    const step = indexer.step.bind(indexer);
    let onMain = 0;
    indexer.step = () => (onMain++, step());
    await Promise.all(Array.from({ length: 12 }, (_, i) => commit({ conversationId }, [text(`cafetera número ${i}`, `s${i}`)])));
    const newest = sqlite.prepare('SELECT max(rowid) FROM messages').pluck().get() as number;
    const progress = () => sqlite.prepare('SELECT indexed_rowid FROM fts_progress WHERE id = 1').pluck().get() as number;
    // The batch runs every 2 s: it catches up without any search asking.
    await expect.poll(progress, { timeout: 5000, interval: 100 }).toBe(newest);
    expect(onMain).toBe(0);
    const hits = await store.messages.search(siteId, { terms: ['cafetera'], limit: 50 });
    expect(hits.map((h) => h.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    expect(onMain).toBe(0); // nothing was left for the search to catch up
  });

  it('runs the index batch as statements that read their own bounds: 5,000 rows at most, up to the newest, never back', async () => {
    const { store, commit, conversationId, sqlite } = await setUp(false);
    clearInterval((store as unknown as { searchTimer: NodeJS.Timeout }).searchTimer); // this test runs the batches
    const progress = () => sqlite.prepare('SELECT indexed_rowid FROM fts_progress WHERE id = 1').pluck().get() as number;
    const start = progress();
    await commit({ conversationId }, Array.from({ length: 6000 }, (_, i) => text(`palabra${i}`, null)));
    const newest = sqlite.prepare('SELECT max(rowid) FROM messages').pluck().get() as number;
    const batch = () => sqlite.transaction(() => SearchIndexer.stepOp().statements.forEach(([sql, params]) => sqlite.prepare(sql).run(...(params as unknown[]))))();
    batch();
    expect(progress()).toBe(start + 5000);
    batch();
    expect(progress()).toBe(newest);
    batch(); // nothing left: no change, no duplicate rows
    expect(progress()).toBe(newest);
    // Every message after the start, the 6,000 and the conversation's first: each once.
    expect(sqlite.prepare('SELECT count(*) FROM messages_fts WHERE rowid > ?').pluck().get(start)).toBe(sqlite.prepare('SELECT count(*) FROM messages WHERE rowid > ?').pluck().get(start));
    expect(sqlite.prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'palabra5999'").pluck().get()).toBe(1);
  });

  it('keeps committing on the main thread when the writer thread stops', async () => {
    const { store, siteId, commit, conversationId } = await setUp();
    await commit({ conversationId }, [text('antes', 'a')]);
    const worker = (store as unknown as { writer: { worker: Worker } }).writer.worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await worker.terminate();
    await exited;
    const written = store.offThreadCommits;
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => commit({ conversationId }, [text(`después ${i}`, `b${i}`)])));
    expect(results.map((r) => r.messages[0]!.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(store.offThreadCommits).toBe(written);
    expect((await store.messages.after(siteId, conversationId, 0, 50)).map((m) => m.text)).toEqual(['hola', 'antes', 'después 0', 'después 1', 'después 2', 'después 3', 'después 4']);
  });
});

describe('SQLite store: the rows commits are decided on', () => {
  it('decides the next message on the row it wrote, without reading it again', async () => {
    const { store, siteId, commit, conversationId } = await setUp();
    const hot = (store as unknown as { hot: { target: (...a: unknown[]) => unknown } }).hot;
    const read = hot.target.bind(hot);
    let reads = 0;
    hot.target = (...a: unknown[]) => (reads++, read(...a));
    for (let i = 0; i < 10; i++) await commit({ conversationId }, [text(`m${i}`, `r${i}`)]);
    // Once: the conversation was created on this thread (a commit written here is read again).
    expect(reads).toBe(1);
    expect(await store.conversations.get(siteId, conversationId)).toMatchObject({ lastSeq: 11, lastMessage: { text: 'm9' } });
  });

  it('sees what other writes changed: read marks and the assistant’s memory', async () => {
    const { store, siteId, commit, conversationId } = await setUp();
    const first = await commit({ conversationId }, [text('uno', 'u1')], () => ({ data: { botState: { turn: 1 } } }));
    expect(first.conversation.lastSeq).toBe(2);
    expect(await store.conversations.botData(siteId, conversationId)).toMatchObject({ status: 'bot', botState: { turn: 1 }, handoff: null });

    await store.conversations.markRead(siteId, conversationId, 'visitor', 2);
    const second = await commit({ conversationId }, [text('dos', 'u2')]);
    expect(second.previous?.visitorReadSeq).toBe(2);
    expect(second.conversation.visitorReadSeq).toBe(2);

    await store.conversations.saveBotData(siteId, conversationId, { botState: { turn: 2 } });
    expect(await store.conversations.botData(siteId, conversationId)).toMatchObject({ botState: { turn: 2 } });
    const third = await commit({ conversationId }, [text('tres', 'u3')], () => ({ data: { handoff: { reason: 'asked' } } }));
    expect(third.conversation.lastSeq).toBe(4);
    expect(await store.conversations.botData(siteId, conversationId)).toMatchObject({ botState: { turn: 2 }, handoff: { reason: 'asked' } });
  });
});

describe.each([
  ['with the writer thread', true],
  ['without it', false],
])('SQLite store batches (%s)', (_, writerThread) => {
  it('rolls back a commit that fails after writing, alone: the rest of its batch commits', async () => {
    const { store, siteId, commit, another, conversationId } = await setUp(writerThread);
    const [b, c] = [await another(), await another()];
    const results = await Promise.allSettled([
      commit({ conversationId }, [text('primero', 'p1')]),
      // Its message is inserted, then the rating finds no resolution to rate: the commit fails.
      commit({ conversationId: b }, [text('valoración', 'r1')], () => ({ rating: { score: 5, comment: null } })),
      commit({ conversationId: c }, [text('a la cola', 'q1')], (s) => ({ state: { ...stateOf(s.conversation), status: 'queued', queuedAt: 7 } })),
      commit({ conversationId: b }, [text('después', 'r2')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/already rated/);
    expect((await store.messages.after(siteId, conversationId, 0, 10)).map((m) => m.text)).toEqual(['hola', 'primero']);
    // Nothing of the failed commit: its seq was not taken, the next message has it.
    expect((await store.messages.after(siteId, b, 0, 10)).map((m) => [m.seq, m.text])).toEqual([[1, 'otra'], [2, 'después']]);
    expect(await store.conversations.get(siteId, b)).toMatchObject({ lastSeq: 2, lastMessage: { text: 'después' } });
    expect(await store.conversations.get(siteId, c)).toMatchObject({ status: 'queued', lastSeq: 2 });
  });
});
