import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

const countOf = (l: Locator) => () => l.count();

async function openShop(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${ctx.server.origin}/demo/`);
  return page;
}

describe.runIf(hasChromium)('shopper ↔ agent round trip in Chromium', () => {
  it('delivers both ways, keeps history across reload, and sends an offline message once', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await openShop(shopperContext);
    const launcher = shop.getByRole('button', { name: /chat/i });
    await launcher.click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const message = panel.getByRole('textbox', { name: 'Mensaje' });
    await expect.poll(() => message.evaluate((el) => el === el.ownerDocument.activeElement), T).toBe(true);
    await message.fill('Hola, ¿dónde está mi pedido 1001?');
    await panel.getByRole('button', { name: 'Enviar' }).click();
    const shopperLog = panel.getByRole('log');
    await expect.poll(textOf(shopperLog), T).toContain('Hola, ¿dónde está mi pedido 1001?');

    // The agent, in another browser context, sees it and replies.
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('button', { name: /dónde está mi pedido 1001/ }).click();
    const agentLog = agent.getByRole('log');
    await expect.poll(textOf(agentLog), T).toContain('Hola, ¿dónde está mi pedido 1001?');
    await agent.getByLabel('Reply').fill('¡Hola! Tu pedido 1001 va en camino con Correos Express.');
    await agent.getByRole('button', { name: 'Send' }).click();

    // The shopper sees the reply.
    await expect.poll(textOf(shopperLog), T).toContain('va en camino con Correos Express');

    // After a reload the history is still there.
    await shop.reload();
    await shop.getByRole('button', { name: /chat/i }).click();
    const reloadedLog = shop.frameLocator('iframe[title*="chat" i]').getByRole('log');
    await expect.poll(textOf(reloadedLog), T).toContain('Hola, ¿dónde está mi pedido 1001?');
    await expect.poll(textOf(reloadedLog), T).toContain('va en camino con Correos Express');

    // Typed while offline: shown as sending, delivered once when back online.
    const panelAgain = shop.frameLocator('iframe[title*="chat" i]');
    await shopperContext.setOffline(true);
    await expect.poll(textOf(panelAgain.getByRole('status')), T).toMatch(/conexión|Reconectando/);
    await panelAgain.getByRole('textbox', { name: 'Mensaje' }).fill('Escrito sin conexión');
    await panelAgain.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(textOf(reloadedLog), T).toContain('Enviando');
    // Kept in the panel's outbox (localStorage) while offline, to be sent when back.
    const panelFrame = shop.frames().find((f) => f.url().includes('/widget/frame'))!;
    await expect.poll(() => panelFrame.evaluate(() => localStorage.getItem('mostrador:pk_demo:outbox') ?? ''), T).toContain('Escrito sin conexión');
    await shopperContext.setOffline(false);
    await expect.poll(textOf(agentLog), { timeout: 15_000 }).toContain('Escrito sin conexión');
    await expect.poll(countOf(reloadedLog.getByText('Enviando')), { timeout: 15_000 }).toBe(0);
    // Exactly once, in the agent's view and in the store. The widget sends one message at a time,
    // each after the previous one's ack, and the agent's socket delivers in order: once the next
    // message is in the agent's view, any copy of the offline one would be there before it.
    await panelAgain.getByRole('textbox', { name: 'Mensaje' }).fill('Y otra cosa');
    await panelAgain.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(textOf(agentLog), T).toContain('Y otra cosa');
    expect(await agentLog.getByText('Escrito sin conexión').count()).toBe(1);
    const db = new Database(join(ctx.server.dataDir, 'mostrador.db'), { readonly: true });
    const stored = db.prepare('select count(*) as n from messages where text = ?').get('Escrito sin conexión') as { n: number };
    db.close();
    expect(stored.n).toBe(1);

    await shopperContext.close();
    await agentContext.close();
  });
});
