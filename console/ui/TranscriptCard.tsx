/** A card message (order, product, quick replies) in the agent's transcript, as the shopper sees it. */
import { ORDER_STATUS_LABELS, type CardPayload } from '../../shared/cards';
import { formatMoney, httpUrlOrNull } from '../../shared/format';
import { locale, strings } from '../state/locale';

export function TranscriptCard({ card }: { card: CardPayload }) {
  const t = strings();
  const loc = locale.value;
  switch (card.type) {
    case 'order': {
      const o = card.order;
      const track = httpUrlOrNull(o.trackingUrl);
      return (
        <div class="order transcript-card" role="group" aria-label={`${t.order} #${o.number}`}>
          <p class="order-head">
            <strong>#{o.number}</strong>
            <span class={`pill o-${o.status}`}>{ORDER_STATUS_LABELS[loc][o.status]}</span>
          </p>
          <ul class="items">
            {o.items.map((i, n) => (
              <li key={n}>
                {i.quantity} × {i.name}
              </li>
            ))}
          </ul>
          <p class="order-total">
            <span>{t.total}</span>
            <strong>{formatMoney(o.total, o.currency, loc)}</strong>
          </p>
          {o.carrier && (
            <p class="small muted">
              {o.carrier}
              {o.trackingNumber ? ` · ${o.trackingNumber}` : ''}
            </p>
          )}
          {track && (
            <a href={track} target="_blank" rel="noopener noreferrer nofollow">
              {t.tracking}
            </a>
          )}
        </div>
      );
    }
    case 'product': {
      const p = card.product;
      const url = httpUrlOrNull(p.url);
      return (
        <div class="order transcript-card" role="group" aria-label={p.name}>
          <p class="order-head">
            <strong>{url ? <a href={url} target="_blank" rel="noopener noreferrer nofollow">{p.name}</a> : p.name}</strong>
            <span>{formatMoney(p.price, p.currency, loc)}</span>
          </p>
        </div>
      );
    }
    case 'quick_replies':
      return (
        <ul class="quick-options" aria-label={t.quickReplies}>
          {card.options.map((o) => (
            <li key={o} class="pill">
              {o}
            </li>
          ))}
        </ul>
      );
  }
}
