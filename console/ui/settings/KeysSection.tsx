/** The public key, and rotating the secret key (shown once, with a copy button; never fetched again). */
import { useState } from 'preact/hooks';
import type { Admin, SiteSettings } from '../../state/admin';
import { strings } from '../../state/locale';

export function KeysSection({ admin, site }: { admin: Admin; site: SiteSettings }) {
  const t = strings();
  // Only this component's memory holds the new key: leaving Settings or reloading forgets it.
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rotate = async () => {
    if (!window.confirm(t.rotateConfirm)) return;
    const r = await admin.rotateSecret();
    if (r.ok) {
      setSecret(r.value.secretKey);
      setCopied(false);
      setError(null);
    } else setError(r.error);
  };
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
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
      {secret && (
        <p class="warn-text" role="status">
          {t.shownOnce}{' '}
          <button type="button" class="ghost" onClick={() => void copy()}>
            {copied ? t.copied : t.cfg_copyKey}
          </button>
        </p>
      )}
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
