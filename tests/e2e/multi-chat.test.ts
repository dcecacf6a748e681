import { describe, expect, it } from 'vitest';
import type { BrowserContext, FrameLocator } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

async function shopper(text: string): Promise<{ context: BrowserContext; panel: FrameLocator }> {
  const context = await ctx.browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await page.goto(`${ctx.server.origin}/demo/`);
  await page.getByRole('button', { name: /chat/i }).click();
  const panel = page.frameLocator('iframe[title*="chat" i]');
  await panel.getByRole('textbox', { name: 'Mensaje' }).fill(text);
  await panel.getByRole('button', { name: 'Enviar' }).click();
  await expect.poll(textOf(panel.getByRole('log')), T).toContain(text);
  return { context, panel };
}

describe.runIf(hasChromium)('one agent, three shoppers', () => {
  it('routes each reply to the right shopper, switching chats by keyboard and keeping drafts', async () => {
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin, 'luis@example.com');
    await agent.getByRole('button', { name: 'Sign out' }).waitFor();

    const shoppers = [await shopper('Pregunta de Alba'), await shopper('Pregunta de Bruno'), await shopper('Pregunta de Carmen')];
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    await expect.poll(() => list.getByRole('button', { name: /Pregunta de/ }).count(), T).toBe(3);
    // New chats are counted in the tab title until read.
    await expect.poll(() => agent.title(), T).toMatch(/^\(\d+\) Mostrador$/);

    // A draft typed in one chat survives a trip to another.
    await list.getByRole('button', { name: /Pregunta de Alba/ }).click();
    await agent.getByLabel('Reply').fill('borrador para Alba');
    // Newest first: Carmen, Bruno, Alba — Alt+↑ goes to Bruno, Alt+↓ back to Alba.
    await agent.keyboard.press('Alt+ArrowUp');
    await expect.poll(textOf(agent.getByRole('log')), T).toContain('Pregunta de Bruno');
    expect(await agent.getByLabel('Reply').inputValue()).toBe('');
    await agent.keyboard.press('Alt+ArrowDown');
    await expect.poll(textOf(agent.getByRole('log')), T).toContain('Pregunta de Alba');
    expect(await agent.getByLabel('Reply').inputValue()).toBe('borrador para Alba');

    for (const name of ['Alba', 'Bruno', 'Carmen']) {
      await list.getByRole('button', { name: new RegExp(`Pregunta de ${name}`) }).click();
      await expect.poll(textOf(agent.getByRole('log')), T).toContain(`Pregunta de ${name}`);
      await agent.getByLabel('Reply').fill(`Respuesta para ${name}`);
      await agent.getByLabel('Reply').press('Enter');
    }

    for (const [i, name] of ['Alba', 'Bruno', 'Carmen'].entries()) {
      const log = shoppers[i]!.panel.getByRole('log');
      await expect.poll(textOf(log), T).toContain(`Respuesta para ${name}`);
      const text = await log.innerText();
      for (const other of ['Alba', 'Bruno', 'Carmen'].filter((n) => n !== name)) expect(text).not.toContain(`Respuesta para ${other}`);
    }
    for (const s of shoppers) await s.context.close();
    await agentContext.close();
  });
});
