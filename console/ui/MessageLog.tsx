/** The transcript as an agent sees it: shopper, agents, bot, system events and internal notes. */
import { useEffect, useRef } from 'preact/hooks';
import type { TimelineItem } from '../../shared/timeline';
import { locale, strings } from '../state/locale';
import { Files } from './Files';
import { systemText } from '../../shared/system-events';

interface Props {
  items: TimelineItem[];
  hasEarlier: boolean;
  onLoadEarlier(): void;
  visitorName: string;
  visitorReadSeq: number;
  conversationId: string;
  onRetry(clientId: string): void;
}

export function MessageLog({ items, hasEarlier, onLoadEarlier, visitorName, visitorReadSeq, conversationId, onRetry }: Props) {
  const t = strings();
  const ref = useRef<HTMLOListElement>(null);
  const time = new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' });
  const lastKey = items[items.length - 1]?.key;
  useEffect(() => {
    // Stick to the bottom for new messages, not when older ones are added on top.
    if (ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [lastKey, conversationId]);
  useEffect(() => {
    // Measured by the browser test: from data (or selection) to a rendered conversation.
    performance.mark('mostrador:rendered');
  });
  // "Seen" marks the last team message the shopper has read.
  const lastSeen = [...items].reverse().find((m) => m.author.kind !== 'visitor' && m.kind !== 'note' && m.seq !== null && m.seq <= visitorReadSeq);

  return (
    <ol class="log" role="log" aria-live="polite" aria-label={t.messages} ref={ref} tabIndex={0}>
      {hasEarlier && (
        <li class="earlier">
          <button type="button" class="ghost" onClick={onLoadEarlier}>
            {t.loadEarlier}
          </button>
        </li>
      )}
      {items.map((m) => {
        if (m.kind === 'system') {
          return (
            <li key={m.key} class="event">
              {systemText(m.payload, m.text, t, 'agent')}
            </li>
          );
        }
        const mine = m.author.kind === 'agent';
        const note = m.kind === 'note';
        const card = m.kind === 'card';
        const who = m.author.kind === 'visitor' ? visitorName : m.author.kind === 'agent' ? (m.author.name ?? t.you) : (m.author.name ?? t.bot);
        return (
          <li key={m.key} class={`msg ${mine ? 'mine' : 'theirs'} ${m.state}${note ? ' note' : ''}${card ? ' card-msg' : ''}`}>
            <span class="who">
              {who}
              {note && <strong class="note-tag"> · {t.note}</strong>}
            </span>
            {m.text && <p class="text">{m.text}</p>}
            <Files payload={m.payload} />
            <span class="meta">
              {time.format(m.createdAt)}
              {m.state === 'sending' && ` · ${t.sending}`}
              {lastSeen?.key === m.key && ` · ${t.seen}`}
              {m.state === 'failed' && (
                <>
                  {` · ${t.failed} `}
                  <button type="button" class="link" onClick={() => onRetry(m.key)}>
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
