/** One conversation: its log and the reply box. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Inbox } from '../state/inbox';
import { locale, strings } from '../state/locale';
import { visitorLabel } from './ConversationList';

export function ConversationView({ inbox }: { inbox: Inbox }) {
  const t = strings();
  const conversation = inbox.selected.value;
  const items = inbox.selectedItems.value;
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLOListElement>(null);
  const time = new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' });

  useEffect(() => {
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [items.length, conversation?.id]);

  if (!conversation) return <section class="view empty-view"><p class="muted">{t.selectConversation}</p></section>;
  const name = visitorLabel(conversation, t.visitor);

  const submit = (e: Event) => {
    e.preventDefault();
    if (!draft.trim()) return;
    inbox.send(draft);
    setDraft('');
  };

  return (
    <section class="view" aria-labelledby="conversation-title">
      <header class="view-header">
        <h2 id="conversation-title">{name}</h2>
        <span class={`status s-${conversation.status}`}>{t[`status_${conversation.status}`]}</span>
      </header>
      <ol class="log" role="log" aria-live="polite" aria-label={t.messages} ref={logRef} tabIndex={0}>
        {items.map((m) => {
          const mine = m.author.kind === 'agent';
          const who = m.author.kind === 'visitor' ? name : m.author.kind === 'agent' ? (m.author.id === undefined || m.author.name === undefined ? t.you : m.author.name) : t.bot;
          return (
            <li key={m.key} class={`msg ${mine ? 'mine' : 'theirs'} ${m.state}`}>
              <span class="who">{who}</span>
              <p class="text">{m.text}</p>
              <span class="meta">
                {time.format(m.createdAt)}
                {m.state === 'sending' && ` · ${t.sending}`}
                {m.state === 'failed' && (
                  <>
                    {` · ${t.failed} `}
                    <button type="button" class="link" onClick={() => inbox.retry(m.key)}>
                      {t.retry}
                    </button>
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ol>
      <form class="reply" onSubmit={submit}>
        <label for="reply" class="sr-only">
          {t.reply}
        </label>
        <textarea
          id="reply"
          rows={2}
          value={draft}
          placeholder={t.replyPlaceholder}
          onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
          }}
        />
        <button type="submit" class="primary" disabled={!draft.trim()}>
          {t.send}
        </button>
      </form>
    </section>
  );
}
