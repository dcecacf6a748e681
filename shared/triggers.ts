/**
 * Proactive messages: per-site trigger rules ("visitor on /checkout for 30 s with €50 in the
 * cart → 'Need a hand?'") and order events (shipped, delayed, delivered, return accepted) turned
 * into messages. Pure: visitor context, what was already sent and `now` come in.
 *
 * Rules and caps:
 * - A rule fires when it is enabled and ALL its conditions hold. A rule with no conditions never
 *   fires: it is almost certainly a half-filled form, and firing on every page view is spam.
 * - At most one rule fires per evaluation: the highest `priority`, ties to the earlier rule.
 * - Frequency caps: each rule at most once per visitor, ever; at most `maxPerDay` proactive
 *   messages per visitor in any rolling 24 h (rolling, not calendar, so it needs no time zone and
 *   cannot double up at midnight); none while the visitor has an open conversation.
 * - URL patterns are glob-like, never regular expressions (a merchant-supplied regex could be
 *   catastrophic to evaluate): `*` matches any run of characters; a pattern without `*` is a
 *   prefix that must end at a path boundary (`/cart` matches `/cart` and `/cart/x?y`, not
 *   `/cartas`). Patterns starting with `/` match path + query; others the full URL without the
 *   fragment. Matching ignores case.
 */
import type { Locale } from './i18n';

export type TriggerCondition =
  | { type: 'time_on_page'; seconds: number }
  | { type: 'url'; pattern: string }
  /** Minor units (cents). */
  | { type: 'cart_total_at_least'; cents: number }
  | { type: 'cart_items_at_least'; count: number }
  | { type: 'returning_visitor' }
  /** Desktop only: on touch devices there is no pointer leaving the window to detect. */
  | { type: 'exit_intent' }
  | { type: 'language'; locales: readonly Locale[] }
  /** A verified identity. */
  | { type: 'identified' }
  | { type: 'customer_tag'; tag: string };

export interface TriggerRule {
  id: string;
  enabled: boolean;
  /** Higher wins when several rules could fire. */
  priority: number;
  conditions: readonly TriggerCondition[];
  /** The message per language; the visitor's language first, else the other one. */
  message: Partial<Record<Locale, string>>;
}

export type Device = 'desktop' | 'tablet' | 'mobile';

export interface VisitorContext {
  url: string;
  /** When the current page was opened (epoch ms). */
  pageEnteredAt: number;
  /** Minor units (cents). */
  cartTotal: number;
  cartItems: number;
  returning: boolean;
  /** The pointer left towards the browser chrome on this page. */
  exitIntent: boolean;
  device: Device;
  locale: Locale;
  /** True only for a verified identity. */
  identified: boolean;
  /** Tags of the verified customer; empty when not identified. */
  customerTags: readonly string[];
  conversationOpen: boolean;
}

export interface SentProactive {
  ruleId: string;
  at: number;
}

/** The proactive messages this visitor has already received. */
export interface ProactiveHistory {
  sent: readonly SentProactive[];
}

export interface FrequencyCaps {
  /** Proactive messages per visitor per rolling 24 h. */
  maxPerDay: number;
}

export const DEFAULT_FREQUENCY_CAPS: FrequencyCaps = { maxPerDay: 2 };

export const DAY_MS = 86_400_000;
/** A visitor first seen this long ago is "returning" (not a reload of the same visit). */
export const RETURNING_AFTER_MS = 30 * 60_000;

export function isReturning(firstSeenAt: number, now: number): boolean {
  return now - firstSeenAt >= RETURNING_AFTER_MS;
}

/** How long a rule stays quiet for a visitor after firing (`onceEveryDays`, at least a day). */
export function ruleQuietMs(onceEveryDays: number): number {
  return Math.max(1, onceEveryDays || 1) * DAY_MS;
}
const MAX_PATTERN_LENGTH = 512;

export interface FiredTrigger {
  ruleId: string;
  text: string;
  locale: Locale;
}

function globMatch(pattern: string, target: string): boolean {
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (target.length < first.length + last.length || !target.startsWith(first) || !target.endsWith(last)) return false;
  // Middle pieces in order, each as early as possible: greedy-leftmost is correct for `*`-only globs.
  let pos = first.length;
  const end = target.length - last.length;
  for (const piece of parts.slice(1, -1)) {
    const at = target.indexOf(piece, pos);
    if (at < 0 || at + piece.length > end) return false;
    pos = at + piece.length;
  }
  return true;
}

/** True when `url` matches a merchant's URL pattern (see the rules at the top of this file). */
export function urlMatches(pattern: string, url: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (p.length === 0 || p.length > MAX_PATTERN_LENGTH) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const target = (p.startsWith('/') ? u.pathname + u.search : u.origin + u.pathname + u.search).toLowerCase();
  if (p.includes('*')) return globMatch(p, target);
  if (target === p) return true;
  if (!target.startsWith(p)) return false;
  return p.endsWith('/') || p.endsWith('?') || '/?'.includes(target.charAt(p.length));
}

function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

/** True when one condition holds for this visitor at `now`. */
export function conditionHolds(condition: TriggerCondition, visitor: VisitorContext, now: number): boolean {
  switch (condition.type) {
    case 'time_on_page':
      return now - visitor.pageEnteredAt >= condition.seconds * 1000;
    case 'url':
      return urlMatches(condition.pattern, visitor.url);
    case 'cart_total_at_least':
      return visitor.cartTotal >= condition.cents;
    case 'cart_items_at_least':
      return visitor.cartItems >= condition.count;
    case 'returning_visitor':
      return visitor.returning;
    case 'exit_intent':
      return visitor.device === 'desktop' && visitor.exitIntent;
    case 'language':
      return condition.locales.includes(visitor.locale);
    case 'identified':
      return visitor.identified;
    case 'customer_tag': {
      const tag = condition.tag.toLowerCase();
      return visitor.identified && visitor.customerTags.some((t) => t.toLowerCase() === tag);
    }
    default:
      return assertNever(condition);
  }
}

function messageFor(rule: TriggerRule, locale: Locale): { text: string; locale: Locale } | null {
  const own = rule.message[locale]?.trim();
  if (own) return { text: own, locale };
  const other: Locale = locale === 'es' ? 'en' : 'es';
  const fallback = rule.message[other]?.trim();
  return fallback ? { text: fallback, locale: other } : null;
}

/** Rules not blocked by caps, in firing order (priority desc, then list order). */
function candidates(rules: readonly TriggerRule[], visitor: VisitorContext, history: ProactiveHistory, now: number, caps: FrequencyCaps): TriggerRule[] {
  if (visitor.conversationOpen) return [];
  const sentToday = history.sent.filter((s) => s.at > now - DAY_MS && s.at <= now).length;
  if (sentToday >= caps.maxPerDay) return [];
  const alreadySent = new Set(history.sent.map((s) => s.ruleId));
  return rules
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => rule.enabled && rule.conditions.length > 0 && !alreadySent.has(rule.id) && messageFor(rule, visitor.locale) !== null)
    .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
    .map(({ rule }) => rule);
}

/** The rule that should fire now (at most one, the highest priority) with its message, or null. */
export function evaluateTriggers(
  rules: readonly TriggerRule[],
  visitor: VisitorContext,
  history: ProactiveHistory,
  now: number,
  caps: FrequencyCaps = DEFAULT_FREQUENCY_CAPS,
): FiredTrigger | null {
  for (const rule of candidates(rules, visitor, history, now, caps)) {
    if (!rule.conditions.every((c) => conditionHolds(c, visitor, now))) continue;
    const message = messageFor(rule, visitor.locale);
    if (message) return { ruleId: rule.id, ...message };
  }
  return null;
}

/**
 * When to evaluate again if nothing changes on the page: the earliest moment a rule that now
 * fails only on `time_on_page` would pass it. Null when no rule is waiting on time alone.
 */
export function nextTriggerCheckAt(
  rules: readonly TriggerRule[],
  visitor: VisitorContext,
  history: ProactiveHistory,
  now: number,
  caps: FrequencyCaps = DEFAULT_FREQUENCY_CAPS,
): number | null {
  let next: number | null = null;
  for (const rule of candidates(rules, visitor, history, now, caps)) {
    const timed = rule.conditions.filter((c): c is Extract<TriggerCondition, { type: 'time_on_page' }> => c.type === 'time_on_page');
    if (timed.length === 0) continue;
    if (!rule.conditions.every((c) => c.type === 'time_on_page' || conditionHolds(c, visitor, now))) continue;
    const at = visitor.pageEnteredAt + Math.max(...timed.map((c) => c.seconds)) * 1000;
    if (at > now) next = next === null ? at : Math.min(next, at);
  }
  return next;
}
