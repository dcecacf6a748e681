/**
 * A shopper who sends faster than the per-visitor limit sees why their messages wait, and every
 * message still arrives exactly once, in order, when the budget refills.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { T, textOf, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser({ env: { VISITOR_MESSAGES_PER_SEC: '1', VISITOR_MESSAGE_BURST: '2' } });

describe.runIf(hasChromium)('the widget under a rate limit', () => {
  it('shows the shopper the limit, then delivers every message once, in order', async () => {
    const context = await ctx.browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${ctx.server.origin}/demo/`);
    await page.getByRole('button', { name: 'Abrir chat' }).click();
    const panel = page.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    const texts = ['one', 'two', 'three', 'four', 'five'].map((n) => `Rate test ${n}`);
    for (const text of texts) {
      await box.fill(text);
      await box.press('Enter');
    }
    await expect.poll(textOf(panel.getByRole('status').first()), T).toContain('Estás enviando mensajes muy rápido');

    const stored = () => {
      const db = new Database(join(ctx.server.dataDir, 'mostrador.db'), { readonly: true });
      try {
        return (db.prepare("SELECT text FROM messages WHERE author_kind = 'visitor' AND text LIKE 'Rate test %' ORDER BY seq").all() as { text: string }[]).map((r) => r.text);
      } finally {
        db.close();
      }
    };
    await expect.poll(stored, { timeout: 20_000 }).toEqual(texts);
    // Nothing is left failed: every message ended up sent.
    await expect.poll(() => panel.getByRole('button', { name: /reintentar/i }).count(), T).toBe(0);
    await context.close();
  });
});
