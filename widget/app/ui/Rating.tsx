/**
 * "¿Qué tal te hemos atendido?" under a resolved chat: five buttons (1–5), an optional comment,
 * a send button, then a thank-you line. Its own chunk, imported by the panel only when a resolved
 * chat asks for a rating, so shoppers who never see it never download it (nor its strings).
 * One rating per resolution: the server refuses a second (`conflict`), shown as already rated; a
 * reopened chat that is resolved again mounts this afresh and asks again. What was rated is
 * remembered on this device (conversation and how long the chat was), so a reload does not ask
 * again for the same resolution.
 */
import { Component } from 'preact';
import type { Locale } from '../../../shared/i18n';
import type { Chat } from '../state/chat';
import { rating } from './Panel';
import cardsCss from '../../styles/cards.css?inline';
import profileCss from '../../styles/profile.css?inline';
import { adopt } from '../lazy';

export const RATING_STRINGS = {
  es: {
    ask: '¿Qué tal te hemos atendido?',
    score: '{n} de 5',
    comment: 'Comentario (opcional)',
    send: 'Enviar valoración',
    thanks: '¡Gracias por tu valoración!',
    already: 'Ya habías valorado esta conversación. ¡Gracias!',
    failed: 'No se ha podido enviar. Inténtalo de nuevo.',
  },
  en: {
    ask: 'How did we do?',
    score: '{n} of 5',
    comment: 'Comment (optional)',
    send: 'Send rating',
    thanks: 'Thanks for your rating!',
    already: 'You have already rated this conversation. Thanks!',
    failed: 'It could not be sent. Please try again.',
  },
} satisfies Record<Locale, Record<string, string>>;

interface State {
  score: number;
  comment: string;
  phase: 'ask' | 'sending' | 'thanks' | 'already' | 'failed';
}

export class Rating extends Component<{ chat: Chat }, State> {
  override state: State = { score: 0, comment: '', phase: 'ask' };
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** This resolution, as remembered once rated: the chat's last message then (a reopened chat has newer ones). */
  private mark(): string {
    return this.props.chat.items.value.at(-1)?.key ?? '';
  }

  override componentWillUnmount(): void {
    clearTimeout(this.timer);
  }

  private submit = (e: Event): void => {
    e.preventDefault();
    const { chat } = this.props;
    const { score, comment } = this.state;
    if (!score || this.state.phase === 'sending') return;
    const clientId = `rate${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
    const done = (phase: State['phase']) => {
      clearTimeout(this.timer);
      if (phase !== 'failed') chat.pref.set('rated', this.mark());
      this.setState({ phase });
    };
    this.setState({ phase: 'sending' });
    this.timer = setTimeout(() => done('failed'), 10_000);
    chat.rate({ type: 'conversation.rate', clientId, score, ...(comment.trim() ? { comment: comment.trim() } : {}) }, (f) => {
      if (f.type === 'ack' && f.clientId === clientId) done('thanks');
      else if (f.type === 'error' && f.ref === clientId) done(f.code === 'conflict' ? 'already' : 'failed');
    });
  };

  override render({ chat }: { chat: Chat }, { score, comment, phase }: State) {
    const t = RATING_STRINGS[chat.locale.value];
    if (phase === 'thanks' || phase === 'already' || chat.pref.get('rated') === this.mark())
      return (
        <p class="offline-note" role="status">
          {phase === 'already' ? t.already : t.thanks}
        </p>
      );
    return (
      <form class="profile rating" onSubmit={this.submit} aria-labelledby="rating-title">
        <p id="rating-title" class="profile-title">
          <strong>{t.ask}</strong>
        </p>
        <div class="quick" role="group" aria-labelledby="rating-title">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              type="button"
              class="quick-reply"
              aria-label={t.score.replace('{n}', String(n))}
              aria-pressed={n === score ? 'true' : 'false'}
              style={n === score ? { background: 'var(--brand)', color: '#fff' } : undefined}
              onClick={() => this.setState({ score: n, phase: phase === 'failed' ? 'ask' : phase })}
            >
              {n}
            </button>
          ))}
        </div>
        <label for="rating-comment">{t.comment}</label>
        <input id="rating-comment" maxLength={1000} value={comment} onInput={(e) => this.setState({ comment: (e.target as HTMLInputElement).value })} />
        {phase === 'failed' && (
          <span class="error" role="alert">
            {t.failed}
          </span>
        )}
        <button type="submit" class="send" disabled={!score || phase === 'sending'}>
          {t.send}
        </button>
      </form>
    );
  }
}

rating.value = Rating;

adopt(cardsCss);
adopt(profileCss);
