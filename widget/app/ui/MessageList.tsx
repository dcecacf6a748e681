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
  /** The team has read up to this seq: the shopper's messages up to it show as seen. */
  readSeq?: number;
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

export function MessageList({ items, t, locale, onRetry, readSeq = 0 }: Props) {
  const ref = useRef<HTMLOListElement>(null);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });

  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [items.length, items[items.length - 1]?.state]);

  return (
    <ol class="log" role="log" aria-live="polite" aria-label={t.log} ref={ref} tabIndex={0}>
      {items.length === 0 && <li class="empty">{t.empty}</li>}
      {items.map((item, index) => {
        const mine = item.author.kind === 'visitor';
        if (item.kind === 'system') {
          return (
            <li key={item.key} class="event">
              {item.text}
            </li>
          );
        }
        // "Seen" goes under the last of the shopper's messages the team has read.
        const seen = mine && item.seq !== null && item.seq <= readSeq && !items.slice(index + 1).some((n) => n.author.kind === 'visitor' && n.seq !== null && n.seq <= readSeq);
        return (
          <li key={item.key} class={`msg ${mine ? 'mine' : 'theirs'} ${item.state}`}>
            <span class="who">{authorLabel(item, t)}</span>
            <p class="text">
              <Linkified text={item.text} />
            </p>
            <span class="meta">
              <time dateTime={new Date(item.createdAt).toISOString()}>{time.format(item.createdAt)}</time>
              {mine && item.state === 'sending' && <span> · {t.sending}</span>}
              {seen && <span class="seen"> · {t.seen}</span>}
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
