/** Webhooks: add (secret shown once), delete, and the recent delivery log. */
import { useState } from 'preact/hooks';
import type { Admin } from '../../state/admin';
import { locale, strings } from '../../state/locale';
import { saveError } from './feedback';

const EVENTS = ['conversation.created', 'conversation.handoff', 'conversation.assigned', 'message.created', 'conversation.resolved', 'conversation.rated'];

export function WebhooksSection({ admin }: { admin: Admin }) {
  const t = strings();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['conversation.created', 'message.created']);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const time = new Intl.DateTimeFormat(locale.value, { dateStyle: 'short', timeStyle: 'short' });

  const add = async (e: Event) => {
    e.preventDefault();
    const r = await admin.createWebhook(url, events);
    if (r.ok) {
      setSecret(r.value.secret);
      setUrl('');
      setError(null);
    } else setError(saveError(r, t)?.message ?? r.error);
  };

  return (
    <section class="panel-section" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t.webhooksTitle}</h2>
      {admin.webhooks.value.map((w) => (
        <article key={w.id} class="hook" aria-label={w.url}>
          <p>
            <code>{w.url}</code> <span class="muted small">{w.events.join(', ')}</span>{' '}
            <button type="button" class="ghost" onClick={() => void admin.deleteWebhook(w.id)}>
              {t.delete} <span class="sr-only">{w.url}</span>
            </button>
          </p>
          <h3>{t.deliveries}</h3>
          {w.deliveries.length === 0 ? (
            <p class="muted small">{t.noDeliveries}</p>
          ) : (
            <ul class="deliveries">
              {w.deliveries.map((d) => (
                <li key={d.id} class={`d-${d.status}`}>
                  {time.format(new Date(d.createdAt))} · {d.event} · {d.status} · {d.attempts}×{d.lastStatusCode ? ` · HTTP ${d.lastStatusCode}` : ''}
                  {d.lastError ? ` · ${d.lastError}` : ''}
                </li>
              ))}
            </ul>
          )}
        </article>
      ))}
      <form class="inline-form" onSubmit={add} aria-label={t.addWebhook}>
        <label>
          {t.url}
          <input required type="url" placeholder="https://shop.example/hooks/mostrador" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
        </label>
        <fieldset>
          <legend>{t.events}</legend>
          {EVENTS.map((ev) => (
            <label key={ev} class="check">
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) => setEvents((e.target as HTMLInputElement).checked ? [...events, ev] : events.filter((x) => x !== ev))}
              />
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary">
          {t.addWebhook}
        </button>
      </form>
      {secret && (
        <p class="warn-text" role="status">
          {t.shownOnce} <code class="secret">{secret}</code>
        </p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
