/**
 * Validation rules the console and the server share: the canned-response shortcut, and the
 * catalogue of the server's validation messages. The server answers a 422 with `field` (a dotted
 * path into the body), `detail` (English) and `rule` + `params` found here, so the console says
 * the same thing in its own language and names the field by its visible label.
 *
 * Keep the English templates identical to the messages the server's schemas use
 * (server/routes/admin-api.ts, admin-settings.ts): `ruleOf` recognises them by these templates,
 * and tests/unit/settings-validation.test.ts checks every schema message is known here.
 */
import type { Locale } from './i18n';

/**
 * A shortcut: 1–32 lowercase letters (accented ones too: `/envío`), digits or dashes. Written so
 * it is valid both with the `u` flag (the server) and the `v` flag Chromium compiles an input's
 * `pattern` attribute with (where a literal `-` in a class must be escaped).
 */
export const SHORTCUT_PATTERN = '[\\p{Ll}\\p{Lo}\\p{Nd}\\-]{1,32}';
export const SHORTCUT_RE = new RegExp(`^${SHORTCUT_PATTERN}$`, 'u');

type Templates = Record<Locale, string>;

/** Each rule's message; `{n}` and `{x}` are filled from the params the server found. */
export const RULES = {
  required: { en: 'must not be empty', es: 'no puede estar vacío' },
  max_chars: { en: 'must have at most {n} characters', es: 'debe tener como máximo {n} caracteres' },
  min_chars: { en: 'must have at least {n} characters', es: 'debe tener al menos {n} caracteres' },
  max_items: { en: 'at most {n} {x}', es: 'como máximo {n}' },
  whole_number: { en: 'must be a whole number', es: 'debe ser un número entero' },
  min_value: { en: 'must be at least {n}', es: 'debe ser como mínimo {n}' },
  max_value: { en: 'must be at most {n}', es: 'debe ser como máximo {n}' },
  locale: { en: 'must be es or en', es: 'debe ser español o inglés' },
  per_language: { en: 'write it in Spanish, English or both', es: 'escríbelo en español, en inglés o en ambos' },
  shortcut: { en: 'must be 1–32 lowercase letters (accents allowed), digits or dashes', es: 'debe tener de 1 a 32 minúsculas (también con tilde o ñ), dígitos o guiones' },
  shortcut_taken: { en: '/{x} is already used by another response', es: '/{x} ya lo usa otra respuesta' },
  keywords_required: { en: 'add at least one keyword (the assistant finds the entry by them)', es: 'añade al menos una palabra clave (el asistente encuentra la entrada por ellas)' },
  https_image: { en: 'must be an https:// URL of an image', es: 'debe ser una dirección https:// de una imagen' },
  colour: { en: 'must be a colour like #8a4b2a', es: 'debe ser un color como #8a4b2a' },
  origin: {
    en: 'must be an origin such as https://shop.example, https://*.shop.example or http://localhost:*',
    es: 'debe ser un origen como https://tienda.example, https://*.tienda.example o http://localhost:*',
  },
  email: { en: 'must be an email address', es: 'debe ser una dirección de email' },
  time_zone: { en: 'must be an IANA time zone such as Europe/Madrid', es: 'debe ser una zona horaria IANA como Europe/Madrid' },
  holiday: { en: 'must be a date like 2025-12-08, or 12-25 for every year', es: 'debe ser una fecha como 2025-12-08, o 12-25 para todos los años' },
  range_order: { en: '{x} ends before it starts (ranges cannot cross midnight)', es: '{x} termina antes de empezar (un tramo no puede pasar de medianoche)' },
  range_overlap: { en: '{x} overlaps {y}', es: '{x} se solapa con {y}' },
  conditions_required: { en: 'add at least one condition', es: 'añade al menos una condición' },
  languages_required: { en: 'pick at least one language', es: 'elige al menos un idioma' },
  agent_required: { en: 'pick an agent', es: 'elige un agente' },
  no_such_agent: { en: 'no such agent on this site', es: 'ese agente no existe en esta tienda' },
  listed_twice: { en: '"{x}" is listed twice', es: '«{x}» está dos veces' },
  private_target: { en: 'resolves to a private or loopback address', es: 'apunta a una dirección privada o local' },
  unresolvable_target: { en: 'the host does not resolve', es: 'el nombre del servidor no existe' },
  password_common: { en: 'is too common: choose another', es: 'es demasiado común: elige otra' },
} as const satisfies Record<string, Templates>;

export type RuleCode = keyof typeof RULES;

export interface RuleMatch {
  rule: RuleCode;
  params: Record<string, string>;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// The English templates as patterns: `{n}` a number, `{x}`/`{y}` any text.
const MATCHERS = (Object.entries(RULES) as [RuleCode, Templates][]).map(([rule, t]) => {
  const names: string[] = [];
  const source = escape(t.en).replace(/\\\{([nxy])\\\}/g, (_, name: string) => {
    names.push(name);
    return name === 'n' ? '(\\d+)' : '(.+?)';
  });
  return { rule, names, re: new RegExp(`^${source}$`) };
});

/** The rule an English server message states, with its parameters; null for one not in the catalogue. */
export function ruleOf(message: string): RuleMatch | null {
  for (const m of MATCHERS) {
    const found = m.re.exec(message);
    if (found) return { rule: m.rule, params: Object.fromEntries(m.names.map((n, i) => [n, found[i + 1]!])) };
  }
  return null;
}

/** The rule's message in `locale`, its parameters filled in. */
export function ruleText(match: RuleMatch, locale: Locale): string {
  const template: string = RULES[match.rule]?.[locale] ?? RULES[match.rule]?.en ?? '';
  return template.replace(/\{([nxy])\}/g, (_, name: string) => match.params[name] ?? '');
}
