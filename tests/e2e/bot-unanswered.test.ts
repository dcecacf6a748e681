/**
 * What the assistant could not answer reaches the merchant: a shopper asks something it does not
 * know, and the question is listed in the console's settings beside the FAQ editor.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ bot: true });

describe.runIf(hasChromium)('unanswered questions in the console', () => {
  it('lists a question the assistant had to ask about, under "Unanswered questions" beside the FAQ editor', async () => {
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    const question = 'es por lo del otro día con mi prima';
    await box.fill(question);
    await box.press('Enter');
    // One clarifying question, with quick replies.
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¿es sobre un pedido, una devolución o un envío?');
    // The quick replies are a card, drawn by a lazily loaded chunk: they follow the text shortly.
    await expect.poll(() => panel.getByRole('button', { name: 'Un envío' }).count(), T).toBe(1);
    await shopper.close();

    const merchant = await ctx.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await merchant.newPage();
    await signInToConsole(page, ctx.server.origin);
    await page.getByRole('button', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Unanswered questions' });
    await expect.poll(textOf(section), T).toContain(question);
    expect(await section.getByText('Spanish').count()).toBe(1);
    await merchant.close();
  });
});
