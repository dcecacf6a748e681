/**
 * The public key, and rotating the secret key (shown once, with a copy button; never fetched
 * again). The admin chooses how long the old key keeps working — until they retire it, 24 hours,
 * or not at all — and sees while it still does, with a button to retire it.
 */
import { useState } from 'preact/hooks';
import type { Admin, SiteSettings } from '../../state/admin';
import { locale, strings } from '../../state/locale';
import { operationError } from './feedback';
import { SecretOnce } from './SecretOnce';

type Keep = 'until_retired' | '24' | 'none';

export function KeysSection({ admin, site }: { admin: Admin; site: SiteSettings }) {
  const t = strings();
  // Only this component's memory holds the new key: leaving Settings or reloading forgets it.
  const [secret, setSecret] = useState<string | null>(null);
  const [keep, setKeep] = useState<Keep>('until_retired');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const rotate = async () => {
    if (!window.confirm(t.rotateConfirm)) return;
    const r = await admin.rotateSecret(keep === '24' ? 24 : keep);
    if (r.ok) {
      setSecret(r.value.secretKey);
      setError(null);
      setNotice(null);
    } else setError(operationError(r, t));
  };
  const retire = async () => {
    if (!window.confirm(t.retirePreviousConfirm)) return;
    const r = await admin.retirePreviousSecret();
    if (r.ok) {
      setNotice(t.previousRetired);
      setError(null);
    } else setError(operationError(r, t));
  };
  const previous = site.previousSecretKey;
  const until = previous?.validUntil
    ? new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(previous.validUntil))
    : null;
  return (
    <section class="panel-section" aria-labelledby="keys-title">
      <h2 id="keys-title">{t.apiKeys}</h2>
      <p>
        <span class="muted">{t.publicKey}: </span>
        <code>{site.publicKey}</code>
      </p>
      <p>
        <span class="muted">{t.secretKey}: </span>
        {secret ? <code class="secret">{secret}</code> : t.secretHidden}
      </p>
      {secret && <SecretOnce secret={secret} />}
      {previous && (
        <p role="status">
          {until ? t.previousKeyUntil.replace('{time}', until) : t.previousKeyUntilRetired}{' '}
          <button type="button" class="ghost" onClick={() => void retire()}>
            {t.retirePrevious}
          </button>
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <fieldset class="radio-row">
        <legend>{t.rotateKeep}</legend>
        {(['until_retired', '24', 'none'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="rotate-keep" value={k} checked={keep === k} onChange={() => setKeep(k)} />
            {k === 'until_retired' ? t.rotateKeepRetired : k === '24' ? t.rotateKeep24 : t.rotateKeepNone}
          </label>
        ))}
      </fieldset>
      <button type="button" class="ghost" onClick={() => void rotate()}>
        {t.rotate}
      </button>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
