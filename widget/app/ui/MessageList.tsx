/** The conversation log: a polite live region, so screen readers announce new messages. */
import { useEffect, useRef } from 'preact/hooks';
import type { WidgetStrings } from '../../../shared/i18n';
import type { TimelineItem } from '../../../shared/timeline';
import { Linkified } from './linkify';

interface Props {
  items: TimelineItem[];
  t: WidgetStrings;
  locale: string;
  onRetry(clientId: string): void;
}

function authorLabel(item: TimelineItem, t: WidgetStrings): string {
  switch (item.author.kind) {
    case 'visitor':
      return t.you;
    case 'agent':
      return item.author.name ?? t.agent;
    case 'bot':
      return item.author.name ?? t.bot;
    default:
      return '';
  }
}

export function MessageList({ items, t, locale, onRetry }: Props) {
  const ref = useRef<HTMLOListElement>(null);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });

  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [items.length, items[items.length - 1]?.state]);

  return (
    <ol class="log" role="log" aria-live="polite" aria-label={t.log} ref={ref} tabIndex={0}>
      {items.length === 0 && <li class="empty">{t.empty}</li>}
      {items.map((item) => {
        const mine = item.author.kind === 'visitor';
        return (
          <li key={item.key} class={`msg ${mine ? 'mine' : 'theirs'} ${item.state}`}>
            <span class="who">{authorLabel(item, t)}</span>
            <p class="text">
              <Linkified text={item.text} />
            </p>
            <span class="meta">
              <time dateTime={new Date(item.createdAt).toISOString()}>{time.format(item.createdAt)}</time>
              {mine && item.state === 'sending' && <span> · {t.sending}</span>}
              {mine && item.state === 'failed' && (
                <>
                  <span class="failed"> · {t.failed} </span>
                  <button type="button" class="retry" onClick={() => onRetry(item.key)}>
                    {t.retry}
                  </button>
                </>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
