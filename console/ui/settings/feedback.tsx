/** What a settings form says after saving: "Saved", or the server's error naming the field in words. */
import { CONSOLE_STRINGS, type ConsoleStrings } from '../../../shared/i18n';
import { ruleText } from '../../../shared/validation';
import { useState } from 'preact/hooks';
import type { Admin, Result, SitePatch, SiteSettings } from '../../state/admin';

/** A failed save: the message, and the body path the server named (e.g. `canned.1.shortcut`). */
export interface SaveError {
  message: string;
  field: string | null;
}

const LABELS: Record<string, keyof ConsoleStrings> = {
  hours: 'cfg_hoursTitle',
  timeZone: 'cfg_timeZone',
  holidays: 'cfg_holidays',
  mon: 'cfg_day_mon',
  tue: 'cfg_day_tue',
  wed: 'cfg_day_wed',
  thu: 'cfg_day_thu',
  fri: 'cfg_day_fri',
  sat: 'cfg_day_sat',
  sun: 'cfg_day_sun',
  faqs: 'cfg_entry',
  question: 'cfg_question',
  answer: 'cfg_answer',
  keywords: 'cfg_keywords',
  locale: 'cfg_language',
  canned: 'cfg_cannedTitle',
  shortcut: 'cfg_shortcut',
  proactiveRules: 'cfg_rule',
  conditions: 'cfg_condition',
  priority: 'cfg_priority',
  onceEveryDays: 'cfg_onceEveryDays',
  from: 'cfg_from',
  teams: 'cfg_teamsTitle',
  capacity: 'cfg_capacity',
  languages: 'cfg_languages',
  name: 'name',
  brandColor: 'brandColor',
  logoUrl: 'logoUrl',
  launcherPosition: 'launcherPosition',
  allowedOrigins: 'allowedOrigins',
  message: 'cfg_message',
  text: 'cfg_text',
  seconds: 'cfg_value',
  pattern: 'cfg_value',
  cents: 'cfg_value',
  count: 'cfg_value',
  tag: 'cfg_value',
  locales: 'cfg_languages',
  agentId: 'cfg_from',
  email: 'email',
  password: 'newPassword',
  role: 'role',
  url: 'url',
};

/** Paths whose last two parts have one label of their own (a text in one language). */
const PAIR_LABELS: Record<string, keyof ConsoleStrings> = {
  'greeting.es': 'greetingEs',
  'greeting.en': 'greetingEn',
  'message.es': 'cfg_messageEs',
  'message.en': 'cfg_messageEn',
  'text.es': 'cfg_textEs',
  'text.en': 'cfg_textEn',
  'es.shipping': 'cfg_shippingEs',
  'en.shipping': 'cfg_shippingEn',
  'es.returns': 'cfg_returnsEs',
  'en.returns': 'cfg_returnsEn',
};

/** `canned.1.shortcut` → "Canned responses 2 › Shortcut" (positions count from 1). */
export function describeField(field: string, t: ConsoleStrings, labels: Partial<Record<string, string>> = {}): string {
  const out: string[] = [];
  const parts = field.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const pair = PAIR_LABELS[`${part}.${parts[i + 1]}`];
    if (pair) {
      out.push(t[pair]);
      i++;
      continue;
    }
    if (part === 'policies') continue;
    if (/^\d+$/.test(part)) {
      if (out.length > 0) out[out.length - 1] += ` ${Number(part) + 1}`;
      continue;
    }
    if (part === 'schedule' || part === 'weekly') continue;
    const key = LABELS[part];
    out.push(labels[part] ?? (key ? t[key] : part));
  }
  return out.join(' › ');
}

/** The error of a failed result, with the server's "field: " prefix turned into words. */
export function saveError<T>(r: Result<T>, t: ConsoleStrings, labels: Partial<Record<string, string>> = {}): SaveError | null {
  if (r.ok) return null;
  if (!r.field) return { message: r.error, field: null };
  // The server's rule in the console's language; its English words only for a rule we do not know.
  const detail = r.rule ? ruleText(r.rule, t === CONSOLE_STRINGS.es ? 'es' : 'en') : r.error.startsWith(`${r.field}: `) ? r.error.slice(r.field.length + 2) : r.error;
  return { message: `${describeField(r.field, t, labels)}: ${detail}`, field: r.field };
}

/**
 * What an operation's failure (rotate a key, load the integrations, start an import, load the
 * unanswered questions) says, in the console's language: from the problem's code and status,
 * never the server's English words.
 */
export function operationError(r: { ok: false; error: string; status?: number; code?: string; reason?: string }, t: ConsoleStrings): string {
  if (r.status === undefined) return t.networkError;
  switch (r.code) {
    case 'unauthorized':
      return t.op_signedOut;
    case 'forbidden':
      return t.op_forbidden;
    case 'csrf':
      return t.op_csrf;
    case 'nothing_to_retire':
      return t.op_nothingToRetire;
    case 'not_ready':
      return r.reason === 'push_only' ? t.op_importPushOnly : r.reason === 'not_saved' ? t.op_importNotSaved : r.reason === 'incomplete' ? t.op_importIncomplete : t.op_server;
  }
  if (r.status === 404) return t.op_notFound;
  if (r.status === 429) return t.op_tooMany;
  if (r.status >= 500) return t.op_server;
  return t.op_failed.replace('{status}', String(r.status));
}

/** aria-invalid for a control whose body path is `path` when the last save named it (or something inside it). */
export function invalidIf(error: SaveError | null, path: string): { 'aria-invalid'?: true } {
  return error?.field && (error.field === path || error.field.startsWith(`${path}.`)) ? { 'aria-invalid': true } : {};
}

export function Feedback({ saved, error, savedText }: { saved: boolean; error: SaveError | null; savedText: string }) {
  return (
    <>
      <p class="form-status" role="status">
        {saved ? savedText : ''}
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error.message}
        </p>
      )}
    </>
  );
}

/** Saving state shared by the list editors: call `done(result)` after each save. */
export function feedbackState(t: ConsoleStrings, set: (s: { saved: boolean; error: SaveError | null }) => void) {
  return <T,>(r: Result<T>) => set({ saved: r.ok, error: saveError(r, t) });
}

/**
 * A settings list edited as drafts and saved whole: the server's answer (with new ids) replaces
 * the drafts; the outcome is what <Feedback> shows.
 */
export function useDraftList<V, D>(admin: Admin, t: ConsoleStrings, initial: readonly V[], toDraft: (v: V) => D, saved: (site: SiteSettings) => readonly V[]) {
  const [drafts, setDrafts] = useState<D[]>(() => initial.map(toDraft));
  const [state, setState] = useState<{ saved: boolean; error: SaveError | null }>({ saved: false, error: null });
  return {
    drafts,
    setDrafts,
    state,
    /** Replaces entry `i` with `patch` applied. */
    edit: (i: number, patch: Partial<D>) => setDrafts(drafts.map((d, k) => (k === i ? { ...d, ...patch } : d))),
    remove: (i: number) => setDrafts(drafts.filter((_, k) => k !== i)),
    async save(e: Event, patch: SitePatch): Promise<void> {
      e.preventDefault();
      const r = await admin.saveSite(patch);
      if (r.ok) setDrafts(saved(r.value).map(toDraft));
      setState({ saved: r.ok, error: saveError(r, t) });
    },
  };
}
