/** Canned responses agents insert with /shortcut: add, edit, delete, then save the list. */
import type { Admin, CannedResponse } from '../../state/admin';
import { strings } from '../../state/locale';
import { SHORTCUT_PATTERN } from '../../../shared/validation';
import { Feedback, invalidIf, useDraftList } from './feedback';

interface Draft {
  id?: string;
  shortcut: string;
  es: string;
  en: string;
}

const toDraft = (c: CannedResponse): Draft => ({ id: c.id, shortcut: c.shortcut, es: c.text.es ?? '', en: c.text.en ?? '' });

export function CannedSection({ admin, canned }: { admin: Admin; canned: CannedResponse[] }) {
  const t = strings();
  const { drafts, setDrafts, state, edit, remove, save: saveList } = useDraftList(admin, t, canned, toDraft, (s) => s.canned);

  const save = (e: Event) => {
    const list = drafts.map((d) => ({
      ...(d.id ? { id: d.id } : {}),
      shortcut: d.shortcut.trim().replace(/^\//, ''),
      text: { ...(d.es.trim() ? { es: d.es } : {}), ...(d.en.trim() ? { en: d.en } : {}) },
    }));
    void saveList(e, { canned: list });
  };

  return (
    <form class="panel-section" aria-labelledby="canned-title" onSubmit={save}>
      <h2 id="canned-title">{t.cfg_cannedTitle}</h2>
      <p class="muted small">{t.cfg_cannedHelp}</p>
      {drafts.length === 0 && <p class="muted">{t.cfg_none}</p>}
      {drafts.map((d, i) => (
        <fieldset key={d.id ?? `new-${i}`} class="entry">
          <legend>{d.shortcut ? `/${d.shortcut}` : `${t.cfg_cannedTitle} ${i + 1}`}</legend>
          <div class="row">
            <label>
              {t.cfg_shortcut}
              <input
                required
                pattern={`/?${SHORTCUT_PATTERN}`}
                title={t.cfg_shortcutHelp}
                value={d.shortcut}
                {...invalidIf(state.error, `canned.${i}.shortcut`)}
                onInput={(e) => edit(i, { shortcut: (e.target as HTMLInputElement).value })}
              />
            </label>
            <button type="button" class="ghost" onClick={() => remove(i)}>
              {t.delete} <span class="sr-only">{d.shortcut ? `/${d.shortcut}` : `${t.cfg_cannedTitle} ${i + 1}`}</span>
            </button>
          </div>
          <label>
            {t.cfg_textEs}
            <textarea rows={2} lang="es" maxLength={2000} value={d.es} {...invalidIf(state.error, `canned.${i}.text`)} onInput={(e) => edit(i, { es: (e.target as HTMLTextAreaElement).value })} />
          </label>
          <label>
            {t.cfg_textEn}
            <textarea rows={2} lang="en" maxLength={2000} value={d.en} {...invalidIf(state.error, `canned.${i}.text`)} onInput={(e) => edit(i, { en: (e.target as HTMLTextAreaElement).value })} />
          </label>
        </fieldset>
      ))}
      <div class="row">
        <button type="button" class="ghost" onClick={() => setDrafts([...drafts, { shortcut: '', es: '', en: '' }])}>
          + {t.cfg_addCanned}
        </button>
        <button type="submit" class="primary">
          {t.save}
        </button>
      </div>
      <Feedback saved={state.saved} error={state.error} savedText={t.saved} />
    </form>
  );
}
