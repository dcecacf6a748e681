/**
 * Business hours in a site's IANA time zone: "are people at the counter now?" and "when are
 * they back?". Pure: the instant comes in as epoch milliseconds; local wall-clock time is read
 * with Intl.DateTimeFormat, so daylight-saving changes follow the time-zone database rather
 * than a fixed offset.
 *
 * Schedule rules:
 * - Ranges are `["HH:MM", "HH:MM"]`, start inclusive, end exclusive, in local wall time.
 *   `"24:00"` is accepted as an end ("until midnight"). Ranges may not cross midnight: write
 *   `fri: [["20:00","24:00"]], sat: [["00:00","02:00"]]` instead.
 * - A day that is missing or has `[]` is closed. Several ranges per day are allowed.
 * - Holidays are local dates, `"YYYY-MM-DD"` (that date only) or `"MM-DD"` (every year); the
 *   whole local day is closed.
 * - Malformed ranges are ignored when evaluating (the counter stays closed for them, which is
 *   the safe side); `scheduleProblems` reports them so settings forms can refuse them.
 * - On the spring-forward day a wall time inside the gap (02:30 in Madrid) does not exist;
 *   a range starting there opens at the first instant after the gap (03:00). On the
 *   fall-back day a repeated wall time means its first occurrence.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Monday first, the order people read a week in. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `[start, end)` in local wall time, e.g. `["09:00", "14:00"]`. */
export type TimeRange = readonly [start: string, end: string];

export type WeeklySchedule = Partial<Record<Weekday, readonly TimeRange[]>>;

export interface BusinessSchedule {
  weekly: WeeklySchedule;
  /** Closed local dates: `"2025-12-08"` (that day) or `"12-25"` (every year). */
  holidays?: readonly string[];
}

/** A local wall-clock reading of an instant in a time zone. */
export interface LocalDateTime {
  /** `YYYY-MM-DD`. */
  date: string;
  year: number;
  month: number;
  day: number;
  weekday: Weekday;
  hour: number;
  minute: number;
  /** Seconds since local midnight (wall clock). */
  secondOfDay: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far ahead `nextOpening` looks: two weeks covers long holiday closures without looping forever. */
export const NEXT_OPENING_HORIZON_MS = 14 * DAY_MS;

// JS getUTCDay() index → weekday.
const BY_JS_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-US with h23 gives plain numeric parts we can parse; throws RangeError for an unknown zone.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** True when `timeZone` is an IANA zone this runtime knows (validate settings with it). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and wall-clock time of instant `at` in `timeZone`. */
export function localDateTime(timeZone: string, at: number): LocalDateTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const year = get('year');
  const month = get('month');
  const day = get('day');
  // Some ICU versions print midnight as 24 even with h23; normalise.
  const hour = get('hour') % 24;
  const minute = get('minute');
  const second = get('second');
  return {
    date: isoDate(year, month, day),
    year,
    month,
    day,
    weekday: BY_JS_DAY[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]!,
    hour,
    minute,
    secondOfDay: hour * 3600 + minute * 60 + second,
  };
}

/** Local wall time minus UTC at instant `at`, in ms (e.g. +3_600_000 for CET). */
function offsetAt(timeZone: string, at: number): number {
  const whole = Math.floor(at / 1000) * 1000;
  const l = localDateTime(timeZone, whole);
  return Date.UTC(l.year, l.month - 1, l.day) + l.secondOfDay * 1000 - whole;
}

/** Wall clock of `at` expressed as "epoch ms as if the zone were UTC". */
function wallOf(timeZone: string, at: number): number {
  return Math.floor(at / 1000) * 1000 + offsetAt(timeZone, at);
}

/**
 * The instant at which local wall time `minuteOfDay` on local date (y, m, d) happens.
 * Ambiguous (fall-back) → the earlier instant; skipped (spring-forward gap) → the first instant
 * after the gap.
 */
function wallToEpoch(timeZone: string, year: number, month: number, day: number, minuteOfDay: number): number {
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  // Offsets a day either side bracket any transition near this wall time.
  const candidates = [...new Set([wall - offsetAt(timeZone, wall - DAY_MS), wall - offsetAt(timeZone, wall + DAY_MS)])];
  const exact = candidates.filter((c) => wallOf(timeZone, c) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // In the gap: wall time jumps over `wall` somewhere between the candidates. Binary search (to the
  // second) for the first instant whose wall time is at or past it.
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallOf(timeZone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Minutes since midnight for `"HH:MM"` (00:00–24:00), or null when malformed. */
export function parseTimeOfDay(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

interface MinuteRange {
  start: number;
  end: number;
}

/** The well-formed ranges of a day, in minutes, sorted by start. */
function rangesFor(schedule: BusinessSchedule, weekday: Weekday): MinuteRange[] {
  const out: MinuteRange[] = [];
  for (const [s, e] of schedule.weekly[weekday] ?? []) {
    const start = parseTimeOfDay(s);
    const end = parseTimeOfDay(e);
    if (start === null || end === null || start >= 24 * 60 || end <= start) continue;
    out.push({ start, end });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The well-formed ranges of a weekday, sorted by start (what a person should be shown). */
export function openingRanges(schedule: BusinessSchedule, weekday: Weekday): TimeRange[] {
  const hhmm = (m: number): string => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
  return rangesFor(schedule, weekday).map((r): TimeRange => [hhmm(r.start), hhmm(r.end)]);
}

/** True when the local date `date` (`YYYY-MM-DD`) is one of the schedule's holidays. */
export function isHoliday(schedule: BusinessSchedule, date: string): boolean {
  const monthDay = date.slice(5);
  return (schedule.holidays ?? []).some((h) => h === date || h === monthDay);
}

/** Human-readable problems with a schedule (empty when valid); for settings validation. */
export function scheduleProblems(schedule: BusinessSchedule): string[] {
  const problems: string[] = [];
  for (const day of Object.keys(schedule.weekly)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) problems.push(`unknown day "${day}"`);
  }
  for (const day of WEEKDAYS) {
    for (const [s, e] of schedule.weekly[day] ?? []) {
      const start = parseTimeOfDay(s);
      const end = parseTimeOfDay(e);
      if (start === null || start >= 24 * 60) problems.push(`${day}: bad start "${s}"`);
      else if (end === null) problems.push(`${day}: bad end "${e}"`);
      else if (end <= start) problems.push(`${day}: ${s}–${e} ends before it starts (ranges cannot cross midnight)`);
    }
  }
  for (const h of schedule.holidays ?? []) {
    if (!/^(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(h)) problems.push(`bad holiday "${h}"`);
  }
  return problems;
}

/** True when the business is open at instant `now` in `timeZone`. */
export function isOpen(schedule: BusinessSchedule, timeZone: string, now: number): boolean {
  const local = localDateTime(timeZone, now);
  if (isHoliday(schedule, local.date)) return false;
  return rangesFor(schedule, local.weekday).some((r) => local.secondOfDay >= r.start * 60 && local.secondOfDay < r.end * 60);
}

/**
 * The next instant (epoch ms) at which the business is open: `now` itself when open now, null
 * when it stays closed for the next 14 days.
 */
export function nextOpening(schedule: BusinessSchedule, timeZone: string, now: number): number | null {
  if (isOpen(schedule, timeZone, now)) return now;
  const today = localDateTime(timeZone, now);
  // 15 local days: today plus 14 more, then the horizon check trims the tail.
  for (let k = 0; k <= 14; k++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + k));
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    if (isHoliday(schedule, isoDate(year, month, day))) continue;
    for (const r of rangesFor(schedule, BY_JS_DAY[d.getUTCDay()]!)) {
      const at = wallToEpoch(timeZone, year, month, day, r.start);
      if (at <= now) continue;
      if (at - now > NEXT_OPENING_HORIZON_MS) return null;
      // A range lying wholly inside a DST gap never actually opens.
      if (isOpen(schedule, timeZone, at)) return at;
    }
  }
  return null;
}

/** The instant local midnight starts on local date `date` (`YYYY-MM-DD`) in `timeZone` (reports' day boundaries). */
export function localMidnight(timeZone: string, date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return wallToEpoch(timeZone, y, m, d, 0);
}

/** The local date `days` after `date` (`YYYY-MM-DD`, calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}
