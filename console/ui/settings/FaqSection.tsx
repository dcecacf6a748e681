/** The assistant's frequent questions: add, edit, delete entries, then save the list. */
import type { Admin, FaqEntry } from '../../state/admin';
import { strings } from '../../state/locale';
import { Feedback, invalidIf, useDraftList } from './feedback';

interface Draft {
  id?: string;
  question: string;
  answer: string;
  keywords: string;
  locale: 'es' | 'en';
}

const toDraft = (f: FaqEntry): Draft => ({ ...(f.id ? { id: f.id } : {}), question: f.question, answer: f.answer, keywords: f.keywords.join(', '), locale: f.locale });

export function FaqSection({ admin, faqs }: { admin: Admin; faqs: FaqEntry[] }) {
  const t = strings();
  const { drafts, setDrafts, state, edit, remove, save: saveList } = useDraftList(admin, t, faqs, toDraft, (s) => s.faqs);

  const save = (e: Event) => {
    const list: FaqEntry[] = drafts.map((d) => ({
      ...(d.id ? { id: d.id } : {}),
      question: d.question,
      answer: d.answer,
      keywords: d.keywords
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
      locale: d.locale,
    }));
    void saveList(e, { faqs: list });
  };

  return (
    <form class="panel-section" aria-labelledby="faq-title" onSubmit={save}>
      <h2 id="faq-title">{t.cfg_faqTitle}</h2>
      <p class="muted small">{t.cfg_faqHelp}</p>
      {drafts.length === 0 && <p class="muted">{t.cfg_none}</p>}
      {drafts.map((d, i) => (
        <fieldset key={d.id ?? `new-${i}`} class="entry">
          <legend>
            {t.cfg_entry} {i + 1}
          </legend>
          <label>
            {t.cfg_question}
            <input required maxLength={300} value={d.question} {...invalidIf(state.error, `faqs.${i}.question`)} onInput={(e) => edit(i, { question: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            {t.cfg_answer}
            <textarea required rows={3} maxLength={2000} value={d.answer} {...invalidIf(state.error, `faqs.${i}.answer`)} onInput={(e) => edit(i, { answer: (e.target as HTMLTextAreaElement).value })} />
          </label>
          <div class="row">
            <label>
              {t.cfg_keywords}
              <input required value={d.keywords} {...invalidIf(state.error, `faqs.${i}.keywords`)} onInput={(e) => edit(i, { keywords: (e.target as HTMLInputElement).value })} />
            </label>
            <label>
              {t.cfg_language}
              <select aria-label={t.cfg_language} value={d.locale} onChange={(e) => edit(i, { locale: (e.target as HTMLSelectElement).value as 'es' | 'en' })}>
                <option value="es">{t.cfg_lang_es}</option>
                <option value="en">{t.cfg_lang_en}</option>
              </select>
            </label>
            <button type="button" class="ghost" onClick={() => remove(i)}>
              {t.delete} <span class="sr-only">{`${t.cfg_entry} ${i + 1}`}</span>
            </button>
          </div>
        </fieldset>
      ))}
      <div class="row">
        <button type="button" class="ghost" onClick={() => setDrafts([...drafts, { question: '', answer: '', keywords: '', locale: drafts.at(-1)?.locale ?? 'es' }])}>
          + {t.cfg_addFaq}
        </button>
        <button type="submit" class="primary">
          {t.save}
        </button>
      </div>
      <Feedback saved={state.saved} error={state.error} savedText={t.saved} />
    </form>
  );
}
