/**
 * The shapes of per-site settings that several parts read (stored in `sites.settings`, JSON).
 * Admins edit them in the console; server/domain/site-settings.ts is the one schema (the admin
 * API validates a patch with it, the store parses stored settings with it, and a type test checks
 * its output fits these shapes); the server's engine, the console and the widget read them. Types only here: keep this file free of runtime
 * code so the widget bundle pays nothing for importing it.
 *
 * Where each lives in `sites.settings`:
 *  - `hours`      BusinessHours | absent (absent = always open)
 *  - `bot.faqs`   FaqEntry[] (server/domain/bot.ts)
 *  - `canned`     CannedResponse[]
 *  - `proactive`  { rules: ProactiveRule[] }
 *  - `teams`      string[] (team names agents can belong to and chats can be transferred to)
 */
import type { Locale } from './i18n';
import type { TriggerRule } from './triggers';

export type { TriggerCondition } from './triggers';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Business hours: IANA time zone, weekly opening ranges ("09:00"–"18:00") and closed dates. */
export interface BusinessHours {
  timeZone: string;
  schedule: {
    weekly: Partial<Record<Weekday, readonly (readonly [start: string, end: string])[]>>;
    /** `"2025-12-08"` (that day) or `"12-25"` (every year). */
    holidays?: readonly string[];
  };
}

/** A canned response an agent inserts with `/shortcut`; variables like `{{order.number}}`. */
export interface CannedResponse {
  id: string;
  /** Lowercase letters, digits and dashes: `/envio` */
  shortcut: string;
  /** Text per language; the conversation's language is used, else the other one. */
  text: Partial<Record<Locale, string>>;
}

/** A proactive message rule: when all conditions hold, the shop speaks first. */
export interface ProactiveRule extends TriggerRule {
  /** Who the message is from: the bot, or a named agent (their name shows). */
  from: { kind: 'bot' } | { kind: 'agent'; agentId: string };
  /** Fire at most once per visitor in this many days. */
  onceEveryDays: number;
}
