import { strings } from '../state/locale';
import { nextTheme, theme } from '../state/theme';

/** One compact button (the top bar must fit one row at 1024 px): cycles system → dark → light. */
export function ThemeToggle() {
  const t = strings();
  const current = theme.value;
  const label = `${t.theme}: ${current === 'system' ? t.themeSystem : current === 'dark' ? t.themeDark : t.themeLight}`;
  return (
    <button type="button" class="ghost theme-toggle" aria-label={`${label}. ${t.themeChange}`} title={label} onClick={() => (theme.value = nextTheme(current))}>
      <span aria-hidden="true">{current === 'dark' ? '☾' : current === 'light' ? '☀' : '◐'}</span>
    </button>
  );
}
