/**
 * A photo sent while the bot has the chat (issue 12 item 3): the bot cannot read it, so it says a
 * person will look at it and hands the chat to the team, where an agent sees it waiting.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';
import { png } from '../helpers/png';

const ctx = useServerAndBrowser({ bot: true });

describe.runIf(hasChromium)('a photo while the bot has the chat', () => {
  it('gets a bot line that a person will look at it, and goes to the queue where the agent sees it', async () => {
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    await list.waitFor(T);

    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const log = panel.getByRole('log');
    // The bot has the chat: it answered a first question.
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    await box.fill('Hola');
    await box.press('Enter');
    await expect.poll(() => log.locator('.msg.theirs').count(), T).toBeGreaterThanOrEqual(1);
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    expect((await ctx.server.store.conversations.listForSite(site.id, { limit: 5 }))[0]?.status).toBe('bot');
    const botLines = await log.locator('.msg.theirs').count();

    // The photo alone, no words.
    await panel.locator('input[type=file]').setInputFiles({ name: 'caja-rota.png', mimeType: 'image/png', buffer: png() });
    await expect.poll(() => log.getByRole('img', { name: 'caja-rota.png' }).count(), T).toBe(1);
    // The bot answers it: a person of the team will look at it (Ana is online: "enseguida").
    await expect.poll(() => log.locator('.msg.theirs').count(), T).toBe(botLines + 1);
    const answer = await log.locator('.msg.theirs').last().innerText();
    expect(answer).toMatch(/archivo|foto|imagen/i);
    expect(answer).toMatch(/persona del equipo/i);
    expect(answer).not.toMatch(/no lo he entendido/i);

    // The chat is with the people queue, and the agent sees it there with the photo.
    await expect.poll(async () => (await ctx.server.store.conversations.listForSite(site.id, { limit: 5 }))[0]?.status, T).toBe('queued');
    await list.getByRole('button', { name: /^Queue/ }).click();
    const row = list.getByRole('listitem').first();
    await expect.poll(textOf(row), T).toContain('#1 in the queue');
    await row.getByRole('button').click();
    await expect.poll(() => agent.getByRole('log', { name: 'Messages' }).getByRole('img', { name: 'caja-rota.png' }).count(), T).toBe(1);

    await shopper.close();
    await agentContext.close();
  });
});
