/**
 * A site's settings (`sites.settings`, JSON): one schema for what admins may save (the parts the
 * admin API validates, routes/admin-settings.ts) and for what every reader gets. The store parses
 * the stored JSON once when it loads a site (`parseSiteSettings`) and every reader uses the typed
 * value. A stored part that does not fit — an older shape, a hand edit — falls back to its default
 * (a malformed entry of a list is dropped) and is named in `problems`, so one bad field never
 * takes the site down. Keys this schema does not know are kept as they are.
 *
 * Where each lives: branding at the top (`brandColor`, `logoUrl`, `launcherPosition`,
 * `greeting`), `bot` (on/off, name, FAQ, policies, the merchant's own bot), `routing`, `hours`
 * (absent or null: always open), `canned`, `proactive.rules`, `teams`.
 */
import * as v from 'valibot';
import { RULES, SHORTCUT_RE } from '../../shared/validation';
import { isValidTimeZone, scheduleProblems } from './hours';
import { DEFAULT_CAPACITY, DEFAULT_GRACE_MS, DEFAULT_ROUTING_SETTINGS } from './routing';

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
  // Stored entries may lack keywords (older sites): kept, though the assistant cannot find them.
  // What an admin saves needs at least one (routes/admin-settings: FaqInputSchema).
  keywords: v.optional(v.pipe(v.array(Text(60)), v.maxLength(20, 'at most 20 keywords')), []),
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

// ---------- as stored ----------

/** Fields that fell back while parsing (set only during parseSiteSettings, which is synchronous). */
let noted: string[] = [];

/** A field: absent → `def`; present but malformed → `def`, noted. */
function field<S extends v.GenericSchema>(name: string, schema: S, def: v.InferOutput<S>) {
  return v.optional(
    v.fallback(schema, () => {
      noted.push(name);
      return def;
    }),
    def as never,
  );
}

/** A list: absent or not a list → []; an entry that does not fit is dropped, noted. */
function listOf<S extends v.GenericSchema>(name: string, item: S) {
  return field(
    name,
    v.pipe(
      v.array(v.unknown()),
      v.transform((items): v.InferOutput<S>[] =>
        items.flatMap((x, i) => {
          const r = v.safeParse(item, x);
          if (r.success) return [r.output];
          noted.push(`${name}.${i}`);
          return [];
        }),
      ),
    ),
    [],
  );
}

/** A nested object: absent or not an object → its fields' defaults; unknown keys kept. */
function section<E extends v.ObjectEntries>(name: string, entries: E) {
  const schema = v.looseObject(entries);
  return v.optional(
    v.fallback(schema, () => {
      noted.push(name);
      return v.parse(schema, {});
    }),
    {} as never,
  );
}

const StoredId = v.pipe(v.string(), v.minLength(1));
const Greeting = v.object({ es: v.optional(v.string()), en: v.optional(v.string()) });

/** The merchant's own bot (app/external-bot.ts reads and clamps it). */
const ExternalBotSchema = v.nullable(
  v.object({
    url: v.string(),
    secret: v.string(),
    fallback: v.optional(v.picklist(['builtin', 'handoff']), 'builtin'),
    timeoutMs: v.optional(v.number(), 5_000),
  }),
);

export const SiteSettingsSchema = v.looseObject({
  brandColor: field('brandColor', v.nullable(v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/))), null),
  /** As saved; shown only when it is an https URL (routes/frame-page `logoUrl`). */
  logoUrl: field('logoUrl', v.nullable(v.string()), null),
  /** null: the snippet's data-position decides. */
  launcherPosition: field('launcherPosition', v.nullable(v.picklist(['left', 'right'])), null),
  /** The widget panel's colours: `auto` follows the shopper's (and the shop page's) light or dark mode. */
  theme: field('theme', v.picklist(['auto', 'light', 'dark']), 'auto'),
  greeting: field('greeting', Greeting, {}),
  livePreview: field('livePreview', v.boolean(), false),
  requireVerifiedIdentity: field('requireVerifiedIdentity', v.boolean(), false),
  preChatForm: field('preChatForm', v.boolean(), false),
  bot: section('bot', {
    /** New conversations start with the bot unless the site turned it off. */
    enabled: field('bot.enabled', v.boolean(), true),
    /** Who the assistant's messages are from; null: "Asistente"/"Assistant". */
    name: field('bot.name', v.nullable(v.pipe(v.string(), v.minLength(1))), null),
    faqs: listOf('bot.faqs', v.object({ ...FaqSchema.entries, id: StoredId })),
    policies: field('bot.policies', PoliciesSchema, {}),
    /** Superseded by `hours`; still read when that is absent (server/presence `siteHours`). */
    hours: field('bot.hours', HoursSchema, null),
    webhook: field('bot.webhook', ExternalBotSchema, null),
  }),
  routing: section('routing', {
    mode: field('routing.mode', v.picklist(['auto', 'manual']), DEFAULT_ROUTING_SETTINGS.mode),
    defaultCapacity: field('routing.defaultCapacity', Int(1, 50), DEFAULT_CAPACITY),
    vipTag: field('routing.vipTag', v.string(), DEFAULT_ROUTING_SETTINGS.vipTag),
    vipLifetimeValue: field('routing.vipLifetimeValue', v.nullable(v.number()), DEFAULT_ROUTING_SETTINGS.vipLifetimeValue),
    fallbackToAnyAgent: field('routing.fallbackToAnyAgent', v.boolean(), DEFAULT_ROUTING_SETTINGS.fallbackToAnyAgent),
    /** How long an agent who went offline keeps their chats before they are requeued. */
    graceMs: field('routing.graceMs', v.pipe(v.number(), v.minValue(0)), DEFAULT_GRACE_MS),
  }),
  hours: field('hours', HoursSchema, null),
  canned: listOf('canned', v.object({ ...CannedSchema.entries, id: StoredId })),
  proactive: section('proactive', { rules: listOf('proactive.rules', v.object({ ...RuleSchema.entries, id: StoredId })) }),
  teams: listOf('teams', TeamName),
});

/** A site's settings as every reader sees them: defaults filled in, each part well-formed. */
export type SiteSettings = v.InferOutput<typeof SiteSettingsSchema>;
export type BotSettings = SiteSettings['bot'];

/** Parses stored settings. Never throws: what does not fit falls back and is listed in `problems`. */
export function parseSiteSettings(raw: unknown): { settings: SiteSettings; problems: string[] } {
  noted = [];
  try {
    const input = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : (noted.push('(settings)'), {});
    const settings = v.parse(SiteSettingsSchema, input);
    return { settings, problems: noted };
  } finally {
    noted = [];
  }
}

/** The defaults (a site with nothing saved). */
export function defaultSiteSettings(): SiteSettings {
  return parseSiteSettings({}).settings;
}
