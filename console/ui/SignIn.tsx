/** The sign-in form. Errors are announced and tied to the form. */
import { useState } from 'preact/hooks';
import type { Session, SignInError } from '../state/session';
import { strings } from '../state/locale';
import { LanguagePicker } from './LanguagePicker';
import { ThemeToggle } from './ThemeToggle';

export function SignIn({ session }: { session: Session }) {
  const t = strings();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SignInError | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const err = await session.signIn(email, password);
    setBusy(false);
    if (err) setError(err);
  };

  const message =
    error === 'rate_limited' ? t.tooManyAttempts : error === 'network' ? t.networkError : error ? t.badCredentials : null;

  return (
    <main class="signin">
      <form class="card" onSubmit={submit} aria-describedby={message ? 'signin-error' : undefined}>
        <div class="signin-top">
          <span class="brand">{t.appName}</span>
          <span>
            <LanguagePicker /> <ThemeToggle />
          </span>
        </div>
        <h1>{t.signInTitle}</h1>
        <label for="email">{t.email}</label>
        <input id="email" type="email" autoComplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        <label for="password">{t.password}</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
        {message && (
          <p id="signin-error" class="form-error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </main>
  );
}
