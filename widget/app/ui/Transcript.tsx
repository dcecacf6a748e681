/**
 * "Enviarme este chat por email": the conversation shown, by e-mail to the address the shopper
 * left (the server sends it through the mail outbox). Its own chunk with its own strings: shown
 * only once there is an address and e-mail is configured.
 */
import { Component } from 'preact';
import type { Chat } from '../state/chat';
import transcriptCss from '../../styles/transcript.css?inline';
import { adopt } from '../lazy';

const S = {
  es: { ask: 'Enviarme este chat por email', sent: 'Enviado a' },
  en: { ask: 'Email me this chat', sent: 'Sent to' },
};

interface Props {
  chat: Chat;
  email: string;
}

export default class Transcript extends Component<Props, { sent?: string | null }> {
  override render({ chat, email }: Props) {
    const s = S[chat.locale.value];
    // Sent for this conversation: another one shown may be asked for again.
    const sent = this.state.sent === chat.current.value;
    return (
      <button
        type="button"
        class="retry transcript"
        disabled={sent}
        onClick={() => {
          chat.transcript();
          this.setState({ sent: chat.current.value });
        }}
      >
        {sent ? `${s.sent} ${email}` : s.ask}
      </button>
    );
  }
}

adopt(transcriptCss);
