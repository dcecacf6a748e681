/** Proactive message rules: add, edit, delete, then save the list. The widget fires them. */
import type { Admin, ProactiveRule } from '../../state/admin';
import { strings } from '../../state/locale';
import { Feedback, useDraftList } from './feedback';
import { RuleEditor } from './RuleEditor';
import { fromRuleDraft, newRuleDraft, toRuleDraft, type RuleDraft } from './rule-draft';

export function ProactiveSection({ admin, rules }: { admin: Admin; rules: ProactiveRule[] }) {
  const t = strings();
  const { drafts, setDrafts, state, remove, save: saveList } = useDraftList<ProactiveRule, RuleDraft>(admin, t, rules, toRuleDraft, (s) => s.proactiveRules);
  const save = (e: Event) => void saveList(e, { proactiveRules: drafts.map(fromRuleDraft) });

  return (
    <form class="panel-section" aria-labelledby="proactive-title" onSubmit={save}>
      <h2 id="proactive-title">{t.cfg_proactiveTitle}</h2>
      <p class="muted small">{t.cfg_proactiveHelp}</p>
      {drafts.length === 0 && <p class="muted">{t.cfg_none}</p>}
      {drafts.map((d, i) => (
        <RuleEditor
          key={d.id ?? `new-${i}`}
          index={i}
          rule={d}
          agents={admin.agents.value}
          error={state.error}
          onChange={(rule) => setDrafts(drafts.map((x, k) => (k === i ? rule : x)))}
          onDelete={() => remove(i)}
        />
      ))}
      <div class="row">
        <button type="button" class="ghost" onClick={() => setDrafts([...drafts, newRuleDraft()])}>
          + {t.cfg_addRule}
        </button>
        <button type="submit" class="primary">
          {t.save}
        </button>
      </div>
      <Feedback saved={state.saved} error={state.error} savedText={t.saved} />
    </form>
  );
}
