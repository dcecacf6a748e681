/** The public key, and rotating the secret key (shown once, with a copy button; never fetched again). */
import { useState } from 'preact/hooks';
import type { Admin, SiteSettings } from '../../state/admin';
import { strings } from '../../state/locale';
import { SecretOnce } from './SecretOnce';

export function KeysSection({ admin, site }: { admin: Admin; site: SiteSettings }) {
  const t = strings();
  // Only this component's memory holds the new key: leaving Settings or reloading forgets it.
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rotate = async () => {
    if (!window.confirm(t.rotateConfirm)) return;
    const r = await admin.rotateSecret();
    if (r.ok) {
      setSecret(r.value.secretKey);
      setError(null);
    } else setError(r.error);
  };
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
