/**
 * The console's colour theme: the system's (default), or the agent's choice of light or dark,
 * saved on this device. Applied as data-theme on <html>, which the design tokens in styles.css
 * read; "system" removes it so prefers-color-scheme decides.
 */
import { effect, signal } from '@preact/signals';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'mostrador:console:theme';
const ORDER: Theme[] = ['system', 'dark', 'light'];

function saved(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export const theme = signal<Theme>(saved());

/** The next theme in the toggle's cycle: system → dark → light → system. */
export function nextTheme(t: Theme): Theme {
  return ORDER[(ORDER.indexOf(t) + 1) % ORDER.length]!;
}

effect(() => {
  const t = theme.value;
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  try {
    if (t === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, t);
  } catch {
    /* not persisted */
  }
});
