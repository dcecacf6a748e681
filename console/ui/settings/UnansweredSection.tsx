/**
 * What shoppers asked that the built-in assistant could not answer (newest first), next to the
 * FAQ editor so the merchant can turn the frequent ones into entries.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Admin, UnansweredQuestion } from '../../state/admin';
import { locale, strings } from '../../state/locale';
import { operationError } from './feedback';

export function UnansweredSection({ admin }: { admin: Admin }) {
  const t = strings();
  const [items, setItems] = useState<UnansweredQuestion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    void admin.getUnanswered().then((r) => {
      if (r.ok) {
        setItems(r.value.data);
        setError(null);
      } else setError(operationError(r, t));
    });
  useEffect(load, [admin]);
  const when = new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <section class="panel-section" aria-labelledby="unanswered-title">
      <h2 id="unanswered-title">{t.cfg_unansweredTitle}</h2>
      <p class="muted small">{t.cfg_unansweredHelp}</p>
      {error && (
        <p class="form-status" role="alert">
          {error}
        </p>
      )}
      {items && items.length === 0 && <p class="muted">{t.cfg_unansweredNone}</p>}
      {items && items.length > 0 && (
        <ul class="unanswered" aria-labelledby="unanswered-title">
          {items.map((q) => (
            <li key={`${q.conversationId}-${q.at}`}>
              <q lang={q.locale}>{q.text}</q>{' '}
              <span class="muted small">
                · {t[`language_${q.locale}`]} · <time dateTime={q.at}>{when.format(new Date(q.at))}</time>
              </span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="ghost" onClick={load}>
        {t.cfg_unansweredRefresh}
      </button>
    </section>
  );
}
