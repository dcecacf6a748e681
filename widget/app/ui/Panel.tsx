/** The chat panel inside the iframe: header, connection state, log and composer. */
import type { Chat } from '../state/chat';
import { signal } from '../state/signal';
import { strings } from '../strings';
import { lazy } from '../lazy';
import { httpUrlOrNull } from '../../../shared/format';
import { Composer } from './Composer';
import { backWhen } from './when';
import { MessageList } from './MessageList';
import type { Rating } from './Rating';

/** The rating (ui/Rating.tsx), downloaded the first time a resolved chat asks for one: it puts itself here. */
export const rating = signal<typeof Rating | null>(null);
/** The offline and pre-chat form, downloaded the first time nobody is online or the site asks first. */
const Form = lazy(() => import('./ProfileForm'));
/** The shopper's earlier conversations, listed in place of the log when asked for. */
const History = lazy(() => import('./History'));
/** "Email me this chat", once the shopper left an address and the chat has begun. */
const Transcript = lazy(() => import('./Transcript'));
const showHistory = signal(false);

interface Props {
  chat: Chat;
  onClose(): void;
  inputRef: { current: HTMLTextAreaElement | null };
  livePreview: boolean;
  /** The site asks for name and email before the first message. */
  preChatForm: boolean;
  /** E-mail is not configured on the server: no offer to answer by e-mail. */
  noEmail?: boolean | undefined;
  /** A chime plays for new messages while the panel is closed. */
  sound?: boolean;
  onToggleSound?(): void;
}

/** "Volvemos el lunes a las 09:00 (hora de Madrid)" / "Back Monday at 09:00 (Madrid time)". */
function back(t: ReturnType<typeof strings>, w: ReturnType<typeof backWhen>): string {
  const said = (w.day ? t.backOn.replace('{day}', w.day) : t.backAt).replace('{time}', w.time);
  return w.city ? `${said} (${t.shopTime.replace('{city}', w.city)})` : said;
}

export function Panel({ chat, onClose, inputRef, livePreview, preChatForm, noEmail, sound, onToggleSound }: Props) {
  const t = strings(chat.locale.value);
  const { siteName, greeting } = chat.brand.value;
  // https only (the server checks it too): a logo must not downgrade the panel's page.
  const logoHref = httpUrlOrNull(chat.brand.value.logoUrl);
  const logo = logoHref?.startsWith('https:') ? logoHref : null;
  const availability = chat.availability.value;
  const profile = chat.profile.value;
  // The agent who has the chat (the last one who joined, was transferred it or wrote): the header
  // names them, not everyone online. A reopen that gave it back to them says so too.
  let holder: unknown;
  if (chat.conversationStatus.value === 'assigned')
    for (const i of chat.items.value) holder = i.payload?.toName || i.payload?.agentName || (i.author.kind === 'agent' && i.author.name) || holder;
  // A person who has the chat is there, whatever the hours say: no "nobody is online" then.
  const offline = !holder && availability !== null && !availability.available;
  const mailable = offline && !noEmail;
  const needsPreChat = preChatForm && !profile.email && chat.items.value.length === 0;
  // "Online now" only while this panel's own socket is up: without it, who is online is not known
  // (the banner says the shopper is offline or reconnecting; the holder is still named).
  const live = chat.status.value === 'open';
  // Offline, the header says only when people are back: the one email promise is below the log.
  const subtitle = holder
    ? live ? `${holder} · ${t.onlineNow}` : String(holder)
    : live && availability && availability.available && availability.names.length > 0
      ? `${availability.names.join(', ')} · ${t.onlineNow}`
      : offline
        ? availability.backAt ? back(t, backWhen(availability.backAt, Date.now(), chat.locale.value, availability.timeZone)) : null
        : t.headerSubtitle;
  const status = chat.status.value;
  const banner = status === 'offline' ? t.offline : status === 'reconnecting' ? t.reconnecting : chat.notice.value === 'slow_down' ? t.slowDown : null;
  return (
    <div class="panel" lang={chat.locale.value}>
      <header class="header">
        {logo && <img class="logo" src={logo} alt="" referrerpolicy="no-referrer" />}
        <div class="titles">
          <h1>{siteName || t.headerTitle}</h1>
          {subtitle && <p>{subtitle}</p>}
        </div>
        {chat.conversations.value.some((c) => c.id !== chat.current.value) && (
          <button type="button" class="sound" aria-pressed={showHistory.value ? 'true' : 'false'} aria-label={t.history} title={t.history} onClick={() => (showHistory.value = !showHistory.value)}>
            <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
              <path d="M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3" />
            </svg>
          </button>
        )}
        {onToggleSound && (
          <button type="button" class="sound" aria-pressed={sound ? 'true' : 'false'} aria-label={sound ? t.soundOn : t.soundOff} title={sound ? t.soundOn : t.soundOff} onClick={onToggleSound}>
            <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
              <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
              {sound ? <path d="M16 8a5 5 0 0 1 0 8M19 5a9 9 0 0 1 0 14" /> : <path d="M16 9l6 6M22 9l-6 6" />}
            </svg>
          </button>
        )}
        <button type="button" class="close" aria-label={t.close} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20">
            <path fill="currentColor" d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z" />
          </svg>
        </button>
      </header>
      <div class="status" role="status">
        {banner && <p class={`banner ${status}`}>{banner}</p>}
        {/* A place in the queue means someone is there to take it: not shown while nobody is. */}
        {!offline && chat.queue.value && chat.conversationStatus.value === 'queued' && (
          <p class="queue">
            {t.queuePosition.replace('{n}', String(chat.queue.value.position))} ·{' '}
            {(chat.queue.value.estimatedWaitMs ?? 0) < 60_000
              ? t.queueSoon
              : t.queueWait.replace('{m}', String(Math.round(chat.queue.value.estimatedWaitMs! / 60_000)))}
          </p>
        )}
      </div>
      {showHistory.value ? (
        <History chat={chat} t={t} onOpen={() => (showHistory.value = false)} />
      ) : (
      <MessageList items={chat.items.value} t={t} locale={chat.locale.value} onRetry={chat.retry} readSeq={chat.readSeq.value}
        onQuickReply={chat.send}
        greeting={greeting[chat.locale.value]}
        team={availability?.available ? availability.names : []}
        replyMin={offline ? null : chat.replyMin.value}
      />
      )}
      <p class="typing" aria-live="polite">
        {chat.agentTyping.value !== null ? `${chat.agentTyping.value || t.agent} ${t.isTyping}` : ''}
      </p>
      {chat.conversationStatus.value === 'resolved' &&
        (rating.value ? <rating.value chat={chat} /> : void import('./Rating'))}
      {chat.uploads.value.length > 0 && (
        <ul class="uploads" aria-live="polite">
          {chat.uploads.value.map((u) => (
            <li key={u.key} class={u.error ? 'upload-error' : ''}>
              <span>
                {u.name} ·{' '}
                {u.error === 'too_large' ? t.fileTooLarge : u.error === 'unsupported' ? t.unsupportedFile : u.error === 'rate_limited' ? t.slowDownFiles : u.error ? t.uploadFailed : `${t.uploading} ${u.progress}%`}
              </span>
              {u.error ? (
                <button type="button" class="retry" onClick={() => chat.dismissUpload(u.key)}>
                  {t.removeUpload}
                </button>
              ) : (
                <progress max={100} value={u.progress} aria-label={`${t.uploading} ${u.name}`} />
              )}
            </li>
          ))}
        </ul>
      )}
      {!noEmail && profile.email && chat.items.value.length > 0 && <Transcript chat={chat} email={profile.email} />}
      {mailable && !profile.email && !needsPreChat && (
        <Form t={t} mode="offline" initial={profile} onSave={(p) => void chat.saveProfile(p)} />
      )}
      {mailable && profile.email && (
        <p class="offline-note" role="status">
          {t.offlineTitle} {t.emailSaved} {profile.email}
        </p>
      )}
      {needsPreChat ? (
        <Form t={t} mode="prechat" initial={profile} onSave={(p) => void chat.saveProfile(p)} />
      ) : (
      <Composer
        t={t}
        onSend={chat.send}
        onAttach={(file) => void chat.attach(file)}
        inputRef={inputRef}
        onTyping={(text) => chat.typing(text.length > 0, livePreview ? text : undefined)}
      />
      )}
    </div>
  );
}
