/** One order in the context panel: status, items, total, address, shipments and returns. */
import type { ContextOrder } from '../state/context';
import { formatMoney, httpUrlOrNull } from '../../shared/format';
import { ORDER_STATUS_LABELS } from '../../shared/cards';
import { locale, strings } from '../state/locale';

/** A code (shipment, return or payment status, the bot's intents and outcomes) in words: known ones translated, others made readable. */
export function words(t: object, prefix: string, code: string): string {
  return (t as Record<string, string | undefined>)[`${prefix}_${code}`] ?? code.replace(/_/g, ' ');
}

export function OrderCard({ order, onShare }: { order: ContextOrder; onShare?: (orderId: string) => void }) {
  const t = strings();
  const loc = locale.value;
  const date = new Intl.DateTimeFormat(loc, { dateStyle: 'medium' }).format(new Date(order.createdAt));
  const a = order.shippingAddress;
  return (
    <article class="order" aria-label={`${t.order} ${order.number}`}>
      <header class="order-head">
        <strong>#{order.number}</strong>
        <span class={`pill o-${order.status}`}>{ORDER_STATUS_LABELS[loc][order.status]}</span>
      </header>
      <p class="muted small">
        {date}
        {order.paymentStatus ? ` · ${t.payment}: ${words(t, 'payment', order.paymentStatus)}` : ''}
      </p>
      <ul class="items">
        {order.items.map((item) => (
          <li key={item.sku}>
            {item.imageUrl && httpUrlOrNull(new URL(item.imageUrl, location.origin).href) ? (
              <img src={new URL(item.imageUrl, location.origin).href} alt="" width={32} height={32} loading="lazy" referrerpolicy="no-referrer" />
            ) : (
              <span class="thumb" aria-hidden="true" />
            )}
            <span class="item-name">
              {item.quantity} × {item.name}
            </span>
            <span class="item-price">{formatMoney(item.price * item.quantity, order.currency, loc)}</span>
          </li>
        ))}
      </ul>
      <p class="order-total">
        <span>{t.total}</span>
        <strong>{formatMoney(order.total, order.currency, loc)}</strong>
      </p>
      {a && (
        <p class="small">
          <span class="muted">{t.shipTo}: </span>
          {[a.name, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter(Boolean).join(', ')}
        </p>
      )}
      {order.shipments.map((s) => {
        const href = httpUrlOrNull(s.trackingUrl);
        const last = s.events[s.events.length - 1];
        return (
          <div class="shipment" key={s.id}>
            <p class="small">
              <span class="muted">{t.shipment}: </span>
              {s.carrier} · {s.trackingNumber} · {words(t, 'ship', s.status)}
            </p>
            {last && <p class="small muted">{last.description}</p>}
            {href && (
              <a href={href} target="_blank" rel="noopener noreferrer nofollow">
                {t.tracking}
              </a>
            )}
          </div>
        );
      })}
      {onShare && (
        <button type="button" class="ghost share" onClick={() => onShare(order.id)}>
          {t.sendToChat}
        </button>
      )}
      {order.returns.length > 0 && (
        <p class="small">
          <span class="muted">{t.returns}: </span>
          {order.returns.map((r) => `${words(t, 'return', r.status)}${r.reason ? ` (${r.reason})` : ''}`).join('; ')}
        </p>
      )}
    </article>
  );
}
