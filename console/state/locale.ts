/** The console's language: saved choice, else the browser's. */
import { effect, signal } from '@preact/signals';
import { CONSOLE_STRINGS, pickLocale, type ConsoleStrings, type Locale } from '../../shared/i18n';

const KEY = 'mostrador:console:locale';

function saved(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export const locale = signal<Locale>(pickLocale([saved(), ...navigator.languages]));

effect(() => {
  document.documentElement.lang = locale.value;
  try {
    localStorage.setItem(KEY, locale.value);
  } catch {
    /* not persisted */
  }
});

export function strings(): ConsoleStrings {
  return CONSOLE_STRINGS[locale.value];
}
