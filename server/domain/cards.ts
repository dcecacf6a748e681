/** Builds structured cards (with a plain-text fallback in the shopper's language). Pure. */
import type { CardPayload } from '../../shared/protocol';
import type { OrderRecord } from '../store/types';

const ORDER_STATUS = {
  es: { pending: 'pendiente', paid: 'pagado', fulfilled: 'preparado', shipped: 'enviado', delivered: 'entregado', cancelled: 'cancelado', returned: 'devuelto' },
  en: { pending: 'pending', paid: 'paid', fulfilled: 'prepared', shipped: 'shipped', delivered: 'delivered', cancelled: 'cancelled', returned: 'returned' },
} as const;

/** An order card: number, status, items, total and the latest shipment's tracking. */
export function orderCard(order: OrderRecord, locale: 'es' | 'en'): { text: string; payload: CardPayload } {
  const shipment = order.shipments[order.shipments.length - 1];
  const trackingUrl = shipment && /^https?:\/\//i.test(shipment.trackingUrl) ? shipment.trackingUrl : undefined;
  const payload: CardPayload = {
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
  const label = locale === 'es' ? 'Pedido' : 'Order';
  const tracking = trackingUrl ? ` — ${trackingUrl}` : '';
  return { text: `${label} #${order.number}: ${ORDER_STATUS[locale][order.status]}${tracking}`, payload };
}
