/**
 * Proactive order messages: order events (shipped, delayed, delivered, return accepted) turned
 * into messages in the shopper's language. The trigger rules ("visitor on /checkout for 30 s with
 * €50 in the cart → 'Need a hand?'") are pure and shared with the widget, which decides when to
 * ask: shared/triggers.ts, re-exported here for the server.
 */
import type { Locale } from '../../shared/i18n';
import { BOT_STRINGS } from './bot-strings';

export * from '../../shared/triggers';

function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

// ---------- order events ----------

export type OrderEvent =
  | { type: 'order.shipped'; orderNumber: string; carrier?: string | null; trackingNumber?: string | null; trackingUrl?: string | null }
  /** `estimatedDelivery` is a local date, `YYYY-MM-DD`. */
  | { type: 'order.delayed'; orderNumber: string; estimatedDelivery?: string | null }
  | { type: 'order.delivered'; orderNumber: string }
  /** `refundAmount` in minor units of `currency`. */
  | { type: 'return.accepted'; orderNumber: string; refundAmount?: number | null; currency?: string | null };

export interface OrderEventMessage {
  text: string;
  /** http(s) only. */
  link: { url: string; label: string } | null;
}

/** Formats minor units of `currency` for `locale` ("12,50 €", "€12.50"), respecting the currency's decimals. */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const tag = locale === 'es' ? 'es-ES' : 'en-US';
  try {
    const f = new Intl.NumberFormat(tag, { style: 'currency', currency: currency.toUpperCase() });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(minor / 10 ** digits);
  } catch {
    // Unknown currency code: still say something true.
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** "14 April" / "14 de abril" for a `YYYY-MM-DD` date; null when malformed. */
function formatDay(date: string, locale: Locale): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const month = BOT_STRINGS[locale].months[Number(m[2]) - 1];
  const day = Number(m[3]);
  if (!month || day < 1 || day > 31) return null;
  return locale === 'es' ? `${day} de ${month}` : `${day} ${month}`;
}

function httpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** The localised message to send the shopper for an order event. */
export function orderEventMessage(event: OrderEvent, locale: Locale): OrderEventMessage {
  const es = locale === 'es';
  const n = event.orderNumber;
  switch (event.type) {
    case 'order.shipped': {
      const carrier = event.carrier?.trim();
      const tracking = event.trackingNumber?.trim();
      const url = httpUrl(event.trackingUrl);
      const parts = es
        ? [`¡Buenas noticias! Tu pedido ${n} ya está en camino${carrier ? ` con ${carrier}` : ''}.`, tracking ? `Número de seguimiento: ${tracking}.` : '']
        : [`Good news! Your order ${n} is on its way${carrier ? ` with ${carrier}` : ''}.`, tracking ? `Tracking number: ${tracking}.` : ''];
      return { text: parts.filter(Boolean).join(' '), link: url ? { url, label: es ? 'Seguir el envío' : 'Track your package' } : null };
    }
    case 'order.delayed': {
      const day = event.estimatedDelivery ? formatDay(event.estimatedDelivery, locale) : null;
      const text = es
        ? `Lo sentimos: tu pedido ${n} lleva retraso. ${day ? `La nueva fecha estimada de entrega es el ${day}.` : 'Te avisaremos en cuanto tengamos una nueva fecha de entrega.'} Si tienes cualquier duda, responde aquí.`
        : `We're sorry: your order ${n} is delayed. ${day ? `The new estimated delivery date is ${day}.` : "We'll let you know as soon as we have a new delivery date."} If you have any questions, reply here.`;
      return { text, link: null };
    }
    case 'order.delivered':
      return {
        text: es
          ? `Tu pedido ${n} ha sido entregado. ¡Esperamos que lo disfrutes! Si algo no está bien, responde aquí.`
          : `Your order ${n} has been delivered. We hope you enjoy it! If anything isn't right, reply here.`,
        link: null,
      };
    case 'return.accepted': {
      const amount = event.refundAmount != null && event.currency ? formatMoney(event.refundAmount, event.currency, locale) : null;
      const text = es
        ? `Hemos aceptado la devolución del pedido ${n}.${amount ? ` Te reembolsaremos ${amount}.` : ''}`
        : `We've accepted the return for order ${n}.${amount ? ` We'll refund ${amount}.` : ''}`;
      return { text, link: null };
    }
    default:
      return assertNever(event);
  }
}
