/** Offline mode (leave an email) and the optional pre-chat form (name and email). */
import { Component } from 'preact';
import type { WidgetStrings } from '../../../shared/i18n';
import profileCss from '../../styles/profile.css?inline';
import { adopt } from '../lazy';

export interface ProfileFormProps {
  t: WidgetStrings;
  mode: 'offline' | 'prechat';
  initial: { name: string | null; email: string | null };
  onSave(p: { name?: string; email: string }): void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface State {
  name: string;
  email: string;
  invalid: boolean;
}

// A class, not hooks: preact/hooks would add ~1 KB to what every shopper downloads.
export class ProfileForm extends Component<ProfileFormProps, State> {
  constructor(props: ProfileFormProps) {
    super(props);
    this.state = { name: props.initial.name ?? '', email: props.initial.email ?? '', invalid: false };
  }

  override render({ t, mode, onSave }: ProfileFormProps, { name, email, invalid }: State) {
  const setName = (v: string) => this.setState({ name: v });
  const setEmail = (v: string) => this.setState({ email: v });
  const setInvalid = (v: boolean) => this.setState({ invalid: v });
  const submit = (e: Event) => {
    e.preventDefault();
    if (!EMAIL.test(email.trim())) return setInvalid(true);
    setInvalid(false);
    onSave({ email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
  };
  const id = `profile-${mode}`;
  return (
    <form class={`profile ${mode}`} onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <p id={`${id}-title`} class="profile-title">
        {mode === 'offline' ? (
          <>
            <strong>{t.offlineTitle}</strong> {t.offlineAsk}
          </>
        ) : (
          t.preChatTitle
        )}
      </p>
      {mode === 'prechat' && (
        <>
          <label for={`${id}-name`}>{t.yourName}</label>
          <input id={`${id}-name`} autoComplete="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </>
      )}
      <label for={`${id}-email`}>{t.yourEmail}</label>
      <input
        id={`${id}-email`}
        type="email"
        autoComplete="email"
        required
        value={email}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
      />
      {invalid && (
        <span id={`${id}-error`} class="error" role="alert">
          {t.invalidEmail}
        </span>
      )}
      <button type="submit" class="send">
        {mode === 'offline' ? t.saveEmail : t.startChat}
      </button>
    </form>
  );
}
}

export default ProfileForm;

adopt(profileCss);
