/**
 * One contract, two stores: every case runs against SqliteStore (a temporary file) and PgStore
 * (PostgreSQL, a fresh schema for this file — `s_<random>`, dropped after — so parallel runs do
 * not collide). The PostgreSQL half is skipped only when CI is not set and PostgreSQL does not
 * answer at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); on CI an
 * unreachable PostgreSQL fails the suite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationState } from '../../server/domain/lifecycle';
import { hashToken, newId } from '../../server/ids';
import { backfillConversationFacts, openDb } from '../../server/store/db';
import { ConflictError, NotFoundError, StoreUnavailableError } from '../../server/store/errors';
import { openPg } from '../../server/store/pg/db';
import { backfillFacts } from '../../server/store/pg/facts';
import { PgStore, WEBHOOK_LEASE_MS } from '../../server/store/pg/pg-store';
import { MAIL_LEASE_MS } from '../../server/store/mail-repo';
import * as pgSchema from '../../server/store/pg/schema';
import * as sqliteSchema from '../../server/store/schema';
import { SqliteStore } from '../../server/store/sqlite-store';
import type { CommitPlan, CommitSnapshot, ConversationRecord, MessageDraft, Store } from '../../server/store/types';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const runPg = process.env.CI ? true : await pgReachable();
if (!runPg) console.warn(`store contract: PostgreSQL not reachable at ${PG_URL} (CI unset): the PostgreSQL half is skipped`);

type SiteRow = typeof sqliteSchema.sites.$inferInsert;

interface Harness {
  store: Store;
  /** PostgreSQL: the schema this file's tables live in. */
  schema?: string;
  insertSite(row: SiteRow): Promise<void>;
  /** Renames a site behind the store's back, as another node's store would. */
  renameElsewhere(id: string, name: string): Promise<void>;
  /** Deletes every report facts row, then backfills them from the event log (as at start-up); how many were written. */
  refillFacts(now: number): Promise<number>;
  close(): Promise<void>;
}

async function sqliteHarness(opts: { writerThread: boolean }): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'mostrador-contract-'));
  const opened = openDb(dir);
  const store = new SqliteStore(opened, undefined, opts);
  return {
    store,
    insertSite: async (row) => void opened.db.insert(sqliteSchema.sites).values(row).run(),
    renameElsewhere: async (id, name) => void opened.sqlite.prepare('UPDATE sites SET name = ? WHERE id = ?').run(name, id),
    refillFacts: async (at) => {
      opened.sqlite.prepare('DELETE FROM conversation_facts').run();
      return backfillConversationFacts(opened.sqlite, at);
    },
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pgHarness(): Promise<Harness> {
  const schema = `s_${randomBytes(6).toString('hex')}`;
  const opened = await openPg(PG_URL, { schema, max: 12 });
  const store = new PgStore(opened);
  return {
    store,
    schema,
    insertSite: async (row) => void (await opened.db.insert(pgSchema.sites).values(row)),
    renameElsewhere: async (id, name) => void (await opened.db.update(pgSchema.sites).set({ name }).where(eq(pgSchema.sites.id, id))),
    refillFacts: async (at) => {
      await opened.db.delete(pgSchema.conversationFacts);
      return opened.db.transaction((tx) => backfillFacts(tx, at));
    },
    close: async () => {
      await store.close();
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

const FRESH: ConversationState = {
  status: 'bot',
  assigneeId: null,
  lastAssigneeId: null,
  queuedAt: null,
  team: null,
  waitingSince: null,
  resolvedFrom: null,
  humanReplied: false,
  snoozedAt: null,
  snoozedUntil: null,
};

function stateOf(c: ConversationRecord | null): ConversationState {
  if (!c) return { ...FRESH };
  return {
    status: c.status,
    assigneeId: c.assigneeId,
    lastAssigneeId: c.lastAssigneeId,
    queuedAt: c.queuedAt,
    team: c.team,
    waitingSince: c.waitingSince,
    resolvedFrom: c.resolvedFrom,
    humanReplied: c.humanReplied,
    snoozedAt: c.snoozedAt,
    snoozedUntil: c.snoozedUntil,
  };
}

function text(body: string, clientId: string | null, kind: MessageDraft['kind'] = 'text', author: MessageDraft['author'] = { kind: 'visitor' }): MessageDraft {
  return { clientId, author, kind, text: body, payload: null, preview: kind === 'note' ? null : body };
}

describe.each([
  // Message-only commits written by the writer thread (the default), and every write on the main thread.
  ['sqlite', () => sqliteHarness({ writerThread: true })],
  ['sqlite, writes on the main thread', () => sqliteHarness({ writerThread: false })],
  ...(runPg ? ([['postgres', pgHarness]] as const) : []),
] as const)('Store contract (%s)', (_kind, make) => {
  const postgres = _kind === 'postgres';
  let h: Harness;
  let store: Store;
  let now = 1_800_000_000_000;
  const tick = () => (now += 1000);

  beforeAll(async () => {
    h = await make();
    store = h.store;
  });
  afterAll(async () => {
    await h?.close();
  });

  async function site(settings: Record<string, unknown> = {}): Promise<string> {
    const id = newId('site');
    const secretKey = `sk_${id}`;
    await h.insertSite({ id, name: `Shop ${id}`, publicKey: `pk_${id}`, secretKey, secretKeyHash: hashToken(secretKey), allowedOrigins: ['https://shop.example'], settings, createdAt: now });
    return id;
  }

  async function visitor(siteId: string) {
    return store.visitors.create({ siteId, tokenHash: hashToken(newId('tok')), locale: 'es', now: tick() });
  }

  /** A commit that appends `drafts` (and whatever else `extra` adds) keeping the state as it is. */
  function commit(siteId: string, target: { conversationId: string } | { visitorId: string }, drafts: MessageDraft[], extra: (s: CommitSnapshot) => Partial<CommitPlan> = () => ({})) {
    const at = tick();
    return store.conversations.commit({
      siteId,
      target: 'conversationId' in target ? target : { openFor: { visitorId: target.visitorId, customerId: null } },
      clientId: drafts[0]?.clientId ?? null,
      now: at,
      decide: (snap) => ({
        ...(!snap.conversation && 'visitorId' in target ? { create: { visitorId: target.visitorId, locale: 'es' } } : {}),
        state: stateOf(snap.conversation),
        messages: drafts,
        events: [],
        ...extra(snap),
      }),
    });
  }

  async function conversation(siteId: string) {
    const v = await visitor(siteId);
    const first = await commit(siteId, { visitorId: v.id }, [text('hola', newId('c'))], () => ({ events: [{ type: 'created', actor: { kind: 'visitor', id: v.id }, data: {} }] }));
    return { visitor: v, conversation: first.conversation };
  }

  // ------------------------------------------------------------------ the conversation core

  it('hands out seqs in order, each once, under concurrent appends', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => commit(siteId, { conversationId: c.id }, [text(`m${i}`, `cid-${i}`)])));
    const seqs = results.map((r) => r.messages[0]!.seq);
    expect(new Set(seqs).size).toBe(40);
    const stored = await store.messages.after(siteId, c.id, 0, 100);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    // Each visible message points at the one before it.
    expect(stored.slice(1).every((m, i) => m.prevSeq === stored[i]!.seq)).toBe(true);
    const after = await store.conversations.get(siteId, c.id);
    expect(after).toMatchObject({ lastSeq: 41, lastVisibleSeq: 41 });
    // A commit of several messages takes consecutive seqs.
    const many = await commit(siteId, { conversationId: c.id }, [text('a', 'multi-a'), text('note', null, 'note', { kind: 'agent', id: 'ag_x' }), text('b', null)]);
    expect(many.messages.map((m) => m.seq)).toEqual([42, 43, 44]);
    expect(many.messages[2]!.prevSeq).toBe(42); // notes are not visible to the shopper
    expect(many.conversation).toMatchObject({ lastSeq: 44, lastVisibleSeq: 44 });
  });

  it("finds or creates one open conversation when a visitor's first messages race", async () => {
    const siteId = await site();
    const v = await visitor(siteId);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => commit(siteId, { visitorId: v.id }, [text(`first ${i}`, `first-${i}`)])));
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
    expect(results.filter((r) => r.previous === null)).toHaveLength(1);
    expect((await store.messages.after(siteId, results[0]!.conversation.id, 0, 50)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('stores a clientId once: a resend (even concurrent) returns the stored message', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    const first = await commit(siteId, { conversationId: c.id }, [text('once', 'same-cid')]);
    const again = await commit(siteId, { conversationId: c.id }, [text('once (resent)', 'same-cid')]);
    expect(again.duplicate).toBe(true);
    expect(again.messages[0]).toEqual(first.messages[0]);
    const racing = await Promise.all(Array.from({ length: 6 }, () => commit(siteId, { conversationId: c.id }, [text('race', 'racing-cid')])));
    expect(racing.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(racing.map((r) => r.messages[0]!.id)).size).toBe(1);
    const stored = await store.messages.after(siteId, c.id, 0, 100);
    expect(stored.filter((m) => m.clientId === 'same-cid')).toHaveLength(1);
    expect(stored.filter((m) => m.clientId === 'racing-cid')).toHaveLength(1);
  });

  it('commits messages, state, event log, webhook and mail outbox together — or nothing', async () => {
    const siteId = await site();
    const hook = await store.webhooks.create(siteId, { url: 'https://hooks.example/x', events: ['message.created', 'conversation.resolved'], secret: 'whsec' }, tick());
    const { conversation: c } = await conversation(siteId);
    const done = await commit(siteId, { conversationId: c.id }, [text('gracias', 'atomic-1', 'text', { kind: 'agent', id: 'ag_1', name: 'Ana' })], (snap) => ({
      state: { ...stateOf(snap.conversation), status: 'resolved', resolvedFrom: 'people', lastAssigneeId: 'ag_1', humanReplied: true },
      events: [{ type: 'resolved', actor: { kind: 'agent', id: 'ag_1' }, data: { from: 'people' } }],
      data: { botState: { step: 'done', unanswered: [{ text: '¿envío a Canarias?', at: now, locale: 'es' }] }, locale: 'es' },
      outbox: ({ conversation, messages }) => [
        { event: 'message.created', body: { conversationId: conversation.id, messageId: messages[0]!.id } },
        { event: 'conversation.resolved', body: { conversationId: conversation.id } },
        { event: 'conversation.handoff', body: {} }, // not subscribed: no row
      ],
      mail: ({ messages }) => [{ kind: 'transcript', sendAfter: now, toAddress: 'maria@example.com', messageIds: messages.map((m) => m.id) }],
    }));
    expect(done.conversation).toMatchObject({ status: 'resolved', resolvedFrom: 'people', humanReplied: true, lastSeq: 2 });
    expect((await store.conversations.events(siteId, c.id)).map((e) => e.type)).toEqual(['created', 'resolved']);
    const deliveries = await store.webhooks.deliveries(siteId, hook.id, 10);
    expect(deliveries.map((d) => d.event).sort()).toEqual(['conversation.resolved', 'message.created']);
    expect(JSON.parse(deliveries.find((d) => d.event === 'message.created')!.body)).toMatchObject({ type: 'message.created', data: { messageId: done.messages[0]!.id } });
    const mail = await store.mail.forConversation(siteId, c.id);
    expect(mail).toMatchObject([{ kind: 'transcript', status: 'pending', toAddress: 'maria@example.com', messageIds: [done.messages[0]!.id] }]);
    expect(await store.conversations.botData(siteId, c.id)).toMatchObject({ botState: { step: 'done' }, locale: 'es' });

    // A commit that fails after writing (a rating of a resolution already rated) leaves nothing behind.
    const rate = () =>
      commit(siteId, { conversationId: c.id }, [text('¡genial!', newId('c'))], () => ({
        events: [{ type: 'rated', actor: { kind: 'visitor', id: null }, data: { score: 5 } }],
        rating: { score: 5, comment: 'genial' },
        outbox: ({ conversation }) => [{ event: 'message.created', body: { conversationId: conversation.id } }],
        mail: () => [{ kind: 'generic', sendAfter: now, toAddress: 'x@example.com', subject: 's', textBody: 't' }],
      }));
    await rate();
    const before = { conv: await store.conversations.get(siteId, c.id), events: await store.conversations.events(siteId, c.id), deliveries: await store.webhooks.deliveries(siteId, hook.id, 50), mail: await store.mail.forConversation(siteId, c.id) };
    await expect(rate()).rejects.toBeInstanceOf(ConflictError);
    expect(await store.conversations.get(siteId, c.id)).toEqual(before.conv);
    expect(await store.conversations.events(siteId, c.id)).toEqual(before.events);
    expect(await store.webhooks.deliveries(siteId, hook.id, 50)).toEqual(before.deliveries);
    expect(await store.mail.forConversation(siteId, c.id)).toEqual(before.mail);
    expect(await store.messages.after(siteId, c.id, before.conv!.lastSeq, 10)).toEqual([]);

    // decide refusing writes nothing either; an unknown conversation is NotFound.
    await expect(commit(siteId, { conversationId: c.id }, [], () => { throw new ConflictError('held by other'); })).rejects.toBeInstanceOf(ConflictError);
    await expect(commit(siteId, { conversationId: 'cv_missing' }, [text('x', 'x')])).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.ratings.of(siteId, c.id)).toMatchObject([{ score: 5, comment: 'genial', agentId: 'ag_1' }]);
    expect(await store.ratings.pending(siteId, c.id)).toMatchObject({ rated: true });
  });

  it('claims each due mail once between two claimers', async () => {
    const siteId = await site();
    const queued = await Promise.all(Array.from({ length: 30 }, (_, i) => store.mail.enqueue(siteId, null, { kind: 'generic', sendAfter: now - i, toAddress: `a${i}@example.com`, subject: 's', textBody: 't' }, now)));
    const [a, b] = await Promise.all([store.mail.claimDue(now, 20), store.mail.claimDue(now, 20)]);
    const ids = [...a!, ...b!].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing claimed twice
    // Every due mail of this site was claimed (the claims span all sites: other tests' mail too).
    expect(new Set(ids.filter((id) => queued.some((m) => m.id === id)))).toEqual(new Set(queued.map((m) => m.id)));
    expect([...a!, ...b!].every((m) => m.status === 'sending')).toBe(true);
    expect(await store.mail.claimDue(now, 20)).toEqual([]);
    // A claim is a lease: nobody takes it back while it runs…
    const mine = (rows: { id: string }[]) => new Set(rows.filter((m) => queued.some((q) => q.id === m.id)).map((m) => m.id));
    const all = new Set(queued.map((m) => m.id));
    expect(mine(await store.mail.claimDue(now + MAIL_LEASE_MS - 1, 100))).toEqual(new Set());
    // …but the only process's start-up (SQLite) takes its dead run's claims back at once, due as they were…
    expect(await store.mail.release()).toBeGreaterThanOrEqual(queued.length);
    expect(mine(await store.mail.claimDue(now, 100))).toEqual(all);
    // …and with several nodes, a claim whose lease ran out (the claimer died) is due again for anyone.
    expect(mine(await store.mail.claimDue(now + MAIL_LEASE_MS, 100))).toEqual(all);
    expect(await store.mail.release()).toBeGreaterThanOrEqual(queued.length);
    const settled = await store.mail.settle(queued[0]!.id, { status: 'retry', error: 'smtp 451', nextAttemptAt: now + 60_000 }, now);
    expect(settled).toMatchObject({ status: 'pending', attempts: 1, lastError: 'smtp 451', nextAttemptAt: now + 60_000 });
    expect(await store.mail.settle(queued[1]!.id, { status: 'sent', toAddress: 'a1@example.com', subject: 'S', textBody: 'T', htmlBody: '<p>T</p>', messageIds: [], transport: 'demo' }, now)).toMatchObject({ status: 'sent', sentAt: now, transport: 'demo' });
    expect((await store.mail.list(siteId, { limit: 100, status: 'sent' })).map((m) => m.id)).toEqual([queued[1]!.id]);
  });

  it('claims each due webhook delivery once between two dispatchers', async () => {
    const siteId = await site();
    await store.webhooks.create(siteId, { url: 'https://hooks.example/a', events: ['message.created'], secret: 's1' }, now);
    await store.webhooks.create(siteId, { url: 'https://hooks.example/b', events: ['message.created'], secret: 's2' }, now);
    for (let i = 0; i < 10; i++) expect(await store.webhooks.enqueue(siteId, 'message.created', { i }, now)).toBe(2);
    const due = await store.webhooks.due(now, 50);
    expect(due.length).toBeGreaterThanOrEqual(20);
    expect(due.find((d) => d.siteId === siteId)).toMatchObject({ url: expect.stringMatching(/^https:\/\/hooks\.example\//), secret: expect.stringMatching(/^s[12]$/), status: 'pending' });
    if (postgres) {
      // Two nodes' dispatchers at once: disjoint claims; a claim is leased, then due again.
      const mine = due.filter((d) => d.siteId === siteId).map((d) => d.id);
      expect(await store.webhooks.due(now, 50)).toEqual([]);
      const later = now + WEBHOOK_LEASE_MS + 1;
      const [x, y] = await Promise.all([store.webhooks.due(later, 15), store.webhooks.due(later, 15)]);
      const ids = [...x!, ...y!].map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids.filter((id) => mine.includes(id)))).toEqual(new Set(mine));
    }
    const first = due.find((d) => d.siteId === siteId)!;
    await store.webhooks.recordAttempt(first.id, { delivered: true, statusCode: 200, error: null, nextAttemptAt: null }, now);
    const [row] = (await store.webhooks.deliveries(siteId, first.webhookId, 50)).filter((d) => d.id === first.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, deliveredAt: now });
    expect((await store.stats()).webhookBacklog).toBeGreaterThanOrEqual(19);
  });

  it('scopes every read and write to its site', async () => {
    const a = await site();
    const b = await site();
    const { conversation: c, visitor: v } = await conversation(a);
    const hook = await store.webhooks.create(a, { url: 'https://hooks.example/a', events: ['message.created'], secret: 's' }, now);
    const agent = await store.agents.create({ siteId: a, email: 'Scope@Example.com', name: 'Scope', passwordHash: 'h', role: 'agent', now });
    const mail = await store.mail.enqueue(a, c.id, { kind: 'generic', sendAfter: now, subject: 's', textBody: 't' }, now);
    await store.customers.upsert(a, 'cus_scope', { email: 'c@example.com', name: 'C' }, now);
    expect(await store.conversations.get(b, c.id)).toBeNull();
    expect(await store.conversations.listItem(b, c.id)).toBeNull();
    expect(await store.messages.after(b, c.id, 0, 10)).toEqual([]);
    expect(await store.messages.search(b, { terms: ['hola'], limit: 10 })).toEqual([]);
    expect(await store.messages.search(a, { terms: ['hola'], limit: 10 })).toHaveLength(1);
    expect(await store.visitors.byId(b, v.id)).toBeNull();
    expect(await store.agents.byId(b, agent.id)).toBeNull();
    expect(await store.agents.byEmail(b, 'scope@example.com')).toBeNull();
    expect(await store.webhooks.delete(b, hook.id)).toBe(false);
    expect(await store.webhooks.list(b)).toEqual([]);
    expect(await store.mail.byId(b, mail.id)).toBeNull();
    expect(await store.customers.byExternalId(b, 'cus_scope')).toBeNull();
    expect(await store.conversations.markRead(b, c.id, 'agent', 1)).toBeNull();
    expect(await store.ratings.pending(b, c.id)).toBeNull();
    await expect(commit(b, { conversationId: c.id }, [text('intruder', 'intruder')])).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.conversations.listForSite(b, { limit: 10 })).map((x) => x.id)).toEqual([]);
    expect(await store.reports.facts(b, 0, now + 1, {}, ['createdAt'])).toEqual([]);
    expect(await store.conversations.setTag(b, c.id, 'intruso', true, { max: 10, by: null, now })).toBe('not_found');
    expect(await store.contactNotes.get(b, { kind: 'visitor', id: v.id })).toBeNull();
  });

  // ------------------------------------------------------------------ one case per section

  it('sites: by key and id, update, secret rotation with overlap', async () => {
    const id = await site({ brand: { color: '#123456' } });
    const byKey = await store.sites.byPublicKey(`pk_${id}`);
    expect(byKey).toMatchObject({ id, name: `Shop ${id}`, allowedOrigins: ['https://shop.example'] });
    expect(await store.sites.byId(id)).toEqual(byKey);
    const updated = await store.sites.update(id, { name: 'Renamed', allowedOrigins: ['https://a.example', 'https://b.example'] });
    expect(updated).toMatchObject({ name: 'Renamed', allowedOrigins: ['https://a.example', 'https://b.example'] });
    expect((await store.sites.byId(id))?.name).toBe('Renamed');
    await expect(store.sites.update('site_missing', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    // Changed by another node: forget() drops the cached copy, the next read sees the change.
    await h.renameElsewhere(id, 'Elsewhere');
    store.sites.forget(id);
    expect((await store.sites.byId(id))?.name).toBe('Elsewhere');
    expect((await store.sites.byPublicKey(`pk_${id}`))?.name).toBe('Elsewhere');
    expect(await store.sites.secretKey(id)).toBe(`sk_${id}`);
    await store.sites.rotateSecret(id, 'sk_new', hashToken('sk_new'), { now, previousUntil: now + 1000 });
    expect(await store.sites.secretKeys(id, now)).toEqual(['sk_new', `sk_${id}`]);
    expect(await store.sites.secretKeys(id, now + 1000)).toEqual(['sk_new']);
    expect((await store.sites.bySecretKeyHash(hashToken(`sk_${id}`), now))?.id).toBe(id);
    expect(await store.sites.bySecretKeyHash(hashToken(`sk_${id}`), now + 2000)).toBeNull();
    expect(await store.sites.secretStatus(id, now)).toEqual({ rotatedAt: now, previous: { expiresAt: now + 1000 } });
    expect(await store.sites.retirePreviousSecret(id)).toBe(true);
    expect(await store.sites.retirePreviousSecret(id)).toBe(false);
    expect(await store.sites.secretKeys(id, now)).toEqual(['sk_new']);
  });

  it('customers and orders: upserts (stale copies ignored), shipments, returns, lookups', async () => {
    const siteId = await site();
    const t0 = now;
    const c1 = await store.customers.upsert(siteId, 'cus_1', { email: 'm@example.com', name: 'María', tags: ['vip'], sourceUpdatedAt: 100 }, now);
    expect(c1).toMatchObject({ created: true, record: { externalId: 'cus_1', tags: ['vip'], phone: null } });
    expect(await store.customers.upsert(siteId, 'cus_1', { email: 'old@example.com', name: 'Old', sourceUpdatedAt: 50 }, now)).toMatchObject({ stale: true, record: { email: 'm@example.com' } });
    expect(await store.customers.byId(siteId, c1.record.id)).toEqual(c1.record);
    await expect(store.orders.upsert(siteId, 'ord_x', { customerExternalId: 'nobody', number: '1', status: 'paid', currency: 'EUR', total: 1, items: [], createdAt: now }, now)).rejects.toBeInstanceOf(NotFoundError);
    const order = await store.orders.upsert(siteId, 'ord_1', {
      customerExternalId: 'cus_1',
      number: 'AB-1001',
      status: 'paid',
      currency: 'EUR',
      total: 6450,
      items: [{ sku: 'CAF', name: 'Café', quantity: 2, price: 1450 }],
      shippingAddress: { line1: 'Calle 1', city: 'Madrid', country: 'ES' },
      createdAt: t0 - 1000,
    }, now);
    expect(order).toMatchObject({ created: true, record: { number: 'AB-1001', total: 6450, customerExternalId: 'cus_1', shipments: [], returns: [] } });
    await store.orders.upsertShipment(siteId, 'ord_1', 'shp_1', { carrier: 'Correos', trackingNumber: 'CE1', trackingUrl: 'https://t.example/CE1', status: 'in_transit', events: [{ at: now, status: 'in_transit', description: 'En tránsito' }] }, tick());
    const withReturn = await store.orders.upsertReturn(siteId, 'ord_1', 'ret_1', { status: 'requested', items: [{ sku: 'CAF', quantity: 1 }], reason: 'roto' }, tick());
    expect(withReturn.record.shipments).toMatchObject([{ externalId: 'shp_1', trackingNumber: 'CE1', events: [{ description: 'En tránsito' }] }]);
    expect(withReturn.record.returns).toMatchObject([{ externalId: 'ret_1', reason: 'roto', items: [{ sku: 'CAF', quantity: 1 }] }]);
    expect(await store.orders.byNumber(siteId, '#ab-1001')).toMatchObject({ externalId: 'ord_1', customerEmail: 'm@example.com' });
    expect(await store.orders.byExternalId(siteId, 'ord_1')).toEqual(withReturn.record);
    expect((await store.orders.forCustomer(siteId, c1.record.id, 5)).map((o) => o.externalId)).toEqual(['ord_1']);
    await expect(store.orders.upsertShipment(siteId, 'ord_none', 's', { carrier: 'x', trackingNumber: 'x', trackingUrl: 'x', status: 'x' }, now)).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.reports.orders(siteId, t0 - 2000, t0)).toEqual([{ customerId: c1.record.id, createdAt: t0 - 1000, total: 6450, currency: 'EUR' }]);
  });

  it('attachments: created unclaimed, claimed by the commit that uses them', async () => {
    const siteId = await site();
    const { conversation: c, visitor: v } = await conversation(siteId);
    const file = await store.attachments.create({ id: newId('att'), siteId, uploaderKind: 'visitor', uploaderId: v.id, fileName: 'foto.jpg', contentType: 'image/jpeg', size: 1234, createdAt: now, sha256: 'ab'.repeat(32) });
    expect(file.conversationId).toBeNull();
    let seen: unknown[] = [];
    await store.conversations.commit({
      siteId,
      target: { conversationId: c.id },
      clientId: 'with-file',
      attachmentIds: [file.id, 'att_missing'],
      now: tick(),
      decide: (snap) => {
        seen = snap.attachments;
        return { state: stateOf(snap.conversation), messages: [{ ...text('mira', 'with-file'), payload: { attachments: [file.id] } }], events: [], claimAttachments: [file.id] };
      },
    });
    expect(seen).toEqual([file]);
    expect(await store.attachments.byId(file.id)).toEqual({ ...file, conversationId: c.id });
    expect(await store.attachments.byId('att_missing')).toBeNull();
    expect((await store.messages.after(siteId, c.id, 1, 1))[0]).toMatchObject({ payload: { attachments: [file.id] } });
  });

  it('webhooks: list, delete with its deliveries', async () => {
    const siteId = await site();
    const hook = await store.webhooks.create(siteId, { url: 'https://hooks.example/del', events: ['conversation.created'], secret: 'x' }, now);
    expect(await store.webhooks.list(siteId)).toEqual([hook]);
    expect(await store.webhooks.enqueue(siteId, 'message.created', {}, now)).toBe(0);
    expect(await store.webhooks.enqueue(siteId, 'conversation.created', {}, now)).toBe(1);
    expect(await store.webhooks.delete(siteId, hook.id)).toBe(true);
    expect(await store.webhooks.list(siteId)).toEqual([]);
    expect(await store.webhooks.deliveries(siteId, hook.id, 10)).toEqual([]);
  });

  it('mail: digests merge, one offline confirmation, reply threads and unsubscribe', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    const d1 = await store.mail.enqueue(siteId, c.id, { kind: 'digest', sendAfter: now + 100 }, now);
    const d2 = await store.mail.enqueue(siteId, c.id, { kind: 'digest', sendAfter: now + 500 }, now);
    expect(d2.id).toBe(d1.id);
    expect(d2.nextAttemptAt).toBe(now + 500);
    const o1 = await store.mail.enqueue(siteId, c.id, { kind: 'offline_confirmation', sendAfter: now }, now);
    expect((await store.mail.enqueue(siteId, c.id, { kind: 'offline_confirmation', sendAfter: now }, now)).id).toBe(o1.id);
    expect(await store.mail.byId(siteId, d1.id)).toMatchObject({ kind: 'digest', status: 'pending', messageIdHeader: expect.stringContaining(d1.id) });
    const token = await store.mail.thread(siteId, c.id, now);
    expect(token).toMatch(/^[a-z2-7]{26}$/);
    expect(await store.mail.thread(siteId, c.id, now)).toBe(token);
    expect(await store.mail.byReplyToken(token.toUpperCase())).toEqual({ siteId, conversationId: c.id });
    expect(await store.mail.unsubscribed(siteId, c.id)).toBe(false);
    await store.mail.unsubscribe(siteId, c.id, now);
    expect(await store.mail.unsubscribed(siteId, c.id)).toBe(true);
  });

  it('integrations: save keeps the log, notes, delivery ids claimed once, import state', async () => {
    const siteId = await site();
    const saved = await store.integrations.save(siteId, 'shopify', { settings: { shop: 'x.myshopify.com' }, sealedSecrets: 'sealed', secretNames: ['webhookSecret'] }, now);
    expect(saved).toMatchObject({ platform: 'shopify', settings: { shop: 'x.myshopify.com' }, sealedSecrets: 'sealed', importState: null });
    await store.integrations.note(siteId, 'shopify', { topic: 'orders/create' }, tick());
    await store.integrations.save(siteId, 'shopify', { settings: { shop: 'y.myshopify.com' }, sealedSecrets: 'sealed2', secretNames: [] }, tick());
    expect(await store.integrations.get(siteId, 'shopify')).toMatchObject({ settings: { shop: 'y.myshopify.com' }, lastEventTopic: 'orders/create', createdAt: saved.createdAt });
    expect(await store.integrations.claimDelivery(siteId, 'shopify', 'd1', now)).toBe(true);
    expect(await store.integrations.claimDelivery(siteId, 'shopify', 'd1', now)).toBe(false);
    await store.integrations.releaseDelivery(siteId, 'shopify', 'd1');
    expect(await store.integrations.claimDelivery(siteId, 'shopify', 'd1', now)).toBe(true);
    const state = { status: 'running' as const, phase: 'orders' as const, cursor: 'page=2', since: 0, customers: 3, orders: 1, totals: { customers: 3, orders: null }, error: null, startedAt: now, finishedAt: null };
    await store.integrations.setImport(siteId, 'shopify', state, now);
    expect((await store.integrations.list(siteId)).map((i) => i.importState)).toEqual([state]);
  });

  it('idempotency: the first response stored for a key is kept', async () => {
    const siteId = await site();
    const first = { requestHash: 'h1', status: 201, body: '{"id":"x","n":1}' };
    expect(await store.idempotency.put(siteId, 'key-1', first, Date.now())).toEqual(first);
    expect(await store.idempotency.put(siteId, 'key-1', { requestHash: 'h2', status: 200, body: '{}' }, Date.now())).toEqual(first);
    expect(await store.idempotency.get(siteId, 'key-1')).toEqual(first);
    expect(await store.idempotency.get(siteId, 'key-2')).toBeNull();
  });

  it('agents, sessions, password resets and invitations', async () => {
    const siteId = await site();
    const ana = await store.agents.create({ siteId, email: ' Ana@Example.com ', name: 'Ana', passwordHash: 'h1', role: 'admin', now, capacity: 3, languages: ['es'], teams: ['returns'] });
    expect(ana).toMatchObject({ email: 'ana@example.com', role: 'admin', disabled: false, capacity: 3, languages: ['es'], teams: ['returns'] });
    expect((await store.agents.forSignIn('ANA@example.com')).find((a) => a.siteId === siteId)).toMatchObject({ id: ana.id, passwordHash: 'h1', site: { publicKey: `pk_${siteId}` } });
    expect(await store.agents.update(siteId, ana.id, { name: 'Ana G', teams: [] })).toMatchObject({ name: 'Ana G', teams: [] });
    await store.sessions.create({ tokenHash: `s1-${siteId}`, agentId: ana.id, siteId, now, ttlMs: 10_000, userAgent: 'UA', address: '10.0.0.1' });
    await store.sessions.create({ tokenHash: `s2-${siteId}`, agentId: ana.id, siteId, now, ttlMs: 10_000 });
    expect(await store.sessions.live(`s1-${siteId}`, now + 1)).toMatchObject({ agent: { id: ana.id }, expiresAt: now + 10_000, lastSeenAt: now });
    expect(await store.sessions.agentFor(`s1-${siteId}`, now + 10_000)).toBeNull();
    await store.sessions.touch(`s1-${siteId}`, now + 5, '10.0.0.2');
    expect((await store.sessions.listForAgent(ana.id, now + 6)).map((s) => [s.tokenHash, s.address])).toEqual([
      [`s1-${siteId}`, '10.0.0.2'],
      [`s2-${siteId}`, null],
    ]);
    expect(await store.sessions.deleteForAgent(ana.id, `s1-${siteId}`)).toEqual([`s2-${siteId}`]);

    await store.passwordResets.create({ agentId: ana.id, siteId, tokenHash: `r-${siteId}`, now, ttlMs: 1000 });
    expect(await store.passwordResets.byToken(`r-${siteId}`, now)).toMatchObject({ agent: { id: ana.id }, siteName: `Shop ${siteId}` });
    expect(await store.passwordResets.use(`r-${siteId}`, now, 'h2')).toEqual({ agent: expect.objectContaining({ id: ana.id }), endedSessions: [`s1-${siteId}`] });
    expect(await store.passwordResets.use(`r-${siteId}`, now, 'h3')).toBeNull();
    expect((await store.agents.forSignIn('ana@example.com')).find((a) => a.id === ana.id)?.passwordHash).toBe('h2');

    const invite = await store.invites.create({ siteId, email: 'Luis@Example.com', role: 'agent', invitedBy: ana.id, tokenHash: `i-${siteId}`, now, ttlMs: 1000 });
    expect(await store.invites.pending(siteId, now)).toEqual([invite]);
    expect(await store.invites.byToken(`i-${siteId}`, now)).toEqual({ ...invite, siteName: `Shop ${siteId}` });
    // Created after Ana (lists are in order of creation).
    const luis = await store.invites.accept(`i-${siteId}`, now + 1, { name: 'Luis', passwordHash: 'hl' });
    expect(luis).toMatchObject({ email: 'luis@example.com', role: 'agent' });
    expect(await store.invites.accept(`i-${siteId}`, now, { name: 'Luis', passwordHash: 'hl' })).toBeNull();
    const again = await store.invites.create({ siteId, email: 'luis@example.com', role: 'agent', invitedBy: null, tokenHash: `i2-${siteId}`, now, ttlMs: 1000 });
    expect(await store.invites.accept(`i2-${siteId}`, now, { name: 'L', passwordHash: 'x' })).toBe('exists');
    const third = await store.invites.create({ siteId, email: 'eva@example.com', role: 'admin', invitedBy: null, tokenHash: `i3-${siteId}`, now, ttlMs: 1000 });
    expect(await store.invites.revoke(siteId, third.id)).toBe(true);
    expect(await store.invites.revoke(siteId, again.id)).toBe(false); // used
    expect((await store.agents.list(siteId)).map((a) => a.name)).toEqual(['Ana G', 'Luis']);
  });

  it('visitors: identify links a verified customer, profile, proactive caps, locale', async () => {
    const siteId = await site();
    const v = await visitor(siteId);
    expect(await store.visitors.byId(siteId, v.id)).toEqual(v);
    const claimed = await store.visitors.identify(siteId, v.id, { externalId: 'ext-1', email: 'claimed@example.com', name: 'Claimed', verified: false, now });
    expect(claimed).toMatchObject({ verified: false, customerId: null, externalId: 'ext-1' });
    expect(await store.visitors.setProfile(siteId, v.id, { name: 'Typed' })).toMatchObject({ name: 'Typed' });
    const verified = await store.visitors.identify(siteId, v.id, { externalId: 'ext-1', email: 'real@example.com', name: 'Real', verified: true, now: tick() });
    expect(verified.customerId).toBeTruthy();
    expect(await store.customers.byId(siteId, verified.customerId!)).toMatchObject({ externalId: 'ext-1', email: 'real@example.com' });
    expect(await store.visitors.setProfile(siteId, v.id, { name: 'Overwrite?' })).toMatchObject({ name: 'Real' });
    expect((await store.visitors.latestVerifiedForCustomer(siteId, verified.customerId!))?.id).toBe(v.id);
    await store.visitors.setLocale(siteId, v.id, 'en');
    await store.visitors.touch(siteId, v.id, tick());
    expect(await store.visitors.byId(siteId, v.id)).toMatchObject({ locale: 'en' });
    const caps = { minGapMs: 60_000, maxPerDay: 2 };
    expect(await store.visitors.claimProactive(siteId, v.id, 'r1', now, caps)).toBe(true);
    expect(await store.visitors.claimProactive(siteId, v.id, 'r1', now + 1000, caps)).toBe(false);
    expect(await store.visitors.claimProactive(siteId, v.id, 'r2', now + 2000, caps)).toBe(true);
    expect(await store.visitors.claimProactive(siteId, v.id, 'r3', now + 3000, caps)).toBe(false);
    const raced = await Promise.all(Array.from({ length: 5 }, () => store.visitors.claimProactive(siteId, v.id, 'r4', now + 90_000_000, caps)));
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect((await store.visitors.byToken(siteId, 'nope'))).toBeNull();
  });

  it('conversations: lists, keyset pages, read marks, queue, loads, bot data', async () => {
    const siteId = await site();
    const agent = await store.agents.create({ siteId, email: 'q@example.com', name: 'Q', passwordHash: 'h', role: 'agent', now });
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await conversation(siteId));
    const [c0, c1, c2] = made.map((m) => m.conversation);
    // Queue two, assign one.
    const base = now;
    await commit(siteId, { conversationId: c0!.id }, [], (s) => ({ state: { ...stateOf(s.conversation), status: 'queued', queuedAt: base + 10, team: 'returns' } }));
    await commit(siteId, { conversationId: c1!.id }, [], (s) => ({ state: { ...stateOf(s.conversation), status: 'queued', queuedAt: base } }));
    await commit(siteId, { conversationId: c2!.id }, [text('hola, soy Q', null, 'text', { kind: 'agent', id: agent.id })], (s) => ({ state: { ...stateOf(s.conversation), status: 'assigned', assigneeId: agent.id, lastAssigneeId: agent.id, queuedAt: now } }));
    expect((await store.conversations.queue(siteId)).map((q) => [q.id, q.team, q.language])).toEqual([
      [c1!.id, null, 'es'],
      [c0!.id, 'returns', 'es'],
    ]);
    expect(await store.conversations.assignedTo(siteId, agent.id)).toEqual([c2!.id]);
    expect(await store.conversations.loads(siteId)).toEqual(new Map([[agent.id, 1]]));
    expect((await store.stats()).queuedConversations).toBeGreaterThanOrEqual(2);

    const all = await store.conversations.listForSite(siteId, { limit: 10 });
    expect(all).toHaveLength(5);
    expect(all[0]!.id).toBe(c2!.id); // most recent activity first
    const page1 = await store.conversations.page(siteId, { limit: 2 });
    const page2 = await store.conversations.page(siteId, { limit: 2, before: page1.next! });
    const page3 = await store.conversations.page(siteId, { limit: 2, before: page2.next! });
    expect([...page1.items, ...page2.items, ...page3.items].map((x) => x.id)).toEqual(all.map((x) => x.id));
    expect(page3.next).toBeNull();
    expect((await store.conversations.page(siteId, { limit: 10, status: 'queued' })).items.map((x) => x.id).sort()).toEqual([c0!.id, c1!.id].sort());
    expect(await store.conversations.listItem(siteId, c2!.id)).toMatchObject({ lastMessage: { text: 'hola, soy Q', authorKind: 'agent' }, visitorName: null, orderNumbers: [], viaEmail: false });

    const v0 = made[0]!.visitor;
    expect((await store.conversations.listForVisitor(siteId, v0)).map((x) => x.id)).toEqual([c0!.id]);
    expect(await store.conversations.getForVisitor(siteId, c1!.id, v0)).toBeNull();
    expect((await store.conversations.getForVisitor(siteId, c0!.id, v0))?.id).toBe(c0!.id);

    expect(await store.conversations.markRead(siteId, c2!.id, 'visitor', 99)).toEqual({ seq: 2, changed: true });
    expect(await store.conversations.markRead(siteId, c2!.id, 'visitor', 1)).toEqual({ seq: 2, changed: false });
    expect(await store.conversations.get(siteId, c2!.id)).toMatchObject({ visitorReadSeq: 2, agentReadSeq: 0 });

    await store.conversations.saveBotData(siteId, c0!.id, { botState: { unanswered: [{ text: '¿hacéis envíos a Canarias?', at: now - 10, locale: 'es' }, { text: 'gift?', at: now - 5, locale: 'en' }] }, handoff: { reason: 'asked' } });
    await store.conversations.saveBotData(siteId, c1!.id, { botState: { unanswered: [] }, locale: 'en' });
    expect(await store.conversations.botData(siteId, c0!.id)).toEqual({
      status: (await store.conversations.get(siteId, c0!.id))!.status,
      botState: expect.objectContaining({ unanswered: expect.any(Array) }),
      handoff: { reason: 'asked' },
      locale: 'es',
    });
    await store.conversations.saveBotData(siteId, c0!.id, { handoff: null });
    expect((await store.conversations.botData(siteId, c0!.id))?.handoff).toBeNull();
    expect(await store.conversations.unansweredQuestions(siteId, 10)).toEqual([
      { conversationId: c0!.id, text: 'gift?', at: now - 5, locale: 'en' },
      { conversationId: c0!.id, text: '¿hacéis envíos a Canarias?', at: now - 10, locale: 'es' },
    ]);
  });

  it("list items: a verified customer's name and recent orders, e-mail chats; the commit knows the verified owner", async () => {
    const siteId = await site();
    const v = await visitor(siteId);
    const verified = await store.visitors.identify(siteId, v.id, { externalId: 'cus-li', email: 'li@example.com', name: 'Li', verified: true, now });
    await store.customers.upsert(siteId, 'cus-li', { email: 'li@example.com', name: 'Li Wei', tags: ['vip'] }, now);
    for (const [n, at] of [['A-1', now - 3000], ['A-2', now - 1000], ['A-3', now - 2000]] as const) {
      await store.orders.upsert(siteId, `o-${n}`, { customerExternalId: 'cus-li', number: n, status: 'paid', currency: 'EUR', total: 100, items: [], createdAt: at }, now);
    }
    const first = await commit(siteId, { visitorId: v.id }, [{ ...text('por correo', 'li-1'), channel: 'email' }]);
    const again = await commit(siteId, { conversationId: first.conversation.id }, [text('y otra', 'li-2')]);
    expect(again.ownerCustomerId).toBe(verified.customerId);
    expect(await store.conversations.listItem(siteId, first.conversation.id)).toMatchObject({ visitorName: 'Li Wei', visitorEmail: 'li@example.com', verified: true, orderNumbers: ['A-2', 'A-3', 'A-1'], viaEmail: true });
    const other = await conversation(siteId);
    expect(await store.conversations.listItem(siteId, other.conversation.id)).toMatchObject({ verified: false, orderNumbers: [], viaEmail: false });
  });

  it('messages: before/after pages without notes for shoppers; accent-blind prefix search', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    await commit(siteId, { conversationId: c.id }, [text('¿Cuándo llega el envío de mi pedido?', 'q1')]);
    await commit(siteId, { conversationId: c.id }, [text('nota interna: envio retrasado', null, 'note', { kind: 'agent', id: 'ag' })]);
    await commit(siteId, { conversationId: c.id }, [{ ...text('Envío', null, 'system', { kind: 'system' }), preview: null }]);
    await commit(siteId, { conversationId: c.id }, [text('Sale mañana por Correos Express', 'a1', 'text', { kind: 'agent', id: 'ag', name: 'Ana' })]);
    expect((await store.messages.after(siteId, c.id, 0, 10)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await store.messages.after(siteId, c.id, 0, 10, { visibleOnly: true })).map((m) => m.seq)).toEqual([1, 2, 4, 5]);
    expect((await store.messages.before(siteId, c.id, 5, 2)).map((m) => m.seq)).toEqual([3, 4]);
    expect((await store.messages.before(siteId, c.id, 5, 2, { visibleOnly: true })).map((m) => m.seq)).toEqual([2, 4]);
    expect((await store.messages.after(siteId, c.id, 4, 1))[0]).toMatchObject({ author: { kind: 'agent', id: 'ag', name: 'Ana' }, prevSeq: 4, kind: 'text' });

    const hits = await store.messages.search(siteId, { terms: ['envio'], limit: 10 });
    expect(hits.map((h) => [h.seq, h.kind]).sort()).toEqual([
      [2, 'text'],
      [3, 'note'],
    ]); // the system line is not indexed
    const hit = hits.find((h) => h.seq === 2)!;
    expect(hit.conversation).toMatchObject({ status: 'bot', visitorId: expect.any(String) });
    const [start, end] = hit.marks[0]!;
    expect(hit.snippet.slice(start, end)).toBe('envío');
    expect((await store.messages.search(siteId, { terms: ['PED', 'llega'], limit: 10 })).map((h) => h.seq)).toEqual([2]);
    expect(await store.messages.search(siteId, { terms: ['envio'], status: 'resolved', limit: 10 })).toEqual([]);
    expect(await store.messages.search(siteId, { terms: ['"*)(:'], limit: 10 })).toEqual([]);
  });

  it('stores a message holding U+0000 (PostgreSQL cannot: it keeps U+FFFD in its place)', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    const done = await commit(siteId, { conversationId: c.id }, [{ ...text('a\u0000b', 'nul'), payload: { note: 'x\u0000y' } }], () => ({ data: { botState: { last: 'n\u0000' } } }));
    const expected = postgres ? 'a\uFFFDb' : 'a\u0000b';
    expect(done.messages[0]!.text).toBe(expected);
    expect((await store.messages.after(siteId, c.id, 1, 1))[0]).toMatchObject({ text: expected, payload: { note: postgres ? 'x\uFFFDy' : 'x\u0000y' } });
  });

  it.runIf(postgres)('answers store_unavailable when PostgreSQL cannot be reached, writing nothing', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    const schema = h.schema!;
    // A second node on the same database whose connections are gone.
    const lost = new PgStore(await openPg(PG_URL, { schema, max: 1 }));
    await lost.close();
    await expect(lost.conversations.commit({ siteId, target: { conversationId: c.id }, clientId: 'lost', now, decide: (snap) => ({ state: stateOf(snap.conversation), messages: [text('x', 'lost')], events: [] }) })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(lost.messages.after(siteId, c.id, 0, 10)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await store.messages.after(siteId, c.id, 0, 10)).map((m) => m.clientId)).not.toContain('lost');
  });

  it('reports: facts written with each lifecycle event, filtered and aggregated alike', async () => {
    const siteId = await site();
    const start = now;
    const { conversation: c } = await conversation(siteId); // 'created', one shopper message
    const ag = (await store.agents.create({ siteId, email: 'r@example.com', name: 'R', passwordHash: 'h', role: 'agent', now })).id;
    const agent = { kind: 'agent' as const, id: ag };
    await commit(siteId, { conversationId: c.id }, [], (s) => ({
      state: { ...stateOf(s.conversation), status: 'assigned', assigneeId: ag, lastAssigneeId: ag, queuedAt: now },
      events: [
        { type: 'handed_off', actor: { kind: 'bot', id: null }, data: { reason: 'asked' } },
        { type: 'queued', actor: { kind: 'system', id: null }, data: {} },
        { type: 'assigned', actor: { kind: 'system', id: null }, data: { agentId: ag } },
      ],
    }));
    await commit(siteId, { conversationId: c.id }, [text('respuesta', null, 'text', agent), text('bot', null, 'text', { kind: 'bot' })], () => ({
      events: [{ type: 'first_human_reply', actor: agent, data: { agentId: ag, waitedMs: 3000 } }],
    }));
    await commit(siteId, { conversationId: c.id }, [], (s) => ({
      state: { ...stateOf(s.conversation), status: 'resolved', assigneeId: null, resolvedFrom: 'people' },
      events: [{ type: 'resolved', actor: agent, data: {} }],
    }));
    await commit(siteId, { conversationId: c.id }, [], () => ({ events: [], rating: { score: 4, comment: null } }));
    await commit(siteId, { conversationId: c.id }, [text('¡gracias!', 'late')]); // after the last lifecycle event: not in the facts yet
    const end = tick();

    const [facts] = await store.reports.facts(siteId, start, end, {}, ['via', 'channel', 'language', 'resolutions', 'handoffReasons', 'agents', 'queued', 'shopperMessages', 'agentMessages', 'botMessages', 'createdAt']);
    expect(facts).toEqual({
      id: c.id,
      via: 'shopper',
      channel: 'chat',
      language: 'es',
      resolutions: 1,
      handoffReasons: '["asked"]',
      agents: `|${ag}|`,
      queued: 1,
      shopperMessages: 1,
      agentMessages: 1,
      botMessages: 1,
      createdAt: expect.any(Number),
    });
    expect(await store.reports.totals(siteId, start, end, {})).toEqual({ conversations: 1, botResolved: 0, resolutions: 1, proactive: 0 });
    expect(await store.reports.facts(siteId, start, end, { agentId: ag }, ['via'])).toHaveLength(1);
    expect(await store.reports.facts(siteId, start, end, { agentId: 'other' }, ['via'])).toEqual([]);
    expect(await store.reports.facts(siteId, start, end, { language: 'en' }, ['via'])).toEqual([]);
    expect(await store.reports.facts(siteId, start, end, { having: 'resolutions' }, ['via'])).toHaveLength(1);
    expect(await store.reports.handoffs(siteId, start, end, {})).toEqual([['asked', 1]]);
    const resolutions = await store.reports.pairs(siteId, start, end, {}, 'resolution');
    expect(resolutions).toHaveLength(1);
    expect(resolutions[0]![0]).toBe(facts!.createdAt);
    expect(resolutions[0]![1]).toBeGreaterThan(0);
    const [day] = await store.reports.perDay(siteId, start, end, {}, 'UTC');
    expect(day).toMatchObject({ conversations: 1, shopper: 1, agent: 1, bot: 1 });
    expect((await store.reports.perWeekHour(siteId, start, end, {}, 'UTC')).reduce((n, r) => n + r.n, 0)).toBe(1);
    expect(await store.reports.perDay(siteId, start, end, {}, 'Europe/Madrid')).toEqual([]); // written in UTC
    expect(await store.reports.uncounted(siteId, start, end, {})).toEqual([{ createdAt: facts!.createdAt, authorKind: 'visitor', n: 1 }]);
    expect(await store.reports.ratings(siteId, start, end, {})).toEqual([{ conversationId: c.id, score: 4, agentId: ag, team: null, createdAt: expect.any(Number) }]);
    expect(await store.reports.customers(siteId, start, end, {})).toEqual([]);
    const stats = await store.stats();
    expect(stats.messagesStored).toBeGreaterThanOrEqual(4);
  });

  // ------------------------------------------------------------------ tags, snooze, contact notes

  it('tags: add once, at most `max` (also when adds race), remove, list items, site tags, search by tag', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    const { conversation: d } = await conversation(siteId);
    const opts = { max: 3, by: 'ag_tagger', now };
    expect(await store.conversations.setTag(siteId, c.id, 'envios', true, opts)).toBe('done');
    expect(await store.conversations.setTag(siteId, c.id, 'envios', true, opts)).toBe('done');
    expect((await store.conversations.listItem(siteId, c.id))?.tags).toEqual(['envios']);
    // Adds racing for the last places: the conversation never holds more than `max`.
    const raced = await Promise.all(['a1', 'a2', 'a3', 'a4'].map((tag) => store.conversations.setTag(siteId, c.id, tag, true, opts)));
    expect(raced.filter((r) => r === 'done')).toHaveLength(2);
    expect(raced.filter((r) => r === 'full')).toHaveLength(2);
    const tags = (await store.conversations.listItem(siteId, c.id))!.tags;
    expect(tags).toHaveLength(3);
    expect(tags).toContain('envios');
    expect([...tags].sort()).toEqual(tags);
    // Removing one it has not changes nothing; removing one it has makes room.
    expect(await store.conversations.setTag(siteId, c.id, 'nunca', false, opts)).toBe('done');
    expect(await store.conversations.setTag(siteId, c.id, 'envios', false, opts)).toBe('done');
    expect((await store.conversations.listItem(siteId, c.id))!.tags).not.toContain('envios');
    expect(await store.conversations.setTag(siteId, d.id, 'devoluciones', true, opts)).toBe('done');
    expect(await store.conversations.setTag(siteId, c.id, 'devoluciones', true, opts)).toBe('done');
    expect(await store.conversations.setTag(siteId, 'cv_missing', 'x', true, opts)).toBe('not_found');
    const siteTags = await store.conversations.siteTags(siteId, 10);
    expect(siteTags[0]).toBe('devoluciones');
    expect(siteTags).toHaveLength(3);
    expect(await store.conversations.siteTags(siteId, 1)).toEqual(['devoluciones']);
    expect((await store.conversations.listForSite(siteId, { limit: 10 })).find((x) => x.id === d.id)?.tags).toEqual(['devoluciones']);
    // Search: only chats with the tag.
    expect((await store.messages.search(siteId, { terms: ['hola'], limit: 10 })).map((hit) => hit.conversationId).sort()).toEqual([c.id, d.id].sort());
    expect((await store.messages.search(siteId, { terms: ['hola'], tag: 'devoluciones', limit: 10 })).map((hit) => hit.conversationId).sort()).toEqual([c.id, d.id].sort());
    const only = tags.find((x) => x !== 'envios')!;
    expect((await store.messages.search(siteId, { terms: ['hola'], tag: only, limit: 10 })).map((hit) => hit.conversationId)).toEqual([c.id]);
    expect(await store.messages.search(siteId, { terms: ['hola'], tag: 'nadie', limit: 10 })).toEqual([]);
  });

  it('snooze: stored with the state, out of the queue, re-armed from snoozes() until it wakes or resolves', async () => {
    const siteId = await site();
    const { conversation: c } = await conversation(siteId);
    const { conversation: d } = await conversation(siteId);
    const queued = (s: CommitSnapshot) => ({ state: { ...stateOf(s.conversation), status: 'queued' as const, queuedAt: now, waitingSince: now } });
    await commit(siteId, { conversationId: c.id }, [], queued);
    await commit(siteId, { conversationId: d.id }, [], queued);
    expect((await store.conversations.queue(siteId)).map((q) => q.id)).toEqual([c.id, d.id]);
    const at = now;
    const snoozed = await commit(siteId, { conversationId: c.id }, [], (s) => ({ state: { ...stateOf(s.conversation), snoozedAt: at, snoozedUntil: at + 3_600_000 } }));
    expect(snoozed.conversation).toMatchObject({ snoozedAt: at, snoozedUntil: at + 3_600_000, status: 'queued' });
    expect(await store.conversations.get(siteId, c.id)).toMatchObject({ snoozedAt: at, snoozedUntil: at + 3_600_000 });
    // Until the shopper writes: snoozed, but no timer to re-arm.
    await commit(siteId, { conversationId: d.id }, [], (s) => ({ state: { ...stateOf(s.conversation), snoozedAt: at, snoozedUntil: null } }));
    expect(await store.conversations.queue(siteId)).toEqual([]);
    const mine = async () => (await store.conversations.snoozes()).filter((x) => x.siteId === siteId);
    expect(await mine()).toEqual([{ siteId, id: c.id, until: at + 3_600_000 }]);
    expect((await store.conversations.listItem(siteId, d.id))).toMatchObject({ snoozedAt: at, snoozedUntil: null });
    // Woken: back in the queue at its place; resolved: nothing to re-arm.
    await commit(siteId, { conversationId: c.id }, [], (s) => ({ state: { ...stateOf(s.conversation), snoozedAt: null, snoozedUntil: null } }));
    expect((await store.conversations.queue(siteId)).map((q) => q.id)).toEqual([c.id]);
    expect(await mine()).toEqual([]);
    await commit(siteId, { conversationId: c.id }, [], (s) => ({ state: { ...stateOf(s.conversation), snoozedAt: now, snoozedUntil: now + 60_000 } }));
    expect(await mine()).toHaveLength(1);
    await commit(siteId, { conversationId: c.id }, [], (s) => ({ state: { ...stateOf(s.conversation), status: 'resolved', queuedAt: null } }));
    expect(await mine()).toEqual([]);
  });

  it('contact notes: one per customer or visitor of the site, replaced, deleted when emptied', async () => {
    const siteId = await site();
    const other = await site();
    const v = await visitor(siteId);
    const visitorRef = { kind: 'visitor' as const, id: v.id };
    const customerRef = { kind: 'customer' as const, id: v.id };
    expect(await store.contactNotes.get(siteId, visitorRef)).toBeNull();
    expect(await store.contactNotes.save(siteId, visitorRef, 'Prefiere correo', 'ag_1', now)).toEqual({ text: 'Prefiere correo', updatedBy: 'ag_1', updatedAt: now });
    expect(await store.contactNotes.get(siteId, visitorRef)).toEqual({ text: 'Prefiere correo', updatedBy: 'ag_1', updatedAt: now });
    // The same id as a customer is another contact; another site sees nothing.
    expect(await store.contactNotes.get(siteId, customerRef)).toBeNull();
    expect(await store.contactNotes.get(other, visitorRef)).toBeNull();
    const later = tick();
    expect(await store.contactNotes.save(siteId, visitorRef, 'Prefiere teléfono', null, later)).toEqual({ text: 'Prefiere teléfono', updatedBy: null, updatedAt: later });
    expect(await store.contactNotes.get(siteId, visitorRef)).toEqual({ text: 'Prefiere teléfono', updatedBy: null, updatedAt: later });
    await store.contactNotes.save(other, visitorRef, 'otra tienda', 'ag_2', later);
    expect(await store.contactNotes.save(siteId, visitorRef, '', 'ag_1', tick())).toBeNull();
    expect(await store.contactNotes.get(siteId, visitorRef)).toBeNull();
    expect((await store.contactNotes.get(other, visitorRef))?.text).toBe('otra tienda');
  });

  // ------------------------------------------------------------------ reports

  it('reports: one chat’s facts through its lifecycle (not a plain message), every report query and filter, uncounted messages, backfill', async () => {
    const siteId = await site();
    const ag = (await store.agents.create({ siteId, email: 'reports@example.com', name: 'Reports', passwordHash: 'h', role: 'agent', now })).id;
    const start = now;
    const { conversation: c } = await conversation(siteId);
    const created = c.createdAt;
    const handedOff = tick() + 1000;
    await commit(siteId, { conversationId: c.id }, [], (s) => ({
      state: { ...stateOf(s.conversation), status: 'queued', queuedAt: handedOff, waitingSince: handedOff },
      events: [
        { type: 'handed_off', actor: { kind: 'bot', id: null }, data: { reason: 'asked_for_person' } },
        { type: 'queued', actor: { kind: 'system', id: null }, data: {} },
      ],
    }));
    await commit(siteId, { conversationId: c.id }, [], (s) => ({
      state: { ...stateOf(s.conversation), status: 'assigned', assigneeId: ag, lastAssigneeId: ag, queuedAt: null },
      events: [{ type: 'assigned', actor: { kind: 'agent', id: ag }, data: { agentId: ag } }],
    }));
    const replied = now + 1000;
    await commit(siteId, { conversationId: c.id }, [text('respuesta', null, 'text', { kind: 'agent', id: ag }), text('bot', null, 'text', { kind: 'bot' })], (s) => ({
      state: { ...stateOf(s.conversation), humanReplied: true, waitingSince: null },
      events: [{ type: 'first_human_reply', actor: { kind: 'agent', id: ag }, data: { agentId: ag, waitedMs: replied - handedOff } }],
    }));
    const resolved = now + 1000;
    await commit(siteId, { conversationId: c.id }, [], (s) => ({
      state: { ...stateOf(s.conversation), status: 'resolved', assigneeId: null, resolvedFrom: 'people', lastAssigneeId: ag },
      events: [{ type: 'resolved', actor: { kind: 'agent', id: ag }, data: {} }],
    }));
    await commit(siteId, { conversationId: c.id }, [], () => ({ events: [], rating: { score: 4, comment: null } }));
    const end = tick();

    const columns = ['createdAt', 'via', 'channel', 'language', 'firstResponseSeconds', 'queued', 'queue', 'leftUnanswered', 'resolutions', 'resolutionSeconds', 'botResolved', 'handoffReasons', 'holdings', 'agents', 'shopperMessages', 'agentMessages', 'botMessages'] as const;
    const [row, ...none] = await store.reports.facts(siteId, start, end, {}, columns);
    expect(none).toEqual([]);
    expect(row).toMatchObject({
      id: c.id,
      createdAt: created,
      via: 'shopper',
      channel: 'chat',
      language: 'es',
      firstResponseSeconds: (replied - handedOff) / 1000,
      queued: 1,
      leftUnanswered: 0,
      resolutions: 1,
      botResolved: 0,
      agents: `|${ag}|`,
      shopperMessages: 1,
      agentMessages: 1,
      botMessages: 1,
    });
    // JSON lists come back as JSON text in both stores.
    expect(JSON.parse(row!.resolutionSeconds)).toEqual([(resolved - created) / 1000]);
    expect(JSON.parse(row!.handoffReasons)).toEqual(['asked_for_person']);
    expect(JSON.parse(row!.queue)).toEqual([[handedOff, handedOff + 1000, 'assigned']]);
    expect(JSON.parse(row!.holdings)).toEqual([[ag, handedOff + 1000, resolved]]);

    expect(await store.reports.totals(siteId, start, end, {})).toEqual({ conversations: 1, botResolved: 0, resolutions: 1, proactive: 0 });
    expect(await store.reports.pairs(siteId, start, end, {}, 'firstResponse')).toEqual([[created, (replied - handedOff) / 1000]]);
    expect(await store.reports.pairs(siteId, start, end, {}, 'resolution')).toEqual([[created, (resolved - created) / 1000]]);
    expect(await store.reports.handoffs(siteId, start, end, {})).toEqual([['asked_for_person', 1]]);
    const day = new Date(created).toISOString().slice(0, 10);
    expect(await store.reports.perDay(siteId, start, end, {}, 'UTC')).toEqual([{ day, conversations: 1, shopper: 1, agent: 1, bot: 1 }]);
    expect(await store.reports.perDay(siteId, start, end, {}, 'Europe/Madrid')).toEqual([]);
    const d = new Date(created);
    expect(await store.reports.perWeekHour(siteId, start, end, {}, 'UTC')).toEqual([{ weekday: (d.getUTCDay() + 6) % 7, hour: d.getUTCHours(), n: 1 }]);
    expect(await store.reports.ratings(siteId, start, end, {})).toEqual([{ conversationId: c.id, score: 4, agentId: ag, team: null, createdAt: expect.any(Number) }]);
    expect(await store.reports.customers(siteId, start, end, {})).toEqual([]);
    // Filters: agent, team (by its members), language, channel, having.
    const count = async (filter: Parameters<Store['reports']['totals']>[3]) => (await store.reports.totals(siteId, start, end, filter)).conversations;
    expect(await count({ agentId: ag })).toBe(1);
    expect(await count({ agentId: ag.slice(0, -1) })).toBe(0);
    expect(await count({ team: 'ventas', teamMembers: [ag] })).toBe(1);
    expect(await count({ team: 'ventas', teamMembers: ['other'] })).toBe(0);
    expect(await count({ language: 'en' })).toBe(0);
    expect(await count({ channel: 'chat', having: 'holdings' })).toBe(1);
    expect(await count({ having: 'firstResponse' })).toBe(1);
    expect(await count({ timeZone: { zone: 'UTC', other: true } })).toBe(0);
    // Tag: the chats with that tag now (null: a tag no chat can have).
    expect(await count({ tag: 'envios' })).toBe(0);
    expect(await store.conversations.setTag(siteId, c.id, 'envios', true, { max: 10, by: ag, now })).toBe('done');
    expect(await count({ tag: 'envios' })).toBe(1);
    expect(await count({ tag: 'envios', agentId: ag.slice(0, -1) })).toBe(0);
    expect(await count({ tag: null })).toBe(0);
    expect(await store.reports.tagged(siteId, 'envios')).toEqual([c.id]);
    expect(await store.reports.pairs(siteId, start, end, { tag: 'otra' }, 'firstResponse')).toEqual([]);
    expect(await store.reports.totals(siteId, end, end + 1000, {})).toMatchObject({ conversations: 0 });

    // A plain message changes no facts: it is counted as uncounted until the next lifecycle event.
    expect(await store.reports.uncounted(siteId, start, end, {})).toEqual([]);
    await commit(siteId, { conversationId: c.id }, [text('gracias', null)]);
    expect(await store.reports.uncounted(siteId, start, end, {})).toEqual([{ createdAt: created, authorKind: 'visitor', n: 1 }]);
    expect((await store.reports.facts(siteId, start, end, {}, ['shopperMessages']))[0]?.shopperMessages).toBe(1);
    await commit(siteId, { conversationId: c.id }, [], (s) => ({
      state: { ...stateOf(s.conversation), status: 'queued', queuedAt: now, waitingSince: now },
      events: [{ type: 'reopened', actor: { kind: 'visitor', id: null }, data: {} }],
    }));
    expect(await store.reports.uncounted(siteId, start, end, {})).toEqual([]);
    expect((await store.reports.facts(siteId, start, end, {}, ['shopperMessages']))[0]?.shopperMessages).toBe(2);

    // Backfill (a new facts table): the same rows again from the event log.
    const before = await store.reports.facts(siteId, start, end, {}, columns);
    expect(await h.refillFacts(now)).toBeGreaterThanOrEqual(1);
    expect(await store.reports.facts(siteId, start, end, {}, columns)).toEqual(before);
    expect(await store.reports.totals(siteId, start, end, {})).toEqual({ conversations: 1, botResolved: 0, resolutions: 1, proactive: 0 });

    const stats = await store.stats();
    expect(stats.messagesStored).toBeGreaterThanOrEqual(4);
  });
});
