/** The team: add agents, change roles, disable and enable. */
import { useState } from 'preact/hooks';
import type { Admin } from '../../state/admin';
import { strings } from '../../state/locale';

export function AgentsSection({ admin, meId }: { admin: Admin; meId: string }) {
  const t = strings();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'admin' | 'agent'>('agent');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const add = async (e: Event) => {
    e.preventDefault();
    const r = await admin.createAgent({ email, name, role, password });
    if (r.ok) {
      setEmail('');
      setName('');
      setPassword('');
      setError(null);
    } else setError(r.error);
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
            <th scope="col">
              <span class="sr-only">{t.disable}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {admin.agents.value.map((a) => (
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
                  onChange={(e) => void admin.updateAgent(a.id, { role: (e.target as HTMLSelectElement).value as 'admin' | 'agent' })}
                >
                  <option value="agent">{t.role_agent}</option>
                  <option value="admin">{t.role_admin}</option>
                </select>
              </td>
              <td>
                {a.id !== meId && (
                  <button type="button" class="ghost" onClick={() => void admin.updateAgent(a.id, { disabled: !a.disabled })}>
                    {a.disabled ? t.enable : t.disable} <span class="sr-only">{a.name}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
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
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as 'admin' | 'agent')}>
            <option value="agent">{t.role_agent}</option>
            <option value="admin">{t.role_admin}</option>
          </select>
        </label>
        <label>
          {t.newPassword}
          <input required type="password" minLength={12} autoComplete="new-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
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
