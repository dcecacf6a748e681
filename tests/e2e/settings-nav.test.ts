/**
 * Settings as pages: a side navigation of groups (and "All") and a search over what the sections
 * say, in Spanish and English, by keyboard, with no serious axe finding.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { seriousViolations } from '../helpers/axe';
import { useServerAndBrowser, T } from '../helpers/e2e';

const ctx = useServerAndBrowser();

const L = {
  en: { email: 'Email', password: 'Password', signIn: 'Sign in', settings: 'Settings', nav: 'Settings sections', team: 'Team', all: 'All', search: 'Search settings', agents: 'Agents', webhooks: 'Webhooks', none: 'No setting matches the search.' },
  es: { email: 'Email', password: 'Contraseña', signIn: 'Entrar', settings: 'Ajustes', nav: 'Secciones de los ajustes', team: 'Equipo', all: 'Todo', search: 'Buscar en los ajustes', agents: 'Agentes', webhooks: 'Webhooks', none: 'Ningún ajuste coincide con la búsqueda.' },
};

describe.runIf(hasChromium)('settings pages', () => {
  for (const lang of ['en', 'es'] as const) {
    it(`shows one group at a time from the side navigation and finds a setting by its words (${lang})`, async () => {
      const l = L[lang];
      const context = await ctx.browser.newContext({ locale: lang === 'en' ? 'en-US' : 'es-ES', viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${ctx.server.origin}/console/`);
      await page.getByLabel(l.email).fill('ana@example.com');
      await page.getByLabel(l.password, { exact: true }).fill('mostrador');
      await page.getByRole('button', { name: l.signIn }).click();
      await page.getByRole('button', { name: l.settings }).click();
      const nav = page.getByRole('navigation', { name: l.nav });
      await nav.waitFor(T);
      const webhooks = page.getByRole('heading', { name: l.webhooks, level: 2 });
      await webhooks.waitFor(T);

      // A group: its sections only.
      await nav.getByRole('button', { name: l.team }).click();
      expect(await nav.getByRole('button', { name: l.team }).getAttribute('aria-current')).toBe('page');
      await expect.poll(() => webhooks.isVisible(), T).toBe(false);
      expect(await page.getByRole('heading', { name: new RegExp(`^${l.agents}`), level: 2 }).first().isVisible()).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);

      // Everything again, then a search: accents and case aside.
      await nav.getByRole('button', { name: l.all }).click();
      await nav.getByRole('searchbox', { name: l.search }).fill('WEBHOOK');
      await expect.poll(() => webhooks.isVisible(), T).toBe(true);
      await expect.poll(() => page.getByRole('heading', { name: new RegExp(`^${l.agents}`), level: 2 }).first().isVisible(), T).toBe(false);
      await nav.getByRole('searchbox', { name: l.search }).fill('zzzz nada');
      await expect.poll(() => page.getByText(l.none).first().isVisible(), T).toBe(true);
      await context.close();
    });
  }
});
