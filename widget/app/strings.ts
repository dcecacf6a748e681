/**
 * The panel's strings. The page comes with the shopper's language inlined (the server picks it
 * as the panel would: the `lang` the loader passes, else the browser's), so the panel's own
 * script carries no table; the other language is its own chunk, imported the first time the
 * language changes (`Mostrador('locale', …)`), and the panel shows the one it has meanwhile.
 */
import type { Locale } from '../../shared/locale';
import type { WidgetStrings } from '../../shared/widget-strings/en';
import { signal } from './state/signal';

const tables: Partial<Record<Locale, WidgetStrings>> = {};
const loaded = signal(0);

export function addStrings(locale: Locale, table: WidgetStrings): void {
  tables[locale] = table;
  loaded.value++;
}

export function strings(locale: Locale): WidgetStrings {
  void loaded.value;
  const table = tables[locale];
  if (table) return table;
  void (locale === 'es' ? import('../../shared/widget-strings/es') : import('../../shared/widget-strings/en')).then((m) => addStrings(locale, m.default));
  return Object.values(tables)[0]!;
}
