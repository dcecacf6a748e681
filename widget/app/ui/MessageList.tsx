/** The conversation log: a polite live region, so screen readers announce new messages. */
import { Component, createRef, Fragment } from 'preact';
import type { WidgetStrings } from '../../../shared/i18n';
import type { TimelineItem } from '../../../shared/timeline';
import { cardOf } from '../state/frames';
import { AttachmentList, attachmentsOf } from './Attachments';
import type { CardProps } from './Card';
import { lazy } from '../lazy';
import { systemText } from '../../../shared/system-events';
import { Markdown } from '../../../shared/markdown';

/** Order and product cards and quick replies: their own chunk; until it is here, an order or product card shows its text. */
const Card = lazy<CardProps>(() => import('./Card'), (p) => p.card.type !== 'quick_replies' && p.text && <div class="text">{p.text}</div>);

interface Props {
  items: TimelineItem[];
  t: WidgetStrings;
  locale: string;
  onRetry(clientId: string): void;
  /** The team has read up to this seq: the shopper's messages up to it show as seen. */
  readSeq?: number;
  onQuickReply?(text: string): void;
  /** The shop's own welcome line, shown while the conversation is empty. */
  greeting?: string | undefined;
  /** Who of the team is online (names), shown while the conversation is empty. */
  team?: string[] | undefined;
  /** "We usually reply in X min", shown while the conversation is empty. */
  replyMin?: number | null | undefined;
}

/** "Today", "Yesterday" or the date: the label of a day separator. */
function dayLabel(at: number, now: number, t: WidgetStrings, locale: string): string {
  const day = (ms: number) => new Date(ms).toDateString();
  if (day(at) === day(now)) return t.today;
  if (day(at) === day(now - 86_400_000)) return t.yesterday;
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(at);
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
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

// A class, not hooks: preact/hooks would add ~1 KB to what every shopper downloads.
export class MessageList extends Component<Props> {
  ref = createRef<HTMLDivElement>();
  /** The shopper is at the newest message (not reading back): it stays in view when sizes change. */
  pinned = true;
  resized?: ResizeObserver;

  /** Keeps the newest message in view when one arrives or changes state. */
  scroll(): void {
    const el = this.ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }

  override componentDidMount(): void {
    this.scroll();
    // A banner above or the composer below that takes room, or an image that loads, changes a
    // size but not the scroll position: pinned to the bottom, the newest message stays in view.
    const el = this.ref.current!;
    el.onscroll = () => (this.pinned = el.scrollHeight - el.scrollTop - el.clientHeight < 30);
    if (typeof ResizeObserver == 'function') {
      this.resized = new ResizeObserver(() => this.pinned && this.scroll());
      this.resized.observe(el);
      this.resized.observe(el.firstElementChild!);
    }
  }

  override componentWillUnmount(): void {
    this.resized?.disconnect();
  }

  override componentDidUpdate(prev: Props): void {
    const a = prev.items;
    const b = this.props.items;
    if (a.length !== b.length || a[a.length - 1]?.state !== b[b.length - 1]?.state) this.scroll();
  }

  override render({ items, t, locale, onRetry, readSeq = 0, onQuickReply = () => {}, greeting, team = [], replyMin }: Props) {
  const now = Date.now();
  const ref = this.ref;
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });

  return (
    // The live region wraps the list: role="log" on the <ol> itself would orphan its items.
    <div class="log" role="log" aria-live="polite" aria-label={t.log} ref={ref} tabIndex={0}>
    <ol class="items">
      {items.length === 0 && (
        <li class="empty">
          {team.length > 0 && (
            <span class="team" role="img" aria-label={`${t.team}: ${team.join(', ')}`}>
              {team.slice(0, 4).map((n) => (
                <span class="avatar">{initials(n)}</span>
              ))}
            </span>
          )}
          {greeting || t.empty}
          {replyMin && <span class="reply-in">{t.replyIn.replace('{m}', String(replyMin))}</span>}
        </li>
      )}
      {items.map((item, index) => {
        const mine = item.author.kind === 'visitor';
        const previous = items[index - 1];
        const newDay = !previous || new Date(previous.createdAt).toDateString() !== new Date(item.createdAt).toDateString();
        const separator = newDay ? (
          <li key={`day-${item.key}`} class="day">
            {dayLabel(item.createdAt, now, t, locale)}
          </li>
        ) : null;
        if (item.kind === 'system') {
          const line = systemText(item.payload, item.text, t, 'shopper');
          if (!line) return separator;
          return (
            <Fragment key={item.key}>
              {separator}
              <li class="event">{line}</li>
            </Fragment>
          );
        }
        const card = item.kind === 'card' ? cardOf(item.payload) : null;
        const files = attachmentsOf(item.payload);
        const latest = index === items.length - 1;
        const name = authorLabel(item, t);
        // "Seen" goes under the last of the shopper's messages the team has read.
        const seen = mine && item.seq !== null && item.seq <= readSeq && !items.slice(index + 1).some((n) => n.author.kind === 'visitor' && n.seq !== null && n.seq <= readSeq);
        return (
          <Fragment key={item.key}>
          {separator}
          <li class={`msg ${mine ? 'mine' : 'theirs'} ${item.state}`}>
            <span class="who">
              {!mine && (
                <span class={`avatar ${item.author.kind}`} aria-hidden="true">
                  {initials(name) || '·'}
                </span>
              )}
              {name}
            </span>
            {card ? (
              card.type === 'quick_replies' ? (
                <>
                  <div class="text">
                    <Markdown text={item.text} />
                  </div>
                  <Card card={card} t={t} locale={locale} latest={latest} onQuickReply={onQuickReply} />
                </>
              ) : (
                <Card card={card} t={t} locale={locale} latest={latest} onQuickReply={onQuickReply} text={item.text} />
              )
            ) : (
              item.text && (
                <div class="text">
                  <Markdown text={item.text} />
                </div>
              )
            )}
            {files.length > 0 && <AttachmentList files={files} />}
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
          </Fragment>
        );
      })}
    </ol>
    </div>
  );
}
}
