/** The agent's own account: change the password, and where they are signed in. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ConsoleStrings } from '../../shared/i18n';
import { PASSWORD_MIN, passwordProblem } from '../../shared/accounts';
import { createAccount, type AccountError } from '../state/account';
import { locale, strings } from '../state/locale';
import type { AgentInfo } from '../state/session';

/** An account error in the console's words. */
export function accountErrorText(e: AccountError, t: ConsoleStrings): string {
  if (e.kind === 'wrong_password') return t.acc_wrongPassword;
  if (e.kind === 'weak') return t[`pw_${e.reason}`] ?? t.pw_too_short;
  if (e.kind === 'invite_invalid') return t.inv_invalid;
  if (e.kind === 'reset_invalid') return t.rst_invalid;
  if (e.kind === 'exists') return t.inv_exists;
  return e.message === 'network' ? t.networkError : e.message;
}

/** "Firefox · Windows" from a User-Agent; the raw text when it is not one we know. */
export function describeBrowser(ua: string | null, t: ConsoleStrings): string {
  if (!ua) return t.acc_unknownDevice;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : null;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  return browser ? [browser, os].filter(Boolean).join(' · ') : ua.slice(0, 80);
}

export function AccountView({ agent }: { agent: AgentInfo }) {
  const t = strings();
  const account = useMemo(() => createAccount(), [agent.id]);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [othersDone, setOthersDone] = useState(false);
  useEffect(() => {
    void account.loadSessions();
  }, [account]);

  const change = async (e: Event) => {
    e.preventDefault();
    setStatus(null);
    // The same rule as the server's, said in the console's language before sending.
    const weak = passwordProblem(next, agent.email);
    if (weak) return setStatus({ ok: false, text: t[`pw_${weak}`] });
    const error = await account.changePassword(current, next);
    if (error) return setStatus({ ok: false, text: accountErrorText(error, t) });
    setCurrent('');
    setNext('');
    setStatus({ ok: true, text: t.acc_passwordChanged });
  };

  const when = (iso: string) => new Date(iso).toLocaleString(locale.value, { dateStyle: 'medium', timeStyle: 'short' });
  const others = account.sessions.value.filter((s) => !s.current);

  return (
    <main class="settings account" aria-labelledby="account-title">
      <h1 id="account-title">{t.acc_title}</h1>
      <form class="panel-section" aria-labelledby="password-title" onSubmit={change}>
        <h2 id="password-title">{t.acc_passwordTitle}</h2>
        {/* Lets password managers tie the new password to the account. */}
        <input type="email" autoComplete="username" value={agent.email} hidden readOnly />
        <label>
          {t.acc_currentPassword}
          <input type="password" required autoComplete="current-password" value={current} onInput={(e) => setCurrent((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t.acc_newPassword}
          <input
            type="password"
            required
            minLength={PASSWORD_MIN}
            autoComplete="new-password"
            aria-describedby="new-password-hint"
            value={next}
            onInput={(e) => setNext((e.target as HTMLInputElement).value)}
          />
        </label>
        <p id="new-password-hint" class="muted small">
          {t.acc_passwordHint}
        </p>
        <button type="submit" class="primary">
          {t.acc_changePassword}
        </button>
        <p class="form-status" role="status">
          {status?.ok ? status.text : ''}
        </p>
        {status && !status.ok && (
          <p class="form-error" role="alert">
            {status.text}
          </p>
        )}
      </form>
      <section class="panel-section" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t.acc_sessionsTitle}</h2>
        <table class="table sessions">
          <thead>
            <tr>
              <th scope="col">{t.acc_device}</th>
              <th scope="col">{t.acc_address}</th>
              <th scope="col">{t.acc_lastSeen}</th>
              <th scope="col">
                <span class="sr-only">{t.acc_endSession}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {account.sessions.value.map((s) => (
              <tr key={s.id} aria-current={s.current ? 'true' : undefined}>
                <td title={s.userAgent ?? ''}>
                  {describeBrowser(s.userAgent, t)}
                  {s.current && <strong> · {t.acc_thisDevice}</strong>}
                </td>
                <td>{s.address ?? '—'}</td>
                <td>{when(s.lastSeenAt)}</td>
                <td>
                  {!s.current && (
                    <button type="button" class="ghost" onClick={() => void account.endSession(s.id)}>
                      {t.acc_endSession} <span class="sr-only">{`${describeBrowser(s.userAgent, t)} ${s.address ?? ''}`}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          class="ghost"
          disabled={others.length === 0}
          onClick={async () => {
            setOthersDone(await account.signOutOthers());
          }}
        >
          {t.acc_signOutOthers}
        </button>
        <p class="form-status" role="status">
          {othersDone ? t.acc_othersSignedOut : ''}
        </p>
      </section>
    </main>
  );
}
