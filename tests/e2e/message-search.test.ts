/**
 * Message search in the console (issue 16): a word from a week-old message, on a page of the
 * chat the console has not loaded, opens that chat at that message — in English and Spanish.
 */
import { describe, expect, it } from 'vitest';
import { planChange } from '../../server/app/core';
import { hashToken } from '../../server/ids';
import { seriousViolations } from '../helpers/axe';
import { hasChromium } from '../helpers/browser';
import { signInToConsole, T, useServerAndBrowser } from '../helpers/e2e';
import { seedMessage } from '../helpers/seed';

const ctx = useServerAndBrowser();
const WEEK = 7 * 24 * 60 * 60 * 1000;

/** A resolved chat from a week ago: 160 messages, the word on the 5th (the console loads the newest 100). */
async function weekOldChat(word: string, name: string): Promise<string> {
  const store = ctx.server.store;
  const siteId = (await store.sites.byPublicKey('pk_demo'))!.id;
  const visitor = await store.visitors.create({ siteId, tokenHash: hashToken(`search-${word}`), locale: 'es', now: Date.now() - WEEK });
  await store.visitors.setProfile(siteId, visitor.id, { name });
  const start = Date.now() - WEEK;
  let conversationId = '';
  for (let i = 1; i <= 160; i++) {
    const text = i === 5 ? `¿Tenéis ${word} sin gluten para llevar?` : `Mensaje número ${i}`;
    const author = i % 2 ? ({ kind: 'visitor', id: visitor.id } as const) : ({ kind: 'agent', id: 'ag_demo', name: 'Ana' } as const);
    const result = await seedMessage(store, { siteId, ...(conversationId ? { conversationId } : { visitorId: visitor.id }), clientId: `${word}-${i}`, author, text, at: start + i * 1000 });
    conversationId = result.conversation.id;
  }
  const at = start + 200_000;
  await store.conversations.commit({
    siteId,
    target: { conversationId },
    clientId: null,
    now: at,
    decide: (snapshot) => planChange(snapshot, { actor: { kind: 'system' }, commands: [{ type: 'resolve', by: { kind: 'system' } }] }, null, at),
  });
  return conversationId;
}

describe.skipIf(!hasChromium)('message search in the console', () => {
  for (const lang of ['en', 'es'] as const) {
    it(`opens a week-old chat at the message a word was found in (${lang})`, async () => {
      const word = lang === 'en' ? 'albóndigas' : 'croquetas';
      const name = lang === 'en' ? 'Lucía Search' : 'Marta Búsqueda';
      await weekOldChat(word, name);
      const context = await ctx.browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await signInToConsole(page, ctx.server.origin);
      if (lang === 'es') await page.getByLabel('Language').selectOption('es');
      const L = lang === 'en' ? { list: 'Conversations', inMessages: 'In messages', found: 'Found message' } : { list: 'Conversaciones', inMessages: 'En los mensajes', found: 'Mensaje encontrado' };
      const list = page.getByRole('navigation', { name: L.list });
      await list.waitFor(T);
      // Without the accent, as people type: the index ignores accents and case.
      await list.getByRole('searchbox').fill(word.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase());
      const results = list.getByRole('region', { name: L.inMessages });
      const hit = results.getByRole('button', { name: new RegExp(name) });
      await hit.waitFor(T);
      expect(await hit.locator('mark').innerText()).toBe(word);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/search-${lang}-list.png` });
      await hit.click();
      // The chat opens at that message: loaded from an older page, shown and marked.
      const found = page.locator('.msg.found');
      await found.waitFor(T);
      expect(await found.innerText()).toContain(`${word} sin gluten`);
      expect(await found.innerText()).toContain(L.found);
      const box = await found.boundingBox();
      const log = await page.getByRole('log').boundingBox();
      expect(box && log && box.y >= log.y && box.y + box.height <= log.y + log.height).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/search-${lang}-open.png` });
      await context.close();
    });
  }
});
