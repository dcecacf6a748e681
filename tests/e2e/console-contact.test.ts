/**
 * Beside the chat (issue 16): an agent writes notes about the shopper (kept as plain text, there
 * again after a reload and from the shopper's other chats), and opens one of their past
 * conversations from the customer column.
 */
import { describe, expect, it } from 'vitest';
import { planChange } from '../../server/app/core';
import { hashToken } from '../../server/ids';
import { seriousViolations } from '../helpers/axe';
import { hasChromium } from '../helpers/browser';
import { signInToConsole, T, textOf, useServerAndBrowser } from '../helpers/e2e';
import { seedMessage } from '../helpers/seed';

const ctx = useServerAndBrowser();

describe.skipIf(!hasChromium)('contact notes and past conversations in the console', () => {
  it('saves notes as text and opens a past conversation', async () => {
    const store = ctx.server.store;
    const siteId = (await store.sites.byPublicKey('pk_demo'))!.id;
    const visitor = await store.visitors.create({ siteId, tokenHash: hashToken('notes-e2e'), locale: 'es', now: Date.now() - 86_400_000 });
    await store.visitors.setProfile(siteId, visitor.id, { name: 'Inés Habitual' });
    const old = await seedMessage(store, { siteId, visitorId: visitor.id, clientId: 'notes-old-1', author: { kind: 'visitor', id: visitor.id }, text: 'La lámpara llegó sin bombilla', at: Date.now() - 86_400_000 });
    const at = Date.now() - 86_000_000;
    await store.conversations.commit({
      siteId,
      target: { conversationId: old.conversation.id },
      clientId: null,
      now: at,
      decide: (snapshot) => planChange(snapshot, { actor: { kind: 'system' }, commands: [{ type: 'resolve', by: { kind: 'system' } }] }, null, at),
    });
    await seedMessage(store, { siteId, visitorId: visitor.id, clientId: 'notes-new-1', author: { kind: 'visitor', id: visitor.id }, text: 'Hola otra vez' });

    const context = await ctx.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signInToConsole(page, ctx.server.origin);
    await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Inés Habitual/ }).click(T);
    const column = page.getByRole('complementary', { name: 'Customer' });
    const notes = column.getByRole('textbox', { name: 'Notes about this visitor' });
    await notes.waitFor(T);
    const text = 'Prefiere <b>email</b> <img src=x onerror="document.title=\'pwned\'">';
    await notes.fill(text);
    await column.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(textOf(column.getByRole('status').filter({ hasText: 'Notes saved' })), T).toBe('Notes saved');
    expect(await seriousViolations(page)).toEqual([]);

    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Inés Habitual/ }).click(T);
    await expect.poll(() => column.getByRole('textbox', { name: 'Notes about this visitor' }).inputValue(), T).toBe(text);
    expect(await column.locator('img, b').count()).toBe(0);
    await expect.poll(textOf(column), T).toContain('Last edited by Ana');
    expect(await page.title()).not.toBe('pwned');

    // The past conversation opens in the chat column (it is resolved: not in the agent's list).
    const past = column.getByRole('region', { name: 'Past conversations' });
    await past.getByRole('button', { name: /La lámpara llegó sin bombilla/ }).click(T);
    await expect.poll(textOf(page.getByRole('log')), T).toContain('La lámpara llegó sin bombilla');
    await expect.poll(textOf(page.locator('.view-header')), T).toContain('Resolved');
    await context.close();
  });
});
