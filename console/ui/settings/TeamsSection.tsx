/** The site's teams (chats can be transferred to one): add and remove names, then save. */
import { useState } from 'preact/hooks';
import type { Admin } from '../../state/admin';
import { strings } from '../../state/locale';
import { Feedback, saveError, type SaveError } from './feedback';

export function TeamsSection({ admin, teams }: { admin: Admin; teams: string[] }) {
  const t = strings();
  // No local copy: agents' teams join the list on the server, and the site signal follows.
  const draft = teams;
  const [name, setName] = useState('');
  const [state, setState] = useState<{ saved: boolean; error: SaveError | null }>({ saved: false, error: null });

  const persist = async (next: string[]) => {
    const r = await admin.saveSite({ teams: next });
    setState({ saved: r.ok, error: saveError(r, t) });
  };

  const add = (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    setName('');
    void persist([...draft, n]);
  };

  return (
    <section class="panel-section" aria-labelledby="teams-title">
      <h2 id="teams-title">{t.cfg_teamsTitle}</h2>
      <p class="muted small">{t.cfg_teamsHelp}</p>
      {draft.length === 0 ? (
        <p class="muted">{t.cfg_none}</p>
      ) : (
        <ul class="chips">
          {draft.map((team) => (
            <li key={team}>
              {team}{' '}
              <button type="button" class="ghost" onClick={() => void persist(draft.filter((x) => x !== team))}>
                <span aria-hidden="true">×</span>
                <span class="sr-only">{`${t.cfg_remove}: ${team}`}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={add} aria-label={t.cfg_addTeam}>
        <label>
          {t.cfg_teamName}
          <input required maxLength={40} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="ghost">
          {t.cfg_addTeam}
        </button>
      </form>
      <Feedback saved={state.saved} error={state.error} savedText={t.saved} />
    </section>
  );
}
