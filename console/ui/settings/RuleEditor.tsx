/** One proactive rule: conditions, message in both languages, sender, frequency, priority. */
import type { AdminAgent } from '../../state/admin';
import { strings } from '../../state/locale';
import { invalidIf, type SaveError } from './feedback';
import { CONDITION_TYPES, HAS_VALUE, type ConditionDraft, type ConditionType, type RuleDraft } from './rule-draft';

interface Props {
  index: number;
  rule: RuleDraft;
  agents: AdminAgent[];
  error: SaveError | null;
  onChange: (rule: RuleDraft) => void;
  onDelete: () => void;
}

export function RuleEditor({ index, rule, agents, error, onChange, onDelete }: Props) {
  const t = strings();
  const path = `proactiveRules.${index}`;
  const name = `${t.cfg_rule} ${index + 1}`;
  const set = (patch: Partial<RuleDraft>) => onChange({ ...rule, ...patch });
  const setCondition = (i: number, c: ConditionDraft) => set({ conditions: rule.conditions.map((x, k) => (k === i ? c : x)) });
  const val = (e: Event) => (e.target as HTMLInputElement).value;

  return (
    <fieldset class="entry">
      <legend>{name}</legend>
      <div class="row">
        <label class="check">
          <input type="checkbox" checked={rule.enabled} onChange={(e) => set({ enabled: (e.target as HTMLInputElement).checked })} />
          {t.cfg_enabled}
        </label>
        <label>
          {t.cfg_priority}
          <input type="number" step={1} class="narrow" value={rule.priority} {...invalidIf(error, `${path}.priority`)} onInput={(e) => set({ priority: val(e) })} />
        </label>
        <label>
          {t.cfg_onceEveryDays}
          <input type="number" min={0} max={365} step={1} class="narrow" value={rule.onceEveryDays} {...invalidIf(error, `${path}.onceEveryDays`)} onInput={(e) => set({ onceEveryDays: val(e) })} />
        </label>
        <label>
          {t.cfg_from}
          <select aria-label={t.cfg_from} value={rule.from} {...invalidIf(error, `${path}.from`)} onChange={(e) => set({ from: (e.target as HTMLSelectElement).value })}>
            <option value="bot">{t.cfg_fromBot}</option>
            {agents
              .filter((a) => !a.disabled || a.id === rule.from)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
          </select>
        </label>
      </div>
      <fieldset class="conditions">
        <legend>{t.cfg_conditions}</legend>
        {rule.conditions.map((c, i) => (
          <div class="row" key={i}>
            <label>
              <span class="sr-only">{`${t.cfg_condition} ${i + 1}`}</span>
              <select aria-label={`${t.cfg_condition} ${i + 1}`} value={c.type} {...invalidIf(error, `${path}.conditions.${i}`)} onChange={(e) => setCondition(i, { type: (e.target as HTMLSelectElement).value as ConditionType, value: '' })}>
                {CONDITION_TYPES.map((ty) => (
                  <option key={ty} value={ty}>
                    {t[`cfg_cond_${ty}`]}
                  </option>
                ))}
              </select>
            </label>
            {c.type === 'language' ? (
              <select aria-label={`${t.cfg_value}: ${t.cfg_cond_language}`} value={c.value || 'es'} onChange={(e) => setCondition(i, { ...c, value: (e.target as HTMLSelectElement).value })}>
                <option value="es">{t.cfg_lang_es}</option>
                <option value="en">{t.cfg_lang_en}</option>
              </select>
            ) : (
              HAS_VALUE.has(c.type) && (
                <input
                  aria-label={`${t.cfg_value}: ${t[`cfg_cond_${c.type}`]}`}
                  inputMode={c.type === 'url' || c.type === 'customer_tag' ? 'text' : 'decimal'}
                  class="medium"
                  value={c.value}
                  {...invalidIf(error, `${path}.conditions.${i}`)}
                  onInput={(e) => setCondition(i, { ...c, value: val(e) })}
                />
              )
            )}
            <button type="button" class="ghost" onClick={() => set({ conditions: rule.conditions.filter((_, k) => k !== i) })}>
              {t.cfg_remove} <span class="sr-only">{`${t.cfg_condition} ${i + 1}`}</span>
            </button>
          </div>
        ))}
        <button type="button" class="ghost" onClick={() => set({ conditions: [...rule.conditions, { type: 'url', value: '' }] })}>
          + {t.cfg_addCondition}
        </button>
      </fieldset>
      <label>
        {t.cfg_messageEs}
        <textarea rows={2} lang="es" maxLength={500} value={rule.es} {...invalidIf(error, `${path}.message`)} onInput={(e) => set({ es: val(e) })} />
      </label>
      <label>
        {t.cfg_messageEn}
        <textarea rows={2} lang="en" maxLength={500} value={rule.en} {...invalidIf(error, `${path}.message`)} onInput={(e) => set({ en: val(e) })} />
      </label>
      <button type="button" class="ghost" onClick={onDelete}>
        {t.delete} <span class="sr-only">{name}</span>
      </button>
    </fieldset>
  );
}
