/** Opening an invitation link: the invitee sets their name and password and lands signed in. */
import { useEffect, useState } from 'preact/hooks';
import { passwordProblem } from '../../shared/accounts';
import { acceptInvite, openInvite, type InviteInfo } from '../state/account';
import { strings } from '../state/locale';
import type { Session } from '../state/session';
import { accountErrorText } from './AccountView';
import { LanguagePicker } from './LanguagePicker';
import { NewPasswordField } from './NewPasswordField';
import { ThemeToggle } from './ThemeToggle';

export function InviteAccept({ token, session, onLeave }: { token: string; session: Session; onLeave: () => void }) {
  const t = strings();
  const [invite, setInvite] = useState<InviteInfo | null | undefined>(undefined);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void openInvite(token).then(setInvite);
  }, [token]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!invite) return;
    setError(null);
    const weak = passwordProblem(password, invite.email);
    if (weak) return setError(t[`pw_${weak}`]);
    setBusy(true);
    const r = await acceptInvite(token, name, password);
    setBusy(false);
    if ('error' in r) {
      if (r.error.kind === 'invite_invalid') setInvite(null);
      return setError(accountErrorText(r.error, t));
    }
    // Signed in: leave the link (it is spent) and open the inbox.
    history.replaceState(null, '', location.pathname);
    session.agent.value = r.agent;
    onLeave();
  };

  return (
    <main class="signin">
      <form class="card" onSubmit={submit} aria-busy={invite === undefined} aria-describedby={error ? 'invite-error' : undefined}>
        <div class="signin-top">
          <span class="brand">{t.appName}</span>
          <span>
            <LanguagePicker /> <ThemeToggle />
          </span>
        </div>
        {invite === null && (
          <>
            <p class="form-error" role="alert">
              {t.inv_invalid}
            </p>
            <button
              type="button"
              class="primary"
              onClick={() => {
                history.replaceState(null, '', location.pathname);
                onLeave();
              }}
            >
              {t.inv_goSignIn}
            </button>
          </>
        )}
        {invite && (
          <>
            <h1>
              {t.inv_joinTitle} {invite.siteName}
            </h1>
            <p class="muted">
              {t.inv_invitedAs} <strong>{invite.email}</strong>
            </p>
            <input type="email" autoComplete="username" value={invite.email} hidden readOnly />
            <label for="invite-name">{t.inv_yourName}</label>
            <input id="invite-name" required maxLength={100} autoComplete="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            <NewPasswordField id="invite-password" label={t.inv_choosePassword} value={password} onInput={setPassword} />
            {error && (
              <p id="invite-error" class="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="primary" disabled={busy}>
              {t.inv_accept}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
