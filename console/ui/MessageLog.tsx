/**
 * The transcript as an agent sees it: shopper, agents, bot, system events and internal notes.
 *
 * Virtualised: only a window of at most MAX_RENDERED messages is in the DOM, however long the
 * history (a 5,000-message chat stays under 1,500 DOM nodes in the browser test). The window is
 * kept as an offset from the newest message, so new messages and older pages arriving do not
 * move what the agent is reading. Scrolling to the top (or "Load earlier") widens the window,
 * then asks the server for an older page; scrolling down slides it back towards the newest,
 * and "Jump to the latest" returns there at once. A scroll anchor keeps the visible message in
 * place while items are added or dropped around it.
 */
import { useLayoutEffect, useEffect, useRef, useState } from 'preact/hooks';
import type { TimelineItem } from '../../shared/timeline';
import { locale, strings } from '../state/locale';
import { Files } from './Files';
import { TranscriptCard } from './TranscriptCard';
import { parseCard } from '../../shared/cards';
import { systemText } from '../../shared/system-events';
import { Markdown } from '../../shared/markdown';

/** Messages in the DOM at most, and how many one step adds. */
export const MAX_RENDERED = 200;
const INITIAL = 100;
const STEP = 80;
const EDGE_PX = 48;

interface Props {
  items: TimelineItem[];
  hasEarlier: boolean;
  onLoadEarlier(): void;
  visitorName: string;
  visitorReadSeq: number;
  conversationId: string;
  onRetry(clientId: string): void;
  /** A message to bring into view and mark (a search result); `onFocused` once it is shown. */
  focusSeq?: number | null | undefined;
  onFocused?: (() => void) | undefined;
  /** Message id → why its e-mail was not delivered. */
  emailFailures?: Map<string, string> | undefined;
}

interface Window {
  /** Messages newer than the window (0: following the newest). */
  fromEnd: number;
  size: number;
}

/** The [start, end) slice of `length` items a window covers. */
export function windowSlice(length: number, w: Window): [number, number] {
  const end = Math.max(0, length - Math.min(w.fromEnd, length));
  return [Math.max(0, end - w.size), end];
}

/** The window widened upwards by `step`, dropping from the bottom past `max`. */
export function widen(w: Window, step: number, max: number): Window {
  const size = w.size + step;
  return size > max ? { fromEnd: w.fromEnd + size - max, size: max } : { fromEnd: w.fromEnd, size };
}

export function MessageLog({ items, hasEarlier, onLoadEarlier, visitorName, visitorReadSeq, conversationId, onRetry, focusSeq = null, onFocused, emailFailures }: Props) {
  const t = strings();
  const ref = useRef<HTMLDivElement>(null);
  const time = new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' });
  const when = new Intl.DateTimeFormat(locale.value, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const [win, setWin] = useState<Window>({ fromEnd: 0, size: INITIAL });
  const seen = useRef({ conversationId, length: items.length, lastKey: items[items.length - 1]?.key, wantOlder: false });
  const anchor = useRef<{ key: string; offset: number } | null>(null);

  // Keep the window on the same messages as the list changes underneath it.
  let w = win;
  const s = seen.current;
  const lastKey = items[items.length - 1]?.key;
  if (s.conversationId !== conversationId) {
    w = { fromEnd: 0, size: INITIAL };
    seen.current = { conversationId, length: items.length, lastKey, wantOlder: false };
  } else if (items.length !== s.length) {
    const appended = lastKey !== s.lastKey ? Math.max(0, items.length - s.length) : 0;
    // Reading older messages: newer arrivals go below the window, not into it.
    if (appended && w.fromEnd > 0) w = { ...w, fromEnd: w.fromEnd + appended };
    // An older page arrived because the agent asked: show it.
    if (!appended && s.wantOlder) w = widen(w, items.length - s.length, MAX_RENDERED);
    seen.current = { conversationId, length: items.length, lastKey, wantOlder: false };
  }
  // A search result: a window around that message (it loads first if it is on an older page).
  const [found, setFound] = useState<{ conversationId: string; seq: number } | null>(null);
  const focusAt = focusSeq !== null ? items.findIndex((m) => m.seq === focusSeq) : -1;
  if (focusAt >= 0) w = { fromEnd: Math.max(0, items.length - focusAt - 1 - 10), size: INITIAL };
  if (w.fromEnd !== win.fromEnd || w.size !== win.size) setWin(w);
  const [start, end] = windowSlice(items.length, w);
  const visible = items.slice(start, end);
  const following = w.fromEnd === 0;

  const remember = () => {
    const el = ref.current;
    if (!el) return;
    const first = [...el.querySelectorAll<HTMLElement>('li[data-key]')].find((li) => li.offsetTop + li.offsetHeight > el.scrollTop);
    anchor.current = first ? { key: first.dataset.key!, offset: first.offsetTop - el.scrollTop } : null;
  };

  const earlier = () => {
    remember();
    if (start > 0) setWin(widen(w, STEP, MAX_RENDERED));
    else if (hasEarlier) {
      seen.current.wantOlder = true;
      onLoadEarlier();
    }
  };
  const later = () => {
    if (w.fromEnd === 0) return;
    remember();
    setWin({ fromEnd: Math.max(0, w.fromEnd - STEP), size: w.size });
  };
  const latest = () => {
    anchor.current = null;
    setWin({ fromEnd: 0, size: INITIAL });
  };

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const a = anchor.current;
    anchor.current = null;
    const li = a ? el.querySelector<HTMLElement>(`li[data-key="${CSS.escape(a.key)}"]`) : null;
    if (li) el.scrollTop = li.offsetTop - a!.offset;
    // Stick to the bottom for new messages while following the newest.
    else if (following) el.scrollTop = el.scrollHeight;
  }, [lastKey, conversationId, start, end, following]);

  useLayoutEffect(() => {
    if (focusAt < 0 || focusSeq === null) return;
    const li = ref.current?.querySelector<HTMLElement>(`li[data-seq="${focusSeq}"]`);
    if (!li) return;
    li.scrollIntoView({ block: 'center' });
    setFound({ conversationId, seq: focusSeq });
    onFocused?.();
  }, [focusSeq, focusAt, conversationId, start, end]);

  useEffect(() => {
    // Measured by the browser test: from data (or selection) to a rendered conversation.
    performance.mark('mostrador:rendered');
  });

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    if (el.scrollTop < EDGE_PX && (start > 0 || hasEarlier)) earlier();
    else if (el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX && !following) later();
  };

  // "Seen" marks the last team message the shopper has read.
  const lastSeen = [...items].reverse().find((m) => m.author.kind !== 'visitor' && m.kind !== 'note' && m.seq !== null && m.seq <= visitorReadSeq);

  return (
    <div class="log-wrap">
      {/* role="log" on the <ol> itself would strip its list semantics and orphan every item. */}
      <div class="log" role="log" aria-live="polite" aria-label={t.messages} ref={ref} tabIndex={0} onScroll={onScroll}>
        <ol class="log-items">
        {(start > 0 || hasEarlier) && (
          <li class="earlier">
            <button type="button" class="ghost" onClick={earlier}>
              {t.loadEarlier}
            </button>
          </li>
        )}
        {visible.map((m) => {
          if (m.kind === 'system') {
            return (
              <li key={m.key} data-key={m.key} class="event">
                {systemText(m.payload, m.text, t, 'agent')}
              </li>
            );
          }
          const mine = m.author.kind === 'agent';
          const note = m.kind === 'note';
          const card = m.kind === 'card';
          // Agents see the card the shopper sees (its text is the fallback); quick replies keep their question.
          const parsed = card ? parseCard(m.payload) : null;
          // Who snoozed or woke the chat: an internal line, in the reader's language.
          const snooze = note && m.payload?.event === 'snoozed' ? (typeof m.payload.until === 'number' ? `${t.snoozedUntil} ${when.format(m.payload.until)}` : t.snoozedReply) : note && m.payload?.event === 'unsnoozed' ? t.unsnoozed : null;
          const text = snooze ? (
            <p class="text">{snooze}</p>
          ) : (
            m.text && (
              <div class="text">
                <Markdown text={m.text} />
              </div>
            )
          );
          const isFound = found !== null && found.conversationId === conversationId && m.seq === found.seq;
          const who = m.author.kind === 'visitor' ? visitorName : m.author.kind === 'agent' ? (m.author.name ?? t.you) : (m.author.name ?? t.bot);
          return (
            <li
              key={m.key}
              data-key={m.key}
              data-seq={m.seq ?? undefined}
              class={`msg ${mine ? 'mine' : 'theirs'} author-${m.author.kind} ${m.state}${note ? ' note' : ''}${card ? ' card-msg' : ''}${isFound ? ' found' : ''}`}
            >
              {isFound && <span class="sr-only">{t.foundMessage}: </span>}
              <span class="who">
                {who}
                {note && <strong class="note-tag"> · {t.note}</strong>}
                {m.channel === 'email' && <strong class="channel-tag"> · {t.viaEmail}</strong>}
                {typeof m.payload?.unverifiedSender === 'string' && <strong class="unverified-tag"> · {t.unverifiedSender.replace('{from}', m.payload.unverifiedSender)}</strong>}
              </span>
              {parsed?.type === 'quick_replies' && text}
              {parsed ? <TranscriptCard card={parsed} /> : text}
              <Files payload={m.payload} />
              <span class="meta">
                {time.format(m.createdAt)}
                {m.state === 'sending' && ` · ${t.sending}`}
                {lastSeen?.key === m.key && ` · ${t.seen}`}
                {emailFailures?.has(m.key) && <strong class="email-failed" role="status">{` · ${t.emailFailed.replace('{error}', emailFailures.get(m.key)!)}`}</strong>}
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
      </div>
      {!following && (
        <button type="button" class="jump-latest" onClick={latest}>
          {t.jumpToLatest}
        </button>
      )}
    </div>
  );
}
