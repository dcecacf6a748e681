/** The public key, and rotating the secret key (shown once). */
import { useState } from 'preact/hooks';
import type { Admin, SiteSettings } from '../../state/admin';
import { strings } from '../../state/locale';

export function KeysSection({ admin, site }: { admin: Admin; site: SiteSettings }) {
  const t = strings();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rotate = async () => {
    if (!window.confirm(t.rotateConfirm)) return;
    const r = await admin.rotateSecret();
    if (r.ok) setSecret(r.value.secretKey);
    else setError(r.error);
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
      {secret && <p class="warn-text">{t.shownOnce}</p>}
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
