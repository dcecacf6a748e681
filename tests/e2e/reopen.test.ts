/**
 * A shopper writes again after the agent resolved the chat (issue 12 item 2): the panel keeps the
 * whole conversation, the chat goes back to the agent who had it (online, with room), the header
 * names who has it now, and the bot does not answer a chat a person has.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ bot: true });

describe.runIf(hasChromium)('writing into a resolved chat', () => {
  it('keeps the history, gives the chat back to Ana, names her (not the whole team) in the header, and the bot stays quiet', async () => {
    // Ana and Luis are online: the header lists both while nobody has the chat.
    const anaContext = await ctx.browser.newContext({ locale: 'en-US' });
    const ana = await anaContext.newPage();
    await signInToConsole(ana, ctx.server.origin);
    const luisContext = await ctx.browser.newContext({ locale: 'en-US' });
    await signInToConsole(await luisContext.newPage(), ctx.server.origin, 'luis@example.com');

    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const header = panel.locator('header');
    await expect.poll(textOf(header), T).toMatch(/Ana.*Luis|Luis.*Ana/);
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    const log = panel.getByRole('log');
    await box.fill('Quiero hablar con una persona');
    await box.press('Enter');
    await expect.poll(textOf(log), T).toContain('Te paso con una persona');

    // Ana answers (which takes the chat), then resolves it.
    const list = ana.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('button', { name: /Quiero hablar con una persona|Te paso/ }).click();
    const reply = ana.getByRole('combobox', { name: 'Reply' });
    await reply.fill('Hola, soy Ana. ¿En qué te ayudo?');
    await reply.press('Enter');
    await expect.poll(textOf(log), T).toContain('Hola, soy Ana');
    // She has the chat: the header names her, not Luis.
    await expect.poll(textOf(header), T).toContain('Ana');
    await expect.poll(textOf(header), T).not.toContain('Luis');
    await ana.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(textOf(log), T).toMatch(/resuelta|cerrad/i);

    // The shopper comes back with one more question.
    await box.fill('Perdona, una cosa más: ¿lo tenéis en azul?');
    await box.press('Enter');
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const anaId = (await ctx.server.store.agents.byEmail(site.id, 'ana@example.com'))!.id;
    await expect
      .poll(async () => {
        const open = (await ctx.server.store.conversations.listForSite(site.id, { limit: 50 })).find((c) => c.status !== 'resolved');
        return open ? { status: open.status, assigneeId: open.assigneeId } : null;
      }, T)
      .toEqual({ status: 'assigned', assigneeId: anaId });
    // One conversation, not a new one with the bot.
    expect((await ctx.server.store.conversations.listForSite(site.id, { limit: 50 })).length).toBe(1);

    // The whole conversation is still in the panel, with the new message after it.
    await expect.poll(textOf(log), T).toContain('¿lo tenéis en azul?');
    const all = await log.innerText();
    for (const earlier of ['Quiero hablar con una persona', 'Te paso con una persona', 'Hola, soy Ana']) expect(all).toContain(earlier);
    expect(all.indexOf('Hola, soy Ana')).toBeLessThan(all.indexOf('¿lo tenéis en azul?'));
    // Ana has it again: the header names her, not the whole team.
    await expect.poll(textOf(header), T).toContain('Ana');
    expect(await header.innerText()).not.toContain('Luis');
    // Ana sees the new message in her chat, and it is hers.
    await expect.poll(textOf(ana.getByRole('log', { name: 'Messages' })), T).toContain('¿lo tenéis en azul?');
    await ana.getByRole('button', { name: /^Mine/ }).click();
    await expect.poll(textOf(list), T).toContain('¿lo tenéis en azul?');

    // The bot did not answer a chat a person has: nothing after the shopper's message.
    const theirs = panel.getByRole('log').locator('.msg.theirs');
    const before = await theirs.count();
    await ana.getByRole('combobox', { name: 'Reply' }).fill('Sí, en azul también.');
    await ana.getByRole('combobox', { name: 'Reply' }).press('Enter');
    await expect.poll(textOf(log), T).toContain('Sí, en azul también.');
    expect(await theirs.count()).toBe(before + 1);
    expect(await log.innerText()).not.toMatch(/no lo he entendido/i);

    await shopper.close();
    await luisContext.close();
    await anaContext.close();
  });
});
