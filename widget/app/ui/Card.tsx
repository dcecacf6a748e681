/** Structured messages: order cards, product cards and quick replies. Text only, never HTML. */
import type { WidgetStrings } from '../../../shared/i18n';
import { ORDER_STATUS_LABELS, type CardPayload } from '../../../shared/cards';
import type { Locale } from '../../../shared/i18n';
import { formatMoney, httpUrlOrNull } from '../../../shared/format';
import cardsCss from '../../styles/cards.css?inline';
import { adopt } from '../lazy';

export interface CardProps {
  card: CardPayload;
  t: WidgetStrings;
  locale: string;
  /** Quick replies are answerable only on the latest message. */
  latest: boolean;
  onQuickReply(text: string): void;
  /** The message's text (shown while the cards' chunk downloads). */
  text?: string;
}

export function Card({ card, t, locale, latest, onQuickReply }: CardProps) {
  switch (card.type) {
    case 'order': {
      const o = card.order;
      const track = httpUrlOrNull(o.trackingUrl);
      return (
        <div class="card" role="group" aria-label={`${t.order} #${o.number}`}>
          <p class="card-head">
            <strong>
              {t.order} #{o.number}
            </strong>
            <span class="card-status">{ORDER_STATUS_LABELS[locale as Locale][o.status]}</span>
          </p>
          <ul class="card-items">
            {o.items.map((i, n) => (
              <li key={n}>
                {i.quantity} × {i.name}
              </li>
            ))}
          </ul>
          <p class="card-total">
            {t.total}: <strong>{formatMoney(o.total, o.currency, locale)}</strong>
          </p>
          {o.carrier && (
            <p class="card-meta">
              {o.carrier}
              {o.trackingNumber ? ` · ${o.trackingNumber}` : ''}
            </p>
          )}
          {track && (
            <a class="card-link" href={track} target="_blank" rel="noopener noreferrer nofollow">
              {t.trackPackage}
            </a>
          )}
        </div>
      );
    }
    case 'product': {
      const p = card.product;
      const url = httpUrlOrNull(p.url);
      const img = httpUrlOrNull(p.imageUrl);
      return (
        <div class="card" role="group" aria-label={p.name}>
          {img && <img class="card-img" src={img} alt="" loading="lazy" referrerpolicy="no-referrer" />}
          <p class="card-head">
            <strong>{p.name}</strong>
            <span>{formatMoney(p.price, p.currency, locale)}</span>
          </p>
          {url && (
            <a class="card-link" href={url} target="_blank" rel="noopener noreferrer nofollow">
              {p.name}
            </a>
          )}
        </div>
      );
    }
    case 'quick_replies':
      if (!latest) return null;
      return (
        <div class="quick" role="group" aria-label={t.quickReplies}>
          {card.options.map((option) => (
            <button key={option} type="button" class="quick-reply" onClick={() => onQuickReply(option)}>
              {option}
            </button>
          ))}
        </div>
      );
  }
}

export default Card;

adopt(cardsCss);
