/** The list of conversations, newest activity first, with unread counts. */
import type { ConversationSummary } from '../../shared/protocol';
import type { Inbox } from '../state/inbox';
import { locale, strings } from '../state/locale';

export function visitorLabel(c: ConversationSummary, visitorWord: string): string {
  return c.visitorName || `${visitorWord} ${c.visitorId.slice(-4)}`;
}

export function ConversationList({ inbox }: { inbox: Inbox }) {
  const t = strings();
  const list = inbox.conversations.value;
  const time = new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' });
  return (
    <nav class="list" aria-label={t.conversations}>
      <h2>{t.conversations}</h2>
      {list.length === 0 && <p class="muted">{t.noConversations}</p>}
      <ul>
        {list.map((c) => {
          const count = inbox.unread.value.get(c.id) ?? 0;
          const current = inbox.selectedId.value === c.id;
          const name = visitorLabel(c, t.visitor);
          return (
            <li key={c.id}>
              <button type="button" class={`item${current ? ' current' : ''}`} aria-current={current ? 'true' : undefined} onClick={() => inbox.select(c.id)}>
                <span class="row">
                  <strong>{name}</strong>
                  <time>{time.format(c.updatedAt)}</time>
                </span>
                <span class="row">
                  <span class="preview">{c.lastMessage?.text ?? ''}</span>
                  {count > 0 && (
                    <span class="badge" aria-label={`${count} ${t.messages}`}>
                      {count}
                    </span>
                  )}
                </span>
                <span class={`status s-${c.status}`}>{t[`status_${c.status}`]}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
