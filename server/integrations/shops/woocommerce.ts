/**
 * WooCommerce's webhook and REST API v3 payloads (woocommerce.github.io/woocommerce-rest-api-docs:
 * "Order properties", "Customer properties") and the Shipment Tracking extension's order meta
 * (`_wc_shipment_tracking_items`) mapped onto our commerce model. Pure. Ids are `wc:<id>`; the
 * plugin in integrations/woocommerce signs the shopper's identity as `wc:<user id>`.
 */
import { carrierDisplayName, trackingUrl } from '../../domain/carriers';
import type { OrderStatus } from '../../store/types';
import { countryCode, currencyOf, emptyChanges, guestId, platformId, text, timeOf, toMinor, type MappedOrder, type ShopChanges } from './model';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);

export const WOO_TOPICS = ['order.created', 'order.updated', 'order.deleted', 'order.restored', 'customer.created', 'customer.updated'] as const;

export const wooCustomerId = (id: string) => `wc:${id}`;

/** The Shipment Tracking extension's parcels on an order (its `meta_data`). */
export function wooTrackingItems(order: Json): { id: string; carrier: string; number: string; url: string; shippedAt: number | null }[] {
  const meta = arr(order.meta_data).find((m) => m.key === '_wc_shipment_tracking_items');
  return arr(meta?.value)
    .map((t) => {
      const provider = text(t.custom_tracking_provider, 100) || text(t.tracking_provider, 100);
      const number = text(t.tracking_number, 100);
      return {
        id: text(t.tracking_id, 64).replace(/[^A-Za-z0-9_-]/g, '') || number.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64),
        carrier: carrierDisplayName(provider) || provider,
        number,
        url: trackingUrl(provider, number, text(t.custom_tracking_link, 2048) || null),
        shippedAt: timeOf(Number(t.date_shipped) || null),
      };
    })
    .filter((t) => t.id && t.number);
}

/** Our order status from WooCommerce's (pending, processing, on-hold, completed, cancelled, refunded, failed). */
export function wooOrderStatus(status: string, tracked: boolean): OrderStatus {
  switch (status) {
    case 'processing':
      return 'paid';
    case 'completed':
      return tracked ? 'shipped' : 'fulfilled';
    case 'cancelled':
    case 'trash':
      return 'cancelled';
    case 'refunded':
      return 'returned';
    default:
      return 'pending';
  }
}

function customerOf(c: Json, updatedAt: number | null) {
  const id = platformId(c.id);
  if (!id) return null;
  const billing = obj(c.billing);
  const email = text(c.email, 254) || text(billing.email, 254);
  const name = [text(c.first_name, 100), text(c.last_name, 100)].filter(Boolean).join(' ') || text(c.username, 100) || email || `WooCommerce ${id}`;
  return { externalId: wooCustomerId(id), input: { email, name, phone: text(billing.phone, 40) || null, tags: [], sourceUpdatedAt: updatedAt } };
}

export function mapWooCustomer(c: Json, changes: ShopChanges = emptyChanges()): ShopChanges {
  const mapped = customerOf(c, timeOf(c.date_modified_gmt));
  if (mapped) changes.customers.push(mapped);
  return changes;
}

/** The changes one order carries: its customer (or guest), the order, tracked parcels; `announce` adds the shipped event (webhooks, not imports). */
export function mapWooOrder(o: Json, changes: ShopChanges = emptyChanges(), announce = false): ShopChanges {
  const id = platformId(o.id);
  if (!id) return changes;
  const currency = currencyOf(o.currency);
  const billing = obj(o.billing);
  const email = text(billing.email, 254);
  const name = [text(billing.first_name, 100), text(billing.last_name, 100)].filter(Boolean).join(' ') || email || `WooCommerce #${id}`;
  const userId = platformId(o.customer_id);
  const customerExternalId = userId ? wooCustomerId(userId) : email ? guestId('wc', email) : `wc:guest:order-${id}`;
  changes.customers.push({ externalId: customerExternalId, input: { email, name, phone: text(billing.phone, 40) || null, tags: [], sourceUpdatedAt: null }, ifMissing: !!userId });
  const tracking = wooTrackingItems(o);
  const status = text(o.status, 40);
  const ship = obj(o.shipping);
  const country = countryCode(ship.country);
  const line1 = text(ship.address_1, 200);
  const city = text(ship.city, 100);
  const shipName = [text(ship.first_name, 100), text(ship.last_name, 100)].filter(Boolean).join(' ');
  const order: MappedOrder = {
    externalId: `wc:${id}`,
    customerExternalId,
    number: text(o.number, 64) || id,
    status: wooOrderStatus(status, tracking.length > 0),
    paymentStatus: o.date_paid_gmt || o.date_paid ? 'paid' : text(o.status, 40) || null,
    currency,
    total: toMinor(o.total, currency),
    items: arr(o.line_items)
      .slice(0, 500)
      .map((li) => ({
        sku: text(li.sku, 64) || text(li.product_id, 64) || text(li.id, 64) || 'item',
        name: text(li.name, 200) || 'Item',
        quantity: Math.max(1, Math.min(100_000, Math.trunc(Number(li.quantity) || 1))),
        price: toMinor(li.price, currency),
      })),
    shippingAddress:
      country && line1 && city
        ? {
            ...(shipName ? { name: shipName } : {}),
            line1,
            ...(text(ship.address_2, 200) ? { line2: text(ship.address_2, 200) } : {}),
            city,
            ...(text(ship.postcode, 20) ? { postalCode: text(ship.postcode, 20) } : {}),
            ...(text(ship.state, 100) ? { region: text(ship.state, 100) } : {}),
            country,
          }
        : null,
    createdAt: timeOf(o.date_created_gmt) ?? timeOf(o.date_created) ?? 0,
    sourceUpdatedAt: timeOf(o.date_modified_gmt) ?? timeOf(o.date_modified),
  };
  changes.orders.push(order);
  for (const t of tracking) {
    const externalId = `wc:${t.id}`;
    changes.shipments.push({ orderExternalId: order.externalId, externalId, input: { carrier: t.carrier, trackingNumber: t.number, trackingUrl: t.url, status: 'in_transit' } });
    if (announce && status === 'completed') changes.events.push({ type: 'order.shipped', orderExternalId: order.externalId, key: `${externalId}:shipped` });
  }
  for (const r of arr(o.refunds)) {
    const rid = platformId(r.id);
    if (rid) changes.returns.push({ orderExternalId: order.externalId, externalId: `wc:refund:${rid}`, input: { status: 'refunded', items: [], reason: text(r.reason, 1000) || null } });
  }
  return changes;
}

/** What a webhook of `topic` changes; null for a topic we do not handle. */
export function mapWooWebhook(topic: string, body: Json): ShopChanges | null {
  const changes = emptyChanges();
  switch (topic) {
    case 'order.created':
    case 'order.updated':
    case 'order.restored':
      return mapWooOrder(body, changes, true);
    case 'order.deleted': {
      const id = platformId(body.id);
      if (id) changes.cancelled.push(`wc:${id}`);
      return changes;
    }
    case 'customer.created':
    case 'customer.updated':
      return mapWooCustomer(body, changes);
    default:
      return null;
  }
}
