/**
 * The proactive rule form's draft: what the inputs hold (text), and the conversion to and from
 * the stored rule (ProactiveRule in shared/site-settings.ts). Pure, unit-tested.
 */
import type { ProactiveRule, TriggerCondition } from '../../../shared/site-settings';

export type ConditionType = TriggerCondition['type'];

export const CONDITION_TYPES: readonly ConditionType[] = [
  'time_on_page',
  'url',
  'cart_total_at_least',
  'cart_items_at_least',
  'returning_visitor',
  'exit_intent',
  'language',
  'identified',
  'customer_tag',
];

/** Types whose condition carries a value the admin types (or picks, for language). */
export const HAS_VALUE: ReadonlySet<ConditionType> = new Set(['time_on_page', 'url', 'cart_total_at_least', 'cart_items_at_least', 'language', 'customer_tag']);

export interface ConditionDraft {
  type: ConditionType;
  /** Seconds, URL pattern, euros ("49.90"), item count, locale ("es" / "en"), or tag. */
  value: string;
}

export interface RuleDraft {
  id?: string;
  enabled: boolean;
  priority: string;
  conditions: ConditionDraft[];
  es: string;
  en: string;
  /** "bot" or an agent id. */
  from: string;
  onceEveryDays: string;
}

export function newRuleDraft(): RuleDraft {
  return { enabled: true, priority: '0', conditions: [{ type: 'time_on_page', value: '30' }], es: '', en: '', from: 'bot', onceEveryDays: '1' };
}

function conditionDraft(c: TriggerCondition): ConditionDraft {
  switch (c.type) {
    case 'time_on_page':
      return { type: c.type, value: String(c.seconds) };
    case 'url':
      return { type: c.type, value: c.pattern };
    case 'cart_total_at_least':
      return { type: c.type, value: (c.cents / 100).toFixed(2).replace(/\.00$/, '') };
    case 'cart_items_at_least':
      return { type: c.type, value: String(c.count) };
    case 'language':
      return { type: c.type, value: c.locales[0] ?? 'es' };
    case 'customer_tag':
      return { type: c.type, value: c.tag };
    default:
      return { type: c.type, value: '' };
  }
}

export function toRuleDraft(r: ProactiveRule): RuleDraft {
  return {
    id: r.id,
    enabled: r.enabled,
    priority: String(r.priority),
    conditions: r.conditions.map(conditionDraft),
    es: r.message.es ?? '',
    en: r.message.en ?? '',
    from: r.from.kind === 'agent' ? r.from.agentId : 'bot',
    onceEveryDays: String(r.onceEveryDays),
  };
}

/** A number from a text field; NaN stays NaN (sent as null) so the server names the field. */
const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s.replace(',', '.')));

export function toCondition(d: ConditionDraft): TriggerCondition {
  switch (d.type) {
    case 'time_on_page':
      return { type: d.type, seconds: num(d.value) };
    case 'url':
      return { type: d.type, pattern: d.value.trim() };
    case 'cart_total_at_least':
      return { type: d.type, cents: Math.round(num(d.value) * 100) };
    case 'cart_items_at_least':
      return { type: d.type, count: num(d.value) };
    case 'language':
      return { type: d.type, locales: [d.value === 'en' ? 'en' : 'es'] };
    case 'customer_tag':
      return { type: d.type, tag: d.value.trim() };
    default:
      return { type: d.type };
  }
}

/** The rule to store (no id for a new one: the server gives it). */
export function fromRuleDraft(d: RuleDraft): Omit<ProactiveRule, 'id'> & { id?: string } {
  return {
    ...(d.id ? { id: d.id } : {}),
    enabled: d.enabled,
    priority: num(d.priority),
    conditions: d.conditions.map(toCondition),
    message: { ...(d.es.trim() ? { es: d.es.trim() } : {}), ...(d.en.trim() ? { en: d.en.trim() } : {}) },
    from: d.from === 'bot' ? { kind: 'bot' } : { kind: 'agent', agentId: d.from },
    onceEveryDays: num(d.onceEveryDays),
  };
}
