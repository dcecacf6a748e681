/**
 * Customers, orders, shipments and returns that merchants push through the REST API, plus the
 * idempotency-key records. Every query is scoped by site; external ids are the merchant's own.
 */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { newId } from '../ids';
import type { Db } from './db';
import { NotFoundError } from './errors';
import * as t from './schema';
import type {
  CustomerInput,
  CustomerRecord,
  OrderInput,
  OrderRecord,
  ReturnInput,
  ShipmentInput,
  StoredResponse,
  Upserted,
} from './types';

type CustomerRow = typeof t.customers.$inferSelect;
type OrderRow = typeof t.orders.$inferSelect;

export function toCustomer(row: CustomerRow): CustomerRecord {
  return {
    id: row.id,
    siteId: row.siteId,
    externalId: row.externalId,
    email: row.email,
    name: row.name,
    phone: row.phone,
    tags: row.tags,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Synchronous repository bodies; SqliteStore wraps them in Promises. */
export class CommerceRepo {
  /** The assistant looks an order up by number on shoppers' messages: built once, not per message. */
  private readonly byNumber;

  constructor(private readonly db: Db) {
    this.byNumber = db
    .select({ order: t.orders, email: t.customers.email })
    .from(t.orders)
    .innerJoin(t.customers, eq(t.customers.id, t.orders.customerId))
    .where(and(eq(t.orders.siteId, sql.placeholder('siteId')), sql`lower(${t.orders.number}) = lower(${sql.placeholder('number')})`))
    .prepare();
  }

  upsertCustomer(siteId: string, externalId: string, input: CustomerInput, now: number): Upserted<CustomerRecord> {
    const existing = this.db
      .select()
      .from(t.customers)
      .where(and(eq(t.customers.siteId, siteId), eq(t.customers.externalId, externalId)))
      .get();
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
      const row = this.db.update(t.customers).set(values).where(eq(t.customers.id, existing.id)).returning().get();
      return { record: toCustomer(row!), created: false };
    }
    const row = this.db
      .insert(t.customers)
      .values({ id: newId('cus'), siteId, externalId, createdAt: now, ...values })
      .returning()
      .get();
    return { record: toCustomer(row), created: true };
  }

  customerByExternalId(siteId: string, externalId: string): CustomerRecord | null {
    const row = this.db
      .select()
      .from(t.customers)
      .where(and(eq(t.customers.siteId, siteId), eq(t.customers.externalId, externalId)))
      .get();
    return row ? toCustomer(row) : null;
  }

  customerById(siteId: string, id: string): CustomerRecord | null {
    const row = this.db
      .select()
      .from(t.customers)
      .where(and(eq(t.customers.siteId, siteId), eq(t.customers.id, id)))
      .get();
    return row ? toCustomer(row) : null;
  }

  upsertOrder(siteId: string, externalId: string, input: OrderInput, now: number): Upserted<OrderRecord> {
    return this.db.transaction(() => {
      const customer = this.customerByExternalId(siteId, input.customerExternalId);
      if (!customer) throw new NotFoundError('customer');
      const existing = this.orderRow(siteId, externalId);
      // A platform's webhooks arrive in any order: an older copy must not roll the order back.
      if (existing && input.sourceUpdatedAt != null && existing.sourceUpdatedAt != null && input.sourceUpdatedAt < existing.sourceUpdatedAt) {
        return { record: this.orderRecord(siteId, externalId)!, created: false, stale: true };
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
      if (existing) {
        this.db.update(t.orders).set(values).where(eq(t.orders.id, existing.id)).run();
        return { record: this.orderRecord(siteId, externalId)!, created: false };
      }
      this.db.insert(t.orders).values({ id: newId('ord'), siteId, externalId, ...values }).run();
      return { record: this.orderRecord(siteId, externalId)!, created: true };
    });
  }

  upsertShipment(siteId: string, orderExternalId: string, shipmentExternalId: string, input: ShipmentInput, now: number): Upserted<OrderRecord> {
    return this.db.transaction(() => {
      const order = this.orderRow(siteId, orderExternalId);
      if (!order) throw new NotFoundError('order');
      const existing = this.db
        .select({ id: t.shipments.id })
        .from(t.shipments)
        .where(and(eq(t.shipments.orderId, order.id), eq(t.shipments.externalId, shipmentExternalId)))
        .get();
      const values = {
        carrier: input.carrier,
        trackingNumber: input.trackingNumber,
        trackingUrl: input.trackingUrl,
        status: input.status,
        events: input.events ?? [],
        updatedAt: now,
      };
      if (existing) this.db.update(t.shipments).set(values).where(eq(t.shipments.id, existing.id)).run();
      else this.db.insert(t.shipments).values({ id: newId('shp'), siteId, orderId: order.id, externalId: shipmentExternalId, ...values }).run();
      this.db.update(t.orders).set({ updatedAt: now }).where(eq(t.orders.id, order.id)).run();
      return { record: this.orderRecord(siteId, orderExternalId)!, created: !existing };
    });
  }

  upsertReturn(siteId: string, orderExternalId: string, returnExternalId: string, input: ReturnInput, now: number): Upserted<OrderRecord> {
    return this.db.transaction(() => {
      const order = this.orderRow(siteId, orderExternalId);
      if (!order) throw new NotFoundError('order');
      const existing = this.db
        .select({ id: t.returns.id })
        .from(t.returns)
        .where(and(eq(t.returns.orderId, order.id), eq(t.returns.externalId, returnExternalId)))
        .get();
      const values = { status: input.status, items: input.items ?? [], reason: input.reason ?? null, updatedAt: now };
      if (existing) this.db.update(t.returns).set(values).where(eq(t.returns.id, existing.id)).run();
      else this.db.insert(t.returns).values({ id: newId('ret'), siteId, orderId: order.id, externalId: returnExternalId, ...values }).run();
      this.db.update(t.orders).set({ updatedAt: now }).where(eq(t.orders.id, order.id)).run();
      return { record: this.orderRecord(siteId, orderExternalId)!, created: !existing };
    });
  }

  orderRecord(siteId: string, externalId: string): OrderRecord | null {
    const row = this.orderRow(siteId, externalId);
    return row ? this.hydrate([row])[0]! : null;
  }

  /** An order by number (case-insensitive, leading "#" ignored) with its customer's email. */
  orderByNumber(siteId: string, number: string): (OrderRecord & { customerEmail: string | null }) | null {
    const clean = number.trim().replace(/^#/, '');
    const row = this.byNumber.get({ siteId, number: clean });
    if (!row) return null;
    return { ...this.hydrate([row.order])[0]!, customerEmail: row.email };
  }

  /** A customer's most recent orders, with shipments and returns. */
  ordersForCustomer(siteId: string, customerId: string, limit: number): OrderRecord[] {
    const rows = this.db
      .select()
      .from(t.orders)
      .where(and(eq(t.orders.siteId, siteId), eq(t.orders.customerId, customerId)))
      .orderBy(desc(t.orders.createdAt))
      .limit(limit)
      .all();
    return this.hydrate(rows);
  }

  private orderRow(siteId: string, externalId: string): OrderRow | undefined {
    return this.db
      .select()
      .from(t.orders)
      .where(and(eq(t.orders.siteId, siteId), eq(t.orders.externalId, externalId)))
      .get();
  }

  private hydrate(rows: OrderRow[]): OrderRecord[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const shipments = this.db.select().from(t.shipments).where(inArray(t.shipments.orderId, ids)).all();
    const returns = this.db.select().from(t.returns).where(inArray(t.returns.orderId, ids)).all();
    const customers = this.db
      .select({ id: t.customers.id, externalId: t.customers.externalId })
      .from(t.customers)
      .where(inArray(t.customers.id, [...new Set(rows.map((r) => r.customerId))]))
      .all();
    return toOrders(rows, shipments, returns, customers);
  }

  idempotencyGet(siteId: string, key: string, now: number, ttlMs: number): StoredResponse | null {
    const row = this.db
      .select()
      .from(t.idempotencyKeys)
      .where(and(eq(t.idempotencyKeys.siteId, siteId), eq(t.idempotencyKeys.key, key)))
      .get();
    if (!row || row.createdAt < now - ttlMs) return null;
    return { requestHash: row.requestHash, status: row.status, body: row.body };
  }

  idempotencyPut(siteId: string, key: string, response: StoredResponse, now: number, ttlMs: number): StoredResponse {
    return this.db.transaction(() => {
      // Expired keys are forgotten lazily, a few at a time.
      this.db.delete(t.idempotencyKeys).where(lt(t.idempotencyKeys.createdAt, now - ttlMs)).run();
      const existing = this.idempotencyGet(siteId, key, now, ttlMs);
      if (existing) return existing;
      this.db
        .insert(t.idempotencyKeys)
        .values({ siteId, key, requestHash: response.requestHash, status: response.status, body: response.body, createdAt: now })
        .onConflictDoUpdate({
          target: [t.idempotencyKeys.siteId, t.idempotencyKeys.key],
          set: { requestHash: response.requestHash, status: response.status, body: response.body, createdAt: now },
        })
        .run();
      return response;
    });
  }
}

/** Orders with their shipments and returns (rows of any order), as records. */
export function toOrders(
  rows: OrderRow[],
  shipments: (typeof t.shipments.$inferSelect)[],
  returns: (typeof t.returns.$inferSelect)[],
  customers: { id: string; externalId: string }[],
): OrderRecord[] {
  const customerExt = new Map(customers.map((c) => [c.id, c.externalId]));
  return rows.map((r) => ({
    id: r.id,
    siteId: r.siteId,
    externalId: r.externalId,
    customerExternalId: customerExt.get(r.customerId) ?? '',
    number: r.number,
    status: r.status,
    paymentStatus: r.paymentStatus,
    currency: r.currency,
    total: r.total,
    items: r.items,
    shippingAddress: r.shippingAddress ?? null,
    shipments: shipments
      .filter((s) => s.orderId === r.id)
      .map((s) => ({
        externalId: s.externalId,
        carrier: s.carrier,
        trackingNumber: s.trackingNumber,
        trackingUrl: s.trackingUrl,
        status: s.status,
        events: s.events,
        updatedAt: s.updatedAt,
      })),
    returns: returns
      .filter((x) => x.orderId === r.id)
      .map((x) => ({ externalId: x.externalId, status: x.status, items: x.items, reason: x.reason, updatedAt: x.updatedAt })),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }));
}
