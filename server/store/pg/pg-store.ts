/**
 * The PostgreSQL implementation of Store (DATABASE_URL=postgres://…), for several nodes sharing
 * one database. The same semantics as SqliteStore, with PostgreSQL's concurrency:
 *
 * - A commit runs in one transaction that first locks the conversation row (`SELECT … FOR
 *   UPDATE`; for a visitor's first message, the visitor's — and verified customer's — row, so
 *   one open conversation is found or created once): seqs are taken from the locked row, the
 *   clientId check sees every committed message, and messages, state, event log, webhook and mail
 *   outbox rows commit together. The promise resolves after COMMIT (an ack means stored).
 * - Webhook deliveries and mail are claimed with `FOR UPDATE SKIP LOCKED`: two dispatchers (two
 *   nodes) never take the same row. A claimed delivery is leased (its next attempt moved
 *   `WEBHOOK_LEASE_MS` ahead) until its attempt is recorded, so a node that dies mid-attempt
 *   leaves it to another after the lease.
 * - Deadlocks and serialization failures are retried; connection failures (server down, pool
 *   exhausted) are StoreUnavailableError (`store_unavailable`: the client retries).
 *
 * Policy-free helpers (record mappers, caps, patches) are shared with the SQLite store.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, exists, gt, inArray, isNotNull, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ConversationStatus, Message } from '../../../shared/protocol';
import { newId, newSortableId } from '../../ids';
import { reportTimeZone } from '../../domain/reports';
import { parseSiteSettings } from '../../domain/site-settings';
import type { Logger } from '../../logger';
import { toCustomer, toOrders } from '../commerce';
import { ConflictError, NotFoundError, StoreUnavailableError } from '../errors';
import { DELIVERY_TTL_MS, toRecord as toIntegration } from '../integration-repo';
import { isPgUnavailable, pgCode } from './db';
import { MAIL_LEASE_MS, replyToken, settlePatch, toMail } from '../mail-repo';
import { FACT_COLUMNS, factsWhere, liveSecretKeys, proactiveClaim, stateMoved, unansweredOf } from '../shared';
import { IDEMPOTENCY_TTL_MS, SIGN_IN_CANDIDATES, toAgent, toConversation, toInvite, toListItem, toMessage, toSite, toVisitor, unmark } from '../sqlite-store';
import { deliveryBody, toDelivery, toWebhook } from '../webhook-repo';
import type {
  AgentRecord,
  AttachmentRecord,
  CommitRequest,
  CommitResult,
  ContactNotesRecord,
  ContactRef,
  ConversationDataPatch,
  ConversationEventRecord,
  ConversationListItem,
  ConversationRecord,
  CustomerInput,
  CustomerRecord,
  DueDelivery,
  FactColumn,
  FactRow,
  FactsFilter,
  IdentifyInput,
  ImportState,
  IntegrationPlatform,
  InviteRecord,
  MailDraft,
  MailOutcome,
  MailRecord,
  MessageHit,
  MessageSearch,
  OrderInput,
  OrderRecord,
  RatingRecord,
  ReportRating,
  ReturnInput,
  ShipmentInput,
  SiteRecord,
  Store,
  StoredResponse,
  Upserted,
  VisitorRecord,
  WebhookEvent,
} from '../types';
import type { OpenedPg, PgDb } from './db';
import { refreshFacts } from './facts';
import * as t from './schema';

/** A transaction, or the pool: what the query helpers below run on. */
type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];
type Q = PgDb | Tx;
type ConversationRow = typeof t.conversations.$inferSelect;
type VisitorOwner = Pick<VisitorRecord, 'id' | 'customerId' | 'verified'>;

/** How long a claimed webhook delivery is kept from other dispatchers while it is attempted. */
export const WEBHOOK_LEASE_MS = 60_000;
/** How long a node trusts its cached copy of a site (another node may have changed it). */
const SITE_CACHE_MS = 2_000;

export { isPgUnavailable } from './db';

function mapError(err: unknown): unknown {
  return isPgUnavailable(err) ? new StoreUnavailableError(err) : err;
}

/** The SQL of each fact column a report may ask for (shared with SQLite's report-repo; bigint read as a number). */
const PG_FACT_COLUMNS: Record<FactColumn, string> = { ...FACT_COLUMNS, createdAt: 'f.created_at::float8' };

/** `count(*)` as a number (PostgreSQL returns bigint counts as strings). */
const count = () => sql<number>`count(*)`.mapWith(Number);

/**
 * PostgreSQL text and jsonb cannot hold U+0000 (SQLite can): what people type is stored with it
 * replaced by U+FFFD rather than failing the write.
 */
function noNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
  if (value === null || typeof value !== 'object') return value;
  const json = JSON.stringify(value);
  return json.includes('\\u0000') ? (JSON.parse(json.replaceAll('\\u0000', '\\ufffd')) as T) : value;
}

/** Words of a search term as prefix queries: letters and digits only, so nothing is tsquery syntax. */
function tsQuery(terms: string[]): string {
  const words = terms.flatMap((term) => term.match(/[\p{L}\p{N}]+/gu) ?? []);
  return words.map((w) => `${w}:*`).join(' & ');
}

export class PgStore implements Store {
  private readonly db: PgDb;
  private readonly siteCache = new Map<string, { site: SiteRecord; at: number }>();
  private readonly settingsWarned = new Set<string>();

  constructor(
    private readonly opened: OpenedPg,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {
    this.db = opened.db;
  }

  /** Runs a query, mapping connection failures to StoreUnavailableError. */
  private async run<T>(fn: (db: PgDb) => Promise<T>): Promise<T> {
    try {
      return await fn(this.db);
    } catch (err) {
      throw mapError(err);
    }
  }

  /**
   * Runs `fn` in a transaction, again on a deadlock or serialization failure (and, with
   * `retryUnique`, on a unique violation: an upsert that lost a race sees the winner's row).
   */
  private async tx<T>(fn: (tx: Tx) => Promise<T>, opts: { retryUnique?: boolean } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.opened.transaction(fn);
      } catch (err) {
        const code = pgCode(err);
        const retry = code === '40001' || code === '40P01' || (opts.retryUnique === true && code === '23505');
        if (retry && attempt < 5) continue;
        throw mapError(err);
      }
    }
  }

  // ---------------------------------------------------------------- sites

  private toSite(row: typeof t.sites.$inferSelect): SiteRecord {
    return toSite(row, (siteId, problems) => {
      const key = `${siteId} ${problems.join(' ')}`;
      if (this.settingsWarned.has(key)) return;
      this.settingsWarned.add(key);
      this.log?.warn({ siteId, fields: problems }, 'stored site settings do not fit: those parts use their defaults');
    });
  }

  private async cachedSite(key: string, load: () => Promise<typeof t.sites.$inferSelect | undefined>): Promise<SiteRecord | null> {
    const hit = this.siteCache.get(key);
    if (hit && Date.now() - hit.at < SITE_CACHE_MS) return hit.site;
    const row = await this.run(load);
    if (!row) return null;
    const site = this.toSite(row);
    Object.freeze(site.settings);
    Object.freeze(site.allowedOrigins);
    Object.freeze(site);
    const at = Date.now();
    this.siteCache.set(`pk:${site.publicKey}`, { site, at });
    this.siteCache.set(`id:${site.id}`, { site, at });
    return site;
  }

  sites = {
    forget: (_siteId: string) => this.siteCache.clear(),
    byPublicKey: (publicKey: string) =>
      this.cachedSite(`pk:${publicKey}`, async () => (await this.db.select().from(t.sites).where(eq(t.sites.publicKey, publicKey)))[0]),
    byId: (id: string) => this.cachedSite(`id:${id}`, async () => (await this.db.select().from(t.sites).where(eq(t.sites.id, id)))[0]),
    update: async (siteId: string, patch: { name?: string; allowedOrigins?: string[]; settings?: Record<string, unknown> }) => {
      this.siteCache.clear();
      const [row] = await this.run((db) => db.update(t.sites).set(patch).where(eq(t.sites.id, siteId)).returning());
      this.siteCache.clear();
      if (!row) throw new NotFoundError('site');
      return this.toSite(row);
    },
    rotateSecret: async (siteId: string, secretKey: string, secretKeyHash: string, opts: { now: number; previousUntil: number | null }) => {
      this.siteCache.clear();
      await this.tx(async (tx) => {
        const [row] = await tx.select({ secretKey: t.sites.secretKey, secretKeyHash: t.sites.secretKeyHash }).from(t.sites).where(eq(t.sites.id, siteId)).for('update');
        if (!row) return;
        // The key being replaced becomes the previous one (an older previous key ends here).
        const overlap = opts.previousUntil === null || opts.previousUntil > opts.now;
        await tx
          .update(t.sites)
          .set({
            secretKey,
            secretKeyHash,
            previousSecretKey: overlap ? row.secretKey : null,
            previousSecretKeyHash: overlap ? row.secretKeyHash : null,
            previousSecretExpiresAt: overlap ? opts.previousUntil : null,
            secretRotatedAt: opts.now,
          })
          .where(eq(t.sites.id, siteId));
      });
      this.siteCache.clear();
    },
    retirePreviousSecret: async (siteId: string) => {
      const rows = await this.run((db) =>
        db
          .update(t.sites)
          .set({ previousSecretKey: null, previousSecretKeyHash: null, previousSecretExpiresAt: null })
          .where(and(eq(t.sites.id, siteId), isNotNull(t.sites.previousSecretKey)))
          .returning({ id: t.sites.id }),
      );
      return rows.length > 0;
    },
    secretKey: async (siteId: string) =>
      (await this.run((db) => db.select({ secretKey: t.sites.secretKey }).from(t.sites).where(eq(t.sites.id, siteId))))[0]?.secretKey ?? null,
    secretKeys: async (siteId: string, now: number) => {
      const [row] = await this.run((db) =>
        db.select({ secretKey: t.sites.secretKey, previous: t.sites.previousSecretKey, until: t.sites.previousSecretExpiresAt }).from(t.sites).where(eq(t.sites.id, siteId)),
      );
      return row ? liveSecretKeys(row, now) : [];
    },
    secretStatus: async (siteId: string, now: number) => {
      const [row] = await this.run((db) =>
        db
          .select({ previous: t.sites.previousSecretKey, until: t.sites.previousSecretExpiresAt, rotatedAt: t.sites.secretRotatedAt })
          .from(t.sites)
          .where(eq(t.sites.id, siteId)),
      );
      const live = !!row?.previous && (row.until === null || row.until > now);
      return { rotatedAt: row?.rotatedAt ?? null, previous: live ? { expiresAt: row!.until } : null };
    },
    bySecretKeyHash: async (hash: string, now: number) => {
      const row =
        (await this.run((db) => db.select().from(t.sites).where(eq(t.sites.secretKeyHash, hash))))[0] ??
        (
          await this.run((db) =>
            db
              .select()
              .from(t.sites)
              .where(and(eq(t.sites.previousSecretKeyHash, hash), or(isNull(t.sites.previousSecretExpiresAt), gt(t.sites.previousSecretExpiresAt, now)))),
          )
        )[0];
      return row ? this.toSite(row) : null;
    },
  };

  // ---------------------------------------------------------------- commerce

  private async customerByExternalId(q: Q, siteId: string, externalId: string): Promise<CustomerRecord | null> {
    const [row] = await q.select().from(t.customers).where(and(eq(t.customers.siteId, siteId), eq(t.customers.externalId, externalId)));
    return row ? toCustomer(row) : null;
  }

  private async upsertCustomer(tx: Tx, siteId: string, externalId: string, input: CustomerInput, now: number): Promise<Upserted<CustomerRecord>> {
    const [existing] = await tx
      .select()
      .from(t.customers)
      .where(and(eq(t.customers.siteId, siteId), eq(t.customers.externalId, externalId)))
      .for('update');
    if (existing && input.sourceUpdatedAt != null && existing.sourceUpdatedAt != null && input.sourceUpdatedAt < existing.sourceUpdatedAt) {
      return { record: toCustomer(existing), created: false, stale: true };
    }
    const values = {
      email: input.email,
      name: input.name,
      phone: input.phone ?? null,
      tags: input.tags ?? [],
      updatedAt: now,
      ...(input.sourceUpdatedAt != null ? { sourceUpdatedAt: input.sourceUpdatedAt } : {}),
    };
    if (existing) {
      const [row] = await tx.update(t.customers).set(values).where(eq(t.customers.id, existing.id)).returning();
      return { record: toCustomer(row!), created: false };
    }
    const [row] = await tx
      .insert(t.customers)
      .values({ id: newId('cus'), siteId, externalId, createdAt: now, ...values })
      .returning();
    return { record: toCustomer(row!), created: true };
  }

  private async hydrate(q: Q, rows: (typeof t.orders.$inferSelect)[]): Promise<OrderRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    // One after the other: inside a transaction `q` is one client, which runs a query at a time
    // (pg warns "client.query() already executing" and will refuse it in pg 9).
    const shipments = await q.select().from(t.shipments).where(inArray(t.shipments.orderId, ids)).orderBy(asc(t.shipments.id));
    const returns = await q.select().from(t.returns).where(inArray(t.returns.orderId, ids)).orderBy(asc(t.returns.id));
    const customers = await q
      .select({ id: t.customers.id, externalId: t.customers.externalId })
      .from(t.customers)
      .where(inArray(t.customers.id, [...new Set(rows.map((r) => r.customerId))]));
    return toOrders(rows, shipments, returns, customers);
  }

  private async orderRow(q: Q, siteId: string, externalId: string, lock = false) {
    const query = q.select().from(t.orders).where(and(eq(t.orders.siteId, siteId), eq(t.orders.externalId, externalId)));
    return (lock ? await query.for('update') : await query)[0];
  }

  private async orderRecord(q: Q, siteId: string, externalId: string): Promise<OrderRecord | null> {
    const row = await this.orderRow(q, siteId, externalId);
    return row ? (await this.hydrate(q, [row]))[0]! : null;
  }

  customers = {
    upsert: (siteId: string, externalId: string, input: CustomerInput, now: number) =>
      this.tx((tx) => this.upsertCustomer(tx, siteId, externalId, input, now), { retryUnique: true }),
    byExternalId: (siteId: string, externalId: string) => this.run((db) => this.customerByExternalId(db, siteId, externalId)),
    byId: async (siteId: string, id: string) => {
      const [row] = await this.run((db) => db.select().from(t.customers).where(and(eq(t.customers.siteId, siteId), eq(t.customers.id, id))));
      return row ? toCustomer(row) : null;
    },
  };

  orders = {
    upsert: (siteId: string, externalId: string, input: OrderInput, now: number) =>
      this.tx(
        async (tx): Promise<Upserted<OrderRecord>> => {
          const customer = await this.customerByExternalId(tx, siteId, input.customerExternalId);
          if (!customer) throw new NotFoundError('customer');
          const existing = await this.orderRow(tx, siteId, externalId, true);
          // A platform's webhooks arrive in any order: an older copy must not roll the order back.
          if (existing && input.sourceUpdatedAt != null && existing.sourceUpdatedAt != null && input.sourceUpdatedAt < existing.sourceUpdatedAt) {
            return { record: (await this.orderRecord(tx, siteId, externalId))!, created: false, stale: true };
          }
          const values = {
            customerId: customer.id,
            number: input.number,
            status: input.status,
            paymentStatus: input.paymentStatus ?? null,
            currency: input.currency,
            total: input.total,
            items: input.items,
            shippingAddress: input.shippingAddress ?? null,
            createdAt: input.createdAt,
            updatedAt: now,
            ...(input.sourceUpdatedAt != null ? { sourceUpdatedAt: input.sourceUpdatedAt } : {}),
          };
          if (existing) await tx.update(t.orders).set(values).where(eq(t.orders.id, existing.id));
          else await tx.insert(t.orders).values({ id: newId('ord'), siteId, externalId, ...values });
          return { record: (await this.orderRecord(tx, siteId, externalId))!, created: !existing };
        },
        { retryUnique: true },
      ),
    byExternalId: (siteId: string, externalId: string) => this.run((db) => this.orderRecord(db, siteId, externalId)),
    upsertShipment: (siteId: string, orderExternalId: string, shipmentExternalId: string, input: ShipmentInput, now: number) =>
      this.tx(
        async (tx): Promise<Upserted<OrderRecord>> => {
          const order = await this.orderRow(tx, siteId, orderExternalId, true);
          if (!order) throw new NotFoundError('order');
          const [existing] = await tx
            .select({ id: t.shipments.id })
            .from(t.shipments)
            .where(and(eq(t.shipments.orderId, order.id), eq(t.shipments.externalId, shipmentExternalId)));
          const values = { carrier: input.carrier, trackingNumber: input.trackingNumber, trackingUrl: input.trackingUrl, status: input.status, events: input.events ?? [], updatedAt: now };
          if (existing) await tx.update(t.shipments).set(values).where(eq(t.shipments.id, existing.id));
          else await tx.insert(t.shipments).values({ id: newId('shp'), siteId, orderId: order.id, externalId: shipmentExternalId, ...values });
          await tx.update(t.orders).set({ updatedAt: now }).where(eq(t.orders.id, order.id));
          return { record: (await this.orderRecord(tx, siteId, orderExternalId))!, created: !existing };
        },
        { retryUnique: true },
      ),
    upsertReturn: (siteId: string, orderExternalId: string, returnExternalId: string, input: ReturnInput, now: number) =>
      this.tx(
        async (tx): Promise<Upserted<OrderRecord>> => {
          const order = await this.orderRow(tx, siteId, orderExternalId, true);
          if (!order) throw new NotFoundError('order');
          const [existing] = await tx
            .select({ id: t.returns.id })
            .from(t.returns)
            .where(and(eq(t.returns.orderId, order.id), eq(t.returns.externalId, returnExternalId)));
          const values = { status: input.status, items: input.items ?? [], reason: input.reason ?? null, updatedAt: now };
          if (existing) await tx.update(t.returns).set(values).where(eq(t.returns.id, existing.id));
          else await tx.insert(t.returns).values({ id: newId('ret'), siteId, orderId: order.id, externalId: returnExternalId, ...values });
          await tx.update(t.orders).set({ updatedAt: now }).where(eq(t.orders.id, order.id));
          return { record: (await this.orderRecord(tx, siteId, orderExternalId))!, created: !existing };
        },
        { retryUnique: true },
      ),
    forCustomer: (siteId: string, customerId: string, limit: number) =>
      this.run(async (db) =>
        this.hydrate(
          db,
          await db
            .select()
            .from(t.orders)
            .where(and(eq(t.orders.siteId, siteId), eq(t.orders.customerId, customerId)))
            .orderBy(desc(t.orders.createdAt))
            .limit(limit),
        ),
      ),
    /** By number, case-insensitive, a leading "#" ignored (orders_site_number_lower_idx). */
    byNumber: (siteId: string, number: string) =>
      this.run(async (db): Promise<(OrderRecord & { customerEmail: string | null }) | null> => {
        const clean = number.trim().replace(/^#/, '');
        const [row] = await db
          .select({ order: t.orders, email: t.customers.email })
          .from(t.orders)
          .innerJoin(t.customers, eq(t.customers.id, t.orders.customerId))
          .where(and(eq(t.orders.siteId, siteId), sql`lower(${t.orders.number}) = lower(${clean})`))
          .limit(1);
        if (!row) return null;
        return { ...(await this.hydrate(db, [row.order]))[0]!, customerEmail: row.email };
      }),
  };

  attachments = {
    create: async (input: Omit<AttachmentRecord, 'id' | 'conversationId'> & { id: string; sha256: string }): Promise<AttachmentRecord> => {
      await this.run((db) => db.insert(t.attachments).values({ ...input, conversationId: null }));
      const { sha256: _hash, ...record } = input;
      return { ...record, conversationId: null };
    },
    byId: async (id: string): Promise<AttachmentRecord | null> => {
      const [row] = await this.run((db) => db.select().from(t.attachments).where(eq(t.attachments.id, id)));
      if (!row) return null;
      const { sha256: _hash, ...record } = row;
      return record;
    },
  };

  // ---------------------------------------------------------------- webhooks

  /** Queues deliveries of `event` for every subscribed webhook of the site (in the caller's transaction). */
  private async enqueueDeliveries(q: Q, siteId: string, event: WebhookEvent, body: object, now: number): Promise<number> {
    const hooks = await q.select({ id: t.webhooks.id, events: t.webhooks.events }).from(t.webhooks).where(eq(t.webhooks.siteId, siteId));
    const targets = hooks.filter((h) => (h.events as string[]).includes(event));
    if (targets.length === 0) return 0;
    await q.insert(t.webhookDeliveries).values(
      targets.map((hook) => {
        const id = newId('dlv');
        return { id, siteId, webhookId: hook.id, event, body: deliveryBody(id, event, body, now), status: 'pending' as const, attempts: 0, nextAttemptAt: now, createdAt: now };
      }),
    );
    return targets.length;
  }

  webhooks = {
    create: async (siteId: string, input: { url: string; events: WebhookEvent[]; secret: string }, now: number) => {
      const [row] = await this.run((db) =>
        db.insert(t.webhooks).values({ id: newId('wh'), siteId, url: input.url, events: input.events, secret: input.secret, createdAt: now }).returning(),
      );
      return toWebhook(row!);
    },
    list: (siteId: string) =>
      this.run(async (db) => (await db.select().from(t.webhooks).where(eq(t.webhooks.siteId, siteId)).orderBy(asc(t.webhooks.createdAt), asc(t.webhooks.id))).map(toWebhook)),
    delete: (siteId: string, id: string) =>
      this.tx(async (tx) => {
        const [hook] = await tx.select({ id: t.webhooks.id }).from(t.webhooks).where(and(eq(t.webhooks.siteId, siteId), eq(t.webhooks.id, id))).for('update');
        if (!hook) return false;
        await tx.delete(t.webhookDeliveries).where(eq(t.webhookDeliveries.webhookId, id));
        await tx.delete(t.webhooks).where(eq(t.webhooks.id, id));
        return true;
      }),
    enqueue: (siteId: string, event: WebhookEvent, body: object, now: number) => this.run((db) => this.enqueueDeliveries(db, siteId, event, body, now)),
    /**
     * Claims due deliveries (FOR UPDATE SKIP LOCKED): each is leased to this dispatcher for
     * WEBHOOK_LEASE_MS (its next attempt moved ahead) until recordAttempt settles it. Returned
     * with the time it was due, oldest first.
     */
    due: (now: number, limit: number) =>
      this.tx(async (tx): Promise<DueDelivery[]> => {
        const d = t.webhookDeliveries;
        const rows = await tx
          .select({ delivery: d, url: t.webhooks.url, secret: t.webhooks.secret })
          .from(d)
          .innerJoin(t.webhooks, eq(t.webhooks.id, d.webhookId))
          .where(and(eq(d.status, 'pending'), lte(d.nextAttemptAt, now)))
          .orderBy(asc(d.nextAttemptAt), asc(d.id))
          .limit(limit)
          .for('update', { of: d, skipLocked: true });
        if (rows.length === 0) return [];
        await tx
          .update(d)
          .set({ nextAttemptAt: now + WEBHOOK_LEASE_MS })
          .where(inArray(d.id, rows.map((r) => r.delivery.id)));
        return rows.map((r) => ({ ...toDelivery(r.delivery), url: r.url, secret: r.secret }));
      }),
    recordAttempt: async (id: string, outcome: { delivered: boolean; statusCode: number | null; error: string | null; nextAttemptAt: number | null }, now: number) => {
      await this.run((db) =>
        db
          .update(t.webhookDeliveries)
          .set({
            attempts: sql`${t.webhookDeliveries.attempts} + 1`,
            lastStatusCode: outcome.statusCode,
            lastError: outcome.error,
            ...(outcome.delivered
              ? { status: 'delivered' as const, deliveredAt: now }
              : outcome.nextAttemptAt === null
                ? { status: 'failed' as const }
                : { nextAttemptAt: outcome.nextAttemptAt }),
          })
          .where(eq(t.webhookDeliveries.id, id)),
      );
    },
    deliveries: (siteId: string, webhookId: string, limit: number) =>
      this.run(async (db) =>
        (
          await db
            .select()
            .from(t.webhookDeliveries)
            .where(and(eq(t.webhookDeliveries.siteId, siteId), eq(t.webhookDeliveries.webhookId, webhookId)))
            .orderBy(desc(t.webhookDeliveries.createdAt), desc(t.webhookDeliveries.id))
            .limit(limit)
        ).map(toDelivery),
      ),
  };

  // ---------------------------------------------------------------- mail

  /** Queues a mail (a digest joins the conversation's pending digest). In the caller's transaction. */
  private async enqueueMail(tx: Tx, siteId: string, conversationId: string | null, draft: MailDraft, now: number): Promise<MailRecord> {
    const m = t.mailOutbox;
    if (draft.kind === 'digest' && conversationId) {
      const [pending] = await tx
        .select()
        .from(m)
        .where(and(eq(m.siteId, siteId), eq(m.conversationId, conversationId), eq(m.kind, 'digest'), eq(m.status, 'pending')))
        .limit(1)
        .for('update');
      if (pending) {
        const [row] = await tx
          .update(m)
          .set({ nextAttemptAt: Math.max(pending.nextAttemptAt, draft.sendAfter) })
          .where(eq(m.id, pending.id))
          .returning();
        return toMail(row!);
      }
    }
    if (draft.kind === 'offline_confirmation' && conversationId) {
      // One confirmation per conversation, whatever became of it.
      const [sent] = await tx
        .select()
        .from(m)
        .where(and(eq(m.siteId, siteId), eq(m.conversationId, conversationId), eq(m.kind, 'offline_confirmation')))
        .limit(1);
      if (sent) return toMail(sent);
    }
    const id = newId('mail');
    const [row] = await tx
      .insert(m)
      .values({
        id,
        siteId,
        conversationId,
        kind: draft.kind,
        toAddress: draft.toAddress ?? null,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: draft.sendAfter,
        messageIdHeader: `${id}.${randomBytes(6).toString('hex')}`,
        subject: draft.subject ?? null,
        textBody: draft.textBody ?? null,
        htmlBody: draft.htmlBody ?? null,
        messageIds: draft.messageIds ?? [],
        createdAt: now,
      })
      .returning();
    return toMail(row!);
  }

  private async thread(q: Q, siteId: string, conversationId: string, now: number): Promise<string> {
    const th = t.mailThreads;
    const [found] = await q.select().from(th).where(and(eq(th.siteId, siteId), eq(th.conversationId, conversationId)));
    if (found) return found.replyToken;
    await q.insert(th).values({ conversationId, siteId, replyToken: replyToken(), createdAt: now }).onConflictDoNothing({ target: th.conversationId });
    const [row] = await q.select().from(th).where(and(eq(th.siteId, siteId), eq(th.conversationId, conversationId)));
    if (!row) throw new NotFoundError('conversation');
    return row.replyToken;
  }

  mail = {
    enqueue: (siteId: string, conversationId: string | null, draft: MailDraft, now: number) => this.tx((tx) => this.enqueueMail(tx, siteId, conversationId, draft, now)),
    /** Due mail, oldest first, marked `sending` (FOR UPDATE SKIP LOCKED: one dispatcher claims each). */
    claimDue: (now: number, limit: number) =>
      this.tx(async (tx) => {
        const m = t.mailOutbox;
        const rows = await tx
          .select()
          .from(m)
          // Due, or claimed by a dispatcher whose lease ran out (its node died mid-send).
          .where(and(inArray(m.status, ['pending', 'sending']), lte(m.nextAttemptAt, now)))
          .orderBy(asc(m.nextAttemptAt), asc(m.id))
          .limit(limit)
          .for('update', { skipLocked: true });
        if (rows.length === 0) return [];
        await tx
          .update(m)
          .set({ status: 'sending', nextAttemptAt: now + MAIL_LEASE_MS })
          .where(inArray(m.id, rows.map((r) => r.id)));
        return rows.map((r) => toMail({ ...r, status: 'sending', nextAttemptAt: now + MAIL_LEASE_MS }));
      }),
    release: async () => {
      // Due again when it was claimed (the claim moved it to the lease's end).
      const rows = await this.run((db) =>
        db
          .update(t.mailOutbox)
          .set({ status: 'pending', nextAttemptAt: sql`${t.mailOutbox.nextAttemptAt} - ${MAIL_LEASE_MS}` })
          .where(eq(t.mailOutbox.status, 'sending'))
          .returning({ id: t.mailOutbox.id }),
      );
      return rows.length;
    },
    settle: (id: string, outcome: MailOutcome, now: number) =>
      this.tx(async (tx): Promise<MailRecord | null> => {
        const [current] = await tx.select().from(t.mailOutbox).where(eq(t.mailOutbox.id, id)).for('update');
        if (!current) return null;
        const [row] = await tx.update(t.mailOutbox).set(settlePatch(current.attempts, outcome, now)).where(eq(t.mailOutbox.id, id)).returning();
        return toMail(row!);
      }),
    list: (siteId: string, opts: { limit: number; status?: MailRecord['status'] }) =>
      this.run(async (db) =>
        (
          await db
            .select()
            .from(t.mailOutbox)
            .where(and(eq(t.mailOutbox.siteId, siteId), opts.status ? eq(t.mailOutbox.status, opts.status) : undefined))
            .orderBy(desc(t.mailOutbox.createdAt), desc(t.mailOutbox.id))
            .limit(opts.limit)
        ).map(toMail),
      ),
    byId: async (siteId: string, id: string) => {
      const [row] = await this.run((db) => db.select().from(t.mailOutbox).where(and(eq(t.mailOutbox.siteId, siteId), eq(t.mailOutbox.id, id))));
      return row ? toMail(row) : null;
    },
    forConversation: (siteId: string, conversationId: string) =>
      this.run(async (db) =>
        (
          await db
            .select()
            .from(t.mailOutbox)
            .where(and(eq(t.mailOutbox.siteId, siteId), eq(t.mailOutbox.conversationId, conversationId)))
            .orderBy(asc(t.mailOutbox.createdAt), asc(t.mailOutbox.id))
        ).map(toMail),
      ),
    thread: (siteId: string, conversationId: string, now: number) => this.run((db) => this.thread(db, siteId, conversationId, now)),
    unsubscribe: (siteId: string, conversationId: string, now: number) =>
      this.tx(async (tx) => {
        await this.thread(tx, siteId, conversationId, now);
        await tx
          .update(t.mailThreads)
          .set({ unsubscribedAt: now })
          .where(and(eq(t.mailThreads.siteId, siteId), eq(t.mailThreads.conversationId, conversationId)));
      }),
    unsubscribed: async (siteId: string, conversationId: string) => {
      const [row] = await this.run((db) =>
        db.select({ at: t.mailThreads.unsubscribedAt }).from(t.mailThreads).where(and(eq(t.mailThreads.siteId, siteId), eq(t.mailThreads.conversationId, conversationId))),
      );
      return row?.at != null;
    },
    byReplyToken: async (token: string) => {
      const [row] = await this.run((db) => db.select().from(t.mailThreads).where(eq(t.mailThreads.replyToken, token.toLowerCase())));
      return row ? { siteId: row.siteId, conversationId: row.conversationId } : null;
    },
  };

  // ---------------------------------------------------------------- integrations

  private integrationWhere(siteId: string, platform: IntegrationPlatform) {
    return and(eq(t.integrations.siteId, siteId), eq(t.integrations.platform, platform));
  }

  integrations = {
    get: async (siteId: string, platform: IntegrationPlatform) => {
      const [row] = await this.run((db) => db.select().from(t.integrations).where(this.integrationWhere(siteId, platform)));
      return row ? toIntegration(row) : null;
    },
    list: (siteId: string) =>
      this.run(async (db) => (await db.select().from(t.integrations).where(eq(t.integrations.siteId, siteId)).orderBy(asc(t.integrations.platform))).map(toIntegration)),
    save: async (siteId: string, platform: IntegrationPlatform, input: { settings: Record<string, string>; sealedSecrets: string; secretNames: string[] }, now: number) => {
      const values = { settings: input.settings, secrets: input.sealedSecrets, secretNames: input.secretNames, updatedAt: now };
      const [row] = await this.run((db) =>
        db
          .insert(t.integrations)
          .values({ siteId, platform, createdAt: now, ...values })
          .onConflictDoUpdate({ target: [t.integrations.siteId, t.integrations.platform], set: values })
          .returning(),
      );
      return toIntegration(row!);
    },
    note: async (siteId: string, platform: IntegrationPlatform, what: { topic: string } | { error: string }, now: number) => {
      const set = 'topic' in what ? { lastEventAt: now, lastEventTopic: what.topic.slice(0, 100) } : { lastErrorAt: now, lastError: what.error.slice(0, 500) };
      await this.run((db) => db.update(t.integrations).set(set).where(this.integrationWhere(siteId, platform)));
    },
    claimDelivery: (siteId: string, platform: IntegrationPlatform, deliveryId: string, now: number) =>
      this.run(async (db) => {
        // Old ids are forgotten lazily.
        await db.delete(t.integrationDeliveries).where(lt(t.integrationDeliveries.receivedAt, now - DELIVERY_TTL_MS));
        const inserted = await db
          .insert(t.integrationDeliveries)
          .values({ siteId, platform, deliveryId, receivedAt: now })
          .onConflictDoNothing()
          .returning({ id: t.integrationDeliveries.deliveryId });
        return inserted.length === 1;
      }),
    releaseDelivery: async (siteId: string, platform: IntegrationPlatform, deliveryId: string) => {
      await this.run((db) =>
        db
          .delete(t.integrationDeliveries)
          .where(and(eq(t.integrationDeliveries.siteId, siteId), eq(t.integrationDeliveries.platform, platform), eq(t.integrationDeliveries.deliveryId, deliveryId))),
      );
    },
    setImport: async (siteId: string, platform: IntegrationPlatform, state: ImportState, now: number) => {
      await this.run((db) =>
        db
          .update(t.integrations)
          .set({ importState: state as unknown as Record<string, unknown>, updatedAt: now })
          .where(this.integrationWhere(siteId, platform)),
      );
    },
  };

  // ---------------------------------------------------------------- reports and ratings

  /**
   * `WHERE` over `conversation_facts f` for the site, the range and the filter: the shared
   * factsWhere (as SQLite's report-repo, `strpos` for `instr`), its `?` bound as parameters.
   */
  private factsWhere(siteId: string, start: number, end: number, filter: FactsFilter): SQL {
    const w = factsWhere(siteId, start, end, filter, 'strpos');
    const parts = w.sql.split('?');
    const chunks: SQL[] = [sql.raw(parts[0]!)];
    w.params.forEach((p, i) => chunks.push(sql`${p}`, sql.raw(parts[i + 1]!)));
    return sql.join(chunks);
  }

  private async rows<R>(query: SQL): Promise<R[]> {
    return this.run(async (db) => (await db.execute(query)).rows as R[]);
  }

  reports = {
    facts: <C extends FactColumn>(siteId: string, start: number, end: number, filter: FactsFilter, columns: readonly C[]) =>
      this.rows<FactRow<C>>(
        sql`SELECT f.conversation_id AS id${sql.join(
          columns.map((c) => sql.raw(`, ${PG_FACT_COLUMNS[c]} AS "${c}"`)),
          sql``,
        )} FROM conversation_facts f WHERE ${this.factsWhere(siteId, start, end, filter)}`,
      ),
    totals: async (siteId: string, start: number, end: number, filter: FactsFilter) => {
      const [row] = await this.rows<{ conversations: number; botResolved: number; resolutions: number; proactive: number }>(
        sql`SELECT count(*)::int AS conversations, coalesce(sum(f.bot_resolved), 0)::int AS "botResolved", coalesce(sum(f.resolutions), 0)::int AS resolutions,
                   coalesce(sum((f.via = 'proactive')::int), 0)::int AS proactive
              FROM conversation_facts f WHERE ${this.factsWhere(siteId, start, end, filter)}`,
      );
      return row ?? { conversations: 0, botResolved: 0, resolutions: 0, proactive: 0 };
    },
    customers: async (siteId: string, start: number, end: number, filter: FactsFilter) =>
      (
        await this.rows<{ at: number; proactive: number; customerId: string }>(
          sql`SELECT f.created_at::float8 AS at, (f.via = 'proactive')::int AS proactive, v.customer_id AS "customerId"
                FROM conversation_facts f JOIN conversations c ON c.id = f.conversation_id JOIN visitors v ON v.id = c.visitor_id
               WHERE ${this.factsWhere(siteId, start, end, filter)} AND v.customer_id IS NOT NULL`,
        )
      ).map((r): [number, number, string] => [r.at, r.proactive, r.customerId]),
    pairs: async (siteId: string, start: number, end: number, filter: FactsFilter, what: 'firstResponse' | 'resolution') =>
      (
        await this.rows<{ at: number; seconds: number }>(
          what === 'firstResponse'
            ? sql`SELECT f.created_at::float8 AS at, f.first_response_seconds AS seconds FROM conversation_facts f
                   WHERE ${this.factsWhere(siteId, start, end, filter)} AND f.first_response_seconds IS NOT NULL`
            : sql`SELECT f.created_at::float8 AS at, j.value::float8 AS seconds FROM conversation_facts f, jsonb_array_elements_text(f.resolution_seconds::jsonb) j
                   WHERE ${this.factsWhere(siteId, start, end, filter)} AND f.resolutions > 0`,
        )
      ).map((r): [number, number] => [r.at, r.seconds]),
    handoffs: async (siteId: string, start: number, end: number, filter: FactsFilter) =>
      (
        await this.rows<{ reason: string; n: number }>(
          sql`SELECT j.value AS reason, count(*)::int AS n FROM conversation_facts f, jsonb_array_elements_text(f.handoff_reasons::jsonb) j
               WHERE ${this.factsWhere(siteId, start, end, filter)} AND f.handoff_reasons != '[]' GROUP BY j.value`,
        )
      ).map((r): [string, number] => [r.reason, r.n]),
    perDay: (siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string) =>
      this.rows<{ day: string; conversations: number; shopper: number; agent: number; bot: number }>(
        sql`SELECT f.local_day AS day, count(*)::int AS conversations, sum(f.shopper_messages)::int AS shopper, sum(f.agent_messages)::int AS agent, sum(f.bot_messages)::int AS bot
              FROM conversation_facts f WHERE ${this.factsWhere(siteId, start, end, { ...filter, timeZone: { zone: timeZone } })} GROUP BY f.local_day`,
      ),
    perWeekHour: (siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string) =>
      this.rows<{ weekday: number; hour: number; n: number }>(
        sql`SELECT f.weekday AS weekday, f.hour AS hour, count(*)::int AS n FROM conversation_facts f
             WHERE ${this.factsWhere(siteId, start, end, { ...filter, timeZone: { zone: timeZone } })} AND f.via NOT IN ('agent', 'order_event') GROUP BY f.weekday, f.hour`,
      ),
    uncounted: (siteId: string, start: number, end: number, filter: FactsFilter) =>
      this.rows<{ createdAt: number; authorKind: 'visitor' | 'agent' | 'bot'; n: number }>(
        sql`SELECT f.created_at::float8 AS "createdAt", m.author_kind AS "authorKind", count(*)::int AS n
              FROM conversation_facts f JOIN conversations c ON c.id = f.conversation_id
              JOIN messages m ON m.conversation_id = f.conversation_id AND m.seq > f.counted_seq
             WHERE ${this.factsWhere(siteId, start, end, filter)} AND c.last_seq > f.counted_seq AND m.kind IN ('text', 'card') AND m.author_kind IN ('visitor', 'agent', 'bot')
             GROUP BY f.conversation_id, f.created_at, m.author_kind`,
      ),
    ratings: (siteId: string, start: number, end: number, filter: FactsFilter) =>
      this.rows<ReportRating>(
        sql`SELECT r.conversation_id AS "conversationId", r.score, r.agent_id AS "agentId", r.team, r.created_at::float8 AS "createdAt"
              FROM conversation_facts f JOIN conversation_ratings r ON r.conversation_id = f.conversation_id WHERE ${this.factsWhere(siteId, start, end, filter)}`,
      ),
    tagged: (siteId: string, tag: string) =>
      this.run(async (db) =>
        (
          await db
            .select({ id: t.conversationTags.conversationId })
            .from(t.conversationTags)
            .where(and(eq(t.conversationTags.siteId, siteId), eq(t.conversationTags.tag, tag)))
        ).map((r) => r.id),
      ),
    orders: (siteId: string, start: number, end: number) =>
      this.run((db) =>
        db
          .select({ customerId: t.orders.customerId, createdAt: t.orders.createdAt, total: t.orders.total, currency: t.orders.currency })
          .from(t.orders)
          .where(and(eq(t.orders.siteId, siteId), gte(t.orders.createdAt, start), lt(t.orders.createdAt, end), ne(t.orders.status, 'cancelled'))),
      ),
  };

  /** The latest `resolved` event of a conversation. */
  private async lastResolved(q: Q, conversationId: string): Promise<number | null> {
    const [row] = await q
      .select({ id: t.conversationEvents.id })
      .from(t.conversationEvents)
      .where(and(eq(t.conversationEvents.conversationId, conversationId), eq(t.conversationEvents.type, 'resolved')))
      .orderBy(desc(t.conversationEvents.id))
      .limit(1);
    return row?.id ?? null;
  }

  ratings = {
    of: (siteId: string, conversationId: string): Promise<RatingRecord[]> =>
      this.run((db) =>
        db
          .select(ratingColumns())
          .from(t.conversationRatings)
          .where(and(eq(t.conversationRatings.siteId, siteId), eq(t.conversationRatings.conversationId, conversationId)))
          .orderBy(asc(t.conversationRatings.createdAt), asc(t.conversationRatings.id)),
      ),
    pending: (siteId: string, conversationId: string) =>
      this.run(async (db) => {
        const [c] = await db.select({ id: t.conversations.id }).from(t.conversations).where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, conversationId)));
        if (!c) return null;
        const last = await this.lastResolved(db, c.id);
        if (last === null) return null;
        const rated = await db
          .select({ id: t.conversationRatings.id })
          .from(t.conversationRatings)
          .where(and(eq(t.conversationRatings.conversationId, c.id), eq(t.conversationRatings.resolvedEventId, last)));
        return { resolvedEventId: last, rated: rated.length > 0 };
      }),
  };

  // ---------------------------------------------------------------- idempotency, agents, sessions

  idempotency = {
    get: async (siteId: string, key: string): Promise<StoredResponse | null> => {
      const [row] = await this.run((db) => db.select().from(t.idempotencyKeys).where(and(eq(t.idempotencyKeys.siteId, siteId), eq(t.idempotencyKeys.key, key))));
      if (!row || row.createdAt < Date.now() - IDEMPOTENCY_TTL_MS) return null;
      return { requestHash: row.requestHash, status: row.status, body: row.body };
    },
    /** Keeps the first response stored for the key (ON CONFLICT: two requests racing store one). */
    put: (siteId: string, key: string, response: StoredResponse, now: number) =>
      this.tx(async (tx): Promise<StoredResponse> => {
        const k = t.idempotencyKeys;
        // Expired keys are forgotten lazily.
        await tx.delete(k).where(lt(k.createdAt, now - IDEMPOTENCY_TTL_MS));
        const inserted = await tx
          .insert(k)
          .values({ siteId, key, requestHash: response.requestHash, status: response.status, body: response.body, createdAt: now })
          .onConflictDoNothing({ target: [k.siteId, k.key] })
          .returning({ key: k.key });
        if (inserted.length === 1) return response;
        const [row] = await tx.select().from(k).where(and(eq(k.siteId, siteId), eq(k.key, key)));
        return row ? { requestHash: row.requestHash, status: row.status, body: row.body } : response;
      }),
  };

  agents = {
    forSignIn: (email: string) =>
      this.run(async (db) =>
        (
          await db
            .select({ agent: t.agents, publicKey: t.sites.publicKey, siteName: t.sites.name })
            .from(t.agents)
            .innerJoin(t.sites, eq(t.sites.id, t.agents.siteId))
            .where(eq(t.agents.email, email.trim().toLowerCase()))
            .orderBy(asc(t.agents.createdAt), asc(t.agents.id))
            .limit(SIGN_IN_CANDIDATES)
        ).map((r) => ({ ...toAgent(r.agent), passwordHash: r.agent.passwordHash, site: { publicKey: r.publicKey, name: r.siteName } })),
      ),
    byEmail: async (siteId: string, email: string) => {
      const [row] = await this.run((db) => db.select().from(t.agents).where(and(eq(t.agents.siteId, siteId), eq(t.agents.email, email.trim().toLowerCase()))));
      return row ? toAgent(row) : null;
    },
    byId: async (siteId: string, id: string) => {
      const [row] = await this.run((db) => db.select().from(t.agents).where(and(eq(t.agents.siteId, siteId), eq(t.agents.id, id))));
      return row ? toAgent(row) : null;
    },
    list: (siteId: string) =>
      this.run(async (db) => (await db.select().from(t.agents).where(eq(t.agents.siteId, siteId)).orderBy(asc(t.agents.createdAt), asc(t.agents.id))).map(toAgent)),
    update: async (
      siteId: string,
      id: string,
      patch: { name?: string; role?: 'admin' | 'supervisor' | 'agent'; disabled?: boolean; passwordHash?: string; capacity?: number | null; languages?: string[]; teams?: string[] },
    ) => {
      if (Object.keys(patch).length === 0) return this.agents.byId(siteId, id);
      const [row] = await this.run((db) => db.update(t.agents).set(patch).where(and(eq(t.agents.siteId, siteId), eq(t.agents.id, id))).returning());
      return row ? toAgent(row) : null;
    },
    create: async (input: {
      siteId: string;
      email: string;
      name: string;
      passwordHash: string;
      role: 'admin' | 'supervisor' | 'agent';
      now: number;
      capacity?: number | null;
      languages?: string[];
      teams?: string[];
    }) => {
      const [row] = await this.run((db) =>
        db
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
          .returning(),
      );
      return toAgent(row!);
    },
  };

  sessions = {
    create: async (input: { tokenHash: string; agentId: string; siteId: string; now: number; ttlMs: number; userAgent?: string | null; address?: string | null }) => {
      await this.run((db) =>
        db.insert(t.agentSessions).values({
          tokenHash: input.tokenHash,
          agentId: input.agentId,
          siteId: input.siteId,
          createdAt: input.now,
          expiresAt: input.now + input.ttlMs,
          userAgent: input.userAgent?.slice(0, 300) ?? null,
          address: input.address?.slice(0, 100) ?? null,
          lastSeenAt: input.now,
        }),
      );
    },
    agentFor: async (tokenHash: string, now: number) => (await this.sessions.live(tokenHash, now))?.agent ?? null,
    live: async (tokenHash: string, now: number): Promise<{ agent: AgentRecord; expiresAt: number; lastSeenAt: number } | null> => {
      const [row] = await this.run((db) =>
        db
          .select({ agent: t.agents, expiresAt: t.agentSessions.expiresAt, lastSeenAt: t.agentSessions.lastSeenAt, createdAt: t.agentSessions.createdAt })
          .from(t.agentSessions)
          .innerJoin(t.agents, and(eq(t.agents.id, t.agentSessions.agentId), eq(t.agents.siteId, t.agentSessions.siteId)))
          .where(and(eq(t.agentSessions.tokenHash, tokenHash), gt(t.agentSessions.expiresAt, now), eq(t.agents.disabled, false))),
      );
      return row ? { agent: toAgent(row.agent), expiresAt: row.expiresAt, lastSeenAt: row.lastSeenAt ?? row.createdAt } : null;
    },
    touch: async (tokenHash: string, now: number, address: string | null) => {
      await this.run((db) =>
        db
          .update(t.agentSessions)
          .set({ lastSeenAt: now, ...(address ? { address: address.slice(0, 100) } : {}) })
          .where(eq(t.agentSessions.tokenHash, tokenHash)),
      );
    },
    listForAgent: (agentId: string, now: number) =>
      this.run(async (db) =>
        (await db.select().from(t.agentSessions).where(and(eq(t.agentSessions.agentId, agentId), gt(t.agentSessions.expiresAt, now))))
          .map((r) => ({ tokenHash: r.tokenHash, createdAt: r.createdAt, expiresAt: r.expiresAt, lastSeenAt: r.lastSeenAt ?? r.createdAt, userAgent: r.userAgent, address: r.address }))
          .sort((a, b) => b.lastSeenAt - a.lastSeenAt),
      ),
    delete: async (tokenHash: string) => {
      await this.run((db) => db.delete(t.agentSessions).where(eq(t.agentSessions.tokenHash, tokenHash)));
    },
    deleteForAgent: (agentId: string, except?: string) =>
      this.run(async (db) =>
        (
          await db
            .delete(t.agentSessions)
            .where(and(eq(t.agentSessions.agentId, agentId), ...(except ? [ne(t.agentSessions.tokenHash, except)] : [])))
            .returning({ tokenHash: t.agentSessions.tokenHash })
        ).map((r) => r.tokenHash),
      ),
  };

  passwordResets = {
    create: async (input: { agentId: string; siteId: string; tokenHash: string; now: number; ttlMs: number }) => {
      await this.run((db) =>
        db.insert(t.passwordResets).values({ tokenHash: input.tokenHash, agentId: input.agentId, siteId: input.siteId, createdAt: input.now, expiresAt: input.now + input.ttlMs }),
      );
    },
    byToken: async (tokenHash: string, now: number) => {
      const [row] = await this.run((db) =>
        db
          .select({ agent: t.agents, siteName: t.sites.name })
          .from(t.passwordResets)
          .innerJoin(t.agents, and(eq(t.agents.id, t.passwordResets.agentId), eq(t.agents.siteId, t.passwordResets.siteId)))
          .innerJoin(t.sites, eq(t.sites.id, t.passwordResets.siteId))
          .where(and(eq(t.passwordResets.tokenHash, tokenHash), isNull(t.passwordResets.usedAt), gt(t.passwordResets.expiresAt, now), eq(t.agents.disabled, false))),
      );
      return row ? { agent: toAgent(row.agent), siteName: row.siteName } : null;
    },
    use: (tokenHash: string, now: number, passwordHash: string) =>
      this.tx(async (tx) => {
        const r = t.passwordResets;
        const [link] = await tx
          .select()
          .from(r)
          .where(and(eq(r.tokenHash, tokenHash), isNull(r.usedAt), gt(r.expiresAt, now)))
          .for('update');
        if (!link) return null;
        const [agent] = await tx
          .update(t.agents)
          .set({ passwordHash })
          .where(and(eq(t.agents.id, link.agentId), eq(t.agents.siteId, link.siteId), eq(t.agents.disabled, false)))
          .returning();
        if (!agent) return null;
        // This link and any other the agent asked for are spent: the new password is the one.
        await tx.update(r).set({ usedAt: now }).where(and(eq(r.agentId, link.agentId), isNull(r.usedAt)));
        const ended = await tx.delete(t.agentSessions).where(eq(t.agentSessions.agentId, link.agentId)).returning({ tokenHash: t.agentSessions.tokenHash });
        return { agent: toAgent(agent), endedSessions: ended.map((e) => e.tokenHash) };
      }),
  };

  invites = {
    create: async (input: { siteId: string; email: string; role: 'admin' | 'agent'; invitedBy: string | null; tokenHash: string; now: number; ttlMs: number }): Promise<InviteRecord> => {
      const [row] = await this.run((db) =>
        db
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
          .returning(),
      );
      return toInvite(row!);
    },
    pending: (siteId: string, now: number) =>
      this.run(async (db) =>
        (
          await db
            .select()
            .from(t.agentInvites)
            .where(and(eq(t.agentInvites.siteId, siteId), isNull(t.agentInvites.usedAt), gt(t.agentInvites.expiresAt, now)))
            .orderBy(desc(t.agentInvites.createdAt), desc(t.agentInvites.id))
        ).map(toInvite),
      ),
    byToken: async (tokenHash: string, now: number) => {
      const [row] = await this.run((db) =>
        db
          .select({ invite: t.agentInvites, siteName: t.sites.name })
          .from(t.agentInvites)
          .innerJoin(t.sites, eq(t.sites.id, t.agentInvites.siteId))
          .where(and(eq(t.agentInvites.tokenHash, tokenHash), isNull(t.agentInvites.usedAt), gt(t.agentInvites.expiresAt, now))),
      );
      return row ? { ...toInvite(row.invite), siteName: row.siteName } : null;
    },
    accept: (tokenHash: string, now: number, agent: { name: string; passwordHash: string }) =>
      this.tx(async (tx): Promise<AgentRecord | 'exists' | null> => {
        const [invite] = await tx
          .update(t.agentInvites)
          .set({ usedAt: now })
          .where(and(eq(t.agentInvites.tokenHash, tokenHash), isNull(t.agentInvites.usedAt), gt(t.agentInvites.expiresAt, now)))
          .returning();
        if (!invite) return null;
        const [taken] = await tx.select({ id: t.agents.id }).from(t.agents).where(and(eq(t.agents.siteId, invite.siteId), eq(t.agents.email, invite.email)));
        if (taken) return 'exists';
        const [row] = await tx
          .insert(t.agents)
          .values({ id: newId('ag'), siteId: invite.siteId, email: invite.email, name: agent.name, passwordHash: agent.passwordHash, role: invite.role, createdAt: now })
          .returning();
        return toAgent(row!);
      }),
    revoke: async (siteId: string, id: string) => {
      const rows = await this.run((db) =>
        db
          .delete(t.agentInvites)
          .where(and(eq(t.agentInvites.siteId, siteId), eq(t.agentInvites.id, id), isNull(t.agentInvites.usedAt)))
          .returning({ id: t.agentInvites.id }),
      );
      return rows.length > 0;
    },
  };

  // ---------------------------------------------------------------- visitors

  private async visitorRow(q: Q, siteId: string, id: string) {
    return (await q.select().from(t.visitors).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id))))[0];
  }

  visitors = {
    create: async (input: { siteId: string; tokenHash: string; locale: string | null; now: number }): Promise<VisitorRecord> => {
      const id = newId('vi');
      await this.run((db) =>
        db.insert(t.visitors).values({ id, siteId: input.siteId, tokenHash: input.tokenHash, locale: input.locale, createdAt: input.now, lastSeenAt: input.now }),
      );
      return { id, siteId: input.siteId, name: null, email: null, customerId: null, externalId: null, verified: false, locale: input.locale, firstSeenAt: input.now };
    },
    byToken: async (siteId: string, tokenHash: string) => {
      const [row] = await this.run((db) => db.select().from(t.visitors).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.tokenHash, tokenHash))));
      return row ? toVisitor(row) : null;
    },
    byId: async (siteId: string, id: string) => {
      const row = await this.run((db) => this.visitorRow(db, siteId, id));
      return row ? toVisitor(row) : null;
    },
    latestVerifiedForCustomer: async (siteId: string, customerId: string) => {
      const [row] = await this.run((db) =>
        db
          .select()
          .from(t.visitors)
          .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.customerId, customerId), eq(t.visitors.verified, true)))
          .orderBy(desc(t.visitors.lastSeenAt))
          .limit(1),
      );
      return row ? toVisitor(row) : null;
    },
    claimProactive: (siteId: string, id: string, ruleId: string, now: number, caps: { minGapMs: number; maxPerDay: number }) =>
      this.tx(async (tx): Promise<boolean> => {
        const [row] = await tx
          .select({ sent: t.visitors.proactiveSent })
          .from(t.visitors)
          .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)))
          .for('update');
        if (!row) return false;
        const proactiveSent = proactiveClaim(row.sent, ruleId, now, caps);
        if (!proactiveSent) return false;
        await tx
          .update(t.visitors)
          .set({ proactiveSent })
          .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)));
        return true;
      }),
    setLocale: async (siteId: string, id: string, locale: string) => {
      await this.run((db) => db.update(t.visitors).set({ locale }).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id))));
    },
    setProfile: async (siteId: string, id: string, profile: { name?: string; email?: string }): Promise<VisitorRecord | null> => {
      const patch = noNul({ ...(profile.name ? { name: profile.name } : {}), ...(profile.email ? { email: profile.email } : {}) });
      const [row] =
        Object.keys(patch).length > 0
          ? await this.run((db) =>
              db
                .update(t.visitors)
                .set(patch)
                .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id), eq(t.visitors.verified, false)))
                .returning(),
            )
          : [];
      const current = row ?? (await this.run((db) => this.visitorRow(db, siteId, id)));
      return current ? toVisitor(current) : null;
    },
    identify: (siteId: string, id: string, input: IdentifyInput) =>
      this.tx(
        async (tx): Promise<VisitorRecord> => {
          let customerId: string | null = null;
          if (input.verified) {
            const existing = await this.customerByExternalId(tx, siteId, input.externalId);
            // The merchant's own customer record wins; identify() only fills a new one.
            customerId = existing
              ? existing.id
              : (await this.upsertCustomer(tx, siteId, input.externalId, { email: input.email ?? '', name: input.name ?? '' }, input.now)).record.id;
          }
          const [row] = await tx
            .update(t.visitors)
            .set(noNul({ externalId: input.externalId, verified: input.verified, customerId, name: input.name, email: input.email, lastSeenAt: input.now }))
            .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)))
            .returning();
          if (!row) throw new NotFoundError('visitor');
          return toVisitor(row);
        },
        { retryUnique: true },
      ),
    touch: async (siteId: string, id: string, now: number) => {
      await this.run((db) => db.update(t.visitors).set({ lastSeenAt: now }).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id))));
    },
  };

  // ---------------------------------------------------------------- conversations

  private async conversationRow(q: Q, siteId: string, id: string, lock = false): Promise<ConversationRow | undefined> {
    const query = q.select().from(t.conversations).where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id)));
    return (lock ? await query.for('update') : await query)[0];
  }

  private listQuery(q: Q, where: SQL | undefined) {
    // The order the bot verified in this chat (number + email): a guest is that order's customer.
    const botOrder = alias(t.orders, 'bot_order');
    const botCustomer = alias(t.customers, 'bot_customer');
    const knownCustomerId = sql`coalesce(CASE WHEN ${t.visitors.verified} THEN ${t.visitors.customerId} END, ${botOrder.customerId})`;
    return q
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
        orderNumbers: sql<
          string | null
        >`(SELECT string_agg(x.number, ' ' ORDER BY x.created_at DESC) FROM (SELECT o.number, o.created_at FROM orders o WHERE o.site_id = ${t.conversations.siteId} AND o.customer_id = ${knownCustomerId} ORDER BY o.created_at DESC LIMIT 20) x)`,
        // Some message came or went by e-mail (the console's channel filter).
        viaEmail: sql<number>`(EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = ${t.conversations.id} AND m.channel = 'email'))::int`,
        // Its tags (no spaces in a tag: shared/tags.ts).
        tags: sql<string | null>`(SELECT string_agg(ct.tag, ' ') FROM conversation_tags ct WHERE ct.conversation_id = ${t.conversations.id})`,
      })
      .from(t.conversations)
      .innerJoin(t.visitors, eq(t.visitors.id, t.conversations.visitorId))
      .leftJoin(t.customers, eq(t.customers.id, t.visitors.customerId))
      .leftJoin(botOrder, and(eq(botOrder.siteId, t.conversations.siteId), eq(botOrder.externalId, sql`${t.conversations.botState}->>'matchedOrderId'`)))
      .leftJoin(botCustomer, eq(botCustomer.id, botOrder.customerId))
      .where(where)
      .$dynamic();
  }

  conversations = {
    get: async (siteId: string, id: string) => {
      const row = await this.run((db) => this.conversationRow(db, siteId, id));
      return row ? toConversation(row) : null;
    },
    commit: (request: CommitRequest) => this.tx((tx) => this.commitOne(tx, request), { retryUnique: true }),
    events: (siteId: string, conversationId: string) =>
      this.run(async (db): Promise<ConversationEventRecord[]> =>
        (
          await db
            .select()
            .from(t.conversationEvents)
            .where(and(eq(t.conversationEvents.siteId, siteId), eq(t.conversationEvents.conversationId, conversationId)))
            .orderBy(asc(t.conversationEvents.id))
        ).map((r) => ({ id: r.id, siteId: r.siteId, conversationId: r.conversationId, type: r.type, actor: { kind: r.actorKind, id: r.actorId }, data: r.data, at: r.at })),
      ),
    listForVisitor: (siteId: string, visitor: VisitorOwner) =>
      this.run(async (db) =>
        (
          await db
            .select({ conversation: t.conversations })
            .from(t.conversations)
            .innerJoin(t.visitors, eq(t.visitors.id, t.conversations.visitorId))
            .where(and(eq(t.conversations.siteId, siteId), ownedBy(visitor)))
            .orderBy(desc(t.conversations.updatedAt), desc(t.conversations.id))
            .limit(50)
        ).map((r) => toConversation(r.conversation)),
      ),
    getForVisitor: async (siteId: string, id: string, visitor: VisitorOwner) => {
      const [row] = await this.run((db) =>
        db
          .select({ conversation: t.conversations })
          .from(t.conversations)
          .innerJoin(t.visitors, eq(t.visitors.id, t.conversations.visitorId))
          .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id), ownedBy(visitor))),
      );
      return row ? toConversation(row.conversation) : null;
    },
    listForSite: (siteId: string, opts: { limit: number }) =>
      this.run(async (db) =>
        (
          await this.listQuery(db, eq(t.conversations.siteId, siteId))
            .orderBy(desc(t.conversations.updatedAt), desc(t.conversations.id))
            .limit(opts.limit)
        ).map(toListItem),
      ),
    page: (siteId: string, opts: { limit: number; status?: ConversationStatus; before?: { updatedAt: number; id: string } }) =>
      this.run(async (db) => {
        const c = t.conversations;
        const rows = (
          await this.listQuery(
            db,
            and(
              eq(c.siteId, siteId),
              opts.status ? eq(c.status, opts.status) : undefined,
              opts.before ? or(lt(c.updatedAt, opts.before.updatedAt), and(eq(c.updatedAt, opts.before.updatedAt), lt(c.id, opts.before.id))) : undefined,
            ),
          )
            .orderBy(desc(c.updatedAt), desc(c.id))
            .limit(opts.limit + 1)
        ).map(toListItem);
        const more = rows.length > opts.limit;
        const items = more ? rows.slice(0, opts.limit) : rows;
        const last = items[items.length - 1];
        return { items, next: more && last ? { updatedAt: last.updatedAt, id: last.id } : null };
      }),
    queue: (siteId: string) =>
      this.run(async (db) =>
        (
          await db
            .select({
              id: t.conversations.id,
              visitorId: t.conversations.visitorId,
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
            .orderBy(asc(t.conversations.queuedAt), asc(t.conversations.createdAt), asc(t.conversations.id))
            .limit(500)
        ).map((r) => ({
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
      this.run(async (db) =>
        (
          await db
            .select({ id: t.conversations.id })
            .from(t.conversations)
            .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.status, 'assigned'), eq(t.conversations.assigneeId, agentId)))
        ).map((r) => r.id),
      ),
    loads: (siteId: string) =>
      this.run(async (db) => {
        const rows = await db
          .select({ agentId: t.conversations.assigneeId, n: count() })
          .from(t.conversations)
          .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.status, 'assigned')))
          .groupBy(t.conversations.assigneeId);
        return new Map(rows.filter((r) => r.agentId).map((r) => [r.agentId!, r.n]));
      }),
    botData: async (siteId: string, id: string) => {
      const [row] = await this.run((db) =>
        db
          .select({ status: t.conversations.status, botState: t.conversations.botState, handoff: t.conversations.handoff, locale: t.conversations.locale })
          .from(t.conversations)
          .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id))),
      );
      return row ? { status: row.status, botState: row.botState ?? null, handoff: row.handoff ?? null, locale: row.locale } : null;
    },
    saveBotData: async (siteId: string, id: string, data: ConversationDataPatch) => {
      await this.run((db) => saveData(db, siteId, id, noNul(data)));
    },
    unansweredQuestions: (siteId: string, limit: number) =>
      this.run(async (db) => {
        const c = t.conversations;
        const rows = await db
          .select({ id: c.id, botState: c.botState })
          .from(c)
          .where(
            and(
              eq(c.siteId, siteId),
              sql`(CASE WHEN jsonb_typeof(${c.botState}->'unanswered') = 'array' THEN jsonb_array_length(${c.botState}->'unanswered') ELSE 0 END) > 0`,
            ),
          )
          .orderBy(desc(c.updatedAt))
          .limit(limit);
        return unansweredOf(rows, limit);
      }),
    markRead: (siteId: string, id: string, side: 'visitor' | 'agent', seq: number) =>
      this.tx(async (tx) => {
        const c = t.conversations;
        const column = side === 'visitor' ? c.visitorReadSeq : c.agentReadSeq;
        const [before] = await tx
          .select({ mark: column, last: c.lastSeq })
          .from(c)
          .where(and(eq(c.siteId, siteId), eq(c.id, id)))
          .for('update');
        if (!before) return null;
        const next = Math.min(Math.max(before.mark, seq), before.last);
        if (next === before.mark) return { seq: next, changed: false };
        await tx
          .update(c)
          .set(side === 'visitor' ? { visitorReadSeq: next } : { agentReadSeq: next })
          .where(and(eq(c.siteId, siteId), eq(c.id, id)));
        return { seq: next, changed: true };
      }),
    listItem: async (siteId: string, id: string): Promise<ConversationListItem | null> => {
      const [row] = await this.run((db) => this.listQuery(db, and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id))));
      return row ? toListItem(row) : null;
    },
    snoozes: () =>
      this.run(async (db) =>
        (
          await db
            .select({ siteId: t.conversations.siteId, id: t.conversations.id, until: t.conversations.snoozedUntil })
            .from(t.conversations)
            .where(and(isNotNull(t.conversations.snoozedUntil), ne(t.conversations.status, 'resolved')))
        ).map((r) => ({ siteId: r.siteId, id: r.id, until: r.until! })),
      ),
    /** The conversation row is locked first, so two agents adding tags at once cannot pass `max` together. */
    setTag: (siteId: string, id: string, tag: string, on: boolean, opts: { max: number; by: string | null; now: number }) =>
      this.tx(async (tx): Promise<'done' | 'full' | 'not_found'> => {
        const c = t.conversations;
        const tags = t.conversationTags;
        const [found] = await tx.select({ id: c.id }).from(c).where(and(eq(c.siteId, siteId), eq(c.id, id))).for('update');
        if (!found) return 'not_found';
        const mine = and(eq(tags.siteId, siteId), eq(tags.conversationId, id));
        if (!on) {
          await tx.delete(tags).where(and(mine, eq(tags.tag, tag)));
          return 'done';
        }
        if ((await tx.select({ tag: tags.tag }).from(tags).where(and(mine, eq(tags.tag, tag)))).length > 0) return 'done';
        const [n] = await tx.select({ n: count() }).from(tags).where(mine);
        if ((n?.n ?? 0) >= opts.max) return 'full';
        await tx.insert(tags).values({ siteId, conversationId: id, tag, addedBy: opts.by, createdAt: opts.now }).onConflictDoNothing();
        return 'done';
      }),
    siteTags: (siteId: string, limit: number) =>
      this.run(async (db) =>
        (
          await db
            .select({ tag: t.conversationTags.tag })
            .from(t.conversationTags)
            .where(eq(t.conversationTags.siteId, siteId))
            .groupBy(t.conversationTags.tag)
            .orderBy(desc(sql`count(*)`), asc(t.conversationTags.tag))
            .limit(limit)
        ).map((r) => r.tag),
      ),
  };

  contactNotes = {
    get: async (siteId: string, subject: ContactRef): Promise<ContactNotesRecord | null> => {
      const n = t.contactNotes;
      const [row] = await this.run((db) =>
        db
          .select({ text: n.text, updatedBy: n.updatedBy, updatedAt: n.updatedAt })
          .from(n)
          .where(and(eq(n.siteId, siteId), eq(n.subjectKind, subject.kind), eq(n.subjectId, subject.id))),
      );
      return row ?? null;
    },
    save: async (siteId: string, subject: ContactRef, text: string, by: string | null, now: number): Promise<ContactNotesRecord | null> => {
      const n = t.contactNotes;
      if (!text) {
        await this.run((db) => db.delete(n).where(and(eq(n.siteId, siteId), eq(n.subjectKind, subject.kind), eq(n.subjectId, subject.id))));
        return null;
      }
      const clean = noNul(text);
      await this.run((db) =>
        db
          .insert(n)
          .values({ siteId, subjectKind: subject.kind, subjectId: subject.id, text: clean, updatedBy: by, updatedAt: now })
          .onConflictDoUpdate({ target: [n.siteId, n.subjectKind, n.subjectId], set: { text: clean, updatedBy: by, updatedAt: now } }),
      );
      return { text: clean, updatedBy: by, updatedAt: now };
    },
  };

  /**
   * One commit, in the caller's transaction: locks the conversation (or, for a visitor's open
   * one, the visitor and their verified customer first), returns the stored message on a resent
   * clientId, asks `decide` for the plan on the row as it is, and writes it — messages (seqs
   * from the locked row), state, event log and outbox rows. No rule is decided here.
   *
   * Few round trips: the lock also reads the verified customer and whether the clientId is
   * stored; the messages go in one INSERT and the conversation's new seqs, preview, state and
   * data in one UPDATE (the row is locked, so the seqs computed from it are the ones to take).
   */
  private async commitOne(tx: Tx, request: CommitRequest): Promise<CommitResult> {
    const { siteId, now } = request;
    const c = t.conversations;
    const locked = {
      conversation: c,
      // Written out qualified: drizzle leaves a lone table's columns unqualified, which inside a subquery would name the subquery's own.
      ownerCustomerId: sql<string | null>`(SELECT v.customer_id FROM visitors v WHERE v.id = "conversations"."visitor_id" AND v.verified)`,
      storedId:
        request.clientId === null
          ? sql<string | null>`NULL::text`
          : sql<string | null>`(SELECT m.id FROM messages m WHERE m.conversation_id = "conversations"."id" AND m.client_id = ${request.clientId})`,
    };
    let found: { conversation: ConversationRow; ownerCustomerId: string | null; storedId: string | null } | undefined;
    if ('conversationId' in request.target) {
      [found] = await tx
        .select(locked)
        .from(c)
        .where(and(eq(c.siteId, siteId), eq(c.id, request.target.conversationId)))
        .for('update', { of: c });
    } else {
      const { visitorId, customerId } = request.target.openFor;
      // Two first messages at once (two tabs, two devices of one customer) find or create one conversation.
      if (customerId) await tx.select({ id: t.customers.id }).from(t.customers).where(and(eq(t.customers.siteId, siteId), eq(t.customers.id, customerId))).for('update');
      await tx.select({ id: t.visitors.id }).from(t.visitors).where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, visitorId))).for('update');
      [found] = await tx
        .select(locked)
        .from(c)
        .where(and(eq(c.siteId, siteId), visitorOwns(tx, visitorId, customerId), ne(c.status, 'resolved')))
        .orderBy(desc(c.updatedAt))
        .limit(1)
        .for('update', { of: c });
    }
    let row = found?.conversation;
    const ownerCustomerId = found?.ownerCustomerId ?? null;

    if (row && found?.storedId) {
      const [existing] = await tx.select().from(t.messages).where(eq(t.messages.id, found.storedId));
      const current = toConversation(row);
      return { duplicate: true, previous: current, conversation: current, messages: [toMessage(existing!)], events: [], ownerCustomerId };
    }

    const attachments: AttachmentRecord[] = [];
    if (request.attachmentIds?.length) {
      const files = await tx
        .select()
        .from(t.attachments)
        .where(and(eq(t.attachments.siteId, siteId), inArray(t.attachments.id, request.attachmentIds)));
      // In the order asked for.
      for (const id of request.attachmentIds) {
        const file = files.find((f) => f.id === id);
        if (!file) continue;
        const { sha256: _hash, ...record } = file;
        attachments.push(record);
      }
    }
    const previous = row ? toConversation(row) : null;
    const decided = request.decide({ conversation: previous, ownerCustomerId, attachments });
    const plan = {
      ...decided,
      messages: decided.messages.map((m) => ({ ...m, text: noNul(m.text), preview: noNul(m.preview), payload: noNul(m.payload), author: noNul(m.author) })),
      events: decided.events.map((e) => ({ ...e, data: noNul(e.data) })),
      ...(decided.data ? { data: noNul(decided.data) } : {}),
      ...(decided.visitor ? { visitor: noNul(decided.visitor) } : {}),
      ...(decided.rating ? { rating: noNul(decided.rating) } : {}),
    };

    if (!row) {
      if (!plan.create) throw new NotFoundError('conversation');
      [row] = await tx
        .insert(c)
        .values({ id: newId('cv'), siteId, visitorId: plan.create.visitorId, status: plan.state.status, locale: plan.create.locale, lastSeq: 0, createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new NotFoundError('conversation');
    }
    const conversationId = row.id;
    if (plan.claimAttachments?.length) {
      await tx
        .update(t.attachments)
        .set({ conversationId })
        .where(and(eq(t.attachments.siteId, siteId), inArray(t.attachments.id, plan.claimAttachments)));
    }

    // Seqs from the locked row, as SQLite's `last_seq + 1` per message.
    const set: Partial<typeof c.$inferInsert> = {};
    let lastSeq = row.lastSeq;
    let lastVisible = row.lastVisibleSeq;
    const values: (typeof t.messages.$inferInsert)[] = [];
    for (const draft of plan.messages) {
      const visible = draft.kind !== 'note';
      const seq = ++lastSeq;
      values.push({
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
        channel: draft.channel ?? 'chat',
        createdAt: now,
      });
      if (!visible) continue;
      lastVisible = seq;
      set.lastVisibleSeq = seq;
      set.updatedAt = now;
      // System lines are visible but are not "the last message" a list previews.
      if (draft.preview !== null) Object.assign(set, { lastMessageText: draft.preview, lastMessageAuthor: draft.author.kind, lastMessageAt: now });
    }
    if (values.length > 0) set.lastSeq = lastSeq;
    const inserted = values.length > 0 ? await tx.insert(t.messages).values(values).returning() : [];
    const bySeq = new Map(inserted.map((m) => [m.seq, m]));
    const messages: Message[] = values.map((v) => toMessage(bySeq.get(v.seq!)!));

    const s = plan.state;
    const stateChanged = !previous || stateMoved(s, row);
    const update: Record<string, unknown> = { ...set };
    if (stateChanged) {
      Object.assign(update, {
        status: s.status,
        assigneeId: s.assigneeId,
        lastAssigneeId: s.lastAssigneeId,
        queuedAt: s.queuedAt,
        team: s.team,
        waitingSince: s.waitingSince,
        resolvedFrom: s.resolvedFrom,
        humanReplied: s.humanReplied,
        snoozedAt: s.snoozedAt,
        snoozedUntil: s.snoozedUntil,
      });
      if (set.updatedAt === undefined) update.updatedAt = sql`GREATEST(${c.updatedAt}, ${now})`;
    }
    if (plan.data?.botState !== undefined) update.botState = plan.data.botState;
    if (plan.data?.handoff !== undefined) update.handoff = plan.data.handoff;
    if (plan.data?.locale !== undefined) update.locale = plan.data.locale;
    if (Object.keys(update).length > 0) {
      const [updated] = await tx
        .update(c)
        .set(update as Partial<typeof c.$inferInsert>)
        .where(and(eq(c.siteId, siteId), eq(c.id, conversationId)))
        .returning();
      if (!updated) throw new NotFoundError('conversation');
      row = updated;
    }
    if (plan.visitor) await saveVisitor(tx, siteId, plan.visitor.id, plan.visitor);
    if (plan.events.length > 0) {
      await tx.insert(t.conversationEvents).values(
        plan.events.map((e) => ({ siteId, conversationId, type: e.type, actorKind: e.actor.kind, actorId: e.actor.id, data: e.data, at: now })),
      );
      // The report facts of a conversation whose log just grew (never for a plain message): one upsert, same transaction.
      await refreshFacts(tx, siteId, conversationId, await this.reportZone(tx, siteId), now, row);
    }
    if (plan.rating && !(await this.rateInCommit(tx, siteId, conversationId, plan.rating, now))) throw new ConflictError('this resolution is already rated');

    const conversation = toConversation(row);
    if (plan.outbox) {
      // The site's webhooks read once; a site without any (the common case) builds no bodies.
      const hooks = await tx.select({ id: t.webhooks.id, events: t.webhooks.events }).from(t.webhooks).where(eq(t.webhooks.siteId, siteId));
      if (hooks.length > 0) {
        const rows = plan.outbox({ conversation, messages }).flatMap((out) =>
          hooks
            .filter((h) => (h.events as string[]).includes(out.event))
            .map((hook) => {
              const id = newId('dlv');
              return { id, siteId, webhookId: hook.id, event: out.event, body: deliveryBody(id, out.event, out.body, now), status: 'pending' as const, attempts: 0, nextAttemptAt: now, createdAt: now };
            }),
        );
        if (rows.length > 0) await tx.insert(t.webhookDeliveries).values(rows);
      }
    }
    if (plan.mail) for (const draft of plan.mail({ conversation, messages })) await this.enqueueMail(tx, siteId, conversationId, draft, now);
    return { duplicate: false, previous, conversation, messages, events: plan.events, ownerCustomerId };
  }

  /** The site's report time zone (its cached record when fresh, else read in the transaction). */
  private async reportZone(q: Q, siteId: string): Promise<string> {
    const hit = this.siteCache.get(`id:${siteId}`);
    if (hit && Date.now() - hit.at < SITE_CACHE_MS) return reportTimeZone(hit.site.settings);
    const [row] = await q.select({ settings: t.sites.settings }).from(t.sites).where(eq(t.sites.id, siteId));
    return row ? reportTimeZone(parseSiteSettings(row.settings).settings) : 'UTC';
  }

  /** Rates the conversation's latest resolution, once; false when it is not resolved or already rated. */
  private async rateInCommit(tx: Tx, siteId: string, conversationId: string, input: { score: number; comment: string | null }, now: number): Promise<boolean> {
    const [conversation] = await tx
      .select({ id: t.conversations.id, status: t.conversations.status, lastAssigneeId: t.conversations.lastAssigneeId, team: t.conversations.team })
      .from(t.conversations)
      .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, conversationId)));
    if (!conversation || conversation.status !== 'resolved') return false;
    const last = await this.lastResolved(tx, conversation.id);
    if (last === null) return false;
    const inserted = await tx
      .insert(t.conversationRatings)
      .values({
        id: newId('rat'),
        siteId,
        conversationId: conversation.id,
        resolvedEventId: last,
        score: input.score,
        comment: input.comment,
        agentId: conversation.lastAssigneeId,
        team: conversation.team,
        createdAt: now,
      })
      .onConflictDoNothing({ target: [t.conversationRatings.conversationId, t.conversationRatings.resolvedEventId] })
      .returning({ id: t.conversationRatings.id });
    return inserted.length === 1;
  }

  // ---------------------------------------------------------------- messages

  messages = {
    after: (siteId: string, conversationId: string, afterSeq: number, limit: number, opts: { visibleOnly?: boolean } = {}) =>
      this.run(async (db) =>
        (
          await db
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
        ).map(toMessage),
      ),
    before: (siteId: string, conversationId: string, beforeSeq: number, limit: number, opts: { visibleOnly?: boolean } = {}) =>
      this.run(async (db) =>
        (
          await db
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
        )
          .map(toMessage)
          .reverse(),
      ),
    /**
     * Full-text search: the `search` tsvector (migrations-pg/0001) against each word as a prefix,
     * accents and case ignored; best matches (ts_rank) first; the snippet from ts_headline.
     */
    search: (siteId: string, q: MessageSearch) =>
      this.run(async (db): Promise<MessageHit[]> => {
        const query = tsQuery(q.terms);
        if (!query) return [];
        const where = [sql`m.search @@ q.query`, sql`m.site_id = ${siteId}`];
        if (q.status) where.push(sql`c.status = ${q.status}`);
        if (q.assigneeId) where.push(sql`c.assignee_id = ${q.assigneeId}`);
        if (q.tag) where.push(sql`EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = c.id AND ct.site_id = c.site_id AND ct.tag = ${q.tag})`);
        if (q.channel) where.push(sql`m.channel = ${q.channel}`);
        if (q.from !== undefined) where.push(sql`m.created_at >= ${q.from}`);
        if (q.to !== undefined) where.push(sql`m.created_at < ${q.to}`);
        const result = await db.execute<{
          conversationId: string;
          seq: number;
          authorKind: MessageHit['authorKind'];
          kind: MessageHit['kind'];
          createdAt: string;
          snippet: string;
          status: MessageHit['conversation']['status'];
          assigneeId: string | null;
          visitorId: string;
          visitorName: string | null;
        }>(sql`SELECT m.conversation_id AS "conversationId", m.seq, m.author_kind AS "authorKind", m.kind, m.created_at AS "createdAt",
              -- A message of up to 16 words is its own snippet, whole (as FTS5 in SQLite gives it); a
              -- fragment would drop its closing punctuation.
              CASE WHEN array_length(regexp_split_to_array(btrim(m.text), '[[:space:]]+'), 1) <= 16
                THEN ts_headline('mostrador_search', m.text, q.query, ${'StartSel="\u0002", StopSel="\u0003", HighlightAll=true'})
                ELSE ts_headline('mostrador_search', m.text, q.query, ${'StartSel="\u0002", StopSel="\u0003", MaxWords=16, MinWords=6, ShortWord=1, MaxFragments=1, FragmentDelimiter="…"'})
              END AS snippet,
              c.status, c.assignee_id AS "assigneeId", c.visitor_id AS "visitorId", v.name AS "visitorName"
            FROM messages m
            CROSS JOIN (SELECT to_tsquery('mostrador_search', ${query}) AS query) q
            JOIN conversations c ON c.id = m.conversation_id AND c.site_id = m.site_id
            LEFT JOIN visitors v ON v.id = c.visitor_id
            WHERE ${sql.join(where, sql` AND `)}
            ORDER BY ts_rank(m.search, q.query) DESC, m.created_at DESC
            LIMIT ${q.limit}`);
        return result.rows.map((r) => ({
          conversationId: r.conversationId,
          seq: r.seq,
          authorKind: r.authorKind,
          kind: r.kind,
          createdAt: Number(r.createdAt),
          ...unmark(r.snippet),
          conversation: { status: r.status, assigneeId: r.assigneeId, visitorId: r.visitorId, visitorName: r.visitorName },
        }));
      }),
  };

  async stats(): Promise<{ queuedConversations: number; webhookBacklog: number; messagesStored: number }> {
    return this.run(async (db) => {
      const [stored] = await db.select({ n: sql<number>`coalesce(max(${t.messages.serialNo}), 0)`.mapWith(Number) }).from(t.messages);
      const [queued] = await db.select({ n: count() }).from(t.conversations).where(eq(t.conversations.status, 'queued'));
      const [backlog] = await db.select({ n: count() }).from(t.webhookDeliveries).where(eq(t.webhookDeliveries.status, 'pending'));
      return { messagesStored: stored?.n ?? 0, queuedConversations: queued?.n ?? 0, webhookBacklog: backlog?.n ?? 0 };
    });
  }

  async close(): Promise<void> {
    await this.opened.close();
  }
}

function gte(column: Parameters<typeof lt>[0], value: number) {
  return sql`${column} >= ${value}`;
}

function ratingColumns() {
  const r = t.conversationRatings;
  return { id: r.id, conversationId: r.conversationId, resolvedEventId: r.resolvedEventId, score: r.score, comment: r.comment, agentId: r.agentId, team: r.team, createdAt: r.createdAt };
}

/** A conversation is the visitor's own, or a verified sibling's of the same verified customer (needs the visitors join). */
function ownedBy(visitor: VisitorOwner) {
  const own = eq(t.conversations.visitorId, visitor.id);
  if (!visitor.verified || !visitor.customerId) return own;
  return or(own, and(eq(t.visitors.customerId, visitor.customerId), eq(t.visitors.verified, true)));
}

/** SQL condition: the conversation row belongs to this visitor or a verified sibling of its customer. */
function visitorOwns(q: Q, visitorId: string, customerId: string | null) {
  const own = eq(t.conversations.visitorId, visitorId);
  if (!customerId) return own;
  const sibling = q
    .select({ one: sql`1` })
    .from(t.visitors)
    .where(and(eq(t.visitors.id, t.conversations.visitorId), eq(t.visitors.customerId, customerId), eq(t.visitors.verified, true)));
  return or(own, exists(sibling));
}

async function verifiedCustomerOf(q: Q, visitorId: string): Promise<string | null> {
  const [row] = await q
    .select({ customerId: t.visitors.customerId })
    .from(t.visitors)
    .where(and(eq(t.visitors.id, visitorId), eq(t.visitors.verified, true)));
  return row?.customerId ?? null;
}

/** Writes the fields of `patch` that are set (others stay as they are). */
async function saveData(q: Q, siteId: string, id: string, patch: ConversationDataPatch): Promise<ConversationRow | undefined> {
  const set = {
    ...(patch.botState !== undefined ? { botState: patch.botState } : {}),
    ...(patch.handoff !== undefined ? { handoff: patch.handoff } : {}),
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
  };
  if (Object.keys(set).length === 0) return (await q.select().from(t.conversations).where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id))))[0];
  const [row] = await q
    .update(t.conversations)
    .set(set)
    .where(and(eq(t.conversations.siteId, siteId), eq(t.conversations.id, id)))
    .returning();
  return row;
}

/** The visitor's language and (while unverified) email. */
async function saveVisitor(q: Q, siteId: string, id: string, patch: { locale?: string; email?: string }): Promise<void> {
  const set = {
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
    // An email the shopper gave is kept only while the merchant has not verified who they are.
    ...(patch.email ? { email: sql`CASE WHEN ${t.visitors.verified} THEN ${t.visitors.email} ELSE ${patch.email} END` } : {}),
  };
  if (Object.keys(set).length === 0) return;
  await q
    .update(t.visitors)
    .set(set)
    .where(and(eq(t.visitors.siteId, siteId), eq(t.visitors.id, id)));
}
