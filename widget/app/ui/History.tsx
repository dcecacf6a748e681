/**
 * A returning shopper's conversations on this site (this device's, or all of theirs as a
 * verified customer), newest first, shown in place of the log. Opening one shows it; writing in
 * it continues it (a resolved one reopens). Its own chunk: most shoppers never open it.
 */
import type { WidgetStrings } from '../../../shared/i18n';
import type { Chat } from '../state/chat';
import historyCss from '../../styles/history.css?inline';
import { adopt } from '../lazy';

const STATUS = {
  es: { open: 'Abierta', resolved: 'Resuelta', current: 'Actual' },
  en: { open: 'Open', resolved: 'Resolved', current: 'Current' },
};

export default function History({ chat, t, onOpen }: { chat: Chat; t: WidgetStrings; onOpen(): void }) {
  const locale = chat.locale.value;
  const s = STATUS[locale];
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return (
    <nav class="log history" aria-label={t.history}>
      <ul>
        {chat.conversations.value.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              aria-current={c.id === chat.current.value ? 'true' : undefined}
              onClick={() => {
                chat.openConversation(c.id);
                onOpen();
              }}
            >
              <span class="meta">
                {date.format(c.updatedAt)} · {c.id === chat.current.value ? s.current : c.status === 'resolved' ? s.resolved : s.open}
              </span>
              <span class="preview">{c.preview ?? '…'}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

adopt(historyCss);
