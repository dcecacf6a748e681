/**
 * "In messages": what the search box finds in the shop's messages (full text, server side),
 * below the conversations it matches. A result opens its chat at that message.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Inbox } from '../state/inbox';
import { locale, strings } from '../state/locale';
import { markedParts, searchable, searchMessages, type SearchAnswer } from '../state/search';
import { visitorLabel } from '../state/views';

const DEBOUNCE_MS = 250;

export function MessageSearch({ inbox, query, tag = '' }: { inbox: Inbox; query: string; tag?: string }) {
  // The list's channel filter narrows the search too.
  const channel = inbox.channel.value === 'all' ? undefined : inbox.channel.value;
  const t = strings();
  const [answer, setAnswer] = useState<{ query: string; tag: string; result: SearchAnswer | 'failed' } | null>(null);
  const wanted = query.trim();
  const active = searchable(wanted);

  useEffect(() => {
    if (!active) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      searchMessages(wanted, abort.signal, fetch, { tag, ...(channel ? { channel } : {}) }).then(
        (result) => setAnswer({ query: wanted, tag, result }),
        (err: unknown) => {
          if (!abort.signal.aborted) setAnswer({ query: wanted, tag, result: 'failed' });
          return err;
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [wanted, active, tag, channel]);

  if (!active) return null;
  const current = answer?.query === wanted && answer.tag === tag ? answer.result : null;
  const when = new Intl.DateTimeFormat(locale.value, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return (
    <section class="message-search" aria-labelledby="message-search-title">
      <h2 id="message-search-title" class="list-heading">
        {t.inMessages}
      </h2>
      <p class="muted" role="status">
        {current === null ? t.searchingMessages : current === 'failed' ? t.searchFailed : current.hits.length === 0 ? t.noMessageMatches : ''}
      </p>
      {current !== null && current !== 'failed' && current.hits.length > 0 && (
        <ul>
          {current.hits.map((hit) => {
            const summary = current.conversations.get(hit.conversationId);
            if (!summary) return null;
            return (
              <li key={`${hit.conversationId}:${hit.seq}`}>
                <button type="button" class="item hit" onClick={() => inbox.openAt(summary, hit.seq)}>
                  <span class="row">
                    <strong>{visitorLabel(summary, t.visitor)}</strong>
                    <time dateTime={hit.createdAt}>{when.format(new Date(hit.createdAt))}</time>
                  </span>
                  <span class="hit-text">
                    {markedParts(hit.snippet, hit.marks).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : part.text))}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
