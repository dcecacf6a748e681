import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('offline mode', () => {
  it('asks for an email when nobody is online, and shows who is online once an agent signs in', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const form = panel.getByRole('form', { name: /no hay nadie conectado/ });
    await form.waitFor(T);
    await form.getByLabel('Tu email').fill('no-es-un-email');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(form), T).toContain('Escribe un email válido');
    await form.getByLabel('Tu email').fill('elena@example.com');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(panel.locator('.offline-note')), T).toContain('elena@example.com');
    // The shopper can still write; the message waits for the team.
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Abrís el domingo?');
    await panel.getByRole('button', { name: 'Enviar' }).click();

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin, 'luis@example.com');
    // Luis is online now: the widget says so.
    await expect.poll(textOf(panel.locator('header')), T).toContain('Luis · en línea ahora');
    // The shopper's own connection drops: who is online is not known then, so the header does not claim it.
    await shopperContext.setOffline(true);
    await expect.poll(textOf(panel.locator('.panel')), T).toContain('Sin conexión');
    expect(await textOf(panel.locator('header'))()).not.toContain('en línea ahora');
    await shopperContext.setOffline(false);
    await expect.poll(textOf(panel.locator('header')), T).toContain('Luis · en línea ahora');
    await agent.getByRole('button', { name: /Abrís el domingo/ }).click();
    await expect.poll(textOf(agent.getByRole('complementary', { name: 'Customer' })), T).toContain('elena@example.com');
    await shopperContext.close();
    await agentContext.close();
  });
});
