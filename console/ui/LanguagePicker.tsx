import { locale } from '../state/locale';
import { strings } from '../state/locale';
import type { Locale } from '../../shared/i18n';

export function LanguagePicker() {
  const t = strings();
  return (
    <label class="lang">
      <span class="sr-only">{t.language}</span>
      <select value={locale.value} onChange={(e) => (locale.value = (e.target as HTMLSelectElement).value as Locale)}>
        <option value="es" lang="es">Español</option>
        <option value="en" lang="en">English</option>
      </select>
    </label>
  );
}
