/**
 * The site's own bot: its URL, what happens when it fails, its time-out; the signing secret is
 * shown once when issued (first URL or "new signing secret"), with a copy button, and kept only
 * in this component's memory.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Admin, ExternalBot } from '../../state/admin';
import { strings } from '../../state/locale';
import { saveError } from './feedback';
import { SecretOnce } from './SecretOnce';

export function BotSection({ admin }: { admin: Admin }) {
  const t = strings();
  const [bot, setBot] = useState<ExternalBot | null>(null);
  const [url, setUrl] = useState('');
  const [fallback, setFallback] = useState<'builtin' | 'handoff'>('builtin');
  const [seconds, setSeconds] = useState('5');
  const [secret, setSecret] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const show = (b: ExternalBot) => {
    setBot(b);
    setUrl(b.url ?? '');
    setFallback(b.fallback);
    setSeconds(String(b.timeoutMs / 1000));
  };
  useEffect(() => {
    void admin.getBot().then((r) => (r.ok ? show(r.value) : setError(r.error)));
  }, [admin]);

  const save = async (input: Parameters<Admin['saveBot']>[0]) => {
    setStatus(null);
    const r = await admin.saveBot(input);
    if (!r.ok) {
      setError(saveError(r, t, { url: t.cfg_botUrl })?.message ?? r.error);
      return;
    }
    setError(null);
    show(r.value);
    if (r.value.secret) setSecret(r.value.secret);
    if (input.url === null) setSecret(null);
    setStatus(t.saved);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const timeoutMs = Math.round(Number(seconds) * 1000);
    void save({ url: url.trim() || null, fallback, ...(Number.isFinite(timeoutMs) && timeoutMs > 0 ? { timeoutMs } : {}) });
  };

  return (
    <form class="panel-section" aria-labelledby="bot-title" onSubmit={submit}>
      <h2 id="bot-title">{t.cfg_botTitle}</h2>
      <p class="muted">{t.cfg_botHelp}</p>
      {bot && !bot.url && <p>{t.cfg_botNone}</p>}
      <label for="bot-url">{t.cfg_botUrl}</label>
      <input
        id="bot-url"
        type="url"
        inputMode="url"
        placeholder="https://"
        value={url}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'bot-error' : undefined}
        onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
      />
      <fieldset class="radio-row">
        <legend>{t.cfg_botFallback}</legend>
        {(['builtin', 'handoff'] as const).map((f) => (
          <label key={f}>
            <input type="radio" name="bot-fallback" value={f} checked={fallback === f} onChange={() => setFallback(f)} />
            {f === 'builtin' ? t.cfg_botFallbackBuiltin : t.cfg_botFallbackHandoff}
          </label>
        ))}
      </fieldset>
      <label for="bot-timeout">{t.cfg_botTimeout}</label>
      <input id="bot-timeout" type="number" min={0.5} max={15} step={0.5} value={seconds} onInput={(e) => setSeconds((e.target as HTMLInputElement).value)} />
      {secret && (
        <SecretOnce secret={secret}>
          <span class="muted">{t.cfg_botSecret}: </span>
          <code class="secret">{secret}</code>{' '}
        </SecretOnce>
      )}
      {error && (
        <p id="bot-error" class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="row-actions">
        <button type="submit" class="primary">
          {t.save}
        </button>
        {bot?.url && (
          <>
            <button type="button" class="ghost" onClick={() => void save({ url: bot.url, rotateSecret: true })}>
              {t.cfg_botRotate}
            </button>
            <button type="button" class="ghost" onClick={() => void save({ url: null })}>
              {t.cfg_botRemove}
            </button>
          </>
        )}
      </div>
      <p class="form-status" role="status">
        {status}
      </p>
    </form>
  );
}
