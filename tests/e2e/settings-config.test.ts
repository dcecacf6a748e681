import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

/** Where this suite leaves its screenshots (not committed): SETTINGS_SCREENSHOTS=/tmp/dir. */
const SHOTS = process.env.SETTINGS_SCREENSHOTS;

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect.poll(textOf(page.getByRole('main', { name: 'Settings' })), T).toContain('Business hours');
}

describe.runIf(hasChromium)('admin site configuration', () => {
  it('adds a canned response, an FAQ entry and business hours; a reload shows them; a duplicate shortcut is refused naming the field', async () => {
    const context = await ctx.browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 900 } });
    const page = await context.newPage();
    await signInToConsole(page, ctx.server.origin);
    await openSettings(page);

    // Canned response.
    const canned = page.getByRole('form', { name: 'Canned responses' });
    await canned.getByRole('button', { name: 'Add response' }).click();
    await canned.getByLabel('Shortcut').last().fill('devolucion');
    await canned.getByLabel('Text (Spanish)').last().fill('Tienes 30 días para devolver tu pedido.');
    await canned.getByLabel('Text (English)').last().fill('You have 30 days to return your order.');
    await canned.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(canned), T).toContain('Saved');

    // The same shortcut twice: the server's 422 is shown, naming the response and the field.
    await canned.getByRole('button', { name: 'Add response' }).click();
    await canned.getByLabel('Shortcut').last().fill('devolucion');
    await canned.getByLabel('Text (Spanish)').last().fill('Otra vez');
    await canned.getByRole('button', { name: 'Save' }).click();
    const alert = canned.getByRole('alert');
    await expect.poll(textOf(alert), T).toMatch(/Canned responses \d+ › Shortcut: \/devolucion is already used/);
    expect(await canned.getByLabel('Shortcut').last().getAttribute('aria-invalid')).toBe('true');
    await canned.getByRole('button', { name: /Delete \/devolucion/ }).last().click();
    await canned.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(canned), T).toContain('Saved');

    // FAQ entry.
    const faq = page.getByRole('form', { name: 'Assistant: frequent questions' });
    await faq.getByRole('button', { name: 'Add question' }).click();
    await faq.getByLabel('Question').last().fill('¿Enviáis a Canarias?');
    await faq.getByLabel('Answer').last().fill('Sí, en 3–5 días laborables.');
    await faq.getByLabel('Keywords (comma-separated)').last().fill('canarias, islas');
    await faq.getByLabel('Language').last().selectOption('es');
    await faq.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(faq), T).toContain('Saved');

    // Business hours: Madrid, Monday 10:00–14:00 and 16:00–20:00, Christmas closed.
    const hours = page.getByRole('form', { name: 'Business hours' });
    await hours.getByLabel('Set business hours (otherwise always open)').check();
    await hours.getByLabel('Time zone').fill('Europe/Madrid');
    await hours.getByRole('button', { name: /Add hours: Monday/ }).click();
    await hours.getByLabel('Monday 1: Opens').fill('10:00');
    await hours.getByLabel('Monday 1: Closes').fill('14:00');
    await hours.getByRole('button', { name: /Add hours: Monday/ }).click();
    await hours.getByLabel('Monday 2: Opens').fill('16:00');
    await hours.getByLabel('Monday 2: Closes').fill('20:00');
    await hours.getByLabel('Holidays (one per line)').fill('12-25');
    await hours.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(hours), T).toContain('Saved');

    // A bad time zone is refused, naming the field.
    await hours.getByLabel('Time zone').fill('Mars/Olympus');
    await hours.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(hours.getByRole('alert')), T).toContain('Time zone: must be an IANA time zone');
    await hours.getByLabel('Time zone').fill('Europe/Madrid');
    await hours.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(hours), T).toContain('Saved');

    if (SHOTS) {
      await page.getByRole('form', { name: 'Proactive messages' }).getByRole('button', { name: 'Add rule' }).click();
      await page.getByRole('button', { name: 'Edit Luis' }).click();
      for (const name of ['Business hours', 'Assistant: frequent questions', 'Canned responses', 'Proactive messages', 'Agents']) {
        const section = page.getByRole(name === 'Agents' ? 'region' : 'form', { name });
        await section.screenshot({ path: `${SHOTS}/settings-${name.replace(/\W+/g, '-').toLowerCase()}.png` });
      }
      await page.getByRole('main', { name: 'Settings' }).evaluate((el) => (el.scrollTop = 0));
      await page.screenshot({ path: `${SHOTS}/settings-top.png` });
    }

    // Reload: everything is still there.
    await page.reload();
    await openSettings(page);
    const canned2 = page.getByRole('form', { name: 'Canned responses' });
    await expect.poll(() => canned2.getByLabel('Shortcut').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), T).toContain('devolucion');
    const shortcuts = await canned2.getByLabel('Shortcut').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(shortcuts.filter((s) => s === 'devolucion')).toHaveLength(1);
    const faq2 = page.getByRole('form', { name: 'Assistant: frequent questions' });
    expect(await faq2.getByLabel('Question').last().inputValue()).toBe('¿Enviáis a Canarias?');
    expect(await faq2.getByLabel('Keywords (comma-separated)').last().inputValue()).toBe('canarias, islas');
    const hours2 = page.getByRole('form', { name: 'Business hours' });
    expect(await hours2.getByLabel('Set business hours (otherwise always open)').isChecked()).toBe(true);
    expect(await hours2.getByLabel('Time zone').inputValue()).toBe('Europe/Madrid');
    expect(await hours2.getByLabel('Monday 1: Opens').inputValue()).toBe('10:00');
    expect(await hours2.getByLabel('Monday 2: Closes').inputValue()).toBe('20:00');
    expect(await hours2.getByLabel('Holidays (one per line)').inputValue()).toBe('12-25');
    await context.close();
  });

  it('in Spanish: gives an agent a capacity, languages and a team, adds a proactive rule from them; a reload shows both; a rotated secret is shown once with a copy button', async () => {
    const context = await ctx.browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.server.origin });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await signInToConsole(page, ctx.server.origin);
    await page.getByLabel('Language').first().selectOption('es');
    await page.getByRole('button', { name: 'Ajustes' }).click();
    const main = page.getByRole('main', { name: 'Ajustes' });
    await expect.poll(textOf(main), T).toContain('Horario de atención');

    // Luis: 3 chats at once, English only, team Mayoristas (which joins the site's teams).
    await page.getByRole('button', { name: 'Editar Luis' }).click();
    const edit = page.getByRole('form', { name: 'Editar: Luis' });
    await edit.getByLabel('Luis: Chats a la vez').fill('3');
    await edit.getByRole('group', { name: 'Luis: Idiomas' }).getByLabel('Español').uncheck();
    await edit.getByRole('group', { name: 'Luis: Idiomas' }).getByLabel('Inglés').check();
    await edit.getByLabel('Luis: Equipos (separados por comas)').fill('Mayoristas');
    await edit.getByRole('button', { name: 'Guardar' }).click();
    const luisRow = page.getByRole('row', { name: /luis@example\.com/ });
    await expect.poll(textOf(luisRow), T).toContain('Mayoristas');
    expect(await luisRow.innerText()).toMatch(/3\s+EN\s+Mayoristas/);
    await expect.poll(textOf(page.getByRole('region', { name: 'Equipos' })), T).toContain('Mayoristas');

    // A rule: on /checkout with at least 40 € in the cart, Luis speaks first.
    const rules = page.getByRole('form', { name: 'Mensajes proactivos' });
    await rules.getByRole('button', { name: 'Añadir regla' }).click();
    const rule = rules.getByRole('group', { name: 'Regla 1' });
    await rule.getByLabel('Prioridad (gana la mayor)').fill('7');
    await rule.getByLabel('De', { exact: true }).selectOption({ label: 'Luis' });
    await rule.getByLabel('Condición 1').selectOption('url');
    await rule.getByLabel(/^Valor: La dirección/).fill('/checkout*');
    await rule.getByRole('button', { name: 'Añadir condición' }).click();
    await rule.getByLabel('Condición 2').selectOption('cart_total_at_least');
    await rule.getByLabel(/^Valor: Total del carrito/).fill('40');
    await rule.getByLabel('Mensaje (español)').fill('¿Te ayudo a terminar el pedido?');
    await rules.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(rules), T).toContain('Guardado');
    if (SHOTS) {
      await rules.screenshot({ path: `${SHOTS}/settings-es-rules.png` });
      await page.getByRole('region', { name: 'Agentes' }).screenshot({ path: `${SHOTS}/settings-es-agents.png` });
    }

    // Rotating the secret: shown once, copyable; gone after a reload.
    const keys = page.getByRole('region', { name: 'Claves de API' });
    await keys.getByRole('button', { name: 'Rotar la clave secreta' }).click();
    const secret = keys.locator('code.secret');
    await expect.poll(() => secret.innerText(), T).toMatch(/^sk_/);
    const key = await secret.innerText();
    await keys.getByRole('button', { name: 'Copiar clave' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), T).toBe(key);
    // By default the old key keeps working until the admin retires it, and the console says so.
    await expect.poll(textOf(keys), T).toContain('La clave secreta anterior sigue funcionando (API y hashes de identidad) hasta que la retires.');

    await page.reload();
    await page.getByRole('button', { name: 'Ajustes' }).click();
    await expect.poll(textOf(main), T).toContain('Horario de atención');
    expect(await main.innerText()).not.toContain(key);
    expect(await page.getByRole('region', { name: 'Claves de API' }).locator('code.secret').count()).toBe(0);
    const keysAgain = page.getByRole('region', { name: 'Claves de API' });
    await keysAgain.getByRole('button', { name: 'Retirar la clave anterior' }).click();
    await expect.poll(textOf(keysAgain), T).toContain('Ahora solo funciona la clave secreta actual.');
    expect(await keysAgain.innerText()).not.toContain('sigue funcionando (API');
    await expect.poll(textOf(page.getByRole('row', { name: /luis@example\.com/ })), T).toMatch(/3\s+EN\s+Mayoristas/);
    const rule2 = page.getByRole('form', { name: 'Mensajes proactivos' }).getByRole('group', { name: 'Regla 1' });
    expect(await rule2.getByLabel('Prioridad (gana la mayor)').inputValue()).toBe('7');
    expect(await rule2.getByLabel(/^Valor: La dirección/).inputValue()).toBe('/checkout*');
    expect(await rule2.getByLabel(/^Valor: Total del carrito/).inputValue()).toBe('40');
    expect(await rule2.getByLabel('De', { exact: true }).locator('option:checked').innerText()).toBe('Luis');
    expect(await rule2.getByLabel('Mensaje (español)').inputValue()).toBe('¿Te ayudo a terminar el pedido?');
    await context.close();
  });
});
