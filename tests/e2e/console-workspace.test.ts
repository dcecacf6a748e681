import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';
import { connectVisitor } from '../helpers/ws-client';

const ctx = useServerAndBrowser();

/** A shopper on the demo shop (Spanish) who opens the chat and writes; `maria` signs in as the verified demo customer first. */
async function shopper(browser: Browser, origin: string, text: string, opts: { maria?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; panel: FrameLocator }> {
  const context = await browser.newContext({ locale: 'es-ES' });
  // The demo's account switcher remembers its choice: start signed in as María (the shop identifies her with a server-made hash).
  if (opts.maria) await context.addInitScript(() => localStorage.setItem('demo-account', 'cus_maria'));
  const page = await context.newPage();
  await page.goto(`${origin}/demo/`);
  await page.getByRole('button', { name: /chat/i }).click();
  const panel = page.frameLocator('iframe[title*="chat" i]');
  await panel.getByRole('textbox', { name: 'Mensaje' }).fill(text);
  await panel.getByRole('button', { name: 'Enviar' }).click();
  await expect.poll(textOf(panel.getByRole('log')), T).toContain(text);
  return { context, page, panel };
}

async function agentPage(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await ctx.browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await signInToConsole(page, ctx.server.origin, email);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { context, page };
}

const list = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
const view = (page: Page, name: 'Queue' | 'Mine' | 'All open') => list(page).getByRole('button', { name: new RegExp(`^${name}`) }).click();

describe.runIf(hasChromium)('agent workspace', () => {
  it("fills a canned response's variables from the customer and warns about an empty one before sending", async () => {
    const maria = await shopper(ctx.browser, ctx.server.origin, '¿Dónde está mi pedido?', { maria: true });
    const ana = await agentPage('ana@example.com');
    await ana.page.getByRole('button', { name: /María García/ }).click();
    await expect.poll(textOf(ana.page.getByRole('complementary', { name: 'Customer' })), T).toContain('Verified');

    // "/" opens the listbox of the site's responses; the reply box is its combobox.
    const reply = ana.page.getByRole('combobox', { name: 'Reply' });
    await reply.pressSequentially('/');
    const listbox = ana.page.getByRole('listbox', { name: 'Canned responses' });
    await expect.poll(() => listbox.getByRole('option').count(), T).toBe(2);
    expect(await reply.getAttribute('aria-expanded')).toBe('true');
    await reply.press('ArrowDown');
    expect(await listbox.getByRole('option', { name: /seguimiento/ }).getAttribute('aria-selected')).toBe('true');
    expect(await reply.getAttribute('aria-activedescendant')).toBe(await listbox.getByRole('option', { name: /seguimiento/ }).getAttribute('id'));
    await reply.press('Escape');
    expect(await listbox.count()).toBe(0);
    expect(await reply.inputValue()).toBe('/');

    // Filtered by what follows the slash; Enter inserts it filled, in the shopper's language.
    await reply.fill('');
    await reply.pressSequentially('/segu');
    await expect.poll(() => listbox.getByRole('option').count(), T).toBe(1);
    await ana.page.screenshot({ path: '/tmp/console-canned-picker.png' });
    await reply.press('Enter');
    expect(await reply.inputValue()).toBe(
      'Tu pedido 1001 está enviado. Puedes seguirlo aquí: https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber=CE123456789ES',
    );
    expect(await ana.page.getByRole('alert').filter({ hasText: 'Check before sending' }).count()).toBe(0);
    await reply.press('Enter');
    await expect.poll(textOf(maria.panel.getByRole('log')), T).toContain('Tu pedido 1001 está enviado');

    // An anonymous shopper: no name to fill. The agent is warned, and Enter does not send.
    const anon = await shopper(ctx.browser, ctx.server.origin, 'Hola, una pregunta');
    await view(ana.page, 'All open');
    await list(ana.page).getByRole('button', { name: /Hola, una pregunta/ }).click();
    await expect.poll(textOf(ana.page.getByRole('log')), T).toContain('Hola, una pregunta');
    await reply.pressSequentially('/hola');
    await reply.press('Enter');
    expect(await reply.inputValue()).toBe('¡Hola {{customer.first_name}}! Soy Ana, ¿en qué te ayudo?');
    const warning = ana.page.getByRole('alert').filter({ hasText: 'Check before sending' });
    await expect.poll(textOf(warning), T).toContain('No value for {{customer.first_name}}');
    await ana.page.screenshot({ path: '/tmp/console-canned-warning.png' });
    await reply.press('Enter');
    await ana.page.getByRole('button', { name: 'Send anyway' }).waitFor();
    expect(await reply.inputValue()).toContain('{{customer.first_name}}');
    // Editing the variable away clears the warning; then it sends.
    await reply.fill('¡Hola! Soy Ana, ¿en qué te ayudo?');
    expect(await warning.count()).toBe(0);
    await reply.press('Enter');
    await expect.poll(textOf(anon.panel.getByRole('log')), T).toContain('¡Hola! Soy Ana');
    expect(await anon.panel.getByRole('log').innerText()).not.toContain('{{');
    for (const c of [maria.context, anon.context, ana.context]) await c.close();
  });

  it('transfers a chat to the other agent live, with a note the shopper never sees', async () => {
    const s = await shopper(ctx.browser, ctx.server.origin, 'Quiero devolver la taza');
    const ana = await agentPage('ana@example.com');
    const luis = await agentPage('luis@example.com');
    await list(ana.page).getByRole('button', { name: /Quiero devolver la taza/ }).click();
    // The list shows the latest message (the note, later): find the chat by the shopper's label.
    const label = await ana.page.locator('#conversation-title').innerText();
    const chat = (p: Page) => list(p).getByRole('button', { name: new RegExp(`^${label}`) });
    await ana.page.getByRole('button', { name: 'Take' }).click();
    await view(ana.page, 'Mine');
    await expect.poll(() => chat(ana.page).count(), T).toBe(1);
    await view(luis.page, 'Mine');
    expect(await chat(luis.page).count()).toBe(0);

    await ana.page.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = ana.page.getByRole('dialog', { name: 'Transfer this chat' });
    await dialog.getByRole('radio', { name: /Luis/ }).check();
    await dialog.getByLabel('Note for whoever takes it (optional)').fill('Pedido 1001, la taza llegó rota');
    await ana.page.screenshot({ path: '/tmp/console-transfer-dialog.png' });
    await dialog.getByRole('button', { name: 'Transfer' }).click();

    await expect.poll(() => chat(ana.page).count(), T).toBe(0);
    await expect.poll(() => chat(luis.page).count(), T).toBe(1);
    await chat(luis.page).click();
    await expect.poll(textOf(luis.page.getByRole('log')), T).toContain('Pedido 1001, la taza llegó rota');
    expect(await luis.page.getByRole('log').innerText()).toContain('Transferred to Luis');
    await expect.poll(textOf(s.panel.getByRole('log')), T).toContain('Ahora te atiende Luis');
    expect(await s.panel.locator('body').innerText()).not.toContain('rota');
    for (const c of [s.context, ana.context, luis.context]) await c.close();
  });

  it('lets exactly one of two agents take the same waiting chat; the other is told', async () => {
    const s = await shopper(ctx.browser, ctx.server.origin, 'Pregunta para quien llegue antes');
    const ana = await agentPage('ana@example.com');
    const luis = await agentPage('luis@example.com');
    for (const a of [ana, luis]) {
      await view(a.page, 'Queue');
      await list(a.page).getByRole('button', { name: /Pregunta para quien llegue antes/ }).click();
      await a.page.getByRole('button', { name: 'Take' }).waitFor();
    }
    await Promise.all([ana.page.getByRole('button', { name: 'Take' }).click(), luis.page.getByRole('button', { name: 'Take' }).click()]);
    await expect.poll(textOf(s.panel.getByRole('log')), T).toMatch(/(Ana|Luis) se ha unido a la conversación/);
    const log = await s.panel.getByRole('log').innerText();
    const winner = log.includes('Ana se ha unido') ? ana : luis;
    const loser = winner === ana ? luis : ana;
    expect((log.match(/se ha unido a la conversación/g) ?? []).length).toBe(1);
    // Told either by the server (both clicked before either saw the other) or by the console (the take had already shown up).
    await expect.poll(textOf(loser.page.getByRole('alert').filter({ hasText: 'took this chat' })), T).toMatch(/Another agent took this chat first|(Ana|Luis) already took this chat/);
    await view(winner.page, 'Mine');
    await expect.poll(() => list(winner.page).getByRole('button', { name: /Pregunta para quien llegue antes/ }).count(), T).toBe(1);
    for (const c of [s.context, ana.context, luis.context]) await c.close();
  });

  it('shows live visitors; "Start chat" reaches the shopper\'s closed widget as an unread message', async () => {
    const context = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await context.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: 'Añadir al carrito' }).first().click();
    // Opening the widget once connects it; then the shopper closes it and keeps browsing.
    await shop.getByRole('button', { name: /Abrir chat/ }).click();
    await shop.frameLocator('iframe[title*="chat" i]').getByRole('textbox', { name: 'Mensaje' }).waitFor();
    await shop.getByRole('button', { name: /Cerrar chat/ }).click();

    const ana = await agentPage('ana@example.com');
    await ana.page.getByRole('button', { name: /^Live visitors/ }).click();
    const table = ana.page.getByRole('table');
    // The one shopper with something in the cart: on the demo page, online.
    const row = table.getByRole('row').filter({ hasText: '€' });
    await expect.poll(() => row.count(), T).toBe(1);
    expect(await row.innerText()).toContain('Café La Esquina');
    expect(await row.innerText()).toMatch(/Online/);
    expect(await row.innerText()).toMatch(/New|Returning/);
    await row.getByRole('button', { name: /Start chat/ }).click();
    await ana.page.getByLabel(/First message to/).fill('¡Hola! ¿Te ayudo a elegir el café?');
    await ana.page.screenshot({ path: '/tmp/console-live-visitors.png' });
    await ana.page.getByRole('button', { name: 'Send', exact: true }).click();

    // The agent lands in the new chat, which is theirs.
    await expect.poll(textOf(ana.page.getByRole('log')), T).toContain('¡Hola! ¿Te ayudo a elegir el café?');
    await expect.poll(textOf(list(ana.page)), T).toContain('Assigned');
    // The shopper's closed widget counts it; opening shows it.
    await expect.poll(() => shop.getByRole('button', { name: /Abrir chat \(1 / }).count(), T).toBe(1);
    await shop.getByRole('button', { name: /Abrir chat/ }).click();
    await expect.poll(textOf(shop.frameLocator('iframe[title*="chat" i]').getByRole('log')), T).toContain('¿Te ayudo a elegir el café?');
    await context.close();
    await ana.context.close();
  });

  it('pages a busy shop\'s live visitors: the first 50, then more on demand, with the online count from the server', async () => {
    // 60 shoppers browsing (headless widgets): more than one page.
    const shoppers = await Promise.all(Array.from({ length: 60 }, () => connectVisitor(ctx.server)));
    shoppers.forEach((v, i) => v.socket.send({ type: 'context', url: `${ctx.server.origin}/demo/p/${i}`, title: `Producto ${i}` }));
    const ana = await agentPage('ana@example.com');
    const button = ana.page.getByRole('button', { name: /^Live visitors/ });
    await expect.poll(textOf(button), T).toMatch(/\b(6\d|[7-9]\d)\b/);
    await button.click();
    const region = ana.page.getByRole('region', { name: 'Live visitors' });
    const rows = region.getByRole('table').locator('tbody > tr');
    await expect.poll(() => rows.count(), T).toBe(50);
    await expect.poll(textOf(region), T).toMatch(/Showing 50 of \d+\./);
    await region.getByRole('button', { name: 'Show more visitors' }).click();
    await expect.poll(() => rows.count(), T).toBeGreaterThanOrEqual(60);
    // The whole list is loaded: the button goes.
    await expect.poll(() => region.getByRole('button', { name: 'Show more visitors' }).count(), T).toBe(0);
    for (const v of shoppers) v.socket.close();
    await ana.context.close();
  });

  it('signs a disabled agent out live', async () => {
    const luis = await agentPage('luis@example.com');
    const ana = await agentPage('ana@example.com');
    await ana.page.getByRole('button', { name: 'Settings' }).click();
    await ana.page.getByRole('button', { name: /Disable\s+Luis/ }).click();
    await expect.poll(() => luis.page.getByRole('button', { name: 'Sign in' }).count(), { timeout: 5_000 }).toBe(1);
    expect(await luis.page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    // And cannot sign back in.
    await signInToConsole(luis.page, ctx.server.origin, 'luis@example.com');
    await expect.poll(textOf(luis.page.getByRole('alert')), T).toContain('Email or password is not correct');
    await ana.page.getByRole('button', { name: /Enable\s+Luis/ }).click();
    for (const c of [ana.context, luis.context]) await c.close();
  });
});
