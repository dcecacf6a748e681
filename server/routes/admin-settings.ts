/**
 * What admins may store in a site's settings beyond branding: business hours, the bot's FAQ and
 * policies, canned responses, proactive rules and the site's teams. The schemas of each value are
 * server/domain/site-settings.ts (the same ones stored settings are parsed with); `settingsProblem` checks
 * what spans a list (unique shortcuts, ids, overlapping ranges). Both name the offending field
 * with a dotted path (`canned.2.shortcut`), which the 422 answer carries.
 */
import * as v from 'valibot';
import { RULES } from '../../shared/validation';
import { parseTimeOfDay, WEEKDAYS, type Weekday } from '../domain/hours';
import { CannedSchema, FaqSchema, HoursSchema, PoliciesSchema, RuleSchema, TeamName, TeamsSchema } from '../domain/site-settings';

export { CannedSchema, FaqSchema, HoursSchema, PoliciesSchema, RuleSchema, TeamName, TeamsSchema };

/** An FAQ entry as an admin saves it: without keywords the assistant's classifier never finds it, so it is refused. */
export const FaqInputSchema = v.object({
  ...FaqSchema.entries,
  // (Absent is read as [] and refused the same way.)
  keywords: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(60, 'must have at most 60 characters')), RULES.keywords_required.en),
      v.minLength(1, RULES.keywords_required.en),
      v.maxLength(20, 'at most 20 keywords'),
    ),
    [],
  ),
});

/** The settings part of PATCH /site (all optional: send only what a form edits). */
export const SettingsPatchEntries = {
  hours: v.optional(HoursSchema),
  faqs: v.optional(v.pipe(v.array(FaqInputSchema), v.maxLength(200, 'at most 200 entries'))),
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
