/** An agent's capacity, languages and teams: the fields (shared by create and edit) and the edit row. */
import { useState } from 'preact/hooks';
import type { AdminAgent, AgentSkills } from '../../state/admin';
import { strings } from '../../state/locale';

export interface SkillsDraft {
  capacity: string;
  languages: ('es' | 'en')[];
  teams: string;
}

export const emptySkills = (): SkillsDraft => ({ capacity: '', languages: ['es'], teams: '' });

export const skillsDraftOf = (a: AgentSkills): SkillsDraft => ({ capacity: a.capacity === null ? '' : String(a.capacity), languages: [...a.languages], teams: a.teams.join(', ') });

/** Empty capacity → null (the site default); a non-number is sent as is so the server names it. */
export function skillsOf(d: SkillsDraft): AgentSkills {
  return {
    capacity: d.capacity.trim() === '' ? null : Number(d.capacity),
    languages: d.languages,
    teams: d.teams
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  };
}

/** The three inputs; `label` prefixes accessible names when several agents' fields are on screen. */
export function SkillsFields({ draft, onChange, defaultCapacity, teams, label = '' }: { draft: SkillsDraft; onChange: (d: SkillsDraft) => void; defaultCapacity: number; teams: string[]; label?: string }) {
  const t = strings();
  const p = label ? `${label}: ` : '';
  const listId = `teams-list-${label.replace(/\W+/g, '-') || 'new'}`;
  return (
    <>
      <label>
        {t.cfg_capacity}
        <input
          type="number"
          min={1}
          max={50}
          step={1}
          class="narrow"
          aria-label={`${p}${t.cfg_capacity}`}
          placeholder={`${defaultCapacity}`}
          title={t.cfg_capacityHelp}
          value={draft.capacity}
          onInput={(e) => onChange({ ...draft, capacity: (e.target as HTMLInputElement).value })}
        />
      </label>
      <fieldset class="langs">
        <legend>
          {p && <span class="sr-only">{p}</span>}
          {t.cfg_languages}
        </legend>
        {(['es', 'en'] as const).map((l) => (
          <label key={l} class="check">
            <input
              type="checkbox"
              checked={draft.languages.includes(l)}
              onChange={(e) => onChange({ ...draft, languages: (e.target as HTMLInputElement).checked ? [...draft.languages, l] : draft.languages.filter((x) => x !== l) })}
            />
            {l === 'es' ? t.cfg_lang_es : t.cfg_lang_en}
          </label>
        ))}
      </fieldset>
      <label>
        {t.cfg_teams}
        <input aria-label={`${p}${t.cfg_teams}`} list={listId} value={draft.teams} onInput={(e) => onChange({ ...draft, teams: (e.target as HTMLInputElement).value })} />
        <datalist id={listId}>
          {teams.map((team) => (
            <option key={team} value={team} />
          ))}
        </datalist>
      </label>
    </>
  );
}

/** The inline editor under an agent's row. */
export function SkillsEditor({ agent, defaultCapacity, teams, onSave, onCancel }: { agent: AdminAgent; defaultCapacity: number; teams: string[]; onSave: (s: AgentSkills) => Promise<string | null>; onCancel: () => void }) {
  const t = strings();
  const [draft, setDraft] = useState(() => skillsDraftOf(agent));
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const err = await onSave(skillsOf(draft));
    if (err) setError(err);
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label={`${t.cfg_edit}: ${agent.name}`}>
      <SkillsFields draft={draft} onChange={setDraft} defaultCapacity={defaultCapacity} teams={teams} label={agent.name} />
      <button type="submit" class="primary">
        {t.save}
      </button>
      <button type="button" class="ghost" onClick={onCancel}>
        {t.cfg_cancel}
      </button>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
