/**
 * What admins may store in a site's settings beyond branding: business hours, the bot's FAQ and
 * policies, canned responses, proactive rules and the site's teams (shapes in
 * shared/site-settings.ts). Valibot schemas check each value's shape; `settingsProblem` checks
 * what spans a list (unique shortcuts, ids, overlapping ranges). Both name the offending field
 * with a dotted path (`canned.2.shortcut`), which the 422 answer carries.
 */
import * as v from 'valibot';
import { isValidTimeZone, scheduleProblems, parseTimeOfDay, WEEKDAYS, type Weekday } from '../domain/hours';
import { RULES, SHORTCUT_RE } from '../../shared/validation';

const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `must have at most ${max} characters`));
const OptionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, `must have at most ${max} characters`)));
const Id = v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, - or _')));
const Locale = v.picklist(['es', 'en'], 'must be es or en');
const Int = (min: number, max: number) => v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(min, `must be at least ${min}`), v.maxValue(max, `must be at most ${max}`));

/** Text per language, at least one of them written. */
const PerLanguage = (max: number) =>
  v.pipe(
    v.object({ es: OptionalText(max), en: OptionalText(max) }),
    v.check((t) => Boolean(t.es) || Boolean(t.en), 'write it in Spanish, English or both'),
    v.transform((t) => ({ ...(t.es ? { es: t.es } : {}), ...(t.en ? { en: t.en } : {}) })),
  );

/** One opening range; scheduleProblems (server/domain/hours) is the judge of what is valid. */
const Range = v.pipe(
  v.tuple([v.string(), v.string()], 'must be a ["HH:MM", "HH:MM"] pair'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const [problem] = scheduleProblems({ weekly: { mon: [dataset.value] } });
    if (problem) addIssue({ message: problem.replace(/^mon: /, '') });
  }),
);

const Holiday = v.pipe(
  v.string(),
  v.trim(),
  v.check((h) => scheduleProblems({ weekly: {}, holidays: [h] }).length === 0, 'must be a date like 2025-12-08, or 12-25 for every year'),
);

const Day = v.optional(v.pipe(v.array(Range), v.maxLength(6, 'at most 6 ranges a day')));

export const HoursSchema = v.nullable(
  v.object({
    timeZone: v.pipe(v.string(), v.trim(), v.check(isValidTimeZone, 'must be an IANA time zone such as Europe/Madrid')),
    schedule: v.object({
      weekly: v.strictObject({ mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day }, 'unknown day (use mon, tue, wed, thu, fri, sat, sun)'),
      holidays: v.optional(v.pipe(v.array(Holiday), v.maxLength(100, 'at most 100 holidays'))),
    }),
  }),
);

export const FaqSchema = v.object({
  id: Id,
  question: Text(300),
  answer: Text(2000),
  // An entry without keywords is never matched by the assistant's classifier: refuse it.
  // (Absent is read as [] and refused the same way.)
  keywords: v.optional(v.pipe(v.array(Text(60), RULES.keywords_required.en), v.minLength(1, RULES.keywords_required.en), v.maxLength(20, 'at most 20 keywords')), []),
  locale: Locale,
});

const Policy = v.object({ shipping: OptionalText(2000), returns: OptionalText(2000) });
export const PoliciesSchema = v.object({ es: v.optional(Policy), en: v.optional(Policy) });

export const CannedSchema = v.object({
  id: Id,
  // shared/validation: accented letters too (`/envío`); the console's input pattern is the same rule.
  shortcut: v.pipe(v.string(), v.trim(), v.regex(SHORTCUT_RE, RULES.shortcut.en)),
  text: PerLanguage(2000),
});

const Condition = v.variant(
  'type',
  [
    v.object({ type: v.literal('time_on_page'), seconds: Int(0, 3600) }),
    v.object({ type: v.literal('url'), pattern: Text(512) }),
    v.object({ type: v.literal('cart_total_at_least'), cents: Int(0, 100_000_000) }),
    v.object({ type: v.literal('cart_items_at_least'), count: Int(1, 1000) }),
    v.object({ type: v.literal('returning_visitor') }),
    v.object({ type: v.literal('exit_intent') }),
    v.object({ type: v.literal('language'), locales: v.pipe(v.array(Locale), v.minLength(1, 'pick at least one language')) }),
    v.object({ type: v.literal('identified') }),
    v.object({ type: v.literal('customer_tag'), tag: Text(60) }),
  ],
  'unknown condition',
);

export const RuleSchema = v.object({
  id: Id,
  enabled: v.boolean(),
  priority: Int(-1000, 1000),
  // A rule without conditions never fires (shared/triggers.ts): refuse the half-filled form.
  conditions: v.pipe(v.array(Condition), v.minLength(1, 'add at least one condition'), v.maxLength(10, 'at most 10 conditions')),
  message: PerLanguage(500),
  from: v.variant('kind', [v.object({ kind: v.literal('bot') }), v.object({ kind: v.literal('agent'), agentId: v.pipe(v.string(), v.minLength(1, 'pick an agent')) })], 'must be the bot or an agent'),
  onceEveryDays: Int(0, 365),
});

export const TeamName = Text(40);
export const TeamsSchema = v.pipe(v.array(TeamName), v.maxLength(50, 'at most 50 teams'));

/** The settings part of PATCH /site (all optional: send only what a form edits). */
export const SettingsPatchEntries = {
  hours: v.optional(HoursSchema),
  faqs: v.optional(v.pipe(v.array(FaqSchema), v.maxLength(200, 'at most 200 entries'))),
  policies: v.optional(PoliciesSchema),
  canned: v.optional(v.pipe(v.array(CannedSchema), v.maxLength(500, 'at most 500 canned responses'))),
  proactiveRules: v.optional(v.pipe(v.array(RuleSchema), v.maxLength(50, 'at most 50 rules'))),
  teams: v.optional(TeamsSchema),
};

export interface FieldProblem {
  field: string;
  message: string;
}

function firstDuplicate(values: readonly string[]): number {
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const k = values[i]!;
    if (seen.has(k)) return i;
    seen.add(k);
  }
  return -1;
}

/** The first overlap between two ranges of the same day, as `weekly.<day>.<index>`. */
export function overlappingRange(weekly: Partial<Record<Weekday, readonly (readonly [string, string])[]>>): FieldProblem | null {
  for (const day of WEEKDAYS) {
    const ranges = (weekly[day] ?? []).map(([s, e], i) => ({ i, start: parseTimeOfDay(s) ?? 0, end: parseTimeOfDay(e) ?? 0, s, e }));
    const sorted = [...ranges].sort((a, b) => a.start - b.start);
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1]!;
      const cur = sorted[k]!;
      if (cur.start < prev.end) return { field: `weekly.${day}.${cur.i}`, message: `${cur.s}–${cur.e} overlaps ${prev.s}–${prev.e}` };
    }
  }
  return null;
}

/**
 * What a shape check cannot see: unique shortcuts, FAQ and rule ids, team names; overlapping
 * opening ranges. Null when the patch is fine. Pure, for the admin API and its unit tests.
 */
export function settingsProblem(patch: {
  hours?: { schedule: { weekly: Partial<Record<Weekday, readonly (readonly [string, string])[]>> } } | null;
  faqs?: readonly { id?: string | undefined }[];
  canned?: readonly { id?: string | undefined; shortcut: string }[];
  proactiveRules?: readonly { id?: string | undefined }[];
  teams?: readonly string[];
}): FieldProblem | null {
  if (patch.hours) {
    const o = overlappingRange(patch.hours.schedule.weekly);
    if (o) return { field: `hours.schedule.${o.field}`, message: o.message };
  }
  if (patch.canned) {
    const i = firstDuplicate(patch.canned.map((c) => c.shortcut));
    if (i >= 0) return { field: `canned.${i}.shortcut`, message: `/${patch.canned[i]!.shortcut} is already used by another response` };
  }
  for (const key of ['faqs', 'canned', 'proactiveRules'] as const) {
    const list = patch[key];
    if (!list) continue;
    const i = firstDuplicate(list.map((x, n) => x.id ?? `\u0000${n}`));
    if (i >= 0) return { field: `${key}.${i}.id`, message: 'two entries have the same id' };
  }
  if (patch.teams) {
    const i = firstDuplicate(patch.teams.map((t) => t.toLowerCase()));
    if (i >= 0) return { field: `teams.${i}`, message: `"${patch.teams[i]}" is listed twice` };
  }
  return null;
}
