/**
 * Password reset as an agent meets it (issue 20 item 7): "Forgot your password?" on the sign-in
 * page, the link from the e-mail, a new password, and signing in with it — English and Spanish.
 */
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { hasChromium } from '../helpers/browser';
import { T, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();

const L = {
  en: { forgot: 'Forgot your password?', send: 'Send the link', sent: 'If an account uses that email', pw: 'New password', save: 'Save the new password', done: 'Your password was changed', back: 'Back to sign in', weak: 'This password is too common: choose another.' },
  es: { forgot: '¿Has olvidado tu contraseña?', send: 'Enviar el enlace', sent: 'Si hay una cuenta con ese email', pw: 'Contraseña nueva', save: 'Guardar la contraseña nueva', done: 'Tu contraseña ha cambiado', back: 'Volver a entrar', weak: 'Esta contraseña es demasiado común: elige otra.' },
} as const;

describe.skipIf(!hasChromium)('password reset in the console', () => {
  for (const [lang, email] of [['en', 'luis@example.com'], ['es', 'ana@example.com']] as const) {
    it(`mails a link that sets a new password (${lang})`, async () => {
      const l = L[lang];
      const context = await ctx.browser.newContext({ locale: lang === 'en' ? 'en-US' : 'es-ES' });
      const page = await context.newPage();
      await page.goto(`${ctx.server.origin}/console/`);
      await page.getByLabel(lang === 'en' ? 'Language' : 'Idioma').selectOption(lang);
      await page.getByRole('button', { name: l.forgot }).click();
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: l.send }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: l.sent }).count(), T).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);

      // The mail (kept by the demo's transport) carries the link.
      const siteId = (await ctx.server.store.sites.byPublicKey('pk_demo'))!.id;
      let link = '';
      await expect
        .poll(async () => {
          const mail = (await ctx.server.store.mail.list(siteId, { limit: 20 })).find((m) => m.toAddress === email && /#\/reset\//.test(m.textBody ?? ''));
          link = /https?:\/\/\S+#\/reset\/[A-Za-z0-9_-]+/.exec(mail?.textBody ?? '')?.[0] ?? '';
          return link;
        }, T)
        .not.toBe('');
      await page.goto(link);
      // Long enough for the browser's own check; refused by the strength rule (one letter repeated).
      await page.getByLabel(l.pw).fill('aaaaaaaaaaaaaaaa');
      await page.getByRole('button', { name: l.save }).click();
      await expect.poll(() => page.getByRole('alert').innerText(), T).toBe(l.weak);
      await page.getByLabel(l.pw).fill('una clave nueva y larga 2026');
      await page.getByRole('button', { name: l.save }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: l.done }).count(), T).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: l.back }).click();

      // Sign in with the new password.
      await page.getByLabel('Email').fill(email);
      await page.getByLabel(lang === 'en' ? 'Password' : 'Contraseña').fill('una clave nueva y larga 2026');
      await page.getByRole('button', { name: lang === 'en' ? 'Sign in' : 'Entrar' }).click();
      await page.getByRole('button', { name: lang === 'en' ? 'Sign out' : 'Salir' }).waitFor(T);
      await context.close();
    });
  }
});
