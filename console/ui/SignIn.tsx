/** The sign-in form. Errors are announced and tied to the form. */
import { useState } from 'preact/hooks';
import type { Session, ShopChoice, SignInError } from '../state/session';
import { strings } from '../state/locale';
import { LanguagePicker } from './LanguagePicker';
import { ThemeToggle } from './ThemeToggle';

export function SignIn({ session, onForgot }: { session: Session; onForgot?: () => void }) {
  const t = strings();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SignInError | null>(null);
  // The same email and password open several shops: which one.
  const [shops, setShops] = useState<ShopChoice[] | null>(null);
  const [shop, setShop] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const result = await session.signIn(email, password, shops ? shop || shops[0]?.key : undefined);
    setBusy(false);
    if (result && typeof result === 'object') {
      setShops(result.chooseShop);
      setShop(result.chooseShop[0]?.key ?? '');
    } else if (result) setError(result);
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
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onInput={(e) => {
            setEmail((e.target as HTMLInputElement).value);
            setShops(null);
          }}
        />
        <label for="password">{t.password}</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
        {shops && (
          <>
            <label for="shop">{t.chooseShop}</label>
            <select id="shop" value={shop} onChange={(e) => setShop((e.target as HTMLSelectElement).value)} aria-describedby="shop-hint">
              {shops.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
            <p id="shop-hint" class="muted signin-hint">
              {t.chooseShopHint}
            </p>
          </>
        )}
        {message && (
          <p id="signin-error" class="form-error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
        {onForgot && (
          <button type="button" class="link" onClick={onForgot}>
            {t.rst_forgot}
          </button>
        )}
      </form>
    </main>
  );
}
