/** Invite an agent by email: a one-time link (72 h) the admin copies and sends; pending ones can be withdrawn. */
import { useEffect, useState } from 'preact/hooks';
import type { Admin } from '../../state/admin';
import { locale, strings } from '../../state/locale';
import { saveError } from './feedback';

export function InvitesSection({ admin }: { admin: Admin }) {
  const t = strings();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'admin' | 'agent'>('agent');
  const [created, setCreated] = useState<{ email: string; link: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void admin.loadInvites();
  }, [admin]);

  const invite = async (e: Event) => {
    e.preventDefault();
    setCopied(false);
    const r = await admin.createInvite(email, role);
    if (!r.ok) return setError(saveError(r, t)?.message ?? r.error);
    setError(null);
    setCreated({ email: r.value.email, link: r.value.link });
    setEmail('');
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.link);
      setCopied(true);
    } catch {
      // No clipboard (permissions): the field is selected for the admin to copy.
      (document.getElementById('invite-link') as HTMLInputElement | null)?.select();
    }
  };

  return (
    <section class="panel-section" aria-labelledby="invites-title">
      <h2 id="invites-title">{t.inv_title}</h2>
      <p class="muted small">{t.inv_help}</p>
      <form class="inline-form" onSubmit={invite} aria-labelledby="invites-title">
        <label>
          {t.email}
          <input required type="email" maxLength={254} value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t.role}
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as 'admin' | 'agent')}>
            <option value="agent">{t.role_agent}</option>
            <option value="admin">{t.role_admin}</option>
          </select>
        </label>
        <button type="submit" class="primary">
          {t.inv_create}
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {created && (
        <div class="secret-once">
          <label for="invite-link">
            {t.inv_linkFor} {created.email}
          </label>
          <div class="row">
            <input id="invite-link" readOnly value={created.link} onFocus={(e) => (e.target as HTMLInputElement).select()} aria-describedby="invite-link-help" />
            <button type="button" class="ghost" onClick={() => void copy()}>
              {t.inv_copy}
            </button>
          </div>
          <p id="invite-link-help" class="muted small">
            {t.inv_linkHelp}
          </p>
          <p class="form-status" role="status">
            {copied ? t.inv_copied : ''}
          </p>
        </div>
      )}
      {admin.invites.value.length > 0 && (
        <>
          <h3>{t.inv_pending}</h3>
          <ul class="plain-list invites">
            {admin.invites.value.map((i) => (
              <li key={i.id}>
                {i.email} · {i.role === 'admin' ? t.role_admin : t.role_agent} · {t.inv_expires}{' '}
                {new Date(i.expiresAt).toLocaleString(locale.value, { dateStyle: 'medium', timeStyle: 'short' })}{' '}
                <button type="button" class="ghost" onClick={() => void admin.withdrawInvite(i.id)}>
                  {t.inv_withdraw} <span class="sr-only">{i.email}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
