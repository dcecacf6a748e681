/** The shipping and returns policies the assistant quotes, per language. */
import { useState } from 'preact/hooks';
import type { Admin, Policies } from '../../state/admin';
import { strings } from '../../state/locale';
import { Feedback, saveError, type SaveError } from './feedback';

const FIELDS = [
  ['es', 'shipping', 'cfg_shippingEs'],
  ['en', 'shipping', 'cfg_shippingEn'],
  ['es', 'returns', 'cfg_returnsEs'],
  ['en', 'returns', 'cfg_returnsEn'],
] as const;

export function PoliciesSection({ admin, policies }: { admin: Admin; policies: Policies }) {
  const t = strings();
  const [draft, setDraft] = useState(() => Object.fromEntries(FIELDS.map(([l, k]) => [`${l}.${k}`, policies[l]?.[k] ?? ''])) as Record<string, string>);
  const [state, setState] = useState<{ saved: boolean; error: SaveError | null }>({ saved: false, error: null });

  const save = async (e: Event) => {
    e.preventDefault();
    const out: Policies = {};
    for (const [l, k] of FIELDS) {
      const text = draft[`${l}.${k}`]?.trim();
      if (text) out[l] = { ...out[l], [k]: text };
    }
    const r = await admin.saveSite({ policies: out });
    setState({ saved: r.ok, error: saveError(r, t) });
  };

  return (
    <form class="panel-section" aria-labelledby="policies-title" onSubmit={save}>
      <h2 id="policies-title">{t.cfg_policiesTitle}</h2>
      {FIELDS.map(([l, k, label]) => (
        <label key={`${l}.${k}`} class="block">
          {t[label]}
          <textarea rows={2} lang={l} maxLength={2000} value={draft[`${l}.${k}`]} onInput={(e) => setDraft({ ...draft, [`${l}.${k}`]: (e.target as HTMLTextAreaElement).value })} />
        </label>
      ))}
      <button type="submit" class="primary">
        {t.save}
      </button>
      <Feedback saved={state.saved} error={state.error} savedText={t.saved} />
    </form>
  );
}
