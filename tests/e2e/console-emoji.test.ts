/** The console's emoji picker in Chromium: not in the first load, downloaded when opened, used by keyboard. */
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { hasChromium } from '../helpers/browser';
import { T, signInToConsole, textOf, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('emoji picker', () => {
  it('is downloaded only when opened, and its emoji reaches the shopper', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Tenéis envío a Canarias?');
    await panel.getByRole('button', { name: 'Enviar' }).click();

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    const scripts: string[] = [];
    agent.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('button', { name: /envío a Canarias/ }).click();
    await agent.getByLabel('Reply').fill('¡Sí! ');
    expect(scripts.some((s) => /EmojiPicker/.test(s))).toBe(false);

    await agent.getByRole('button', { name: 'Emoji' }).click();
    const search = agent.getByRole('searchbox', { name: 'Search emoji' });
    await search.waitFor();
    expect(scripts.some((s) => /EmojiPicker/.test(s))).toBe(true);
    // Open, in both themes: no serious or critical axe finding.
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.emulateMedia({ colorScheme: 'light' });
    await search.fill('truck');
    await agent.keyboard.press('ArrowDown');
    await expect.poll(() => agent.evaluate(() => document.activeElement?.getAttribute('aria-label')), T).toBe('delivery truck');
    await agent.keyboard.press('Enter');
    await expect.poll(() => agent.getByLabel('Reply').inputValue(), T).toBe('¡Sí! 🚚');
    // Typing goes on in the reply box: Enter sends.
    await expect.poll(() => agent.getByLabel('Reply').evaluate((el) => el === document.activeElement), T).toBe(true);
    await agent.keyboard.press('Enter');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¡Sí! 🚚');
    await shopperContext.close();
    await agentContext.close();
  });
});
