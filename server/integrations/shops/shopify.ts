/**
 * Shopify's webhook and Admin API payloads (REST, shopify.dev "Order", "Fulfillment", "Refund",
 * "Customer") mapped onto our commerce model. Pure. Ids are `shopify:<Shopify id>`; the
 * identity a theme proves through the app proxy is the customer's `shopify:<id>` too.
 */
import { carrierDisplayName, shipmentStatus, trackingUrl } from '../../domain/carriers';
import type { OrderStatus } from '../../store/types';
import { countryCode, currencyOf, emptyChanges, guestId, platformId, text, timeOf, toMinor, type MappedOrder, type ShopChanges } from './model';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);

export const SHOPIFY_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'fulfillments/create',
  'fulfillments/update',
  'refunds/create',
  'customers/create',
  'customers/update',
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export const shopifyCustomerId = (id: string) => `shopify:${id}`;

function customerOf(c: Json): { externalId: string; input: { email: string; name: string; phone: string | null; tags: string[]; sourceUpdatedAt: number | null } } | null {
  const id = platformId(c.id);
  if (!id) return null;
  const email = text(c.email, 254);
  const name = [text(c.first_name, 100), text(c.last_name, 100)].filter(Boolean).join(' ') || email || `Shopify ${id}`;
  const tags = text(c.tags, 2000)
    .split(',')
    .map((t) => t.trim().slice(0, 40))
    .filter(Boolean)
    .slice(0, 50);
  return { externalId: shopifyCustomerId(id), input: { email, name, phone: text(c.phone, 40) || null, tags, sourceUpdatedAt: timeOf(c.updated_at) } };
}

/** Our order status from Shopify's financial and fulfillment statuses (and cancellation, delivery). */
export function shopifyOrderStatus(order: Json): OrderStatus {
  const financial = text(order.financial_status, 40);
  const fulfillment = text(order.fulfillment_status, 40);
  const fulfillments = arr(order.fulfillments).filter((f) => text(f.status, 20) !== 'cancelled');
  if (order.cancelled_at) return 'cancelled';
  if (financial === 'refunded' || financial === 'voided') return fulfillment ? 'returned' : 'cancelled';
  if (fulfillment === 'fulfilled' || fulfillment === 'partial') {
    if (fulfillment === 'fulfilled' && fulfillments.length > 0 && fulfillments.every((f) => text(f.shipment_status, 40) === 'delivered')) return 'delivered';
    if (fulfillments.some((f) => text(f.tracking_number, 100) || arr(f.tracking_numbers).length || text(f.shipment_status, 40))) return 'shipped';
    return fulfillment === 'fulfilled' ? 'fulfilled' : 'paid';
  }
  if (financial === 'paid' || financial === 'partially_paid' || financial === 'partially_refunded' || financial === 'authorized') return 'paid';
  return 'pending';
}

function fulfillmentShipment(f: Json) {
  const id = platformId(f.id);
  if (!id) return null;
  const numbers = Array.isArray(f.tracking_numbers) ? (f.tracking_numbers as unknown[]).map((n) => text(n, 100)).filter(Boolean) : [];
  const urls = Array.isArray(f.tracking_urls) ? (f.tracking_urls as unknown[]).map((u) => text(u, 2048)).filter(Boolean) : [];
  const number = text(f.tracking_number, 100) || numbers[0] || '';
  const company = text(f.tracking_company, 100);
  return {
    externalId: `shopify:${id}`,
    input: {
      carrier: carrierDisplayName(company) || company,
      trackingNumber: number,
      trackingUrl: trackingUrl(company, number, text(f.tracking_url, 2048) || urls[0] || null),
      status: text(f.status, 20) === 'cancelled' ? 'exception' : shipmentStatus(text(f.shipment_status, 40), true),
    },
    delivered: text(f.shipment_status, 40) === 'delivered',
    tracked: !!number,
  };
}

function orderOf(o: Json): { order: MappedOrder; customer: ReturnType<typeof customerOf> } | null {
  const id = platformId(o.id);
  if (!id) return null;
  const currency = currencyOf(o.currency ?? o.presentment_currency);
  let customer = customerOf(obj(o.customer));
  const email = text(o.email ?? o.contact_email, 254);
  if (!customer) {
    const address = obj(o.billing_address);
    const name = text(address.name, 200) || email || `Shopify #${text(o.order_number, 20)}`;
    customer = { externalId: email ? guestId('shopify', email) : `shopify:guest:order-${id}`, input: { email, name, phone: text(o.phone, 40) || null, tags: [], sourceUpdatedAt: null } };
  }
  const ship = obj(o.shipping_address);
  const country = countryCode(ship.country_code);
  const line1 = text(ship.address1, 200);
  const city = text(ship.city, 100);
  const order: MappedOrder = {
    externalId: `shopify:${id}`,
    customerExternalId: customer.externalId,
    number: (text(o.name, 64).replace(/^#/, '') || text(o.order_number, 64)) || id,
    status: shopifyOrderStatus(o),
    paymentStatus: text(o.financial_status, 40) || null,
    currency,
    total: toMinor(o.total_price, currency),
    items: arr(o.line_items)
      .slice(0, 500)
      .map((li) => ({
        sku: text(li.sku, 64) || text(li.variant_id, 64) || text(li.id, 64) || 'item',
        name: text(li.name ?? li.title, 200) || 'Item',
        quantity: Math.max(1, Math.min(100_000, Math.trunc(Number(li.quantity) || 1))),
        price: toMinor(li.price, currency),
      })),
    shippingAddress:
      country && line1 && city
        ? {
            ...(text(ship.name, 200) ? { name: text(ship.name, 200) } : {}),
            line1,
            ...(text(ship.address2, 200) ? { line2: text(ship.address2, 200) } : {}),
            city,
            ...(text(ship.zip, 20) ? { postalCode: text(ship.zip, 20) } : {}),
            ...(text(ship.province, 100) ? { region: text(ship.province, 100) } : {}),
            country,
          }
        : null,
    createdAt: timeOf(o.created_at) ?? 0,
    sourceUpdatedAt: timeOf(o.updated_at),
  };
  return { order, customer };
}

/** The changes one order payload carries (webhook or Admin API): its customer, the order, its fulfillments and refunds. */
export function mapShopifyOrder(o: Json, changes: ShopChanges = emptyChanges()): ShopChanges {
  const mapped = orderOf(o);
  if (!mapped) return changes;
  if (mapped.customer) changes.customers.push(mapped.customer);
  changes.orders.push(mapped.order);
  for (const f of arr(o.fulfillments)) {
    const s = fulfillmentShipment(f);
    if (s) changes.shipments.push({ orderExternalId: mapped.order.externalId, externalId: s.externalId, input: s.input });
  }
  for (const r of arr(o.refunds)) mapRefund(r, mapped.order.externalId, changes);
  return changes;
}

function mapRefund(r: Json, orderExternalId: string, changes: ShopChanges): void {
  const id = platformId(r.id);
  if (!id) return;
  changes.returns.push({
    orderExternalId,
    externalId: `shopify:${id}`,
    input: {
      status: 'refunded',
      items: arr(r.refund_line_items)
        .map((ri) => ({ sku: text(obj(ri.line_item).sku, 64) || text(ri.line_item_id, 64), quantity: Math.max(1, Math.trunc(Number(ri.quantity) || 1)) }))
        .filter((i) => i.sku)
        .slice(0, 500),
      reason: text(r.note, 1000) || null,
    },
  });
}

/** A customer payload (webhook or Admin API). */
export function mapShopifyCustomer(c: Json, changes: ShopChanges = emptyChanges()): ShopChanges {
  const mapped = customerOf(c);
  if (mapped) changes.customers.push(mapped);
  return changes;
}

/** What a webhook of `topic` changes; null for a topic we do not handle. */
export function mapShopifyWebhook(topic: string, body: Json): ShopChanges | null {
  const changes = emptyChanges();
  switch (topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled':
      return mapShopifyOrder(body, changes);
    case 'customers/create':
    case 'customers/update':
      return mapShopifyCustomer(body, changes);
    case 'fulfillments/create':
    case 'fulfillments/update': {
      const orderId = platformId(body.order_id);
      const s = fulfillmentShipment(body);
      if (!orderId || !s) return changes;
      const orderExternalId = `shopify:${orderId}`;
      changes.shipments.push({ orderExternalId, externalId: s.externalId, input: s.input });
      // A new tracked parcel is "on its way"; delivery is told when the carrier confirms it.
      if (s.delivered) changes.events.push({ type: 'order.delivered', orderExternalId, key: `${s.externalId}:delivered` });
      else if (s.tracked && text(body.status, 20) !== 'cancelled') changes.events.push({ type: 'order.shipped', orderExternalId, key: `${s.externalId}:shipped` });
      return changes;
    }
    case 'refunds/create': {
      const orderId = platformId(body.order_id);
      if (orderId) mapRefund(body, `shopify:${orderId}`, changes);
      return changes;
    }
    default:
      return null;
  }
}
