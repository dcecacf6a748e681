/**
 * What an agent sees of two session rules in the real console (Chromium): signing out in one tab
 * sends the session's other tabs back to the sign-in form at once (their socket closes with
 * 4001), and an email whose password opens two shops is asked which shop to enter.
 */
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth';
import { hashToken } from '../../server/ids';
import { openDb } from '../../server/store/db';
import * as t from '../../server/store/schema';
import { hasChromium } from '../helpers/browser';
import { T, signInToConsole, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('console sessions', () => {
  it("signing out in one tab ends the session's other tabs at once", async () => {
    const context = await ctx.browser.newContext({ locale: 'en-US' });
    const first = await context.newPage();
    await signInToConsole(first, ctx.server.origin);
    await first.getByRole('button', { name: 'Sign out' }).waitFor(T);
    // A second tab of the same session (same cookie), connected.
    const second = await context.newPage();
    await second.goto(`${ctx.server.origin}/console/`);
    await second.getByRole('button', { name: 'Sign out' }).waitFor(T);
    // Both tabs' sockets are open (no shopper is connected in this file).
    const sockets = async () => ((await (await fetch(`${ctx.server.origin}/healthz`)).json()) as { connections: number }).connections;
    await expect.poll(sockets, T).toBe(2);

    await first.getByRole('button', { name: 'Sign out' }).click();
    // The other tab is back at the sign-in form without being touched.
    await second.getByRole('button', { name: 'Sign in' }).waitFor(T);
    expect(await second.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await expect.poll(sockets, T).toBe(0);
    await context.close();
  });

  it('asks which shop when the email and password open two', async () => {
    // A second shop where Luis has the same password as in the demo shop.
    const { db, close } = openDb(ctx.server.dataDir);
    const now = Date.now();
    db.insert(t.sites)
      .values({ id: 'site_two', name: 'Tostadores del Norte', publicKey: 'pk_two', secretKey: 'sk_two_secret', secretKeyHash: hashToken('sk_two_secret'), allowedOrigins: [], settings: {}, createdAt: now })
      .run();
    db.insert(t.agents).values({ id: 'ag_luis_two', siteId: 'site_two', email: 'luis@example.com', name: 'Luis (Norte)', role: 'agent', passwordHash: await hashPassword('mostrador'), createdAt: now }).run();
    close();

    const context = await ctx.browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${ctx.server.origin}/console/`);
    await page.getByLabel('Email').fill('luis@example.com');
    await page.getByLabel('Contraseña').fill('mostrador');
    await page.getByRole('button', { name: 'Entrar' }).click();
    const shop = page.getByLabel('Tienda');
    await shop.waitFor(T);
    expect(await shop.locator('option').allInnerTexts()).toEqual(['Café La Esquina', 'Tostadores del Norte']);
    await shop.selectOption({ label: 'Tostadores del Norte' });
    await page.getByRole('button', { name: 'Entrar' }).click();
    // Signed in as the other shop's Luis.
    await page.getByText('Luis (Norte)').waitFor(T);
    const me = await page.evaluate(async () => (await (await fetch('/api/agent/me')).json()) as { agent: { id: string } });
    expect(me.agent.id).toBe('ag_luis_two');
    await context.close();
  });
});
