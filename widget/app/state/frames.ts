/**
 * The panel's reading of what its own server sends. The server validates everything it stores
 * and builds every frame from typed records, so the panel does not carry the full schema library
 * (valibot and the protocol schemas cost a shopper ~5 KB gzip on every first open): it checks that
 * a frame is a JSON object with a string `type` (unknown types fall through the panel's switch),
 * and checks cards field by field before rendering
 * them, since a card's shape decides what is drawn. Nothing here ever becomes HTML.
 */
import type { CardPayload, ParseResult, VisitorServerFrame } from '../../../shared/protocol';

export function parseServerFrame(raw: unknown): ParseResult<VisitorServerFrame> {
  if (typeof raw !== 'string') return { ok: false, error: { code: 'binary_not_supported', message: 'frames must be JSON text' } };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: { code: 'bad_json', message: 'not JSON' } };
  }
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  // Unknown types fall through the panel's switch untouched (a newer server may send more).
  if (typeof type !== 'string') return { ok: false, error: { code: 'unknown_type', message: 'frame without a type' } };
  return { ok: true, frame: data as VisitorServerFrame };
}

const str = (x: unknown): x is string => typeof x === 'string';
const opt = (x: unknown) => x === undefined || str(x);
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'shipped', 'delivered', 'cancelled', 'returned'];

/**
 * The card in a message payload, or null when it is not one the panel understands. Links are
 * made safe where they are drawn (Card: http(s) only).
 */
export function cardOf(p: unknown): CardPayload | null {
  if (!obj(p)) return null;
  const o = p.order;
  const pr = p.product;
  const ok =
    (p.type === 'order' &&
      obj(o) &&
      str(o.number) &&
      ORDER_STATUSES.includes(o.status as string) &&
      num(o.total) &&
      str(o.currency) &&
      Array.isArray(o.items) &&
      o.items.every((i) => obj(i) && str(i.name) && num(i.quantity)) &&
      opt(o.carrier) &&
      opt(o.trackingNumber) &&
      opt(o.trackingUrl)) ||
    (p.type === 'product' && obj(pr) && str(pr.name) && num(pr.price) && str(pr.currency) && opt(pr.url) && opt(pr.imageUrl)) ||
    (p.type === 'quick_replies' && Array.isArray(p.options) && p.options.length <= 6 && p.options.every((x) => str(x) && x.length > 0 && x.length <= 60));
  return ok ? (p as CardPayload) : null;
}
