/** The shop's cart from `Mostrador('cart', …)`, normalised to the protocol's shape (amounts in cents); null if unusable. Used by the panel and the presence frame. */
export function toCart(payload: unknown) {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as { items?: unknown; total?: unknown; currency?: unknown };
  if (!Array.isArray(p.items) || typeof p.total !== 'number' || typeof p.currency !== 'string') return null;
  const items = p.items
    .filter((i): i is { sku?: unknown; name: string; quantity: number; price: number } =>
      typeof i === 'object' && i !== null && typeof i.name === 'string' && typeof i.quantity === 'number' && typeof i.price === 'number')
    .slice(0, 100)
    .map((i) => ({
      ...(typeof i.sku === 'string' ? { sku: i.sku.slice(0, 64) } : {}),
      name: i.name.slice(0, 200),
      quantity: Math.max(0, Math.round(i.quantity)),
      price: Math.max(0, Math.round(i.price)),
    }));
  const currency = p.currency.toUpperCase();
  return /^[A-Z]{3}$/.test(currency) ? { items, total: Math.max(0, Math.round(p.total)), currency } : null;
}
