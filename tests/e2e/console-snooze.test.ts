/**
 * Working faster in the console (issue 16): snooze a chat (out of "Mine" into "Snoozed", back
 * when the shopper writes or by hand), Alt+↓ / Alt+↑ through the chats that need a reply, and
 * "Transfer…" always there, saying why when nobody can take the chat.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from '../helpers/axe';
import { hasChromium } from '../helpers/browser';
import { signInToConsole, T, textOf, useServerAndBrowser } from '../helpers/e2e';
import { cid, connectVisitor } from '../helpers/ws-client';

const ctx = useServerAndBrowser();

/** A shopper (a real visitor socket) with a name writes; the chat waits for a person. */
async function shopper(name: string, text: string) {
  const visitor = await connectVisitor(ctx.server);
  visitor.socket.send({ type: 'profile', name });
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text });
  const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
  const write = async (more: string) => {
    const id = cid();
    visitor.socket.send({ type: 'message.send', clientId: id, conversationId, text: more });
    await visitor.socket.next((f) => f.type === 'ack' && f.clientId === id);
  };
  return { visitor, conversationId, write };
}

async function console(lang: 'en' | 'es' = 'en'): Promise<Page> {
  const context = await ctx.browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await signInToConsole(page, ctx.server.origin);
  if (lang === 'es') await page.getByLabel('Language').selectOption('es');
  return page;
}

const list = (page: Page, name = 'Conversations') => page.getByRole('navigation', { name });
const view = (page: Page, name: RegExp) => list(page).getByRole('group').getByRole('button', { name });

describe.skipIf(!hasChromium)('snooze, Alt+↓ and transfer in the console', () => {
  // First: it counts on no other chat waiting for a reply.
  it('Alt+↓ goes to the next chat waiting for a reply, passing over those answered; Alt+↑ back; says when none is left', async () => {
    const page = await console();
    await list(page).waitFor(T);
    const chats = [await shopper('Ana Primera', 'Hola, ¿tenéis la talla 38?')];
    chats.push(await shopper('Berta Segunda', '¿Hacéis envíos a Portugal?'));
    chats.push(await shopper('Carla Tercera', 'Mi pedido no ha llegado'));
    const title = page.locator('#conversation-title');
    const reply = page.locator('#reply');
    await expect.poll(() => list(page).getByRole('button', { name: /Carla Tercera/ }).count(), T).toBe(1);

    // Newest first: Carla, Berta, Ana.
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(textOf(title), T).toBe('Carla Tercera');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(textOf(title), T).toBe('Berta Segunda');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(textOf(title), T).toBe('Carla Tercera');
    const answer = async () => {
      await expect.poll(() => reply.evaluate((el) => el === document.activeElement), T).toBe(true);
      await page.keyboard.type('Ahora mismo lo miro');
      await page.keyboard.press('Enter');
      await expect.poll(textOf(list(page).locator('.item.current')), T).toContain('Waiting for shopper');
    };
    // Answer Carla, then Berta (who moves to the top): Alt+↓ passes over Carla, already answered, to Ana.
    await answer();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(textOf(title), T).toBe('Berta Segunda');
    await answer();
    await expect.poll(textOf(list(page).locator('.item').first()), T).toContain('Berta Segunda');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(textOf(title), T).toBe('Ana Primera');
    await answer();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'No other chat is waiting for a reply.' }).count(), T).toBe(1);
    expect(await title.innerText()).toBe('Ana Primera');
    for (const c of chats) c.visitor.socket.close();
    await page.context().close();
  });

  it('snoozes a chat out of "Mine" until the shopper writes, and until a time (woken by hand)', async () => {
    const rosa = await shopper('Rosa Pospuesta', 'Os mando la foto del ticket en un rato');
    const page = await console();
    await list(page).getByRole('button', { name: /Rosa Pospuesta/ }).click(T);
    await page.getByRole('button', { name: 'Take', exact: true }).click();
    await view(page, /^Mine/).click();
    const row = list(page).getByRole('button', { name: /Rosa Pospuesta/ });
    await row.waitFor(T);

    // From the keyboard: the dialog, "Until the shopper writes", Enter.
    await page.getByRole('button', { name: 'Snooze…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Snooze until' });
    await dialog.getByRole('radio', { name: 'Until the shopper writes' }).check();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Snooze' }).press('Enter');
    await expect.poll(() => row.count(), T).toBe(0);
    await view(page, /^Snoozed/).click();
    await expect.poll(textOf(view(page, /^Snoozed/)), T).toContain('1');
    await expect.poll(textOf(row), T).toContain('Snoozed until the shopper writes');
    await expect.poll(textOf(page.getByRole('log')), T).toContain('Snoozed until the shopper writes');
    await page.screenshot({ path: '/tmp/snoozed.png' });

    // The shopper writes: back in "Mine".
    await rosa.write('Ya está, os la he mandado');
    await expect.poll(() => row.count(), T).toBe(0);
    await view(page, /^Mine/).click();
    await expect.poll(() => row.count(), T).toBe(1);

    // Until a time: "in 1 hour", then woken by hand.
    await page.getByRole('button', { name: 'Snooze…' }).click();
    await dialog.getByRole('radio', { name: 'In 1 hour' }).check();
    await dialog.getByRole('button', { name: 'Snooze' }).click();
    await expect.poll(() => row.count(), T).toBe(0);
    // The time alone today; with the date when the hour crosses midnight ("Mon, Nov 30, 12:04 AM").
    const sameDay = new Date(Date.now() + 3_600_000).toDateString() === new Date().toDateString();
    await expect.poll(textOf(page.locator('.view-header')), T).toMatch(sameDay ? /Snoozed until \d{1,2}:\d{2}/ : /Snoozed until \w{3}, \w{3} \d{1,2}, \d{1,2}:\d{2}/);
    await page.getByRole('button', { name: 'Wake up' }).click();
    await expect.poll(() => row.count(), T).toBe(1);
    await expect.poll(textOf(page.getByRole('log')), T).toContain('Woken up');
    rosa.visitor.socket.close();
    await page.context().close();
  });

  it('"Transfer…" is always there: disabled with the reason when nobody else is online (es)', async () => {
    const elena = await shopper('Elena Sola', 'Necesito cambiar la dirección');
    const page = await console('es');
    await list(page, 'Conversaciones').getByRole('button', { name: /Elena Sola/ }).click(T);
    const transfer = page.getByRole('button', { name: 'Transferir…' });
    await expect.poll(() => transfer.getAttribute('aria-disabled'), T).toBe('true');
    expect(await page.locator('#transfer-why').innerText()).toBe('Nadie más puede atenderla ahora');
    expect(await transfer.evaluate((el) => el.getAttribute('aria-describedby'))).toBe('transfer-why');
    await transfer.click({ force: true });
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Luis comes online: now it can be transferred to him.
    const luisContext = await ctx.browser.newContext({ locale: 'en-US' });
    const luis = await luisContext.newPage();
    await signInToConsole(luis, ctx.server.origin, 'luis@example.com');
    await expect.poll(() => transfer.getAttribute('aria-disabled'), T).toBeNull();
    await transfer.click();
    await page.getByRole('dialog').getByRole('radio', { name: /Luis/ }).waitFor(T);
    elena.visitor.socket.close();
    await luisContext.close();
    await page.context().close();
  });
});
