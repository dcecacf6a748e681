/**
 * Issue 20 item 10 in the real console (Chromium): a refused setting is explained in the
 * console's language, naming the field by its visible label; `/envío` is a valid shortcut; the
 * shortcut field's pattern compiles in Chromium (no "Pattern attribute value … is not a valid
 * regular expression" warning, so the browser checks it too); an FAQ entry needs keywords.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { T, textOf, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();

async function openSettings(locale: 'es-ES' | 'en-US') {
  const context = await ctx.browser.newContext({ locale });
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (m) => warnings.push(m.text()));
  await page.goto(`${ctx.server.origin}/console/`);
  await page.getByLabel('Email').fill('ana@example.com');
  await page.getByLabel(locale === 'es-ES' ? 'Contraseña' : 'Password').fill('mostrador');
  await page.getByRole('button', { name: locale === 'es-ES' ? 'Entrar' : 'Sign in' }).click();
  await page.getByRole('button', { name: locale === 'es-ES' ? 'Ajustes' : 'Settings' }).click();
  return { context, page, warnings };
}

describe.runIf(hasChromium)('settings validation in the console', () => {
  it('Spanish: the logo error is Spanish and names the field; /envío is saved; the pattern compiles', async () => {
    const { context, page, warnings } = await openSettings('es-ES');
    const branding = page.getByRole('form', { name: 'Marca' });
    await branding.getByLabel('Logo (dirección https de una imagen)').fill('http://tienda.example/logo.png');
    await branding.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(branding.getByRole('status')), T).toBe('Logo (dirección https de una imagen): debe ser una dirección https:// de una imagen');

    const canned = page.getByRole('form', { name: 'Respuestas guardadas' });
    await canned.getByRole('button', { name: /Añadir/ }).click();
    const shortcut = canned.getByLabel('Atajo').last();
    await shortcut.fill('/envío');
    // The browser's own check agrees with the server's rule…
    expect(await shortcut.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(true);
    await shortcut.fill('Envío');
    expect(await shortcut.evaluate((el: HTMLInputElement) => el.validity.patternMismatch)).toBe(true);
    await shortcut.fill('envío');
    await canned.getByLabel('Texto (español)').last().fill('Enviamos en 24 horas.');
    await canned.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(canned), T).toContain('Guardado');
    await canned.getByRole('group', { name: '/envío' }).waitFor(T);
    // …because Chromium could compile the pattern (with the v flag).
    expect(warnings.filter((w) => /pattern attribute/i.test(w))).toEqual([]);

    // A bot on a loopback address is refused, in Spanish, naming the field.
    const bot = page.getByRole('form', { name: 'Tu propio bot' });
    await bot.getByLabel('URL del bot').fill('http://127.0.0.1:9/bot');
    await bot.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(bot.getByRole('alert')), T).toBe('URL del bot: apunta a una dirección privada o local');
    await context.close();
  });

  it('English: a too-long canned text names the response and its field in English; an FAQ entry needs keywords', async () => {
    const { context, page, warnings } = await openSettings('en-US');
    const canned = page.getByRole('form', { name: 'Canned responses' });
    await canned.getByRole('button', { name: 'Add response' }).click();
    await canned.getByLabel('Shortcut').last().fill('largo');
    // maxLength stops typing past 2,000; set the value the way a paste from a script would.
    await canned.getByLabel('Text (English)').last().evaluate((el: HTMLTextAreaElement) => {
      el.removeAttribute('maxlength');
    });
    await canned.getByLabel('Text (English)').last().fill('a'.repeat(2001));
    await canned.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(canned.getByRole('alert')), T).toMatch(/^Canned responses \d+ › Text \(English\): must have at most 2000 characters$/);

    // An FAQ entry without keywords cannot be saved: the browser says so at the field.
    const faq = page.getByRole('form', { name: 'Assistant: frequent questions' });
    await faq.getByRole('button', { name: 'Add question' }).click();
    await faq.getByLabel('Question').last().fill('Do you open on Sundays?');
    await faq.getByLabel('Answer').last().fill('No.');
    await faq.getByRole('button', { name: 'Save' }).click();
    const keywords = faq.getByLabel('Keywords (comma-separated)').last();
    expect(await keywords.evaluate((el: HTMLInputElement) => el.validity.valueMissing)).toBe(true);
    expect(warnings.filter((w) => /pattern attribute/i.test(w))).toEqual([]);
    await context.close();
  });
});
