/** A new password with its label and the strength hint (invitation and reset pages). */
import { PASSWORD_MIN } from '../../shared/accounts';
import { strings } from '../state/locale';

export function NewPasswordField({ id, label, value, onInput }: { id: string; label: string; value: string; onInput: (value: string) => void }) {
  const t = strings();
  return (
    <>
      <label for={id}>{label}</label>
      <input
        id={id}
        type="password"
        required
        minLength={PASSWORD_MIN}
        autoComplete="new-password"
        aria-describedby={`${id}-hint`}
        value={value}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)}
      />
      <p id={`${id}-hint`} class="muted signin-hint">
        {t.acc_passwordHint}
      </p>
    </>
  );
}
