/**
 * Writes what a platform sent (ShopChanges) into the commerce model through the same store calls
 * the REST API makes, then tells shoppers the order events through the same use case as
 * POST /api/v1/events (postOrderEvent). Idempotent: applying the same changes twice writes the same rows and
 * tells each event once (its key is the message's client id).
 */
import type { Bus } from '../../bus/bus';
import { postOrderEvent } from '../../app/conversations';
import type { CoreDeps } from '../../app/deps';
import type { Logger } from '../../logger';
import type { OrderStatus, SiteRecord, Store } from '../../store/types';
import type { ShopChanges } from './model';

export interface ApplyDeps {
  core: CoreDeps;
  store: Store;
  bus: Bus;
  logger: Logger;
  now: () => number;
}

export interface Applied {
  customers: number;
  orders: number;
  /** Orders not written because a newer copy is stored. */
  stale: number;
  shipments: number;
  returns: number;
  /** Events told to a shopper (not counting repeats or customers with no verified chat). */
  told: number;
  /** Shipments/returns whose order we do not have (yet): skipped. */
  orphans: number;
}

const ADVANCE: Record<'order.shipped' | 'order.delivered', { to: OrderStatus; from: OrderStatus[] }> = {
  'order.shipped': { to: 'shipped', from: ['pending', 'paid', 'fulfilled'] },
  'order.delivered': { to: 'delivered', from: ['pending', 'paid', 'fulfilled', 'shipped'] },
};

export async function applyShopChanges(deps: ApplyDeps, site: SiteRecord, changes: ShopChanges, opts: { tell: boolean }): Promise<Applied> {
  const out: Applied = { customers: 0, orders: 0, stale: 0, shipments: 0, returns: 0, told: 0, orphans: 0 };
  const now = deps.now();
  for (const c of changes.customers) {
    if (c.ifMissing && (await deps.store.customers.byExternalId(site.id, c.externalId))) continue;
    const { stale } = await deps.store.customers.upsert(site.id, c.externalId, c.input, now);
    if (!stale) out.customers++;
  }
  for (const o of changes.orders) {
    const { externalId, ...input } = o;
    const { stale } = await deps.store.orders.upsert(site.id, externalId, input, now);
    if (stale) out.stale++;
    else out.orders++;
  }
  for (const id of changes.cancelled) {
    const order = await deps.store.orders.byExternalId(site.id, id);
    if (order && order.status !== 'cancelled') {
      await deps.store.orders.upsert(site.id, id, { ...order, status: 'cancelled' }, now);
      out.orders++;
    }
  }
  for (const s of changes.shipments) {
    if (!(await deps.store.orders.byExternalId(site.id, s.orderExternalId))) {
      out.orphans++;
      continue;
    }
    await deps.store.orders.upsertShipment(site.id, s.orderExternalId, s.externalId, s.input, now);
    out.shipments++;
  }
  for (const r of changes.returns) {
    if (!(await deps.store.orders.byExternalId(site.id, r.orderExternalId))) {
      out.orphans++;
      continue;
    }
    await deps.store.orders.upsertReturn(site.id, r.orderExternalId, r.externalId, r.input, now);
    out.returns++;
  }
  for (const e of changes.events) {
    const order = await deps.store.orders.byExternalId(site.id, e.orderExternalId);
    if (!order) continue;
    // The parcel's news moves the order on, even when the platform's order update comes later (or never).
    const advance = e.type === 'order.shipped' || e.type === 'order.delivered' ? ADVANCE[e.type] : null;
    if (advance && advance.from.includes(order.status)) {
      await deps.store.orders.upsert(site.id, e.orderExternalId, { ...order, status: advance.to }, now);
    }
    if (!opts.tell) continue;
    const outcome = await postOrderEvent(deps.core, { site, type: e.type, orderId: e.orderExternalId, idempotencyKey: `shop-integration:${e.key}` });
    if (outcome.ok && outcome.delivered && !outcome.duplicate) out.told++;
  }
  return out;
}
