/** Who is on the shop now: page, time on site, cart, returning or identified; an agent can write first. */
import { useState } from 'preact/hooks';
import type { VisitorSummary } from '../../shared/protocol';
import { formatMoney, httpUrlOrNull } from '../../shared/format';
import type { Inbox } from '../state/inbox';
import { locale, strings } from '../state/locale';
import { openChats, sortVisitors, waited } from '../state/views';
import { useNow } from './ConversationList';

export function VisitorsView({ inbox, onOpenChat }: { inbox: Inbox; onOpenChat(conversationId: string): void }) {
  const t = strings();
  const now = useNow();
  const [composing, setComposing] = useState<string | null>(null);
  const list = sortVisitors(inbox.visitors.value.values());
  // Conversations come newest first: the first open one per visitor is the one to open.
  const open = openChats(inbox.conversations.value);
  const error = inbox.startError.value;
  const counts = inbox.visitorCounts.value;
  return (
    <section class="visitors-view" aria-labelledby="visitors-title">
      <h2 id="visitors-title">{t.visitors}</h2>
      <p class="muted small">{t.visitorsHelp}</p>
      {error && (
        <p class="form-error" role="alert">
          {t.startFailed} {error.message}
        </p>
      )}
      {list.length === 0 ? (
        <p class="muted">{t.noVisitors}</p>
      ) : (
        <table class="visitors-table">
          <thead>
            <tr>
              <th scope="col">{t.visitor}</th>
              <th scope="col">{t.page}</th>
              <th scope="col">{t.timeOnSite}</th>
              <th scope="col">{t.cartValue}</th>
              <th scope="col">
                <span class="sr-only">{t.startChat}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <VisitorRow key={v.visitorId} v={v} now={now} openChat={open.get(v.visitorId) ?? null} onOpenChat={onOpenChat} composing={composing === v.visitorId} onCompose={(on) => setComposing(on ? v.visitorId : null)} onStart={(text) => {
                inbox.startChat(v.visitorId, text);
                setComposing(null);
              }} />
            ))}
          </tbody>
        </table>
      )}
      {/* A busy shop's list comes in pages: the first with the console, more on demand. */}
      {counts.total > list.length && (
        <p class="muted small">
          {t.visitorsShown.replace('{shown}', String(list.length)).replace('{total}', String(counts.total))}{' '}
          {inbox.visitorsMore.value && (
            <button type="button" class="ghost small-btn" onClick={inbox.loadMoreVisitors}>
              {t.moreVisitors}
            </button>
          )}
        </p>
      )}
    </section>
  );
}

function VisitorRow({
  v,
  now,
  openChat,
  onOpenChat,
  composing,
  onCompose,
  onStart,
}: {
  v: VisitorSummary;
  now: number;
  /** The visitor's open conversation: offered instead of starting another. */
  openChat: string | null;
  onOpenChat(conversationId: string): void;
  composing: boolean;
  onCompose(on: boolean): void;
  onStart(text: string): void;
}) {
  const t = strings();
  const loc = locale.value;
  const [text, setText] = useState('');
  const name = v.name || `${t.visitor} ${v.visitorId.slice(-4)}`;
  const href = httpUrlOrNull(v.url);
  const formId = `start-${v.visitorId}`;
  return (
    <>
      <tr class={v.online ? '' : 'left'}>
        <th scope="row">
          <span class="who-name">{name}</span>{' '}
          <span class={`pill ${v.online ? 'ok' : ''}`}>{v.online ? t.online : t.offlineNow}</span>{' '}
          {/* A customer who has bought is never "new", whatever this browser's history. */}
          <span class="pill">
            {v.orders ? (v.orders === 1 ? t.customerOrders_one : t.customerOrders_other.replace('{n}', String(v.orders))) : v.returning ? t.returning : t.newVisitor}
          </span>
          {v.identified && (
            <>
              {' '}
              <span class={`pill ${v.verified ? 'ok' : 'warn'}`}>{v.verified ? t.verified : t.identified}</span>
            </>
          )}
        </th>
        <td>
          {v.url ? (
            href ? (
              <a href={href} target="_blank" rel="noopener noreferrer nofollow">
                {v.title || v.url}
              </a>
            ) : (
              v.title || v.url
            )
          ) : (
            <span class="muted">—</span>
          )}
        </td>
        <td>{waited(v.since, now, loc)}</td>
        <td>{v.cart && v.cart.count > 0 ? formatMoney(v.cart.total, v.cart.currency, loc) : <span class="muted">—</span>}</td>
        <td>
          {openChat ? (
            <button type="button" class="ghost small-btn" onClick={() => onOpenChat(openChat)}>
              {t.openVisitorChat}
              <span class="sr-only"> · {name}</span>
            </button>
          ) : v.online && (
            <button type="button" class="ghost small-btn" aria-expanded={composing} aria-controls={composing ? formId : undefined} onClick={() => onCompose(!composing)}>
              {t.startChat}
              <span class="sr-only"> · {name}</span>
            </button>
          )}
        </td>
      </tr>
      {composing && !openChat && (
        <tr class="start-row">
          <td colSpan={5}>
            <form
              id={formId}
              class="start-chat"
              onSubmit={(e) => {
                e.preventDefault();
                if (text.trim()) onStart(text);
              }}
            >
              <label for={`${formId}-text`}>
                {t.startChatWith} {name}
              </label>
              <textarea id={`${formId}-text`} rows={2} value={text} autoFocus onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
              <button type="submit" class="primary" disabled={!text.trim()}>
                {t.startChatSend}
              </button>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}
