/**
 * Outside business hours in real Chromium: the shopper is told when people are back and may
 * leave an email; an agent who is online anyway takes the chat by hand and answers — from then
 * the panel names them and no longer says nobody is there (no offline form beside a live reply).
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ routing: 'auto' });

describe.runIf(hasChromium)('the widget outside business hours', () => {
  it('offers the email form while closed, and drops it once an agent online anyway takes the chat and answers', async () => {
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    await ctx.server.store.sites.update(site.id, { settings: { ...site.settings, hours: { timeZone: 'Europe/Madrid', schedule: { weekly: {} } } } });
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin, 'luis@example.com');

    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    await box.fill('¿Hay alguien un domingo?');
    await box.press('Enter');
    // Closed: nothing handed out, the email form is offered.
    const form = panel.getByRole('form', { name: /no hay nadie conectado/i });
    await form.waitFor(T);

    // Luis, online anyway, takes it by hand from the queue and answers.
    await agent.getByRole('button', { name: /^Queue/ }).click();
    await agent.getByRole('button', { name: /Hay alguien un domingo/ }).click();
    await agent.getByRole('button', { name: /^Take/ }).click();
    await agent.getByLabel('Reply').fill('¡Hola! Estoy por aquí, dime.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Estoy por aquí');
    await expect.poll(textOf(panel.locator('header')), T).toContain('Luis');
    await form.waitFor({ state: 'detached', ...T });
    await agentContext.close();
    await shopper.close();
  });
});
