/** Views, search and the conversations of the current view, with unread counts and whose turn it is. */
import { plainText } from '../../shared/markdown';
import { Avatar } from './Avatar';
import { useEffect, useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import type { Inbox } from '../state/inbox';
import { locale, strings } from '../state/locale';
import { MessageSearch } from './MessageSearch';
import { isSnoozed, visitorLabel, VIEWS, shopperWaitingSince, turn, waited, waitingSince } from '../state/views';

export { visitorLabel };

/** Re-renders every 30 s so waiting times stay current. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** "Snoozed until 14:00" / "Snoozed until the shopper writes". */
export function snoozeLabel(c: ConversationSummary, t: ReturnType<typeof strings>, lang: string): string {
  if (c.snoozedUntil == null) return t.snoozedReply;
  const sameDay = new Date(c.snoozedUntil).toDateString() === new Date().toDateString();
  const format = new Intl.DateTimeFormat(lang, sameDay ? { hour: '2-digit', minute: '2-digit' } : { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return `${t.snoozedUntil} ${format.format(c.snoozedUntil)}`;
}

export function ConversationList({ inbox, meId }: { inbox: Inbox; meId?: string }) {
  const t = strings();
  // Who has a chat: the team's names (an agent no longer on the team is shown by the word alone).
  const names = new Map(inbox.team.value.map((a) => [a.id, a.name]));
  const nameOf = (id: string) => names.get(id) ?? t.role_agent;
  const now = useNow();
  const list = inbox.visible.value;
  // Places in the whole queue (not in a filtered list), longest waiting first.
  const places = new Map(
    inbox.conversations.value
      .filter((c) => c.status === 'queued' && !isSnoozed(c))
      .sort((a, b) => waitingSince(a) - waitingSince(b))
      .map((c, i) => [c.id, i + 1]),
  );
  const time = new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' });
  // "Mías 3": the chats this agent holds now (snoozed ones have their own view).
  const mine = meId ? inbox.conversations.value.filter((c) => c.status === 'assigned' && c.assigneeId === meId && !isSnoozed(c)).length : 0;
  return (
    <nav class="list" aria-label={t.conversations}>
      <div class="views" role="group" aria-label={t.views}>
        {VIEWS.map((v) => (
          <button key={v} type="button" class="view-tab" aria-pressed={inbox.view.value === v} onClick={() => (inbox.view.value = v)}>
            {t[`view_${v}`]}
            {v === 'mine' && mine > 0 && <span class="count"> {mine}</span>}
            {v === 'queue' && inbox.queued.value > 0 && <span class="count"> {inbox.queued.value}</span>}
            {v === 'snoozed' && inbox.snoozed.value > 0 && <span class="count"> {inbox.snoozed.value}</span>}
          </button>
        ))}
      </div>
      <label class="search">
        <span class="sr-only">{t.search}</span>
        <input
          type="search"
          id="conversation-search"
          placeholder={t.searchShort}
          value={inbox.query.value}
          onInput={(e) => (inbox.query.value = (e.target as HTMLInputElement).value)}
        />
      </label>
      <label class="channel-filter small">
        {t.channelFilter}{' '}
        <select value={inbox.channel.value} onChange={(e) => (inbox.channel.value = (e.target as HTMLSelectElement).value as 'all' | 'chat' | 'email')}>
          <option value="all">{t.channelAll}</option>
          <option value="chat">{t.channelChat}</option>
          <option value="email">{t.channelEmail}</option>
        </select>
      </label>
      {(inbox.tagsInUse.value.length > 0 || inbox.tag.value) && (
        <label class="tag-filter small">
          {t.tagFilter}{' '}
          <select value={inbox.tag.value} onChange={(e) => (inbox.tag.value = (e.target as HTMLSelectElement).value)}>
            <option value="">{t.tagAll}</option>
            {[...new Set([...inbox.tagsInUse.value, ...(inbox.tag.value ? [inbox.tag.value] : [])])].map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
        </label>
      )}
      {list.length === 0 && <p class="muted">{inbox.query.value || inbox.tag.value ? t.noMatches : t.noConversations}</p>}
      <ul>
        {list.map((c) => {
          const count = inbox.unread.value.get(c.id) ?? 0;
          const current = inbox.selectedId.value === c.id;
          const whose = turn(c);
          return (
            <li key={c.id}>
              <button type="button" class={`item${current ? ' current' : ''}`} aria-current={current ? 'true' : undefined} onClick={() => inbox.select(c.id)}>
                <span class="row">
                  <strong>{visitorLabel(c, t.visitor)}</strong>
                  <time>{time.format(c.updatedAt)}</time>
                </span>
                <span class="row">
                  <span class="preview">{plainText(c.lastMessage?.text ?? '')}</span>
                  {count > 0 && (
                    <span class="badge" aria-label={`${count} ${t.messages}`}>
                      {count}
                    </span>
                  )}
                </span>
                <span class="row row-status">
                  <span class={`status s-${c.status}`}>{t[`status_${c.status}`]}</span>
                  {c.status === 'assigned' && c.assigneeId && (
                    <span class="holder">
                      <Avatar id={c.assigneeId} name={nameOf(c.assigneeId)} />
                      {c.assigneeId === meId ? t.holderMe : nameOf(c.assigneeId)}
                    </span>
                  )}
                  {c.status === 'queued' && places.has(c.id) && (
                    <span class="turn waiting">
                      {t.queuePlace.replace('{n}', String(places.get(c.id)))} · {waited(waitingSince(c), now, locale.value)}
                    </span>
                  )}
                  {c.team && (
                    <span class="team-tag">
                      {t.teamLabel}: {c.team}
                    </span>
                  )}
                  {whose === 'shopper-waiting' && c.status !== 'queued' && (
                    <span class="turn waiting">
                      {t.shopperWaiting} · {waited(shopperWaitingSince(c) ?? c.updatedAt, now, locale.value)}
                    </span>
                  )}
                  {whose === 'waiting-for-shopper' && <span class="turn">{t.waitingForShopper}</span>}
                  {isSnoozed(c) && <span class="snoozed-tag">{snoozeLabel(c, t, locale.value)}</span>}
                </span>
                {(c.tags ?? []).length > 0 && (
                  <span class="row row-tags">
                    <span class="sr-only">{t.tags}:</span>
                    {(c.tags ?? []).map((tag) => (
                      <span key={tag} class="tag small">
                        {tag}
                      </span>
                    ))}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
      <MessageSearch inbox={inbox} query={inbox.query.value} tag={inbox.tag.value} />
    </nav>
  );
}
