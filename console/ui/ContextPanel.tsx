/** The customer beside the chat: who they are, whether the shop verified them, their orders. */
import type { VisitorDetailFrame } from '../../shared/protocol';
import type { ContextModel } from '../state/context';
import { locale, strings } from '../state/locale';
import { useNow } from './ConversationList';
import { formatMoney, httpUrlOrNull } from '../../shared/format';
import { OrderCard, words } from './OrderCard';

export function ContextPanel({
  model,
  presence,
  onShareOrder,
  onBack,
}: {
  model: ContextModel;
  presence: VisitorDetailFrame | null;
  onShareOrder(orderId: string): void;
  /** Narrow screens: back to the chat (the button shows only there). */
  onBack?(): void;
}) {
  const t = strings();
  const s = model.state.value;
  if (s.status === 'idle') return null;
  return (
    <aside class="context" aria-label={t.customer}>
      {onBack && (
        <button type="button" class="ghost phone-only back" onClick={onBack}>
          <span aria-hidden="true">← </span>
          {t.backToChat}
        </button>
      )}
      <h2>{t.customer}</h2>
      {s.status === 'loading' && <p class="muted">{t.loadingContext}</p>}
      {s.status === 'error' && (
        <p class="form-error" role="alert">
          {t.contextError}
        </p>
      )}
      {s.status === 'ready' && <ContextBody data={s.data} onShareOrder={onShareOrder} />}
      {presence && <Presence presence={presence} />}
    </aside>
  );
}

/** The shopper's local time ("16:42 in Europe/Madrid"), kept current. */
function LocalTime({ timeZone }: { timeZone: string }) {
  const t = strings();
  const now = useNow();
  let text: string;
  try {
    text = new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit', weekday: 'short', timeZone }).format(now);
  } catch {
    return null;
  }
  return (
    <p class="small">
      <span class="muted">{t.localTime}: </span>
      {text} <span class="muted">({timeZone.replace(/_/g, ' ')})</span>
    </p>
  );
}

/** Live: the page the shopper is on, the pages of this visit, and their cart. */
function Presence({ presence }: { presence: VisitorDetailFrame }) {
  const t = strings();
  const loc = locale.value;
  const href = httpUrlOrNull(presence.url);
  const time = new Intl.DateTimeFormat(loc, { hour: '2-digit', minute: '2-digit' });
  return (
    <section class="presence">
      <p>
        <span class={`pill ${presence.online ? 'ok' : ''}`}>{presence.online ? t.online : t.offlineNow}</span>
      </p>
      {presence.timeZone && <LocalTime timeZone={presence.timeZone} />}
      {presence.url && (
        <p class="small">
          <span class="muted">{t.nowOn}: </span>
          {href ? (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {presence.title || presence.url}
            </a>
          ) : (
            presence.title || presence.url
          )}
        </p>
      )}
      {presence.pages.length > 1 && (
        <>
          <h3>{t.pagesSeen}</h3>
          <ol class="pages">
            {presence.pages.map((p) => (
              <li key={`${p.at}${p.url}`}>
                {time.format(p.at)} · {p.title || p.url}
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>{t.cart}</h3>
      {presence.cart && presence.cart.items.length > 0 ? (
        <>
          <ul class="cart-items">
            {presence.cart.items.map((i, n) => (
              <li key={`${i.sku ?? i.name}${n}`}>
                <span>
                  {i.quantity} × {i.name}
                </span>
                <span>{formatMoney(i.price * i.quantity, presence.cart!.currency, loc)}</span>
              </li>
            ))}
          </ul>
          <p class="order-total">
            <span>{t.total}</span>
            <strong>{formatMoney(presence.cart.total, presence.cart.currency, loc)}</strong>
          </p>
        </>
      ) : (
        <p class="muted small">{t.emptyCart}</p>
      )}
    </section>
  );
}

function ContextBody({ data, onShareOrder }: { data: Extract<ContextModel['state']['value'], { status: 'ready' }>['data']; onShareOrder(orderId: string): void }) {
  const t = strings();
  const { visitor, customer, orders, handoff, matchedOrder } = data;
  const name = customer?.name || visitor.name;
  const email = customer?.email || visitor.email;
  const handoffOrder = handoff?.matchedOrderId
    ? (matchedOrder?.id === handoff.matchedOrderId ? matchedOrder : orders.find((o) => o.id === handoff.matchedOrderId))?.number
    : undefined;
  return (
    <>
      {handoff && (
        <section class="handoff" aria-label={t.handoff}>
          <h3>{t.handoff}</h3>
          <p class="small">
            <span class="muted">{t.handoffReason}: </span>
            {words(t, 'reason', handoff.reason)}
          </p>
          <p class="small">
            <span class="muted">{t.handoffIntent}: </span>
            {words(t, 'intent', handoff.intent)}
          </p>
          {handoff.matchedOrderId && (
            <p class="small">
              <span class="muted">{t.handoffOrder}: </span>
              {handoffOrder ? `#${handoffOrder}` : handoff.matchedOrderId}
            </p>
          )}
          {handoff.tried.length > 0 && (
            <p class="small">
              <span class="muted">{t.handoffTried}: </span>
              {handoff.tried.map((s) => `${words(t, 'intent', s.intent)} → ${words(t, 'outcome', s.outcome)}`).join('; ')}
            </p>
          )}
        </section>
      )}
      <section class="who-card">
        <p class="who-name">{name || t.anonymous}</p>
        {email && <p class="small">{email}</p>}
        {visitor.claimedId && (
          <p>
            <span class={`pill ${visitor.verified ? 'ok' : 'warn'}`}>{visitor.verified ? t.verified : t.notVerified}</span>
          </p>
        )}
        {visitor.claimedId && !visitor.verified && <p class="small warn-text">{t.notVerifiedHint}</p>}
        {data.verifiedBy === 'order' && matchedOrder && (
          <p>
            <span class="pill ok" title={t.verifiedByOrderHint}>
              {t.verifiedByOrder.replace('{n}', matchedOrder.number)}
            </span>
          </p>
        )}
        {visitor.locale && (visitor.locale === 'es' || visitor.locale === 'en') && (
          <p class="small muted">
            {t.language}: {t[`language_${visitor.locale}`]}
          </p>
        )}
        {customer && (
          <dl class="stats">
            <div>
              <dt>{t.orderCount}</dt>
              <dd>{customer.orderCount}</dd>
            </div>
            {customer.lifetimeValue && (
              <div>
                <dt>{t.lifetimeValue}</dt>
                <dd>{formatMoney(customer.lifetimeValue.amount, customer.lifetimeValue.currency, locale.value)}</dd>
              </div>
            )}
          </dl>
        )}
      </section>
      {customer && (
        <section>
          <h3>{t.orders}</h3>
          {orders.length === 0 ? <p class="muted">{t.noOrders}</p> : orders.map((o) => <OrderCard key={o.id} order={o} onShare={visitor.verified ? onShareOrder : undefined} />)}
        </section>
      )}
    </>
  );
}
