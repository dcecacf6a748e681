/**
 * The console's light and dark themes in real Chromium: dark follows the system (Chromium's
 * emulated prefers-color-scheme) or the agent's choice, which survives a reload; every screen
 * an agent uses passes axe-core (no serious or critical WCAG 2.2 AA violation, contrast
 * included) in both themes and both languages; bot, shopper, agent and note messages look
 * different at a glance.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { T, useServerAndBrowser } from '../helpers/e2e';
import { seriousViolations } from '../helpers/axe';
import { cid, connectVisitor } from '../helpers/ws-client';

const ctx = useServerAndBrowser({ bot: true });

const bg = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);

/** Inbox, the open chat, Settings and Live visitors: the axe findings of each. */
async function auditScreens(page: Page, names: { settings: RegExp; visitors: RegExp; inbox: RegExp }): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  await page.getByRole('button', { name: /^(Visitor|Visitante) / }).first().click();
  await expect.poll(() => page.getByRole('log').innerText(), T).toContain('Theme test');
  found.chat = await seriousViolations(page);
  await page.getByRole('button', { name: names.settings }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  found.settings = await seriousViolations(page);
  await page.getByRole('button', { name: names.inbox }).click();
  await page.getByRole('button', { name: names.visitors }).click();
  found.visitors = await seriousViolations(page);
  await page.getByRole('button', { name: names.visitors }).click();
  return found;
}

describe.runIf(hasChromium)('the console’s themes', () => {
  it('follows a dark system, can be switched and remembered, and passes axe on every screen in both themes', async () => {
    // A chat with a shopper's message and the bot's answer.
    const { socket } = await connectVisitor(ctx.server);
    const created = socket.next((f) => f.type === 'message.created' && (f.message as { author: { kind: string } }).author.kind === 'bot');
    socket.send({ type: 'message.send', clientId: cid(), text: 'Theme test: ¿hacéis envíos a Canarias?' });
    await created;

    const context = await ctx.browser.newContext({ locale: 'en-US', colorScheme: 'dark', viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${ctx.server.origin}/console/`);
    // The sign-in page is dark already: the system says so and nothing was chosen.
    expect(await bg(page, 'body')).toBe('rgb(15, 19, 24)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Email').fill('ana@example.com');
    await page.getByLabel('Password').fill('mostrador');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: /^With the bot/ }).click();
    await page.getByRole('button', { name: /^(Visitor|Visitante) / }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const en = { settings: /^Settings$/, visitors: /^Live visitors|^Visitors/, inbox: /^Inbox$/ };
    expect(await auditScreens(page, en)).toEqual({ chat: [], settings: [], visitors: [] });

    // Bot and shopper messages look different.
    await page.getByRole('button', { name: /^(Visitor|Visitante) / }).first().click();
    const botBg = await bg(page, '.msg.author-bot .text');
    const shopperBg = await bg(page, '.msg.author-visitor .text');
    expect(botBg).not.toBe(shopperBg);

    // The agent's choice: system → dark → light, kept across a reload.
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    await expect.poll(() => toggle.getAttribute('aria-label'), T).toMatch(/as the system/);
    await toggle.click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? null), T).toBe('dark');
    await toggle.click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? null), T).toBe('light');
    expect(await bg(page, 'body')).toBe('rgb(246, 247, 249)');
    await page.reload();
    await page.getByRole('button', { name: /^With the bot/ }).click();
    await page.getByRole('button', { name: /^(Visitor|Visitante) / }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await bg(page, 'body')).toBe('rgb(246, 247, 249)');
    expect(await auditScreens(page, en)).toEqual({ chat: [], settings: [], visitors: [] });
    await context.close();

    // Spanish, dark chosen by the agent on a light system.
    const es = await ctx.browser.newContext({ locale: 'es-ES', colorScheme: 'light', viewport: { width: 1280, height: 860 } });
    const p2 = await es.newPage();
    await p2.goto(`${ctx.server.origin}/console/`);
    expect(await bg(p2, 'body')).toBe('rgb(246, 247, 249)');
    await p2.getByRole('button', { name: /^Tema: como el sistema/ }).click();
    await expect.poll(() => bg(p2, 'body'), T).toBe('rgb(15, 19, 24)');
    await p2.getByLabel('Email').fill('ana@example.com');
    await p2.getByLabel('Contraseña').fill('mostrador');
    await p2.getByRole('button', { name: 'Entrar' }).click();
    await p2.getByRole('button', { name: /^Con el bot/ }).click();
    await p2.getByRole('button', { name: /^(Visitor|Visitante) / }).first().waitFor();
    expect(await seriousViolations(p2)).toEqual([]);
    expect(await auditScreens(p2, { settings: /^Ajustes$/, visitors: /^Visitantes/, inbox: /^Bandeja/ })).toEqual({ chat: [], settings: [], visitors: [] });
    await es.close();
    socket.close();
  });
});
