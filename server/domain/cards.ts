/**
 * Order cards for shoppers (with a plain-text fallback in their language): one builder for the
 * card an agent sends and the cards the bot shows, with the bot's status words. Pure.
 */
import type { Locale } from '../../shared/i18n';
import type { CardPayload } from '../../shared/cards';
import { BOT_STRINGS, type BotOrderStatus } from './bot-strings';

export interface CardOrder {
  number: string;
  status: BotOrderStatus;
  items: readonly { name: string; quantity: number }[];
  total: number;
  currency: string;
  shipments: readonly { carrier: string; trackingNumber: string; trackingUrl: string | null }[];
}

const httpUrl = (url: string | null | undefined): string | undefined => (url && /^https?:\/\//i.test(url) ? url : undefined);

/** The card payload: number, status, items, total and the tracking of the latest shipment that has a link (else the latest). */
export function orderCardPayload(order: CardOrder): CardPayload {
  const shipment = [...order.shipments].reverse().find((s) => httpUrl(s.trackingUrl)) ?? order.shipments[order.shipments.length - 1];
  const trackingUrl = httpUrl(shipment?.trackingUrl);
  return {
    type: 'order',
    order: {
      number: order.number,
      status: order.status,
      items: order.items.map((i) => ({ name: i.name, quantity: i.quantity })),
      total: order.total,
      currency: order.currency,
      ...(shipment ? { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber } : {}),
      ...(trackingUrl ? { trackingUrl } : {}),
    },
  };
}

/** An order card with its text fallback ("Pedido #1001: enviado — https://…"). */
export function orderCard(order: CardOrder, locale: Locale): { text: string; payload: CardPayload } {
  const payload = orderCardPayload(order);
  const label = locale === 'es' ? 'Pedido' : 'Order';
  const url = payload.type === 'order' ? payload.order.trackingUrl : undefined;
  return { text: `${label} #${order.number}: ${BOT_STRINGS[locale].orderStatus[order.status]}${url ? ` — ${url}` : ''}`, payload };
}
