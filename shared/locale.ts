/** The languages of everything a person reads, and how one is chosen (no tables: cheap to import). */
export type Locale = 'es' | 'en';

/** Picks a supported locale from candidates such as `<html lang>` and `navigator.languages`. */
export function pickLocale(candidates: readonly (string | null | undefined)[], fallback: Locale = 'en'): Locale {
  for (const c of candidates) {
    if (!c) continue;
    const base = c.trim().toLowerCase().split(/[-_]/)[0];
    if (base === 'es' || base === 'en') return base;
  }
  return fallback;
}
