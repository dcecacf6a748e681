/** The team: add agents, change roles, capacity, languages and teams, disable and enable. */
import { useState } from 'preact/hooks';
import type { Admin } from '../../state/admin';
import { strings } from '../../state/locale';
import { SkillsEditor, SkillsFields, emptySkills, skillsOf } from './AgentSkills';
import { saveError } from './feedback';

export function AgentsSection({ admin, meId }: { admin: Admin; meId: string }) {
  const t = strings();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'admin' | 'supervisor' | 'agent'>('agent');
  const [password, setPassword] = useState('');
  const [skills, setSkills] = useState(emptySkills);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const defaultCapacity = admin.site.value?.defaultCapacity ?? 5;
  const teams = admin.site.value?.teams ?? [];

  const add = async (e: Event) => {
    e.preventDefault();
    const r = await admin.createAgent({ email, name, role, password, ...skillsOf(skills) });
    if (r.ok) {
      setEmail('');
      setName('');
      setPassword('');
      setSkills(emptySkills());
      setError(null);
    } else setError(saveError(r, t)?.message ?? r.error);
  };

  return (
    <section class="panel-section" aria-labelledby="agents-title">
      <h2 id="agents-title">{t.agentsTitle}</h2>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.email}</th>
            <th scope="col">{t.role}</th>
            <th scope="col">{t.cfg_capacity}</th>
            <th scope="col">{t.cfg_languages}</th>
            <th scope="col">{t.cfg_teamsTitle}</th>
            <th scope="col">
              <span class="sr-only">{t.disable}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {admin.agents.value.flatMap((a) => [
            <tr key={a.id} class={a.disabled ? 'disabled' : ''}>
              <td>
                {a.name}
                {a.id === meId ? ` (${t.you})` : ''}
                {a.disabled ? ` · ${t.disabled}` : ''}
              </td>
              <td>{a.email}</td>
              <td>
                <select
                  aria-label={`${t.role}: ${a.name}`}
                  value={a.role}
                  disabled={a.id === meId}
                  onChange={(e) => void admin.updateAgent(a.id, { role: (e.target as HTMLSelectElement).value as 'admin' | 'supervisor' | 'agent' })}
                >
                  <option value="agent">{t.role_agent}</option>
                  <option value="supervisor">{t.role_supervisor}</option>
                  <option value="admin">{t.role_admin}</option>
                </select>
              </td>
              <td>{a.capacity ?? `${defaultCapacity} (${t.cfg_default})`}</td>
              <td>{a.languages.length ? a.languages.map((l) => l.toUpperCase()).join(', ') : '—'}</td>
              <td>{a.teams.length ? a.teams.join(', ') : '—'}</td>
              <td class="agent-actions">
                <button type="button" class="ghost" aria-expanded={editing === a.id} onClick={() => setEditing(editing === a.id ? null : a.id)}>
                  {t.cfg_edit} <span class="sr-only">{a.name}</span>
                </button>
                {a.id !== meId && (
                  <button type="button" class="ghost" onClick={() => void admin.updateAgent(a.id, { disabled: !a.disabled })}>
                    {a.disabled ? t.enable : t.disable} <span class="sr-only">{a.name}</span>
                  </button>
                )}
              </td>
            </tr>,
            editing === a.id && (
              <tr key={`${a.id}-edit`}>
                <td colSpan={7}>
                  <SkillsEditor
                    agent={a}
                    defaultCapacity={defaultCapacity}
                    teams={teams}
                    onCancel={() => setEditing(null)}
                    onSave={async (patch) => {
                      const r = await admin.updateAgent(a.id, patch);
                      if (r.ok) setEditing(null);
                      return saveError(r, t)?.message ?? null;
                    }}
                  />
                </td>
              </tr>
            ),
          ])}
        </tbody>
      </table>
      <form class="inline-form" onSubmit={add} aria-label={t.addAgent}>
        <label>
          {t.name}
          <input required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t.email}
          <input required type="email" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t.role}
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as 'admin' | 'supervisor' | 'agent')}>
            <option value="agent">{t.role_agent}</option>
            <option value="supervisor">{t.role_supervisor}</option>
            <option value="admin">{t.role_admin}</option>
          </select>
        </label>
        <label>
          {t.newPassword}
          <input required type="password" minLength={12} autoComplete="new-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        <SkillsFields draft={skills} onChange={setSkills} defaultCapacity={defaultCapacity} teams={teams} />
        <button type="submit" class="primary">
          {t.addAgent}
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
