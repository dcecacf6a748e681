/** The customer beside the chat: who they are, whether the shop verified them, their orders. */
import { useEffect, useState } from 'preact/hooks';
import type { ConversationSummary, VisitorDetailFrame } from '../../shared/protocol';
import type { ContactNotes, ContextModel } from '../state/context';
import { visitorLabel } from '../state/views';
import { locale, strings } from '../state/locale';
import { useNow } from './ConversationList';
import { formatMoney, httpUrlOrNull } from '../../shared/format';
import { OrderCard, words } from './OrderCard';

export function ContextPanel({
  model,
  presence,
  onShareOrder,
  onOpenConversation,
  onBack,
}: {
  model: ContextModel;
  presence: VisitorDetailFrame | null;
  onShareOrder(orderId: string): void;
  /** Opens one of the contact's past conversations. */
  onOpenConversation?(summary: ConversationSummary): void;
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
      {s.status === 'ready' && s.data.notes && model.current && <Notes key={model.current} notes={s.data.notes} onSave={(text) => model.saveNotes(model.current!, text)} />}
      {presence && <Presence presence={presence} />}
      {s.status === 'ready' && s.data.history && <PastConversations list={s.data.history} onOpen={onOpenConversation} />}
    </aside>
  );
}

/** The team's notes about the contact: plain text, edited in place, saved on demand (never rendered as markup). */
function Notes({ notes, onSave }: { notes: ContactNotes; onSave(text: string): Promise<ContactNotes> }) {
  const t = strings();
  const [draft, setDraft] = useState(notes.text);
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | 'failed'>('idle');
  // Another agent's save (a reload of the context) shows unless this agent is editing.
  useEffect(() => {
    if (state !== 'saving' && draft === '') setDraft(notes.text);
  }, [notes.text]);
  const label = notes.subject === 'customer' ? t.notesCustomer : t.notesVisitor;
  const when = notes.updatedAt ? new Intl.DateTimeFormat(locale.value, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(notes.updatedAt)) : null;
  return (
    <section class="contact-notes">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setState('saving');
          onSave(draft).then(
            (saved) => {
              setDraft(saved.text);
              setState('saved');
            },
            () => setState('failed'),
          );
        }}
      >
        <h3>
          <label for="contact-notes">{label}</label>
        </h3>
        <textarea
          id="contact-notes"
          rows={4}
          maxLength={4000}
          value={draft}
          aria-describedby="contact-notes-hint"
          onInput={(e) => {
            setDraft((e.target as HTMLTextAreaElement).value);
            setState('idle');
          }}
        />
        <p id="contact-notes-hint" class="muted small">
          {t.notesHint}
          {notes.updatedBy && when && ` ${t.notesBy} ${notes.updatedBy} · ${when}`}
        </p>
        <div class="notes-actions">
          <button type="submit" class="ghost" disabled={state === 'saving' || draft.trim() === notes.text}>
            {t.notesSave}
          </button>
          <span role="status" class="small">
            {state === 'saved' ? t.notesSaved : ''}
          </span>
          {state === 'failed' && (
            <span role="alert" class="form-error small">
              {t.notesFailed}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

/** The contact's other conversations, newest first; each opens in the chat column. */
function PastConversations({ list, onOpen }: { list: ConversationSummary[]; onOpen?: ((summary: ConversationSummary) => void) | undefined }) {
  const t = strings();
  const date = new Intl.DateTimeFormat(locale.value, { day: 'numeric', month: 'short', year: 'numeric' });
  return (
    <section class="past-conversations" aria-labelledby="past-conversations-title">
      <h3 id="past-conversations-title">{t.pastConversations}</h3>
      {list.length === 0 ? (
        <p class="muted small">{t.noPastConversations}</p>
      ) : (
        <ul>
          {list.map((c) => (
            <li key={c.id}>
              <button type="button" class="item past" onClick={() => onOpen?.(c)}>
                <span class="row">
                  <time dateTime={new Date(c.createdAt).toISOString()}>{date.format(c.createdAt)}</time>
                  <span class={`status s-${c.status}`}>{t[`status_${c.status}`]}</span>
                </span>
                <span class="preview">{c.lastMessage?.text || visitorLabel(c, t.visitor)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
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
