/**
 * Password reset: asking for a link (from the sign-in page) and choosing the new password
 * (the link opens /console/#/reset/<token>). The request answers alike whether the email has
 * an account, and so does this page.
 */
import { useEffect, useState } from 'preact/hooks';
import { passwordProblem } from '../../shared/accounts';
import { confirmReset, openReset, requestReset } from '../state/account';
import { strings } from '../state/locale';
import { accountErrorText } from './AccountView';
import { LanguagePicker } from './LanguagePicker';
import { NewPasswordField } from './NewPasswordField';
import { ThemeToggle } from './ThemeToggle';

function Top() {
  const t = strings();
  return (
    <div class="signin-top">
      <span class="brand">{t.appName}</span>
      <span>
        <LanguagePicker /> <ThemeToggle />
      </span>
    </div>
  );
}

/** "Forgot your password?": the agent's email → a link by e-mail. */
export function ResetRequest({ onBack }: { onBack: () => void }) {
  const t = strings();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await requestReset(email.trim());
    setBusy(false);
    if ('error' in r) return setResult({ ok: false, text: accountErrorText(r.error, t) });
    setResult({ ok: true, text: r.email ? t.rst_sent : t.rst_noEmail });
  };
  return (
    <main class="signin">
      <form class="card" onSubmit={submit}>
        <Top />
        <h1>{t.rst_requestTitle}</h1>
        <p class="muted">{t.rst_requestHelp}</p>
        <label for="reset-email">{t.email}</label>
        <input id="reset-email" type="email" required autoComplete="username" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        {result && (
          <p class={result.ok ? 'form-status' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t.rst_send}
        </button>
        <button type="button" class="link" onClick={onBack}>
          {t.rst_backToSignIn}
        </button>
      </form>
    </main>
  );
}

/** The page a reset link opens: the new password, then back to sign in. */
export function ResetPassword({ token, onLeave }: { token: string; onLeave: () => void }) {
  const t = strings();
  const [link, setLink] = useState<{ email: string; siteName: string } | null | undefined>(undefined);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void openReset(token).then(setLink);
  }, [token]);
  const leave = () => {
    history.replaceState(null, '', location.pathname);
    onLeave();
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!link) return;
    setError(null);
    const weak = passwordProblem(password, link.email);
    if (weak) return setError(t[`pw_${weak}`]);
    setBusy(true);
    const r = await confirmReset(token, password);
    setBusy(false);
    if ('error' in r) {
      if (r.error.kind === 'reset_invalid') setLink(null);
      return setError(accountErrorText(r.error, t));
    }
    setDone(true);
  };
  return (
    <main class="signin">
      <form class="card" onSubmit={submit} aria-busy={link === undefined} aria-describedby={error ? 'reset-error' : undefined}>
        <Top />
        <h1>{t.rst_requestTitle}</h1>
        {(link === null || done) && (
          <>
            <p class={done ? 'form-status' : 'form-error'} role={done ? 'status' : 'alert'}>
              {done ? t.rst_done : t.rst_invalid}
            </p>
            <button type="button" class="primary" onClick={leave}>
              {t.rst_backToSignIn}
            </button>
          </>
        )}
        {link && !done && (
          <>
            <p class="muted">
              {t.rst_for} <strong>{link.email}</strong> · {link.siteName}
            </p>
            <input type="email" autoComplete="username" value={link.email} hidden readOnly />
            <NewPasswordField id="reset-password" label={t.rst_newPassword} value={password} onInput={setPassword} />
            {error && (
              <p id="reset-error" class="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="primary" disabled={busy}>
              {t.rst_save}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
