/**
 * Whose turn in the console's list (issue 12 item 1): the bot's answers and internal notes do
 * not answer the shopper; only a person's reply makes it the shopper's turn. In both languages.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ bot: true });

const LABELS = {
  en: { list: 'Conversations', reply: 'Reply', note: 'Note', replyMode: 'Reply', waiting: 'Shopper waiting', theirTurn: 'Waiting for shopper' },
  es: { list: 'Conversaciones', reply: 'Responder', note: 'Nota', replyMode: 'Respuesta', waiting: 'Cliente esperando', theirTurn: 'Esperando al cliente' },
} as const;

/** A shopper asks something the bot answers (opening hours); the chat stays with the bot. */
async function shopperAsksTheBot(question: string) {
  const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
  const shop = await shopper.newPage();
  await shop.goto(`${ctx.server.origin}/demo/`);
  await shop.getByRole('button', { name: /chat/i }).click();
  const panel = shop.frameLocator('iframe[title*="chat" i]');
  const box = panel.getByRole('textbox', { name: 'Mensaje' });
  await box.fill(question);
  await box.press('Enter');
  // The bot answered (a message from the shop side after the shopper's).
  await expect.poll(() => panel.getByRole('log').locator('.msg.theirs').count(), T).toBeGreaterThanOrEqual(1);
  return { shopper, log: panel.getByRole('log') };
}

async function agentIn(lang: 'en' | 'es', email: string): Promise<Page> {
  const context = await ctx.browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await signInToConsole(page, ctx.server.origin, email);
  if (lang === 'es') await page.getByLabel('Language').selectOption('es');
  await page.getByRole('navigation', { name: LABELS[lang].list }).waitFor(T);
  return page;
}

describe.runIf(hasChromium)('whose turn in the conversation list', () => {
  for (const lang of ['en', 'es'] as const) {
    const L = LABELS[lang];
    it(`${lang}: the shopper waits through the bot's answer and an internal note, until a person replies`, async () => {
      const question = lang === 'en' ? '¿A qué hora abrís el sábado?' : '¿Qué horario tenéis el domingo?';
      const agent = await agentIn(lang, lang === 'en' ? 'ana@example.com' : 'luis@example.com');
      const { shopper, log } = await shopperAsksTheBot(question);
      const list = agent.getByRole('navigation', { name: L.list });
      // Only this chat is open (the other language's test resolves its chat).
      await expect.poll(() => list.getByRole('listitem').count(), T).toBe(1);
      const row = list.getByRole('listitem').first();
      // The bot answered: that is not the team's answer. The shopper is waiting for a person.
      await expect.poll(textOf(row), T).toContain(L.waiting);
      expect(await row.innerText()).not.toContain(L.theirTurn);

      // An internal note is not an answer either.
      await row.getByRole('button').click();
      await agent.getByRole('button', { name: L.note, exact: true }).click();
      await agent.getByRole('combobox', { name: lang === 'en' ? 'Internal note' : 'Nota interna' }).fill('Cliente del sábado, mirar stock');
      await agent.getByRole('combobox', { name: lang === 'en' ? 'Internal note' : 'Nota interna' }).press('Enter');
      await expect.poll(textOf(agent.getByRole('log', { name: lang === 'en' ? 'Messages' : 'Mensajes' })), T).toContain('Cliente del sábado, mirar stock');
      await expect.poll(textOf(row), T).toContain('Cliente del sábado');
      expect(await row.innerText()).toContain(L.waiting);
      expect(await row.innerText()).not.toContain(L.theirTurn);

      // A person's reply: now it is the shopper's turn.
      await agent.getByRole('button', { name: L.replyMode, exact: true }).click();
      await agent.getByRole('combobox', { name: L.reply }).fill('Hola, el sábado abrimos de 10 a 14.');
      await agent.getByRole('combobox', { name: L.reply }).press('Enter');
      await expect.poll(textOf(log), T).toContain('el sábado abrimos de 10 a 14');
      await expect.poll(textOf(row), T).toContain(L.theirTurn);
      expect(await row.innerText()).not.toContain(L.waiting);

      await agent.getByRole('button', { name: lang === 'en' ? 'Resolve' : 'Resolver', exact: true }).click();
      await expect.poll(() => list.getByRole('listitem').count(), T).toBe(0);
      await shopper.close();
      await agent.context().close();
    });
  }
});
