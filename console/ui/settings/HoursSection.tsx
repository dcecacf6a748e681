/** Business hours: time zone, opening ranges per weekday, holidays (absent = always open). */
import { useState } from 'preact/hooks';
import type { Admin, BusinessHours } from '../../state/admin';
import { strings } from '../../state/locale';
import { Feedback, invalidIf, saveError, type SaveError } from './feedback';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
type Weekly = Record<Day, [string, string][]>;

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
})();

function toWeekly(hours: BusinessHours | null): Weekly {
  const w = {} as Weekly;
  for (const d of DAYS) w[d] = (hours?.schedule.weekly[d] ?? []).map(([s, e]) => [s, e === '24:00' ? '00:00' : e]);
  return w;
}

export function HoursSection({ admin, hours }: { admin: Admin; hours: BusinessHours | null }) {
  const t = strings();
  const [on, setOn] = useState(hours !== null);
  const [timeZone, setTimeZone] = useState(hours?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'Europe/Madrid');
  const [weekly, setWeekly] = useState<Weekly>(() => toWeekly(hours));
  const [holidays, setHolidays] = useState((hours?.schedule.holidays ?? []).join('\n'));
  const [state, setState] = useState<{ saved: boolean; error: SaveError | null }>({ saved: false, error: null });

  const setDay = (d: Day, ranges: [string, string][]) => setWeekly({ ...weekly, [d]: ranges });

  const save = async (e: Event) => {
    e.preventDefault();
    const schedule: BusinessHours['schedule'] = {
      // A time input cannot say 24:00: closing at 00:00 means until midnight.
      weekly: Object.fromEntries(DAYS.filter((d) => weekly[d].length > 0).map((d) => [d, weekly[d].map(([s, end]) => [s, end === '00:00' ? '24:00' : end] as const)])),
      holidays: holidays
        .split('\n')
        .map((h) => h.trim())
        .filter(Boolean),
    };
    const r = await admin.saveSite({ hours: on ? { timeZone: timeZone.trim(), schedule } : null });
    setState({ saved: r.ok, error: saveError(r, t) });
  };

  return (
    <form class="panel-section" aria-labelledby="hours-title" onSubmit={save}>
      <h2 id="hours-title">{t.cfg_hoursTitle}</h2>
      <p class="muted small">{t.cfg_hoursHelp}</p>
      <label class="check">
        <input type="checkbox" checked={on} onChange={(e) => setOn((e.target as HTMLInputElement).checked)} />
        {t.cfg_hoursOn}
      </label>
      <fieldset class="hours" disabled={!on}>
        <legend class="sr-only">{t.cfg_hoursTitle}</legend>
        <label for="hours-tz">{t.cfg_timeZone}</label>
        <input id="hours-tz" list="hours-tz-list" value={timeZone} aria-describedby="hours-tz-help" {...invalidIf(state.error, 'hours.timeZone')} onInput={(e) => setTimeZone((e.target as HTMLInputElement).value)} />
        <datalist id="hours-tz-list">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <p id="hours-tz-help" class="muted small">
          {t.cfg_timeZoneHelp}
        </p>
        <table class="table hours-table">
          <tbody>
            {DAYS.map((d) => (
              <tr key={d}>
                <th scope="row">{t[`cfg_day_${d}`]}</th>
                <td>
                  {weekly[d].length === 0 && <span class="muted">{t.cfg_closed} </span>}
                  {weekly[d].map(([s, end], i) => (
                    <span key={i} class="range">
                      <input type="time" aria-label={`${t[`cfg_day_${d}`]} ${i + 1}: ${t.cfg_opens}`} value={s} {...invalidIf(state.error, `hours.schedule.weekly.${d}.${i}`)}
                        onInput={(e) => setDay(d, weekly[d].map((r, k) => (k === i ? [(e.target as HTMLInputElement).value, r[1]] : r)))} />
                      {' – '}
                      <input type="time" aria-label={`${t[`cfg_day_${d}`]} ${i + 1}: ${t.cfg_closes}`} value={end} {...invalidIf(state.error, `hours.schedule.weekly.${d}.${i}`)}
                        onInput={(e) => setDay(d, weekly[d].map((r, k) => (k === i ? [r[0], (e.target as HTMLInputElement).value] : r)))} />
                      <button type="button" class="ghost" aria-label={`${t.cfg_removeRange}: ${t[`cfg_day_${d}`]} ${i + 1}`} onClick={() => setDay(d, weekly[d].filter((_, k) => k !== i))}>
                        ×
                      </button>{' '}
                    </span>
                  ))}
                  <button type="button" class="ghost" aria-label={`${t.cfg_addRange}: ${t[`cfg_day_${d}`]}`} onClick={() => setDay(d, [...weekly[d], weekly[d].length === 0 ? ['09:00', '18:00'] : ['16:00', '20:00']])}>
                    + {t.cfg_addRange}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label for="hours-holidays">{t.cfg_holidays}</label>
        <textarea id="hours-holidays" rows={3} value={holidays} aria-describedby="hours-holidays-help" {...invalidIf(state.error, 'hours.schedule.holidays')} onInput={(e) => setHolidays((e.target as HTMLTextAreaElement).value)} />
        <p id="hours-holidays-help" class="muted small">
          {t.cfg_holidaysHelp}
        </p>
      </fieldset>
      <button type="submit" class="primary">
        {t.save}
      </button>
      <Feedback saved={state.saved} error={state.error} savedText={t.saved} />
    </form>
  );
}
