import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CannedSchema, HoursSchema, RuleSchema, overlappingRange, settingsProblem } from '../../server/routes/admin-settings';
import { describeField, saveError } from '../../console/ui/settings/feedback';
import { fromRuleDraft, newRuleDraft, toRuleDraft } from '../../console/ui/settings/rule-draft';
import { CONSOLE_STRINGS } from '../../shared/i18n';
import type { ProactiveRule } from '../../shared/site-settings';

const path = (r: v.SafeParseResult<v.GenericSchema>) => (r.success ? null : r.issues[0].path?.map((p) => String(p.key)).join('.'));

describe('HoursSchema', () => {
  it('accepts a schedule with several ranges a day, until midnight, and holidays', () => {
    const r = v.safeParse(HoursSchema, { timeZone: 'Europe/Madrid', schedule: { weekly: { mon: [['09:00', '14:00'], ['16:00', '24:00']] }, holidays: ['12-25', '2026-01-06'] } });
    expect(r.success).toBe(true);
  });

  it.each([
    [{ timeZone: 'Nowhere/City', schedule: { weekly: {} } }, 'timeZone'],
    [{ timeZone: 'UTC', schedule: { weekly: { tue: [['18:00', '09:00']] } } }, 'schedule.weekly.tue.0'],
    [{ timeZone: 'UTC', schedule: { weekly: { fri: [['09:00', '25:00']] } } }, 'schedule.weekly.fri.0'],
    [{ timeZone: 'UTC', schedule: { weekly: { sat: [['09:00']] } } }, 'schedule.weekly.sat.0.1'],
    [{ timeZone: 'UTC', schedule: { weekly: { funday: [] } } }, 'schedule.weekly.funday'],
    [{ timeZone: 'UTC', schedule: { weekly: {}, holidays: ['31-12'] } }, 'schedule.holidays.0'],
  ])('names the bad field of %j', (hours, field) => {
    expect(path(v.safeParse(HoursSchema, hours))).toBe(field);
  });

  it('says why a range is refused in the words of scheduleProblems', () => {
    const r = v.safeParse(HoursSchema, { timeZone: 'UTC', schedule: { weekly: { tue: [['18:00', '09:00']] } } });
    expect(r.success ? '' : r.issues[0].message).toBe('18:00–09:00 ends before it starts (ranges cannot cross midnight)');
  });
});

describe('CannedSchema', () => {
  it('keeps only the languages written, and refuses a response with no text', () => {
    expect(v.parse(CannedSchema, { shortcut: 'envio', text: { es: 'Hoy', en: '  ' } })).toEqual({ shortcut: 'envio', text: { es: 'Hoy' } });
    expect(path(v.safeParse(CannedSchema, { shortcut: 'envio', text: {} }))).toBe('text');
  });

  it.each(['Envio', 'envío', 'con espacio', '', 'a'.repeat(33)])('refuses the shortcut %j', (shortcut) => {
    expect(path(v.safeParse(CannedSchema, { shortcut, text: { es: 'x' } }))).toBe('shortcut');
  });
});

describe('RuleSchema', () => {
  const rule = { enabled: true, priority: 1, conditions: [{ type: 'exit_intent' }], message: { en: 'Hi' }, from: { kind: 'bot' }, onceEveryDays: 7 };
  it('accepts a complete rule and refuses one without conditions or with a bad value', () => {
    expect(v.safeParse(RuleSchema, rule).success).toBe(true);
    expect(path(v.safeParse(RuleSchema, { ...rule, conditions: [] }))).toBe('conditions');
    expect(path(v.safeParse(RuleSchema, { ...rule, conditions: [{ type: 'language', locales: [] }] }))).toBe('conditions.0.locales');
    expect(path(v.safeParse(RuleSchema, { ...rule, onceEveryDays: 1.5 }))).toBe('onceEveryDays');
    expect(path(v.safeParse(RuleSchema, { ...rule, message: {} }))).toBe('message');
  });
});

describe('settingsProblem', () => {
  it('finds the second use of a shortcut', () => {
    expect(settingsProblem({ canned: [{ shortcut: 'a' }, { shortcut: 'b' }, { shortcut: 'a' }] })).toEqual({ field: 'canned.2.shortcut', message: '/a is already used by another response' });
  });

  it('finds repeated ids and team names (ignoring case)', () => {
    expect(settingsProblem({ faqs: [{ id: 'x' }, { id: 'x' }] })?.field).toBe('faqs.1.id');
    expect(settingsProblem({ faqs: [{}, {}] })).toBeNull();
    expect(settingsProblem({ teams: ['Ventas', 'VENTAS'] })?.field).toBe('teams.1');
  });

  it('finds overlapping opening ranges, in any order, but not touching ones', () => {
    expect(overlappingRange({ mon: [['09:00', '14:00'], ['14:00', '18:00']] })).toBeNull();
    expect(overlappingRange({ wed: [['12:00', '18:00'], ['09:00', '13:00']] })).toEqual({ field: 'weekly.wed.0', message: '12:00–18:00 overlaps 09:00–13:00' });
    expect(settingsProblem({ hours: { schedule: { weekly: { fri: [['09:00', '24:00'], ['20:00', '22:00']] } } } })?.field).toBe('hours.schedule.weekly.fri.1');
  });
});

describe('describeField', () => {
  it('turns a body path into the words of the form, counting from 1', () => {
    expect(describeField('canned.1.shortcut', CONSOLE_STRINGS.en)).toBe('Canned responses 2 › Shortcut');
    expect(describeField('hours.schedule.weekly.tue.0', CONSOLE_STRINGS.es)).toBe('Horario de atención › Martes 1');
    expect(saveError({ ok: false, error: 'hours.timeZone: must be an IANA time zone', field: 'hours.timeZone' }, CONSOLE_STRINGS.en)).toEqual({
      message: 'Business hours › Time zone: must be an IANA time zone',
      field: 'hours.timeZone',
    });
  });
});

describe('rule drafts', () => {
  it('round-trip every condition, with euros as cents', () => {
    const rule: ProactiveRule = {
      id: 'r1',
      enabled: false,
      priority: 3,
      conditions: [
        { type: 'time_on_page', seconds: 30 },
        { type: 'url', pattern: '/checkout*' },
        { type: 'cart_total_at_least', cents: 4990 },
        { type: 'cart_items_at_least', count: 2 },
        { type: 'returning_visitor' },
        { type: 'exit_intent' },
        { type: 'language', locales: ['en'] },
        { type: 'identified' },
        { type: 'customer_tag', tag: 'vip' },
      ],
      message: { es: 'Hola', en: 'Hi' },
      from: { kind: 'agent', agentId: 'ag_1' },
      onceEveryDays: 5,
    };
    const draft = toRuleDraft(rule);
    expect(draft.conditions[2]).toEqual({ type: 'cart_total_at_least', value: '49.90' });
    expect(fromRuleDraft(draft)).toEqual(rule);
  });

  it('leave a number the admin did not type as NaN, so the server names the field', () => {
    const d = { ...newRuleDraft(), priority: '' };
    expect(fromRuleDraft(d).priority).toBeNaN();
    expect(JSON.parse(JSON.stringify(fromRuleDraft(d))).priority).toBeNull();
  });
});
