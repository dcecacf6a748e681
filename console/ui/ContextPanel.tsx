/** The customer beside the chat: who they are, whether the shop verified them, their orders. */
import type { ContextModel } from '../state/context';
import { locale, strings } from '../state/locale';
import { OrderCard, money } from './OrderCard';

export function ContextPanel({ model }: { model: ContextModel }) {
  const t = strings();
  const s = model.state.value;
  if (s.status === 'idle') return null;
  return (
    <aside class="context" aria-label={t.customer}>
      <h2>{t.customer}</h2>
      {s.status === 'loading' && <p class="muted">{t.loadingContext}</p>}
      {s.status === 'error' && (
        <p class="form-error" role="alert">
          {t.contextError}
        </p>
      )}
      {s.status === 'ready' && <ContextBody data={s.data} />}
    </aside>
  );
}

function ContextBody({ data }: { data: Extract<ContextModel['state']['value'], { status: 'ready' }>['data'] }) {
  const t = strings();
  const { visitor, customer, orders } = data;
  const name = customer?.name || visitor.name;
  const email = customer?.email || visitor.email;
  return (
    <>
      <section class="who-card">
        <p class="who-name">{name || t.anonymous}</p>
        {email && <p class="small">{email}</p>}
        {visitor.claimedId && (
          <p>
            <span class={`pill ${visitor.verified ? 'ok' : 'warn'}`}>{visitor.verified ? t.verified : t.notVerified}</span>
          </p>
        )}
        {visitor.claimedId && !visitor.verified && <p class="small warn-text">{t.notVerifiedHint}</p>}
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
                <dd>{money(customer.lifetimeValue.amount, customer.lifetimeValue.currency, locale.value)}</dd>
              </div>
            )}
          </dl>
        )}
      </section>
      {customer && (
        <section>
          <h3>{t.orders}</h3>
          {orders.length === 0 ? <p class="muted">{t.noOrders}</p> : orders.map((o) => <OrderCard key={o.id} order={o} />)}
        </section>
      )}
    </>
  );
}
