/**
 * An order event (shipped, delayed, delivered, return accepted) told to the shopper in their
 * chat: the one path behind POST /api/v1/events and the shop integrations (a Shopify
 * fulfillment, a WooCommerce or PrestaShop status change), so they cannot drift apart.
 */
import type { Bus } from '../bus/bus';
import { orderCard } from '../domain/cards';
import { orderEventMessage, type OrderEvent } from '../domain/proactive';
import { publishAppended } from '../events';
import type { Logger } from '../logger';
import type { SiteRecord, Store } from '../store/types';
import { botEnabled } from './bot-runner';

export type OrderEventType = 'order.shipped' | 'order.delayed' | 'order.delivered' | 'return.accepted';

export interface OrderEventInput {
  type: OrderEventType;
  /** The merchant's order id. */
  orderId: string;
  /** The merchant's own words instead of the built-in message. */
  message?: string | undefined;
  estimatedDelivery?: string | undefined;
  refundAmount?: number | undefined;
  /** Makes the delivery idempotent: the same key is told once (an Idempotency-Key, a platform's delivery id). */
  dedupeKey?: string | null;
}

export type OrderEventOutcome =
  | { ok: true; delivered: true; conversationId: string; messageId: string; duplicate: boolean }
  /** Nobody to tell: the order's customer never chatted as a verified shopper. */
  | { ok: true; delivered: false; conversationId: null; messageId: null }
  | { ok: false; code: 'unknown_order' };

/**
 * Appends the event's message to the open (or a new) chat of the latest verified device of the
 * order's customer and fans it out. Shipped and delivered are followed by the order as a card
 * (items, carrier, tracking link).
 */
export async function deliverOrderEvent(
  deps: { store: Store; bus: Bus; logger: Logger; now: () => number },
  site: SiteRecord,
  input: OrderEventInput,
): Promise<OrderEventOutcome> {
  const order = await deps.store.orders.byExternalId(site.id, input.orderId);
  if (!order) return { ok: false, code: 'unknown_order' };
  const customer = await deps.store.customers.byExternalId(site.id, order.customerExternalId);
  // Order news goes only to a shopper the shop verified as this customer.
  const visitor = customer ? await deps.store.visitors.latestVerifiedForCustomer(site.id, customer.id) : null;
  if (!visitor) return { ok: true, delivered: false, conversationId: null, messageId: null };
  const locale = visitor.locale === 'en' ? 'en' : 'es';
  const shipment = order.shipments[order.shipments.length - 1];
  const event: OrderEvent =
    input.type === 'order.shipped'
      ? { type: input.type, orderNumber: order.number, carrier: shipment?.carrier ?? null, trackingNumber: shipment?.trackingNumber ?? null, trackingUrl: shipment?.trackingUrl ?? null }
      : input.type === 'order.delayed'
        ? { type: input.type, orderNumber: order.number, estimatedDelivery: input.estimatedDelivery ?? null }
        : input.type === 'return.accepted'
          ? { type: input.type, orderNumber: order.number, refundAmount: input.refundAmount ?? null, currency: order.currency }
          : { type: input.type, orderNumber: order.number };
  const built = orderEventMessage(event, locale);
  const text = input.message ?? (built.link ? `${built.text} ${built.link.url}` : built.text);
  const newConversation = { status: botEnabled(site) ? ('bot' as const) : ('queued' as const), locale };
  const result = await deps.store.messages.append({
    siteId: site.id,
    visitorId: visitor.id,
    clientId: input.dedupeKey ?? null,
    author: { kind: 'bot', name: site.name },
    text,
    // A new conversation for order news starts with the assistant (if on): nobody needs to pick it up.
    newConversation,
    now: deps.now(),
  });
  if (!result.duplicate) await publishAppended(deps, result);
  // Shipped and delivered: the order itself follows as a card (items, carrier, tracking link),
  // showing the state the event announces even if the order record lags behind it.
  if (!input.message && (input.type === 'order.shipped' || input.type === 'order.delivered')) {
    const card = orderCard({ ...order, status: input.type === 'order.shipped' ? 'shipped' : 'delivered' }, locale);
    const cardResult = await deps.store.messages.append({
      siteId: site.id,
      conversationId: result.conversation.id,
      clientId: input.dedupeKey ? `${input.dedupeKey}_card` : null,
      author: { kind: 'bot', name: site.name },
      kind: 'card',
      text: card.text,
      payload: card.payload,
      now: deps.now(),
    });
    if (!cardResult.duplicate) await publishAppended(deps, cardResult);
  }
  return { ok: true, delivered: true, conversationId: result.conversation.id, messageId: result.message.id, duplicate: result.duplicate };
}
