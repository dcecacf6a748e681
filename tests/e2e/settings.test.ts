import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';
import { csrfOf, signIn } from '../helpers/ws-client';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('admin settings', () => {
  it('show the embed snippet and restyle an open widget without a reload', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¿En qué podemos ayudarte?');

    const adminContext = await ctx.browser.newContext({ locale: 'en-US' });
    const admin = await adminContext.newPage();
    await signInToConsole(admin, ctx.server.origin);
    await admin.getByRole('button', { name: 'Settings' }).click();
    const settings = admin.getByRole('main', { name: 'Settings' });
    await expect.poll(textOf(settings), T).toContain('data-site="pk_demo"');
    expect(await settings.innerText()).not.toContain('sk_demo_secret');

    await admin.getByLabel('Shop name').fill('Café La Esquina · Malasaña');
    await admin.getByLabel('Colour').fill('#225522');
    await admin.getByLabel('Greeting (Spanish)').fill('¡Buenas! Pregúntanos lo que quieras.');
    // A logo that is not https is refused, naming the field.
    await admin.getByLabel('Logo (https address of an image)').fill('http://shop.example/logo.png');
    await admin.getByRole('form', { name: 'Branding' }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(admin.getByRole('form', { name: 'Branding' })), T).toMatch(/https/i);
    await admin.getByLabel('Logo (https address of an image)').fill('https://shop.example/logo.png');
    await admin.getByRole('radio', { name: 'Bottom left' }).check();
    await admin.getByRole('form', { name: 'Branding' }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(admin.getByRole('form', { name: 'Branding' })), T).toContain('Saved');

    // The open widget follows at once: name, greeting and the launcher's colour.
    await expect.poll(textOf(panel.locator('header')), T).toContain('Malasaña');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¡Buenas! Pregúntanos lo que quieras.');
    const launcherColor = () => shop.locator('[data-mostrador]').evaluate((el) => (el as HTMLElement).style.getPropertyValue('--mostrador-color'));
    await expect.poll(launcherColor, T).toBe('#225522');
    // …the logo, and the launcher's corner (bottom left now).
    await expect.poll(() => panel.locator('header img.logo').getAttribute('src'), T).toBe('https://shop.example/logo.png');
    await expect.poll(async () => (await shop.getByRole('button', { name: 'Cerrar chat' }).boundingBox())?.x, T).toBe(20);
    // The snippet places it there from the first paint.
    await expect.poll(textOf(settings), T).toContain('data-position="left"');
    await shopperContext.close();
    await adminContext.close();
  });

  it('turning the pre-chat form on (or off) reaches a panel that is already open', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    await box.waitFor(T);
    const form = panel.getByRole('form', { name: 'Antes de empezar, dinos quién eres' });
    expect(await form.count()).toBe(0);

    const cookie = await signIn(ctx.server, 'ana@example.com');
    const patch = (body: unknown) =>
      fetch(`${ctx.server.origin}/api/agent/admin/site`, {
        method: 'PATCH',
        headers: { Cookie: cookie, Origin: ctx.server.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
        body: JSON.stringify(body),
      });
    expect((await patch({ preChatForm: true })).status).toBe(200);
    // No reload: the panel asks for a name and email before the first message.
    await form.waitFor(T);
    expect((await patch({ preChatForm: false })).status).toBe(200);
    await form.waitFor({ state: 'detached', ...T });
    await box.waitFor(T);
    await shopperContext.close();
  });
});
