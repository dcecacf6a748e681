/**
 * A secret the server returns once (the site's secret key, the bot's signing secret): "shown only
 * now" and a copy button. The caller keeps the value only in component memory.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { strings } from '../../state/locale';

export function SecretOnce({ secret, children }: { secret: string; children?: ComponentChildren }) {
  const t = strings();
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [secret]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <p class="warn-text" role="status">
      {children}
      {t.shownOnce}{' '}
      <button type="button" class="ghost" onClick={() => void copy()}>
        {copied ? t.copied : t.cfg_copyKey}
      </button>
    </p>
  );
}
