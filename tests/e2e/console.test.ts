import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('agent console with a live shopper', () => {
  it('keeps internal notes from the shopper, shows typing both ways, read receipts and the live cart', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: 'Añadir al carrito' }).first().click();
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const shopperLog = panel.getByRole('log');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Tenéis molinillos?');
    await panel.getByRole('button', { name: 'Enviar' }).click();

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('button', { name: /Tenéis molinillos/ }).click();
    const agentLog = agent.getByRole('log');
    await expect.poll(textOf(agentLog), T).toContain('¿Tenéis molinillos?');

    // The live cart and page are beside the chat.
    const aside = agent.getByRole('complementary', { name: 'Customer' });
    await expect.poll(textOf(aside), T).toContain('Café de Etiopía');
    expect(await aside.innerText()).toContain('Online');

    // Taking the chat shows in the shopper's transcript, in Spanish.
    await agent.getByRole('button', { name: 'Take' }).click();
    await expect.poll(textOf(shopperLog), T).toContain('Ana se ha unido a la conversación');
    await expect.poll(textOf(agent.getByRole('navigation', { name: 'Conversations' })), T).toContain('Assigned');

    // The agent opened the chat: the shopper sees their message as seen.
    await expect.poll(textOf(shopperLog), T).toContain('Visto');

    // An internal note stays with the team.
    await agent.getByRole('button', { name: 'Note' }).click();
    await agent.getByLabel('Internal note').fill('Preguntar si quiere el de acero');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expect.poll(textOf(agentLog), T).toContain('Preguntar si quiere el de acero');
    expect(await agentLog.innerText()).toContain('Internal note');

    // Typing shows in the widget, then the reply arrives and the note never does.
    await agent.getByRole('button', { name: 'Reply' }).click();
    const reply = agent.getByLabel('Reply');
    await reply.pressSequentially('Sí, tenemos');
    await expect.poll(textOf(panel.locator('.typing')), T).toContain('Ana está escribiendo');
    await reply.press('Enter');
    await expect.poll(textOf(shopperLog), T).toContain('Sí, tenemos');
    expect(await shopperLog.innerText()).not.toContain('Preguntar si quiere el de acero');
    expect(await panel.locator('body').innerText()).not.toContain('acero');

    // The shopper typing shows in the console.
    await panel.getByRole('textbox', { name: 'Mensaje' }).pressSequentially('Genial');
    await expect.poll(textOf(agent.locator('.typing')), T).toContain('Shopper is typing');
    await shopperContext.close();
    await agentContext.close();
  });
});
