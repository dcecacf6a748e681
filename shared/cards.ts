/**
 * Orders and cards as every part sees them: the one list of order statuses (the database column,
 * the REST API, the shop connectors, the bot, the widget and the console all derive theirs from
 * it) with their words in each language, and the one card check (`parseCard`). No schema library
 * here: the widget imports this and pays only for these few lines.
 */
import type { Locale } from './i18n';

export const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'shipped', 'delivered', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What each status is called (a label; lower-cased inside a sentence). */
export const ORDER_STATUS_LABELS: Record<Locale, Record<OrderStatus, string>> = {
  es: { pending: 'Pendiente', paid: 'Pagado', fulfilled: 'En preparación', shipped: 'Enviado', delivered: 'Entregado', cancelled: 'Cancelado', returned: 'Devuelto' },
  en: { pending: 'Pending', paid: 'Paid', fulfilled: 'Being prepared', shipped: 'Shipped', delivered: 'Delivered', cancelled: 'Cancelled', returned: 'Returned' },
};

/** Structured message bodies. Clients render only these shapes; anything else falls back to `text`. */
export type CardPayload =
  | {
      type: 'order';
      order: {
        number: string;
        status: OrderStatus;
        items: { name: string; quantity: number }[];
        total: number;
        currency: string;
        carrier?: string;
        trackingNumber?: string;
        /** http(s) only. */
        trackingUrl?: string;
      };
    }
  | { type: 'product'; product: { name: string; price: number; currency: string; url?: string; imageUrl?: string } }
  /** 1–6 options of 1–60 characters. */
  | { type: 'quick_replies'; options: string[] };

const str = (x: unknown): x is string => typeof x === 'string';
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const opt = (x: unknown) => x === undefined || str(x);
const url = (x: unknown) => x === undefined || (str(x) && x.length <= 2048 && /^https?:\/\//i.test(x));

/**
 * The card in a message payload, or null when it is not one of the shapes above. The server
 * checks what it stores, the widget and the console what they draw (links are made safe again
 * where they are drawn: http(s) only). Nothing here ever becomes HTML.
 */
export function parseCard(p: unknown): CardPayload | null {
  if (!obj(p)) return null;
  const o = p.order;
  const pr = p.product;
  const ok =
    (p.type === 'order' &&
      obj(o) &&
      str(o.number) &&
      ORDER_STATUSES.includes(o.status as OrderStatus) &&
      num(o.total) &&
      str(o.currency) &&
      Array.isArray(o.items) &&
      o.items.every((i) => obj(i) && str(i.name) && num(i.quantity)) &&
      opt(o.carrier) &&
      opt(o.trackingNumber) &&
      url(o.trackingUrl)) ||
    (p.type === 'product' && obj(pr) && str(pr.name) && num(pr.price) && str(pr.currency) && url(pr.url) && url(pr.imageUrl)) ||
    (p.type === 'quick_replies' && Array.isArray(p.options) && p.options.length > 0 && p.options.length <= 6 && p.options.every((x) => str(x) && x.length > 0 && x.length <= 60));
  return ok ? (p as CardPayload) : null;
}
