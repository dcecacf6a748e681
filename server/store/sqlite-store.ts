/**
 * The SQLite implementation of Store. Message appends — the hot path — are queued and
 * committed together once per event-loop turn ("group commit"): one transaction and one fsync
 * for everything that arrived in that turn, each append in its own savepoint so one bad row
 * fails alone. Promises resolve only after COMMIT returns, so an ack always means "on disk".
 */
import { and, asc, desc, eq, exists, gt, isNotNull, isNull, lt, ne, or, sql, type Placeholder } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { ConversationStatus, Message } from '../../shared/protocol';
import { CommerceRepo } from './commerce';
import { HotPath, FINISH_MESSAGES_SQL, INSERT_MESSAGE_SQL, WRITE_VISITOR_SQL, insertParams, nextMemory, parseMemory, planFinish, visitorParams, type ConversationRow, type StoredMemory } from './hot-path';
import { HotWriter, VANISHED, toError, type WriterOp } from './hot-writer';
import { WebhookRepo } from './webhook-repo';
import { IntegrationRepo } from './integration-repo';
import { ReportRepo } from './report-repo';
import { FactsRepo } from './facts-repo';
import { reportTimeZone } from '../domain/reports';
import { MailRepo } from './mail-repo';
import { WalSync } from './wal-sync';
import { SearchIndexer } from './search-indexer';
import { newId, newSortableId } from '../ids';
import { liveSecretKeys, proactiveClaim, stateMoved, unansweredOf } from './shared';
import { parseSiteSettings } from '../domain/site-settings';
import type { Logger } from '../logger';
import type { Db, OpenedDb } from './db';
import { AttachmentError, ConflictError, NotFoundError, StoreUnavailableError, isUnavailable } from './errors';
import * as t from './schema';
import type {
  AgentRecord,
  AttachmentRecord,
  CommitPlan,
  CommitRequest,
  ConversationDataPatch,
  ContactNotesRecord,
  ContactRef,
  MessageHit,
  MessageSearch,
  CommitResult,
  ConversationEventRecord,
  ConversationListItem,
  CustomerInput,
  FactColumn,
  FactsFilter,
  IdentifyInput,
  ImportState,
  IntegrationPlatform,
  InviteRecord,
  OrderInput,
  ReturnInput,
  ShipmentInput,
  StoredResponse,
  WebhookEvent,
  ConversationRecord,
  MailDraft,
  MailOutcome,
  MailRecord,
  SiteRecord,
  Store,
  VisitorRecord,
} from './types';

type MessageRow = typeof t.messages.$inferSelect;
type AgentRow = typeof t.agents.$inferSelect;

/**
 * A write waiting for the next batch: run inside it (in its own savepoint), settled after COMMIT.
 * A conversation commit (`request`) may instead hand back an op for the writer thread.
 */
interface PendingWrite {
  /** `begin`: called by a commit before its first write (the batch's transaction may not have begun). */
  run(deferrable: Set<string> | null, begin: () => void): unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  request?: CommitRequest;
  /** A write the writer thread runs instead, when there is one: its statements (its value is undefined). */
  offThread?: () => WriterOp;
  /** Which remembered conversation rows this write may change: one (its id), none (null), or any (absent). */
  touches?: string | null;
}

/** A conversation row as this store last read or wrote it, with its verified owner and (when known) the assistant's memory. */
interface RememberedRow {
  row: ConversationRow;
  ownerCustomerId: string | null;
  memory?: StoredMemory;
}

/**
 * Conversation rows remembered, the least recently committed dropped first: a busy node's open
 * chats fit, and with the assistant's memory (about 1–2 KB of JSON each) it stays near 20 MB.
 */
const REMEMBERED_ROWS = 10_000;

/** SQLite's code for a UNIQUE violation: in a writer-thread op, the message's clientId is already stored. */
const UNIQUE_VIOLATION = 'SQLITE_CONSTRAINT_UNIQUE';

/** What a commit returns to `flush`: its result, and the statements that write it when the writer thread does. */
interface CommitOutcome {
  result: CommitResult;
  op?: WriterOp;
}

const noop = () => {};

/** How often the search index takes the messages written since its last batch (search-indexer.ts). */
const SEARCH_INDEX_MS = 250;

/** Thrown inside a batch by a commit that must wait for the next one (its conversation has an op in flight). */
const WAIT_FOR_NEXT_BATCH = Symbol('wait for the next batch');

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    siteId: row.siteId,
    visitorId: row.visitorId,
    status: row.status,
    assigneeId: row.assigneeId,
    lastAssigneeId: row.lastAssigneeId,
    waitingSince: row.waitingSince,
    resolvedFrom: row.resolvedFrom,
    humanReplied: Boolean(row.humanReplied),
    snoozedAt: row.snoozedAt,
    snoozedUntil: row.snoozedUntil,
    locale: row.locale,
    lastSeq: row.lastSeq,
    lastVisibleSeq: row.lastVisibleSeq,
    visitorReadSeq: row.visitorReadSeq,
    agentReadSeq: row.agentReadSeq,
    lastMessage:
      row.lastMessageAt !== null && row.lastMessageText !== null
        ? { text: row.lastMessageText, authorKind: (row.lastMessageAuthor ?? 'system') as Message['author']['kind'], createdAt: row.lastMessageAt }
        : null,
    team: row.team,
    queuedAt: row.queuedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    ...(row.prevVisibleSeq !== null ? { prevSeq: row.prevVisibleSeq } : {}),
    clientId: row.clientId,
    kind: row.kind,
    ...(row.payload ? { payload: row.payload } : {}),
    author: {
      kind: row.authorKind,
      ...(row.authorId ? { id: row.authorId } : {}),
      ...(row.authorName ? { name: row.authorName } : {}),
    },
    text: row.text,
    ...(row.channel === 'email' ? { channel: 'email' as const } : {}),
    createdAt: row.createdAt,
  };
}

export function toAgent(row: AgentRow): AgentRecord {
  return { id: row.id, siteId: row.siteId, email: row.email, name: row.name, role: row.role, disabled: row.disabled, capacity: row.capacity, languages: row.languages, teams: row.teams };
}

export function toInvite(row: typeof t.agentInvites.$inferSelect): InviteRecord {
  return { id: row.id, siteId: row.siteId, email: row.email, role: row.role, invitedBy: row.invitedBy, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The most sites one email is looked up on at sign-in (each costs an argon2 verification). */
export const SIGN_IN_CANDIDATES = 20;

export class SqliteStore implements Store {
  private readonly db: Db;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  /** The batch transaction's statements, prepared once (flush). */
  private txControl?: Record<'begin' | 'commit' | 'savepoint' | 'release' | 'rollbackTo', import('better-sqlite3').Statement>;
  /** The hot path's writes on a second thread (hot-writer.ts), for a WAL database on disk; else null. */
  private writer: HotWriter | null = null;
  private writerIdle: (() => void)[] = [];
  /**
   * The conversation rows commits were decided on, as written (write-through): a message needs no
   * read of its conversation, nor the assistant a read of its memory. Every write of a
   * conversation row goes through this store's queue; a write that may change one forgets it
   * (or all of them) when it runs, and a commit written on this thread forgets its own.
   */
  private readonly rows = new Map<string, RememberedRow>();

  private readonly commerce: CommerceRepo;
  private readonly hooks: WebhookRepo;
  private readonly shops: IntegrationRepo;
  private readonly mailRepo: MailRepo;
  private readonly hot: HotPath;
  private readonly report: ReportRepo;
  /** Makes commits durable off the event loop (WAL databases on disk; see wal-sync.ts). */
  private readonly walSync: WalSync | null;
  /** Message search's index, filled in batches (search-indexer.ts). */
  private readonly searchIndex: SearchIndexer;
  private readonly searchTimer: NodeJS.Timeout;
  private readonly facts: FactsRepo;

  /** Sites whose stored settings had parts that did not fit, logged once per site and problem list. */
  private readonly settingsWarned = new Set<string>();

  /** Commits the writer thread has written (they only add messages); the rest are written on this thread. */
  offThreadCommits = 0;
  /** Batches that wrote on this thread (a batch the writer thread writes whole begins no transaction here). */
  mainTransactions = 0;

  /**
   * @param log where a site's malformed stored settings are reported (once): the parts fall back
   *   to their defaults, the site keeps working.
   * @param opts.writerThread whether message-only commits are written on a second thread
   *   (hot-writer.ts; default: yes for a WAL database on disk, unless MOSTRADOR_SQLITE_WRITER=inline).
   */
  constructor(
    private readonly opened: OpenedDb,
    private readonly log?: Pick<Logger, 'warn'>,
    opts: { writerThread?: boolean } = {},
  ) {
    this.db = opened.db;
    this.commerce = new CommerceRepo(opened.db);
    this.hooks = new WebhookRepo(opened.db);
    this.shops = new IntegrationRepo(opened.db);
    this.mailRepo = new MailRepo(opened.db);
    this.hot = new HotPath(opened.sqlite);
    this.report = new ReportRepo(opened.sqlite);
    const wal = !opened.sqlite.memory && String(opened.sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
    const checkpointFailed = (err: unknown) => this.log?.warn({ err }, 'WAL checkpoint failed; retried on the next tick');
    if (wal && (opts.writerThread ?? process.env.MOSTRADOR_SQLITE_WRITER !== 'inline')) {
      this.writer = new HotWriter(opened.sqlite.name, {
        busyTimeoutMs: Number(opened.sqlite.pragma('busy_timeout', { simple: true })),
        onGone: (err) => {
          this.log?.warn({ err }, 'the SQLite writer thread stopped; commits are written on the main thread');
          this.writer = null;
        },
        onCheckpointFailed: checkpointFailed,
      });
    }
    // With the writer thread, it checkpoints too (else this thread does, with its two syncs).
    this.walSync = wal ? new WalSync(opened.sqlite, { onError: checkpointFailed, checkpointer: () => this.writer?.checkpoint() ?? false }) : null;
    this.facts = new FactsRepo(opened.sqlite);
    this.searchIndex = new SearchIndexer(opened.sqlite);
    // A batch (up to 5,000 messages) every 250 ms while messages wait, one at a time: small pieces
    // (a few ms each) that keep up with 20,000 messages/s. A search catches up on its own first.
    let indexing = false;
    this.searchTimer = setInterval(() => {
      if (indexing || !this.opened.sqlite.open || !this.searchIndex.behind()) return;
      indexing = true;
      this.enqueue((resolve, reject) => ({ run: () => this.searchIndex.step(), offThread: SearchIndexer.stepOp, resolve, reject, touches: null }))
        .catch((err: unknown) => this.log?.warn({ err }, 'message search indexing failed; retried'))
        .finally(() => (indexing = false));
    }, SEARCH_INDEX_MS);
    this.searchTimer.unref();
  }

  /**
   * Queues a synchronous write for the next batch: every write of one event-loop turn — commits,
   * outbox rows and the rest — shares one IMMEDIATE transaction (begun at the batch's first write
   * on this thread: commits the writer thread writes need none) and one fsync, each in its own
   * savepoint (a failing write rolls back alone), in the order they were asked for. The promise
   * settles after COMMIT, so what it returns is durable. IMMEDIATE takes the write lock at once:
   * a deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
   * connection holds the lock, where this one waits busy_timeout. (The batch's first commit reads
   * its row just before BEGIN, in the same synchronous run: no other connection of this process
   * writes meanwhile — the writer thread is idle during a flush.)
   */
  private write<T>(fn: () => T, touches?: string | null): Promise<T> {
    return this.enqueue((resolve, reject) => ({ run: fn, resolve, reject, ...(touches !== undefined ? { touches } : {}) }));
  }

  /** Queues a write for the next batch; its promise settles with the item's outcome. */
  private enqueue<T>(item: (resolve: (value: unknown) => void, reject: (err: unknown) => void) => PendingWrite): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push(item(resolve as (value: unknown) => void, reject));
      this.scheduleFlush();
    });
  }

  private remember(id: string, entry: RememberedRow): void {
    this.rows.delete(id); // to the end: the oldest go first
    this.rows.set(id, entry);
    if (this.rows.size > REMEMBERED_ROWS) this.rows.delete(this.rows.keys().next().value!);
  }

  /** Drops what a write may have changed. */
  private forget(touches: string | null | undefined): void {
    if (touches === undefined) this.rows.clear();
    else if (touches !== null) this.rows.delete(touches);
  }

  /** Runs a synchronous read, mapping I/O failures to StoreUnavailableError. */
  private read<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(isUnavailable(err) ? new StoreUnavailableError(err) : err);
    }
  }

  /**
   * Site records by public key and id, shared (frozen) by every socket and request of the site:
   * each open socket holds its site, and settings (FAQ, canned responses, rules) can be large.
   * Every write to a site goes through this store, which drops the cached record.
   */
  private readonly siteCache = new Map<string, SiteRecord>();
  /** Search statements by their SQL (one per combination of filters). */
  private readonly searchStatements = new Map<string, import('better-sqlite3').Statement>();

  private toSite(row: typeof t.sites.$inferSelect): SiteRecord {
    return toSite(row, (siteId, problems) => {
      const key = `${siteId} ${problems.join(' ')}`;
      if (this.settingsWarned.has(key)) return;
      this.settingsWarned.add(key);
      this.log?.warn({ siteId, fields: problems }, 'stored site settings do not fit: those parts use their defaults');
    });
  }

  private cachedSite(key: string, load: () => SiteRecord | null): SiteRecord | null {
    const hit = this.siteCache.get(key);
    if (hit) return hit;
    const site = load();
    if (site) {
      Object.freeze(site.settings);
      Object.freeze(site.allowedOrigins);
      Object.freeze(site);
      this.siteCache.set(`pk:${site.publicKey}`, site);
      this.siteCache.set(`id:${site.id}`, site);
    }
    return site;
  }

  sites = {
    forget: (_siteId: string) => this.siteCache.clear(),
    byPublicKey: (publicKey: string) =>
      this.read(() =>
        this.cachedSite(`pk:${publicKey}`, () => {
          const row = this.db.select().from(t.sites).where(eq(t.sites.publicKey, publicKey)).get();
          return row ? this.toSite(row) : null;
        }),
      ),
    byId: (id: string) =>
      this.read(() =>
        this.cachedSite(`id:${id}`, () => {
          const row = this.db.select().from(t.sites).where(eq(t.sites.id, id)).get();
          return row ? this.toSite(row) : null;
        }),
      ),
    update: (siteId: string, patch: { name?: string; allowedOrigins?: string[]; settings?: Record<string, unknown> }) =>
      this.write(() => {
        this.siteCache.clear();
        return this.siteUpdate(siteId, patch);
      }),
    rotateSecret: (siteId: string, secretKey: string, secretKeyHash: string, opts: { now: number; previousUntil: number | null }) =>
      this.write(() => {
        this.siteCache.clear();
        const row = this.db.select({ secretKey: t.sites.secretKey, secretKeyHash: t.sites.secretKeyHash }).from(t.sites).where(eq(t.sites.id, siteId)).get();
        if (!row) return;
        // The key being replaced becomes the previous one (an older previous key ends here).
        const overlap = opts.previousUntil === null || opts.previousUntil > opts.now;
        this.db
          .update(t.sites)
          .set({
            secretKey,
            secretKeyHash,
            previousSecretKey: overlap ? row.secretKey : null,
            previousSecretKeyHash: overlap ? row.secretKeyHash : null,
            previousSecretExpiresAt: overlap ? opts.previousUntil : null,
            secretRotatedAt: opts.now,
          })
          .where(eq(t.sites.id, siteId))
          .run();
      }),
    retirePreviousSecret: (siteId: string) =>
      this.write(() => {
        const res = this.db
          .update(t.sites)
          .set({ previousSecretKey: null, previousSecretKeyHash: null, previousSecretExpiresAt: null })
          .where(and(eq(t.sites.id, siteId), sql`${t.sites.previousSecretKey} IS NOT NULL`))
          .run();
        return res.changes > 0;
      }),
    secretKey: (siteId: string) =>
      this.read(() => this.db.select({ secretKey: t.sites.secretKey }).from(t.sites).where(eq(t.sites.id, siteId)).get()?.secretKey ?? null),
    secretKeys: (siteId: string, now: number) =>
      this.read(() => {
        const row = this.db
          .select({ secretKey: t.sites.secretKey, previous: t.sites.previousSecretKey, until: t.sites.previousSecretExpiresAt })
          .from(t.sites)
          .where(eq(t.sites.id, siteId))
          .get();
        return row ? liveSecretKeys(row, now) : [];
      }),
    secretStatus: (siteId: string, now: number) =>
      this.read(() => {
        const row = this.db
          .select({ previous: t.sites.previousSecretKey, until: t.sites.previousSecretExpiresAt, rotatedAt: t.sites.secretRotatedAt })
          .from(t.sites)
          .where(eq(t.sites.id, siteId))
          .get();
        const live = !!row?.previous && (row.until === null || row.until > now);
        return { rotatedAt: row?.rotatedAt ?? null, previous: live ? { expiresAt: row!.until } : null };
      }),
    bySecretKeyHash: (hash: string, now: number) =>
      this.read(() => {
        const row =
          this.db.select().from(t.sites).where(eq(t.sites.secretKeyHash, hash)).get() ??
          this.db
            .select()
            .from(t.sites)
            .where(and(eq(t.sites.previousSecretKeyHash, hash), or(isNull(t.sites.previousSecretExpiresAt), gt(t.sites.previousSecretExpiresAt, now))))
            .get();
        return row ? this.toSite(row) : null;
      }),
  };

  // Sites: settings and keys (admin).
  private siteUpdate(siteId: string, patch: { name?: string; allowedOrigins?: string[]; settings?: Record<string, unknown> }): SiteRecord {
    const row = this.db.update(t.sites).set(patch).where(eq(t.sites.id, siteId)).returning().get();
    if (!row) throw new NotFoundError('site');
    return this.toSite(row);
  }

  customers = {
    upsert: (siteId: string, externalId: string, input: CustomerInput, now: number) =>
      this.write(() => this.commerce.upsertCustomer(siteId, externalId, input, now)),
    byExternalId: (siteId: string, externalId: string) => this.read(() => this.commerce.customerByExternalId(siteId, externalId)),
    byId: (siteId: string, id: string) => this.read(() => this.commerce.customerById(siteId, id)),
  };

  orders = {
    upsert: (siteId: string, externalId: string, input: OrderInput, now: number) =>
      this.write(() => this.commerce.upsertOrder(siteId, externalId, input, now)),
    byExternalId: (siteId: string, externalId: string) => this.read(() => this.commerce.orderRecord(siteId, externalId)),
    upsertShipment: (siteId: string, orderExternalId: string, shipmentExternalId: string, input: ShipmentInput, now: number) =>
      this.write(() => this.commerce.upsertShipment(siteId, orderExternalId, shipmentExternalId, input, now)),
    upsertReturn: (siteId: string, orderExternalId: string, returnExternalId: string, input: ReturnInput, now: number) =>
      this.write(() => this.commerce.upsertReturn(siteId, orderExternalId, returnExternalId, input, now)),
    forCustomer: (siteId: string, customerId: string, limit: number) => this.read(() => this.commerce.ordersForCustomer(siteId, customerId, limit)),
    byNumber: (siteId: string, number: string) => this.read(() => this.commerce.orderByNumber(siteId, number)),
  };

  attachments = {
    create: (input: Omit<AttachmentRecord, 'id' | 'conversationId'> & { id: string; sha256: string }) =>
      this.write((): AttachmentRecord => {
        this.db.insert(t.attachments).values({ ...input, conversationId: null }).run();
        const { sha256: _hash, ...record } = input;
        return { ...record, conversationId: null };
      }),
    byId: (id: string) =>
      this.read((): AttachmentRecord | null => {
        const row = this.db.select().from(t.attachments).where(eq(t.attachments.id, id)).get();
        if (!row) return null;
        const { sha256: _hash, ...record } = row;
        return record;
      }),
  };

  webhooks = {
    create: (siteId: string, input: { url: string; events: WebhookEvent[]; secret: string }, now: number) =>
      this.write(() => this.hooks.create(siteId, input, now)),
    list: (siteId: string) => this.read(() => this.hooks.list(siteId)),
    delete: (siteId: string, id: string) => this.write(() => this.hooks.delete(siteId, id)),
    /** Batched with the message writes of the same event-loop turn: one transaction, one fsync. */
    enqueue: (siteId: string, event: WebhookEvent, body: object, now: number): Promise<number> => {
      if (this.hooks.knownEmpty(siteId)) return Promise.resolve(0);
      return this.write(() => this.hooks.enqueue(siteId, event, body, now));
    },
    due: (now: number, limit: number) => this.read(() => this.hooks.due(now, limit)),
    recordAttempt: (
      id: string,
      outcome: { delivered: boolean; statusCode: number | null; error: string | null; nextAttemptAt: number | null },
      now: number,
    ) => this.write(() => this.hooks.recordAttempt(id, outcome, now), null),
    deliveries: (siteId: string, webhookId: string, limit: number) => this.read(() => this.hooks.deliveries(siteId, webhookId, limit)),
  };

  mail = {
    enqueue: (siteId: string, conversationId: string | null, draft: MailDraft, now: number) => this.write(() => this.mailRepo.enqueue(siteId, conversationId, draft, now)),
    claimDue: (now: number, limit: number) => this.write(() => this.mailRepo.claimDue(now, limit), null),
    release: () => this.write(() => this.mailRepo.release(), null),
    settle: (id: string, outcome: MailOutcome, now: number) => this.write(() => this.mailRepo.settle(id, outcome, now), null),
    list: (siteId: string, opts: { limit: number; status?: MailRecord['status'] }) => this.read(() => this.mailRepo.list(siteId, opts)),
    byId: (siteId: string, id: string) => this.read(() => this.mailRepo.byId(siteId, id)),
    forConversation: (siteId: string, conversationId: string) => this.read(() => this.mailRepo.forConversation(siteId, conversationId)),
    thread: (siteId: string, conversationId: string, now: number) => this.write(() => this.mailRepo.thread(siteId, conversationId, now)),
    byReplyToken: (token: string) => this.read(() => this.mailRepo.byReplyToken(token)),
    unsubscribe: (siteId: string, conversationId: string, now: number) => this.write(() => this.mailRepo.unsubscribe(siteId, conversationId, now)),
    unsubscribed: (siteId: string, conversationId: string) => this.read(() => this.mailRepo.unsubscribed(siteId, conversationId)),
  };

  integrations = {
    get: (siteId: string, platform: IntegrationPlatform) => this.read(() => this.shops.get(siteId, platform)),
    list: (siteId: string) => this.read(() => this.shops.list(siteId)),
    save: (siteId: string, platform: IntegrationPlatform, input: { settings: Record<string, string>; sealedSecrets: string; secretNames: string[] }, now: number) =>
      this.write(() => this.shops.save(siteId, platform, input, now)),
    note: (siteId: string, platform: IntegrationPlatform, what: { topic: string } | { error: string }, now: number) =>
      this.write(() => this.shops.note(siteId, platform, what, now)),
    claimDelivery: (siteId: string, platform: IntegrationPlatform, deliveryId: string, now: number) =>
      this.write(() => this.shops.claimDelivery(siteId, platform, deliveryId, now)),
    releaseDelivery: (siteId: string, platform: IntegrationPlatform, deliveryId: string) => this.write(() => this.shops.releaseDelivery(siteId, platform, deliveryId)),
    setImport: (siteId: string, platform: IntegrationPlatform, state: ImportState, now: number) => this.write(() => this.shops.setImport(siteId, platform, state, now)),
  };

  reports = {
    facts: <C extends FactColumn>(siteId: string, start: number, end: number, filter: FactsFilter, columns: readonly C[]) =>
      this.read(() => this.report.facts(siteId, start, end, filter, columns)),
    totals: (siteId: string, start: number, end: number, filter: FactsFilter) => this.read(() => this.report.totals(siteId, start, end, filter)),
    customers: (siteId: string, start: number, end: number, filter: FactsFilter) => this.read(() => this.report.customers(siteId, start, end, filter)),
    pairs: (siteId: string, start: number, end: number, filter: FactsFilter, what: 'firstResponse' | 'resolution') =>
      this.read(() => this.report.pairs(siteId, start, end, filter, what)),
    handoffs: (siteId: string, start: number, end: number, filter: FactsFilter) => this.read(() => this.report.handoffs(siteId, start, end, filter)),
    perDay: (siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string) => this.read(() => this.report.perDay(siteId, start, end, filter, timeZone)),
    perWeekHour: (siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string) =>
      this.read(() => this.report.perWeekHour(siteId, start, end, filter, timeZone)),
    uncounted: (siteId: string, start: number, end: number, filter: FactsFilter) => this.read(() => this.report.uncounted(siteId, start, end, filter)),
    ratings: (siteId: string, start: number, end: number, filter: FactsFilter) => this.read(() => this.report.ratings(siteId, start, end, filter)),
    orders: (siteId: string, start: number, end: number) => this.read(() => this.report.orders(siteId, start, end)),
    tagged: (siteId: string, tag: string) =>
      this.read(() =>
        this.db
          .select({ id: t.conversationTags.conversationId })
          .from(t.conversationTags)
          .where(and(eq(t.conversationTags.siteId, siteId), eq(t.conversationTags.tag, tag)))
          .all()
          .map((r) => r.id),
      ),
  };

  ratings = {
    of: (siteId: string, conversationId: string) => this.read(() => this.report.ratingsOf(siteId, conversationId)),
    pending: (siteId: string, conversationId: string) =>
      this.read(() => {
        const c = this.db.select({ id: t.conversations.id }).from(t.conversations).where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, conversationId))).get();
        return c ? this.report.pendingRating(c.id) : null;
      }),
  };

  idempotency = {
    get: (siteId: string, key: string) => this.read(() => this.commerce.idempotencyGet(siteId, key, Date.now(), IDEMPOTENCY_TTL_MS)),
    put: (siteId: string, key: string, response: StoredResponse, now: number) =>
      this.write(() => this.commerce.idempotencyPut(siteId, key, response, now, IDEMPOTENCY_TTL_MS), null),
  };

  agents = {
    forSignIn: (email: string) =>
      this.read(() =>
        this.db
          .select({ agent: t.agents, publicKey: t.sites.publicKey, siteName: t.sites.name })
          .from(t.agents)
          .innerJoin(t.sites, eq(t.sites.id, t.agents.siteId))
          .where(eq(t.agents.email, email.trim().toLowerCase()))
          .orderBy(asc(t.agents.createdAt))
          .limit(SIGN_IN_CANDIDATES)
          .all()
          .map((r) => ({ ...toAgent(r.agent), passwordHash: r.agent.passwordHash, site: { publicKey: r.publicKey, name: r.siteName } })),
      ),
    byEmail: (siteId: string, email: string) =>
      this.read(() => {
        const row = this.db.select().from(t.agents).where(and(eq(t.agents.siteId, siteId), eq(t.agents.email, email.trim().toLowerCase()))).get();
        return row ? toAgent(row) : null;
      }),
    byId: (siteId: string, id: string) =>
      this.read(() => {
        const row = this.db.select().from(t.agents).where(and(eq(t.agents.siteId, siteId), eq(t.agents.id, id))).get();
        return row ? toAgent(row) : null;
      }),
    list: (siteId: string) =>
      this.read(() => this.db.select().from(t.agents).where(eq(t.agents.siteId, siteId)).orderBy(asc(t.agents.createdAt)).all().map(toAgent)),
    update: (
      siteId: string,
      id: string,
      patch: { name?: string; role?: 'admin' | 'supervisor' | 'agent'; disabled?: boolean; passwordHash?: string; capacity?: number | null; languages?: string[]; teams?: string[] },
    ) =>
      this.write(() => {
        const row = this.db.update(t.agents).set(patch).where(and(eq(t.agents.siteId, siteId), eq(t.agents.id, id))).returning().get();
        return row ? toAgent(row) : null;
      }),
    create: (input: {
      siteId: string;
      email: string;
      name: string;
      passwordHash: string;
      role: 'admin' | 'supervisor' | 'agent';
      now: number;
      capacity?: number | null;
      languages?: string[];
      teams?: string[];
    }) =>
      this.write(() => {
        const row = this.db
          .insert(t.agents)
          .values({
            id: newId('ag'),
            siteId: input.siteId,
            email: input.email.trim().toLowerCase(),
            name: input.name,
            passwordHash: input.passwordHash,
            role: input.role,
            ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
            ...(input.languages !== undefined ? { languages: input.languages } : {}),
            ...(input.teams !== undefined ? { teams: input.teams } : {}),
            createdAt: input.now,
          })
          .returning()
          .get();
        return toAgent(row);
      }),
  };

  sessions = {
    create: (input: { tokenHash: string; agentId: string; siteId: string; now: number; ttlMs: number; userAgent?: string | null; address?: string | null }) =>
      this.write(() => {
        this.db
          .insert(t.agentSessions)
          .values({
            tokenHash: input.tokenHash,
            agentId: input.agentId,
            siteId: input.siteId,
            createdAt: input.now,
            expiresAt: input.now + input.ttlMs,
            userAgent: input.userAgent?.slice(0, 300) ?? null,
            address: input.address?.slice(0, 100) ?? null,
            lastSeenAt: input.now,
          })
          .run();
      }),
    agentFor: async (tokenHash: string, now: number) => (await this.sessions.live(tokenHash, now))?.agent ?? null,
    live: (tokenHash: string, now: number) =>
      this.read((): { agent: AgentRecord; expiresAt: number; lastSeenAt: number } | null => {
        const row = this.db
          .select({ agent: t.agents, expiresAt: t.agentSessions.expiresAt, lastSeenAt: t.agentSessions.lastSeenAt, createdAt: t.agentSessions.createdAt })
          .from(t.agentSessions)
          .innerJoin(t.agents, and(eq(t.agents.id, t.agentSessions.agentId), eq(t.agents.siteId, t.agentSessions.siteId)))
          .where(and(eq(t.agentSessions.tokenHash, tokenHash), gt(t.agentSessions.expiresAt, now), eq(t.agents.disabled, false)))
          .get();
        return row ? { agent: toAgent(row.agent), expiresAt: row.expiresAt, lastSeenAt: row.lastSeenAt ?? row.createdAt } : null;
      }),
    touch: (tokenHash: string, now: number, address: string | null) =>
      this.write(() => {
        this.db
          .update(t.agentSessions)
          .set({ lastSeenAt: now, ...(address ? { address: address.slice(0, 100) } : {}) })
          .where(eq(t.agentSessions.tokenHash, tokenHash))
          .run();
      }, null),
    listForAgent: (agentId: string, now: number) =>
      this.read(() =>
        this.db
          .select()
          .from(t.agentSessions)
          .where(and(eq(t.agentSessions.agentId, agentId), gt(t.agentSessions.expiresAt, now)))
          .all()
          .map((r) => ({ tokenHash: r.tokenHash, createdAt: r.createdAt, expiresAt: r.expiresAt, lastSeenAt: r.lastSeenAt ?? r.createdAt, userAgent: r.userAgent, address: r.address }))
          .sort((a, b) => b.lastSeenAt - a.lastSeenAt),
      ),
    delete: (tokenHash: string) =>
      this.write(() => {
        this.db.delete(t.agentSessions).where(eq(t.agentSessions.tokenHash, tokenHash)).run();
      }),
    deleteForAgent: (agentId: string, except?: string) =>
      this.write(() =>
        this.db
          .delete(t.agentSessions)
          .where(and(eq(t.agentSessions.agentId, agentId), ...(except ? [ne(t.agentSessions.tokenHash, except)] : [])))
          .returning({ tokenHash: t.agentSessions.tokenHash })
          .all()
          .map((r) => r.tokenHash),
      ),
  };

  passwordResets = {
    create: (input: { agentId: string; siteId: string; tokenHash: string; now: number; ttlMs: number }) =>
      this.write(() => {
        this.db.insert(t.passwordResets).values({ tokenHash: input.tokenHash, agentId: input.agentId, siteId: input.siteId, createdAt: input.now, expiresAt: input.now + input.ttlMs }).run();
      }),
    byToken: (tokenHash: string, now: number) =>
      this.read(() => {
        const row = this.db
          .select({ agent: t.agents, siteName: t.sites.name })
          .from(t.passwordResets)
          .innerJoin(t.agents, and(eq(t.agents.id, t.passwordResets.agentId), eq(t.agents.siteId, t.passwordResets.siteId)))
          .innerJoin(t.sites, eq(t.sites.id, t.passwordResets.siteId))
          .where(and(eq(t.passwordResets.tokenHash, tokenHash), isNull(t.passwordResets.usedAt), gt(t.passwordResets.expiresAt, now), eq(t.agents.disabled, false)))
          .get();
        return row ? { agent: toAgent(row.agent), siteName: row.siteName } : null;
      }),
    use: (tokenHash: string, now: number, passwordHash: string) =>
      this.write(() => {
        const link = this.db
          .select()
          .from(t.passwordResets)
          .where(and(eq(t.passwordResets.tokenHash, tokenHash), isNull(t.passwordResets.usedAt), gt(t.passwordResets.expiresAt, now)))
          .get();
        if (!link) return null;
        const agent = this.db
          .update(t.agents)
          .set({ passwordHash })
          .where(and(eq(t.agents.id, link.agentId), eq(t.agents.siteId, link.siteId), eq(t.agents.disabled, false)))
          .returning()
          .get();
        if (!agent) return null;
        // This link and any other the agent asked for are spent: the new password is the one.
        this.db.update(t.passwordResets).set({ usedAt: now }).where(and(eq(t.passwordResets.agentId, link.agentId), isNull(t.passwordResets.usedAt))).run();
        const endedSessions = this.db
          .delete(t.agentSessions)
          .where(eq(t.agentSessions.agentId, link.agentId))
          .returning({ tokenHash: t.agentSessions.tokenHash })
          .all()
          .map((r) => r.tokenHash);
        return { agent: toAgent(agent), endedSessions };
      }),
  };

  invites = {
    create: (input: { siteId: string; email: string; role: 'admin' | 'agent'; invitedBy: string | null; tokenHash: string; now: number; ttlMs: number }) =>
      this.write((): InviteRecord => {
        const row = this.db
          .insert(t.agentInvites)
          .values({
            id: newId('inv'),
            tokenHash: input.tokenHash,
            siteId: input.siteId,
            email: input.email.trim().toLowerCase(),
            role: input.role,
            invitedBy: input.invitedBy,
            createdAt: input.now,
            expiresAt: input.now + input.ttlMs,
          })
          .returning()
          .get();
        return toInvite(row);
      }),
    pending: (siteId: string, now: number) =>
      this.read(() =>
        this.db
          .select()
          .from(t.agentInvites)
          .where(and(eq(t.agentInvites.siteId, siteId), isNull(t.agentInvites.usedAt), gt(t.agentInvites.expiresAt, now)))
          .orderBy(desc(t.agentInvites.createdAt))
          .all()
          .map(toInvite),
      ),
    byToken: (tokenHash: string, now: number) =>
      this.read(() => {
        const row = this.db
          .select({ invite: t.agentInvites, siteName: t.sites.name })
          .from(t.agentInvites)
          .innerJoin(t.sites, eq(t.sites.id, t.agentInvites.siteId))
          .where(and(eq(t.agentInvites.tokenHash, tokenHash), isNull(t.agentInvites.usedAt), gt(t.agentInvites.expiresAt, now)))
          .get();
        return row ? { ...toInvite(row.invite), siteName: row.siteName } : null;
      }),
    accept: (tokenHash: string, now: number, agent: { name: string; passwordHash: string }) =>
      this.write((): AgentRecord | 'exists' | null => {
        const invite = this.db
          .update(t.agentInvites)
          .set({ usedAt: now })
          .where(and(eq(t.agentInvites.tokenHash, tokenHash), isNull(t.agentInvites.usedAt), gt(t.agentInvites.expiresAt, now)))
          .returning()
          .get();
        if (!invite) return null;
        const taken = this.db.select({ id: t.agents.id }).from(t.agents).where(and(eq(t.agents.siteId, invite.siteId), eq(t.agents.email, invite.email))).get();
        if (taken) return 'exists';
        const row = this.db
          .insert(t.agents)
          .values({ id: newId('ag'), siteId: invite.siteId, email: invite.email, name: agent.name, passwordHash: agent.passwordHash, role: invite.role, createdAt: now })
          .returning()
          .get();
        return toAgent(row);
      }),
    revoke: (siteId: string, id: string) =>
      this.write(
        () =>
          this.db
            .delete(t.agentInvites)
            .where(and(eq(t.agentInvites.siteId, siteId), eq(t.agentInvites.id, id), isNull(t.agentInvites.usedAt)))
            .run().changes > 0,
      ),
  };

  visitors = {
    create: (input: { siteId: string; tokenHash: string; locale: string | null; now: number }) =>
      this.write((): VisitorRecord => {
        const id = newId('vi');
        this.db
          .insert(t.visitors)
          .values({ id, siteId: input.siteId, tokenHash: input.tokenHash, locale: input.locale, createdAt: input.now, lastSeenAt: input.now })
          .run();
        return { id, siteId: input.siteId, name: null, email: null, customerId: null, externalId: null, verified: false, locale: input.locale, firstSeenAt: input.now };
      }, null),
    byToken: (siteId: string, tokenHash: string) =>
      this.read((): VisitorRecord | null => {
        const row = this.db
          .select()
          .from(t.visitors)
          .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.tokenHash, tokenHash)))
          .get();
        return row ? toVisitor(row) : null;
      }),
    byId: (siteId: string, id: string) =>
      this.read(() => {
        const row = this.db.select().from(t.visitors).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id))).get();
        return row ? toVisitor(row) : null;
      }),
    latestVerifiedForCustomer: (siteId: string, customerId: string) =>
      this.read(() => {
        const row = this.db
          .select()
          .from(t.visitors)
          .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.customerId, customerId), eq(t.visitors.verified, true)))
          .orderBy(desc(t.visitors.lastSeenAt))
          .limit(1)
          .get();
        return row ? toVisitor(row) : null;
      }),
    claimProactive: (siteId: string, id: string, ruleId: string, now: number, caps: { minGapMs: number; maxPerDay: number }) =>
      this.write((): boolean =>
        this.db.transaction(() => {
          const row = this.db
            .select({ sent: t.visitors.proactiveSent })
            .from(t.visitors)
            .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)))
            .get();
          if (!row) return false;
          const proactiveSent = proactiveClaim(row.sent, ruleId, now, caps);
          if (!proactiveSent) return false;
          this.db
            .update(t.visitors)
            .set({ proactiveSent })
            .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)))
            .run();
          return true;
        }),
        null,
      ),
    setLocale: (siteId: string, id: string, locale: string) =>
      this.write(() => {
        this.db
          .update(t.visitors)
          .set({ locale })
          .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)))
          .run();
      }),
    setProfile: (siteId: string, id: string, profile: { name?: string; email?: string }) =>
      this.write((): VisitorRecord | null => {
        const patch = { ...(profile.name ? { name: profile.name } : {}), ...(profile.email ? { email: profile.email } : {}) };
        const row =
          Object.keys(patch).length > 0
            ? this.db
                .update(t.visitors)
                .set(patch)
                .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id), eq(t.visitors.verified, false)))
                .returning()
                .get()
            : undefined;
        const current = row ?? this.db.select().from(t.visitors).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id))).get();
        return current ? toVisitor(current) : null;
      }),
    identify: (siteId: string, id: string, input: IdentifyInput) =>
      this.write((): VisitorRecord => {
        return this.db.transaction(() => {
          let customerId: string | null = null;
          if (input.verified) {
            const existing = this.commerce.customerByExternalId(siteId, input.externalId);
            // The merchant's own customer record wins; identify() only fills a new one.
            customerId = existing
              ? existing.id
              : this.commerce.upsertCustomer(siteId, input.externalId, { email: input.email ?? '', name: input.name ?? '' }, input.now).record.id;
          }
          const row = this.db
            .update(t.visitors)
            .set({ externalId: input.externalId, verified: input.verified, customerId, name: input.name, email: input.email, lastSeenAt: input.now })
            .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)))
            .returning()
            .get();
          if (!row) throw new NotFoundError('visitor');
          return toVisitor(row);
        });
      }),
    touch: (siteId: string, id: string, now: number) =>
      this.write(() => {
        this.db.update(t.visitors).set({ lastSeenAt: now }).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id))).run();
      }, null),
  };

  conversations = {
    get: (siteId: string, id: string) =>
      this.read(() => {
        const row = this.hot.conversation(siteId, id);
        return row ? toConversation(row) : null;
      }),
    commit: (request: CommitRequest) => this.enqueue<CommitResult>((resolve, reject) => this.commitItem(request, resolve, reject, false)),
    events: (siteId: string, conversationId: string) =>
      this.read((): ConversationEventRecord[] =>
        this.db
          .select()
          .from(t.conversationEvents)
          .where(and(eq(t.conversationEvents.siteId, siteId), eq(t.conversationEvents.conversationId, conversationId)))
          .orderBy(asc(t.conversationEvents.id))
          .all()
          .map((r) => ({ id: r.id, siteId: r.siteId, conversationId: r.conversationId, type: r.type, actor: { kind: r.actorKind, id: r.actorId }, data: r.data, at: r.at })),
      ),
    listForVisitor: (siteId: string, visitor: VisitorOwner) =>
      this.read(() =>
        this.db
          .select({ conversation: t.conversations })
          .from(t.conversations)
          .innerJoin(t.visitors, eq(t.visitors.id, t.conversations.visitorId))
          .where(and(eq(t.conversations.siteId, siteId), ownedBy(visitor)))
          .orderBy(desc(t.conversations.updatedAt))
          .limit(50)
          .all()
          .map((r) => toConversation(r.conversation)),
      ),
    getForVisitor: (siteId: string, id: string, visitor: VisitorOwner) =>
      this.read(() => {
        const row = this.db
          .select({ conversation: t.conversations })
          .from(t.conversations)
          .innerJoin(t.visitors, eq(t.visitors.id, t.conversations.visitorId))
          .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id), ownedBy(visitor)))
          .get();
        return row ? toConversation(row.conversation) : null;
      }),
    listForSite: (siteId: string, opts: { limit: number }) =>
      this.read(() =>
        this.listQuery(siteId)
          .orderBy(desc(t.conversations.updatedAt))
          .limit(opts.limit)
          .all()
          .map(toListItem),
      ),
    page: (siteId: string, opts: { limit: number; status?: ConversationStatus; before?: { updatedAt: number; id: string } }) =>
      this.read(() => {
        const c = t.conversations;
        const rows = this.listQuery(siteId)
          .where(
            and(
              eq(c.siteId, siteId),
              opts.status ? eq(c.status, opts.status) : undefined,
              opts.before ? or(lt(c.updatedAt, opts.before.updatedAt), and(eq(c.updatedAt, opts.before.updatedAt), lt(c.id, opts.before.id))) : undefined,
            ),
          )
          .orderBy(desc(c.updatedAt), desc(c.id))
          .limit(opts.limit + 1)
          .all()
          .map(toListItem);
        const more = rows.length > opts.limit;
        const items = more ? rows.slice(0, opts.limit) : rows;
        const last = items[items.length - 1];
        return { items, next: more && last ? { updatedAt: last.updatedAt, id: last.id } : null };
      }),
    queue: (siteId: string) =>
      this.read(() =>
        this.db
          .select({
            id: t.conversations.id,
            visitorId: t.conversations.visitorId,
            createdAt: t.conversations.createdAt,
            queuedAt: t.conversations.queuedAt,
            team: t.conversations.team,
            locale: t.conversations.locale,
            visitorLocale: t.visitors.locale,
            verified: t.visitors.verified,
            tags: t.customers.tags,
          })
          .from(t.conversations)
          .innerJoin(t.visitors, eq(t.visitors.id, t.conversations.visitorId))
          .leftJoin(t.customers, eq(t.customers.id, t.visitors.customerId))
          // A snoozed chat waits for its time, not for routing.
          .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.status, 'queued'), isNotNull(t.conversations.queuedAt), isNull(t.conversations.snoozedAt)))
          .orderBy(asc(t.conversations.queuedAt), asc(t.conversations.createdAt))
          .limit(500)
          .all()
          .map((r) => ({
            id: r.id,
            visitorId: r.visitorId,
            waitingSince: r.queuedAt!,
            language: r.locale ?? r.visitorLocale ?? null,
            team: r.team,
            // Tags count only for a verified customer: a claimed identity could fake "vip".
            customerTags: r.verified && r.tags ? r.tags : [],
          })),
      ),
    assignedTo: (siteId: string, agentId: string) =>
      this.read(() =>
        this.db
          .select({ id: t.conversations.id })
          .from(t.conversations)
          .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.status, 'assigned'), eq(t.conversations.assigneeId, agentId)))
          .all()
          .map((r) => r.id),
      ),
    loads: (siteId: string) =>
      this.read(() => {
        const rows = this.db
          .select({ agentId: t.conversations.assigneeId, n: sql<number>`count(*)` })
          .from(t.conversations)
          .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.status, 'assigned')))
          .groupBy(t.conversations.assigneeId)
          .all();
        return new Map(rows.filter((r) => r.agentId).map((r) => [r.agentId!, Number(r.n)]));
      }),
    botData: (siteId: string, id: string) =>
      this.read(() => {
        const remembered = this.rows.get(id);
        if (remembered?.memory && remembered.row.siteId === siteId) {
          return { status: remembered.row.status, locale: remembered.row.locale, ...parseMemory(remembered.memory) };
        }
        const data = this.hot.data(siteId, id);
        if (!data) return null;
        // Kept with the remembered row only if it is that row's (a commit may be on its way to the disk).
        if (remembered && remembered.row.siteId === siteId && remembered.row.lastSeq === data.lastSeq && remembered.row.status === data.status) remembered.memory = data.memory;
        return { status: data.status, locale: data.locale, ...parseMemory(data.memory) };
      }),
    saveBotData: (siteId: string, id: string, data: ConversationDataPatch) =>
      this.write(() => {
        this.hot.saveData(siteId, id, data);
      }, id),
    unansweredQuestions: (siteId: string, limit: number) =>
      this.read(() => {
        const c = t.conversations;
        const rows = this.db
          .select({ id: c.id, botState: c.botState })
          .from(c)
          .where(and(eq(c.siteId, siteId), sql`json_array_length(json_extract(${c.botState}, '$.unanswered')) > 0`))
          .orderBy(desc(c.updatedAt))
          .limit(limit)
          .all();
        return unansweredOf(rows, limit);
      }),
    markRead: (siteId: string, id: string, side: 'visitor' | 'agent', seq: number) =>
      // In the write queue like every write: never while the writer thread holds the lock.
      this.write(() => {
        const c = t.conversations;
        const column = side === 'visitor' ? c.visitorReadSeq : c.agentReadSeq;
        const before = this.db.select({ mark: column, last: c.lastSeq }).from(c).where(and(eq(c.siteId, siteId), eq(c.id, id))).get();
        if (!before) return null;
        const next = Math.min(Math.max(before.mark, seq), before.last);
        if (next === before.mark) return { seq: next, changed: false };
        this.db
          .update(c)
          .set(side === 'visitor' ? { visitorReadSeq: next } : { agentReadSeq: next })
          .where(and(eq(c.siteId, siteId), eq(c.id, id)))
          .run();
        return { seq: next, changed: true };
      }, id),
    listItem: (siteId: string, id: string) =>
      this.read(() => {
        const row = this.listItemQuery().get({ siteId, id });
        return row ? toListItem(row) : null;
      }),
    snoozes: () =>
      this.read(() =>
        this.db
          .select({ siteId: t.conversations.siteId, id: t.conversations.id, until: t.conversations.snoozedUntil })
          .from(t.conversations)
          .where(and(isNotNull(t.conversations.snoozedUntil), ne(t.conversations.status, 'resolved')))
          .all()
          .map((r) => ({ siteId: r.siteId, id: r.id, until: r.until! })),
      ),
    setTag: (siteId: string, id: string, tag: string, on: boolean, opts: { max: number; by: string | null; now: number }) =>
      this.write((): 'done' | 'full' | 'not_found' =>
        this.db.transaction(() => {
          const c = t.conversations;
          const tags = t.conversationTags;
          if (!this.db.select({ id: c.id }).from(c).where(and(eq(c.siteId, siteId), eq(c.id, id))).get()) return 'not_found';
          const mine = and(eq(tags.siteId, siteId), eq(tags.conversationId, id));
          if (!on) {
            this.db.delete(tags).where(and(mine, eq(tags.tag, tag))).run();
            return 'done';
          }
          if (this.db.select({ tag: tags.tag }).from(tags).where(and(mine, eq(tags.tag, tag))).get()) return 'done';
          const count = this.db.select({ n: sql<number>`count(*)` }).from(tags).where(mine).get()?.n ?? 0;
          if (count >= opts.max) return 'full';
          this.db.insert(tags).values({ siteId, conversationId: id, tag, addedBy: opts.by, createdAt: opts.now }).run();
          return 'done';
        }),
      ),
    siteTags: (siteId: string, limit: number) =>
      this.read(() =>
        this.db
          .select({ tag: t.conversationTags.tag, n: sql<number>`count(*)` })
          .from(t.conversationTags)
          .where(eq(t.conversationTags.siteId, siteId))
          .groupBy(t.conversationTags.tag)
          .orderBy(desc(sql`count(*)`), asc(t.conversationTags.tag))
          .limit(limit)
          .all()
          .map((r) => r.tag),
      ),
  };

  contactNotes = {
    get: (siteId: string, subject: ContactRef) =>
      this.read((): ContactNotesRecord | null => {
        const n = t.contactNotes;
        const row = this.db
          .select({ text: n.text, updatedBy: n.updatedBy, updatedAt: n.updatedAt })
          .from(n)
          .where(and(eq(n.siteId, siteId), eq(n.subjectKind, subject.kind), eq(n.subjectId, subject.id)))
          .get();
        return row ?? null;
      }),
    save: (siteId: string, subject: ContactRef, text: string, by: string | null, now: number) =>
      this.write((): ContactNotesRecord | null => {
        const n = t.contactNotes;
        const key = and(eq(n.siteId, siteId), eq(n.subjectKind, subject.kind), eq(n.subjectId, subject.id));
        if (!text) {
          this.db.delete(n).where(key).run();
          return null;
        }
        this.db
          .insert(n)
          .values({ siteId, subjectKind: subject.kind, subjectId: subject.id, text, updatedBy: by, updatedAt: now })
          .onConflictDoUpdate({ target: [n.siteId, n.subjectKind, n.subjectId], set: { text, updatedBy: by, updatedAt: now } })
          .run();
        return { text, updatedBy: by, updatedAt: now };
      }),
  };

  private preparedListItem: ReturnType<SqliteStore['prepareListItem']> | undefined;

  /** One conversation's list row, built and prepared once (fan-out asks for it on every change of state). */
  private listItemQuery() {
    return (this.preparedListItem ??= this.prepareListItem());
  }

  private prepareListItem() {
    return this.listQuery(sql.placeholder('siteId'), sql.placeholder('id')).prepare();
  }

  private listQuery(siteId: string | Placeholder, id?: string | Placeholder) {
    // The order the bot verified in this chat (number + email): a guest is that order's customer.
    const botOrder = alias(t.orders, 'bot_order');
    const botCustomer = alias(t.customers, 'bot_customer');
    const knownCustomerId = sql`coalesce(CASE WHEN ${t.visitors.verified} = 1 THEN ${t.visitors.customerId} END, ${botOrder.customerId})`;
    return this.db
      .select({
        conversation: t.conversations,
        visitorName: t.visitors.name,
        visitorEmail: t.visitors.email,
        verified: t.visitors.verified,
        customerName: t.customers.name,
        customerEmail: t.customers.email,
        botCustomerName: botCustomer.name,
        botCustomerEmail: botCustomer.email,
        // The known customer's recent order numbers, so agents can search chats by order.
        orderNumbers: sql<string | null>`(SELECT group_concat(number, ' ') FROM (SELECT o.number FROM orders o WHERE o.site_id = ${t.conversations.siteId} AND o.customer_id = ${knownCustomerId} ORDER BY o.created_at DESC LIMIT 20))`,
        // Some message came or went by e-mail (the console's channel filter).
        viaEmail: sql<number>`EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = ${t.conversations.id} AND m.channel = 'email')`,
        // Its tags (no spaces in a tag: shared/tags.ts).
        tags: sql<string | null>`(SELECT group_concat(ct.tag, ' ') FROM conversation_tags ct WHERE ct.conversation_id = ${t.conversations.id})`,
      })
      .from(t.conversations)
      .innerJoin(t.visitors, eq(t.visitors.id, t.conversations.visitorId))
      .leftJoin(t.customers, eq(t.customers.id, t.visitors.customerId))
      .leftJoin(
        botOrder,
        and(eq(botOrder.siteId, t.conversations.siteId), eq(botOrder.externalId, sql`json_extract(${t.conversations.botState}, '$.matchedOrderId')`)),
      )
      .leftJoin(botCustomer, eq(botCustomer.id, botOrder.customerId))
      .where(id ? and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id)) : eq(t.conversations.siteId, siteId))
      .$dynamic();
  }

  messages = {
    search: async (siteId: string, q: MessageSearch) => {
      // Every message committed before the search is in the index before it runs.
      if (this.searchIndex.behind()) await this.write(() => this.searchIndex.catchUp());
      return this.read((): MessageHit[] => {
        if (q.terms.length === 0) return [];
        // Each word quoted (FTS5 syntax in a shopper's words is text, not operators), as a prefix.
        const match = q.terms.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
        const where = ['messages_fts MATCH @match', 'm.site_id = @siteId'];
        if (q.status) where.push('c.status = @status');
        if (q.assigneeId) where.push('c.assignee_id = @assigneeId');
        if (q.tag) where.push('EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = c.id AND ct.site_id = c.site_id AND ct.tag = @tag)');
        if (q.channel) where.push('m.channel = @channel');
        if (q.from !== undefined) where.push('m.created_at >= @from');
        if (q.to !== undefined) where.push('m.created_at < @to');
        const sqlText = `SELECT m.conversation_id AS conversationId, m.seq, m.author_kind AS authorKind, m.kind, m.created_at AS createdAt,
            snippet(messages_fts, 0, char(2), char(3), '…', 16) AS snippet,
            c.status, c.assignee_id AS assigneeId, c.visitor_id AS visitorId, v.name AS visitorName
          FROM messages_fts
          JOIN messages m ON m.rowid = messages_fts.rowid
          JOIN conversations c ON c.id = m.conversation_id AND c.site_id = m.site_id
          LEFT JOIN visitors v ON v.id = c.visitor_id
          WHERE ${where.join(' AND ')}
          ORDER BY rank, m.created_at DESC
          LIMIT @limit`;
        let stmt = this.searchStatements.get(sqlText);
        if (!stmt) {
          stmt = this.opened.sqlite.prepare(sqlText);
          this.searchStatements.set(sqlText, stmt);
        }
        const rows = stmt.all({
          match,
          siteId,
          limit: q.limit,
          ...(q.status ? { status: q.status } : {}),
          ...(q.assigneeId ? { assigneeId: q.assigneeId } : {}),
          ...(q.tag ? { tag: q.tag } : {}),
          ...(q.channel ? { channel: q.channel } : {}),
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
        }) as { conversationId: string; seq: number; authorKind: MessageHit['authorKind']; kind: MessageHit['kind']; createdAt: number; snippet: string; status: MessageHit['conversation']['status']; assigneeId: string | null; visitorId: string; visitorName: string | null }[];
        return rows.map((r) => ({
          conversationId: r.conversationId,
          seq: r.seq,
          authorKind: r.authorKind,
          kind: r.kind,
          createdAt: r.createdAt,
          ...unmark(r.snippet),
          conversation: { status: r.status, assigneeId: r.assigneeId, visitorId: r.visitorId, visitorName: r.visitorName },
        }));
      });
    },
    before: (siteId: string, conversationId: string, beforeSeq: number, limit: number, opts: { visibleOnly?: boolean } = {}) =>
      this.read(() =>
        this.db
          .select()
          .from(t.messages)
          .where(
            and(
              eq(t.messages.siteId, siteId),
              eq(t.messages.conversationId, conversationId),
              lt(t.messages.seq, beforeSeq),
              opts.visibleOnly ? ne(t.messages.kind, 'note') : undefined,
            ),
          )
          .orderBy(desc(t.messages.seq))
          .limit(limit)
          .all()
          .map(toMessage)
          .reverse(),
      ),
    after: (siteId: string, conversationId: string, afterSeq: number, limit: number, opts: { visibleOnly?: boolean } = {}) =>
      this.read(() =>
        this.db
          .select()
          .from(t.messages)
          .where(
            and(
              eq(t.messages.siteId, siteId),
              eq(t.messages.conversationId, conversationId),
              gt(t.messages.seq, afterSeq),
              opts.visibleOnly ? ne(t.messages.kind, 'note') : undefined,
            ),
          )
          .orderBy(asc(t.messages.seq))
          .limit(limit)
          .all()
          .map(toMessage),
      ),
  };

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Runs the queued writes in one transaction and settles each promise after COMMIT (and the WAL
   * sync). With the writer thread, a commit that only adds messages is decided here but written
   * there, after this transaction: then a later commit of the same conversation, and any other
   * write queued after it, wait for the next batch, so every write still sees the ones asked for
   * before it. Nothing is written here while the writer thread has a batch.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.writer?.busy) return; // its answer schedules the next batch
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const writer = this.writer && !this.writer.gone ? this.writer : null;
    // Conversations with an op for the writer in this batch.
    const deferred = writer ? new Set<string>() : null;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const sqlite = this.opened.sqlite;
    // The transaction begins at the batch's first write on this thread: a batch of commits the
    // writer thread writes (most of them) reads what it needs and writes nothing here, so it
    // needs no BEGIN, savepoints or COMMIT. Inside it, each write has its own savepoint.
    const control = (this.txControl ??= {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      commit: sqlite.prepare('COMMIT'),
      savepoint: sqlite.prepare('SAVEPOINT batch_item'),
      release: sqlite.prepare('RELEASE batch_item'),
      rollbackTo: sqlite.prepare('ROLLBACK TO batch_item'),
    });
    const one = sqlite.transaction((item: PendingWrite) => item.run(deferred, noop)); // nested → SAVEPOINT
    let open = false;
    const begin = () => {
      control.begin.run();
      open = true;
      this.mainTransactions++;
    };
    /** Runs a write that began outside the transaction: when it starts writing, the transaction begins, with a savepoint of its own. */
    const first = (item: PendingWrite): unknown => {
      let saved = false;
      try {
        const value = item.run(deferred, () => {
          begin();
          control.savepoint.run();
          saved = true;
        });
        if (saved) control.release.run();
        return value;
      } catch (err) {
        if (saved && sqlite.inTransaction) {
          control.rollbackTo.run();
          control.release.run();
        }
        throw err;
      }
    };
    let ran = 0;
    /** Whether this batch has ops for the writer thread (commits' or others'). */
    let handedOff = false;
    try {
      for (const item of batch) {
        // A write the writer thread can run joins its ops, in order.
        if (writer && item.offThread) {
          outcomes.push({ ok: true, value: { op: item.offThread() } });
          handedOff = true;
          ran++;
          continue;
        }
        // Anything else but a commit waits until the writer has written the ops before it.
        if (handedOff && !item.request) break;
        if (!item.request) this.forget(item.touches);
        try {
          let value: unknown;
          if (open) value = one(item);
          else if (item.request) value = first(item);
          else {
            begin();
            value = one(item);
          }
          if (item.request) {
            const { result, op } = value as CommitOutcome;
            if (op) {
              deferred!.add(result.conversation.id);
              handedOff = true;
            }
          }
          outcomes.push({ ok: true, value });
        } catch (err) {
          if (err === WAIT_FOR_NEXT_BATCH) break;
          if (isUnavailable(err)) throw err; // the whole batch is lost: fail them all
          outcomes.push({ ok: false, error: err });
        }
        ran++;
      }
      if (open) control.commit.run();
    } catch (err) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      this.rows.clear(); // rolled back: what the batch's commits remembered was never written
      const failure = isUnavailable(err) ? new StoreUnavailableError(err) : err;
      for (const item of batch) item.reject(failure);
      return;
    }
    // What did not run waits, first in line, for the next batch.
    if (ran < batch.length) {
      this.pending = batch.slice(ran).concat(this.pending);
      this.scheduleFlush();
    }
    // A write that failed rolled back alone: it has nothing to wait for.
    const committed: { item: PendingWrite; value: unknown }[] = [];
    const ops: { item: PendingWrite; result?: CommitResult; op: WriterOp }[] = [];
    for (let i = 0; i < ran; i++) {
      const item = batch[i]!;
      const outcome = outcomes[i]!;
      if (!outcome.ok) item.reject(outcome.error);
      else if (writer && item.offThread) ops.push({ item, op: (outcome.value as { op: WriterOp }).op });
      else if (!item.request) committed.push({ item, value: outcome.value });
      else {
        const { result, op } = outcome.value as CommitOutcome;
        if (op) ops.push({ item, result, op });
        else committed.push({ item, value: result });
      }
    }
    this.settleAfterSync(committed);
    if (ops.length > 0) this.runOnWriter(writer!, ops);
  }

  /** A queued commit; `inline`: written on this thread, its clientId looked up first (a resend the writer thread refused). */
  private commitItem(request: CommitRequest, resolve: (value: unknown) => void, reject: (err: unknown) => void, inline: boolean): PendingWrite {
    return { run: (deferrable, begin) => this.commitOne(request, inline ? null : deferrable, begin), resolve, reject, request };
  }

  /** Settles writes after the WAL sync covering their COMMIT returns: durable before acknowledged. */
  private settleAfterSync(committed: { item: PendingWrite; value: unknown }[]): void {
    if (committed.length === 0) return;
    const settle = (err: unknown) => {
      for (const { item, value } of committed) {
        if (err) item.reject(new StoreUnavailableError(err));
        else item.resolve(value);
      }
    };
    // A failed sync fails the writes; a client's resend of one is then answered as a duplicate.
    if (this.walSync) this.walSync.afterSync(settle);
    else settle(null);
  }

  /** Hands the batch's message-only commits to the writer thread; settles them when it answers. */
  private runOnWriter(writer: HotWriter, ops: { item: PendingWrite; result?: CommitResult; op: WriterOp }[]): void {
    void writer.run(ops.map((o) => o.op)).then((outcome) => {
      if ('error' in outcome) {
        // The writer stopped or could not commit: nothing of the batch is known to be written (a
        // resend is answered from what is), so each commit fails as retryable.
        const failure = new StoreUnavailableError(toError(outcome.error));
        this.rows.clear();
        for (const { item } of ops) item.reject(failure);
      } else {
        const committed: { item: PendingWrite; value: unknown }[] = [];
        const again: PendingWrite[] = [];
        outcome.ops.forEach((error, i) => {
          const { item, result } = ops[i]!;
          if (!error) {
            committed.push({ item, value: result });
            if (result) this.offThreadCommits++;
            return;
          }
          if (!result) return item.reject(toError(error)); // not a commit (the search index's batch)
          this.rows.delete(result.conversation.id); // what it remembered was not written
          if (error.code === VANISHED) item.reject(new NotFoundError('conversation'));
          // A resend of a stored message (its clientId is taken): answered, first thing next batch, as a duplicate.
          else if (error.code === UNIQUE_VIOLATION) again.push(this.commitItem(item.request!, item.resolve, item.reject, true));
          else item.reject(toError(error));
        });
        this.settleAfterSync(committed);
        if (again.length > 0) this.pending = again.concat(this.pending);
      }
      for (const resolve of this.writerIdle.splice(0)) resolve();
      if (this.pending.length > 0) this.scheduleFlush();
    });
  }

  private verifiedCustomerOf(visitorId: string): string | null {
    return this.hot.verifiedCustomerOf(visitorId);
  }

  /** SQL condition: the conversation row belongs to this visitor or a verified sibling of its customer. */
  private visitorOwns(visitorId: string, customerId: string | null) {
    const own = eq(t.conversations.visitorId, visitorId);
    if (!customerId) return own;
    const sibling = this.db
      .select({ one: sql`1` })
      .from(t.visitors)
      .where(and(eq(t.visitors.id, t.conversations.visitorId), eq(t.visitors.customerId, customerId), eq(t.visitors.verified, true)));
    return or(own, exists(sibling));
  }

  /**
   * One commit: finds the conversation, returns the stored message on a resent clientId, asks
   * `decide` for the plan on the row as it is, and writes it — messages (seqs from the row),
   * state, event log and outbox rows. No rule is decided here.
   */
  private commitOne(request: CommitRequest, deferrable: Set<string> | null, begin: () => void): CommitOutcome {
    const { siteId, now } = request;
    let row: ConversationRow | undefined;
    let ownerCustomerId: string | null = null;
    let remembered: RememberedRow | undefined;
    if ('conversationId' in request.target) {
      remembered = this.rows.get(request.target.conversationId);
      if (remembered?.row.siteId !== siteId) remembered = undefined;
      const found = remembered ?? this.hot.target(siteId, request.target.conversationId);
      if (found) {
        row = found.row;
        ownerCustomerId = found.ownerCustomerId;
      }
    } else {
      const { visitorId, customerId } = request.target.openFor;
      row = customerId
        ? this.db
            .select()
            .from(t.conversations)
            .where(and(eq(t.conversations.siteId, siteId), this.visitorOwns(visitorId, customerId), ne(t.conversations.status, 'resolved')))
            .orderBy(desc(t.conversations.updatedAt))
            .limit(1)
            .get()
        : this.hot.openConversation(siteId, visitorId);
      ownerCustomerId = row ? this.hot.verifiedCustomerOf(row.visitorId) : null;
    }
    // The writer thread has not yet written this conversation's previous commit: decide on it next batch.
    if (row && deferrable?.has(row.id)) throw WAIT_FOR_NEXT_BATCH;

    // A resend of a stored message is answered with it. With the writer thread, the lookup waits:
    // the op's INSERT finds a resend by the unique (conversation, clientId) index for free, and
    // resends are rare; a commit written here, or one `decide` refuses, looks first.
    const duplicate = (): CommitOutcome | null => {
      const existing = row && request.clientId !== null ? this.hot.existing(row.id, request.clientId) : undefined;
      if (!existing) return null;
      const current = toConversation(row!);
      return { result: { duplicate: true, previous: current, conversation: current, messages: [toMessage(existing)], events: [], ownerCustomerId } };
    };
    if (!deferrable) {
      const found = duplicate();
      if (found) return found;
    }

    const attachments = (request.attachmentIds ?? []).flatMap((id) => {
      const file = this.db.select().from(t.attachments).where(and(eq(t.attachments.siteId, siteId), eq(t.attachments.id, id))).get();
      if (!file) return [];
      const { sha256: _hash, ...record } = file;
      return [record];
    });
    const previous = row ? toConversation(row) : null;
    let plan: CommitPlan;
    try {
      plan = request.decide({ conversation: previous, ownerCustomerId, attachments });
    } catch (err) {
      const found = deferrable ? duplicate() : null;
      if (found) return found;
      throw err;
    }

    const s = plan.state;
    const moved = stateMoved(s, row); // a new conversation (no row yet) always moves
    // Only messages (and the assistant's memory, the visitor's language): the writer thread may write it.
    const op: WriterOp | undefined =
      deferrable &&
      !moved &&
      plan.messages.length > 0 &&
      plan.events.length === 0 &&
      !plan.rating &&
      !plan.mail &&
      !plan.claimAttachments?.length &&
      (!plan.outbox || this.hooks.knownEmpty(siteId))
        ? { statements: [] }
        : undefined;
    if (deferrable && !op) {
      const found = duplicate();
      if (found) return found;
    }
    if (!op) begin(); // written here: in the batch's transaction

    if (!row) {
      if (!plan.create) throw new NotFoundError('conversation');
      row = this.db
        .insert(t.conversations)
        .values({ id: newId('cv'), siteId, visitorId: plan.create.visitorId, status: plan.state.status, locale: plan.create.locale, lastSeq: 0, createdAt: now, updatedAt: now })
        .returning()
        .get();
    }
    const conversationId = row.id;
    for (const id of plan.claimAttachments ?? []) {
      this.db.update(t.attachments).set({ conversationId }).where(and(eq(t.attachments.siteId, siteId), eq(t.attachments.id, id))).run();
    }

    // The messages take the next seqs of the row read above (this transaction holds the write
    // lock, or the writer thread writes them before anything else touches this conversation);
    // the row itself is written once, after them.
    const messages: Message[] = [];
    let lastSeq = row.lastSeq;
    let lastVisible = row.lastVisibleSeq;
    let preview: { text: string; author: string } | null = null;
    let anyVisible = false;
    for (const draft of plan.messages) {
      const visible = draft.kind !== 'note';
      const seq = ++lastSeq;
      const inserted = {
        id: newSortableId('msg'),
        siteId,
        conversationId,
        seq,
        clientId: draft.clientId,
        authorKind: draft.author.kind,
        authorId: draft.author.id ?? null,
        authorName: draft.author.name ?? null,
        kind: draft.kind,
        payload: draft.payload,
        prevVisibleSeq: visible ? lastVisible : null,
        text: draft.text,
        channel: draft.channel ?? ('chat' as const),
        createdAt: now,
      };
      if (op) op.statements.push([INSERT_MESSAGE_SQL, insertParams(inserted)]);
      else this.hot.insert(inserted);
      if (visible) {
        lastVisible = seq;
        anyVisible = true;
        // System lines are visible but are not "the last message" a list previews.
        if (draft.preview !== null) preview = { text: draft.preview, author: draft.author.kind };
      }
      messages.push(toMessage(inserted));
    }

    const finish = { lastSeq, lastVisibleSeq: lastVisible, preview, state: s, data: plan.data, touch: moved || anyVisible, moved };
    if (op) {
      const { next, params, botStateJson, handoffJson } = planFinish(row, finish, now);
      op.statements.push([FINISH_MESSAGES_SQL, params, 1]);
      // What the next commit of this conversation is decided on (forgotten if the writer refuses this one).
      const memory = nextMemory(remembered?.memory, botStateJson, handoffJson);
      this.remember(next.id, { row: next, ownerCustomerId, ...(memory ? { memory } : {}) });
      if (plan.visitor) op.statements.push([WRITE_VISITOR_SQL, visitorParams(siteId, plan.visitor.id, plan.visitor)]);
      return { result: { duplicate: false, previous, conversation: toConversation(next), messages, events: plan.events, ownerCustomerId }, op };
    }
    this.rows.delete(conversationId); // written here: read again next time (this savepoint may yet roll back)
    if (moved || plan.messages.length > 0 || plan.data) row = this.hot.finish(row, finish, now);
    if (plan.visitor) this.hot.saveVisitor(siteId, plan.visitor.id, plan.visitor);
    for (const e of plan.events) this.hot.event(siteId, conversationId, e.type, e.actor.kind, e.actor.id, e.data, now);
    if (plan.events.length > 0) this.refreshFacts(siteId, conversationId, now);
    if (plan.rating && !this.report.rateInCommit(siteId, conversationId, plan.rating, now)) throw new ConflictError('this resolution is already rated');

    const conversation = toConversation(row);
    // A site known to have no webhooks (the common case) skips building the bodies at all.
    if (plan.outbox && !this.hooks.knownEmpty(siteId)) for (const out of plan.outbox({ conversation, messages })) this.hooks.enqueue(siteId, out.event, out.body, now);
    if (plan.mail) for (const draft of plan.mail({ conversation, messages })) this.mailRepo.enqueue(siteId, conversationId, draft, now);
    return { result: { duplicate: false, previous, conversation, messages, events: plan.events, ownerCustomerId } };
  }

  /** The report facts of a conversation whose log just grew (a lifecycle event; never a plain message): one upsert, same transaction. */
  private refreshFacts(siteId: string, conversationId: string, now: number): void {
    const site = this.cachedSite(`id:${siteId}`, () => {
      const row = this.db.select().from(t.sites).where(eq(t.sites.id, siteId)).get();
      return row ? this.toSite(row) : null;
    });
    this.facts.refresh(siteId, conversationId, site ? reportTimeZone(site.settings) : 'UTC', now);
  }

  stats(): Promise<{ queuedConversations: number; webhookBacklog: number; messagesStored: number }> {
    return this.read(() => ({
      // The largest rowid: O(log n), and it only grows (rows are never renumbered).
      messagesStored: this.db.select({ n: sql<number>`coalesce(max(rowid), 0)` }).from(t.messages).get()?.n ?? 0,
      queuedConversations: this.db.select({ n: sql<number>`count(*)` }).from(t.conversations).where(eq(t.conversations.status, 'queued')).get()?.n ?? 0,
      webhookBacklog: this.db.select({ n: sql<number>`count(*)` }).from(t.webhookDeliveries).where(eq(t.webhookDeliveries.status, 'pending')).get()?.n ?? 0,
    }));
  }

  async close(): Promise<void> {
    // Let queued commits land before the handle goes away.
    clearInterval(this.searchTimer);
    for (;;) {
      if (this.writer?.busy) await new Promise<void>((resolve) => this.writerIdle.push(resolve));
      if (this.pending.length === 0) break;
      this.flush();
    }
    await this.writer?.close();
    await this.walSync?.close();
    this.opened.close();
  }
}

/** The snippet without FTS5's match markers (\u0002 … \u0003), and where they were. */
export function unmark(marked: string): { snippet: string; marks: [number, number][] } {
  let snippet = '';
  const marks: [number, number][] = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === '\u0002') start = snippet.length;
    else if (ch === '\u0003') {
      if (start >= 0) marks.push([start, snippet.length]);
      start = -1;
    } else snippet += ch;
  }
  return { snippet, marks };
}

export function toSite(row: typeof t.sites.$inferSelect, onProblems: (siteId: string, problems: string[]) => void): SiteRecord {
  const { settings, problems } = parseSiteSettings(row.settings);
  if (problems.length > 0) onProblems(row.id, problems);
  return { id: row.id, name: row.name, publicKey: row.publicKey, allowedOrigins: row.allowedOrigins, settings };
}

export function toListItem(row: {
  conversation: ConversationRow;
  visitorName: string | null;
  visitorEmail: string | null;
  verified: boolean;
  customerName: string | null;
  customerEmail: string | null;
  botCustomerName: string | null;
  botCustomerEmail: string | null;
  orderNumbers: string | null;
  viaEmail?: number | null;
  tags?: string | null;
}): ConversationListItem {
  return {
    ...toConversation(row.conversation),
    visitorName: row.customerName || row.botCustomerName || row.visitorName,
    visitorEmail: row.customerEmail || row.botCustomerEmail || row.visitorEmail,
    verified: row.verified,
    orderNumbers: row.orderNumbers ? row.orderNumbers.split(' ') : [],
    viaEmail: Boolean(row.viaEmail),
    tags: row.tags ? row.tags.split(' ').sort() : [],
  };
}

type VisitorOwner = Pick<VisitorRecord, 'id' | 'customerId' | 'verified'>;

/** A conversation is the visitor's own, or a verified sibling's of the same verified customer. */
function ownedBy(visitor: VisitorOwner) {
  const own = eq(t.conversations.visitorId, visitor.id);
  if (!visitor.verified || !visitor.customerId) return own;
  return or(own, and(eq(t.visitors.customerId, visitor.customerId), eq(t.visitors.verified, true)));
}

export function toVisitor(row: typeof t.visitors.$inferSelect): VisitorRecord {
  return {
    id: row.id,
    siteId: row.siteId,
    name: row.name,
    email: row.email,
    customerId: row.verified ? row.customerId : null,
    externalId: row.externalId,
    verified: row.verified,
    locale: row.locale,
    firstSeenAt: row.createdAt,
  };
}
