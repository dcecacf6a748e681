import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CannedSchema, FaqSchema, HoursSchema, RuleSchema, overlappingRange, settingsProblem } from '../../server/routes/admin-settings';
import { RULES, SHORTCUT_PATTERN, ruleOf, ruleText } from '../../shared/validation';
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

  // Issue 20 item 10: accented lowercase letters are letters too (`/envío` was refused before).
  it.each(['Envio', 'con espacio', '', 'a'.repeat(33), 'envío!', 'ENVÍO'])('refuses the shortcut %j', (shortcut) => {
    expect(path(v.safeParse(CannedSchema, { shortcut, text: { es: 'x' } }))).toBe('shortcut');
  });

  it.each(['envío', 'devolución', 'niño-2', 'gracias'])('accepts the shortcut %j', (shortcut) => {
    expect(v.safeParse(CannedSchema, { shortcut, text: { es: 'x' } }).success).toBe(true);
  });

  it("the console's pattern is the same rule and compiles as Chromium compiles a pattern attribute (v flag)", () => {
    // HTML: the pattern is compiled as ^(?:pattern)$ with the v flag; an invalid one is ignored with a console warning.
    const asChromium = new RegExp(`^(?:/?${SHORTCUT_PATTERN})$`, 'v');
    for (const ok of ['envío', '/envío', 'a-1']) expect(asChromium.test(ok)).toBe(true);
    for (const bad of ['Envío', 'con espacio', '//x']) expect(asChromium.test(bad)).toBe(false);
    // The old pattern was not valid under v, so Chromium ignored it.
    expect(() => new RegExp('^(?:/?[a-z0-9-]{1,32})$', 'v')).toThrow();
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

describe('FaqSchema', () => {
  it('refuses an entry without keywords (the classifier would never match it), naming the field', () => {
    const entry = { question: '¿Abrís el domingo?', answer: 'No.', locale: 'es' };
    for (const keywords of [undefined, []]) {
      const r = v.safeParse(FaqSchema, { ...entry, ...(keywords ? { keywords } : {}) });
      expect(path(r)).toBe('keywords');
      expect(r.success ? null : ruleOf(r.issues[0].message)?.rule).toBe('keywords_required');
    }
    expect(v.safeParse(FaqSchema, { ...entry, keywords: ['domingo'] }).success).toBe(true);
  });
});

describe('validation messages in the console\'s language', () => {
  it('every rule\'s English template is recognised with its parameters, and has a Spanish text', () => {
    expect(ruleOf('must have at most 300 characters')).toEqual({ rule: 'max_chars', params: { n: '300' } });
    expect(ruleOf('/envio is already used by another response')).toEqual({ rule: 'shortcut_taken', params: { x: 'envio' } });
    expect(ruleOf('09:00–14:00 overlaps 10:00–12:00')).toEqual({ rule: 'range_overlap', params: { x: '09:00–14:00', y: '10:00–12:00' } });
    expect(ruleOf('something the catalogue does not know')).toBeNull();
    for (const [rule, t] of Object.entries(RULES)) {
      expect(t.es, rule).not.toBe(t.en);
      // A template with no parameters is recognised as itself.
      if (!/\{/.test(t.en)) expect(ruleOf(t.en)?.rule, rule).toBe(rule);
    }
    expect(ruleText({ rule: 'max_chars', params: { n: '300' } }, 'es')).toBe('debe tener como máximo 300 caracteres');
  });

  it('the server\'s shape messages are in the catalogue (shortcut, logo, origins, colour, per-language text, conditions)', () => {
    const rule = { enabled: true, priority: 1, conditions: [], message: {}, from: { kind: 'bot' }, onceEveryDays: 7 };
    const messages = [
      v.safeParse(CannedSchema, { shortcut: 'Mal', text: { es: 'x' } }),
      v.safeParse(CannedSchema, { shortcut: 'bien', text: {} }),
      v.safeParse(RuleSchema, rule),
      v.safeParse(RuleSchema, { ...rule, conditions: [{ type: 'exit_intent' }] }),
      v.safeParse(HoursSchema, { timeZone: 'Nowhere/City', schedule: { weekly: {} } }),
      v.safeParse(HoursSchema, { timeZone: 'UTC', schedule: { weekly: { tue: [['18:00', '09:00']] } } }),
    ].map((r) => (r.success ? '' : r.issues[0].message));
    expect(messages.map((m) => ruleOf(m)?.rule)).toEqual(['shortcut', 'per_language', 'conditions_required', 'per_language', 'time_zone', 'range_order']);
  });

  it('a failed save reads in Spanish, naming the field by its label (no English inside Spanish)', () => {
    const es = CONSOLE_STRINGS.es;
    expect(saveError({ ok: false, error: 'logoUrl: must be an https:// URL of an image', field: 'logoUrl', rule: { rule: 'https_image', params: {} } }, es)?.message).toBe(
      'Logo (dirección https de una imagen): debe ser una dirección https:// de una imagen',
    );
    expect(
      saveError({ ok: false, error: 'proactiveRules.0.message: write it in Spanish, English or both', field: 'proactiveRules.0.message', rule: { rule: 'per_language', params: {} } }, es)?.message,
    ).toBe('Regla 1 › Mensaje: escríbelo en español, en inglés o en ambos');
    expect(saveError({ ok: false, error: 'x', field: 'faqs.2.keywords', rule: { rule: 'keywords_required', params: {} } }, CONSOLE_STRINGS.en)?.message).toBe(
      'Entry 3 › Keywords (comma-separated): add at least one keyword (the assistant finds the entry by them)',
    );
    expect(describeField('greeting.es', es)).toBe('Saludo (español)');
    // `name` is the shop's in Branding and the agent's in Agents: each form gives its label.
    expect(describeField('name', es)).toBe('Nombre');
    expect(saveError({ ok: false, error: 'name: must not be empty', field: 'name', rule: { rule: 'required', params: {} } }, es, { name: es.shopName })?.message).toBe(
      'Nombre de la tienda: no puede estar vacío',
    );
    expect(saveError({ ok: false, error: 'x', field: 'password', rule: { rule: 'password_common', params: {} } }, es)?.message).toBe(
      'Contraseña (12+ caracteres): es demasiado común: elige otra',
    );
    expect(describeField('policies.en.returns', CONSOLE_STRINGS.en)).toBe('Returns policy (English)');
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
