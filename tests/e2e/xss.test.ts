/**
 * Hostile text everywhere a person reads it — message text, shopper and agent names, file
 * names — stays inert in both the widget and the console (real Chromium, with a dialog hook).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { T, textOf, useServerAndBrowser, signInToConsole } from '../helpers/e2e';
import { png } from '../helpers/png';
import { safeFileName } from '../../server/domain/files';
import { cid, connectAgent, signIn, type Frame } from '../helpers/ws-client';

const ctx = useServerAndBrowser();

const CORPUS = [
  '<img src=x onerror=alert("text")>',
  '<svg onload=alert("svg")>',
  '<script>alert("script")</script>',
  'javascript:alert("js")',
  '[click me](javascript:alert("md"))',
  '<a href="javascript:alert(\'a\')">a link</a>',
];
const EVIL_SHOPPER = '<svg/onload=alert("shopper-name")>';
const EVIL_AGENT = '<img src=x onerror=alert("agent-name")>';
const EVIL_FILE = '"><img src=x onerror=alert("file")>.png';

/** Elements the corpus would create if it were ever parsed as HTML. */
const parsedHtml = (page: { evaluate: Page['evaluate'] }) =>
  page.evaluate(() => ({
    imgX: document.querySelectorAll('img[src="x"], img[src$="/x"]').length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    scripts: [...document.querySelectorAll('body script')].length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => !/^(https?:|mailto:|#|\/)/.test(a.getAttribute('href')!)).length,
  }));

describe.runIf(hasChromium)('an XSS corpus', () => {
  it('stays text in the widget and the console: messages, names and file names', async () => {
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const luis = (await ctx.server.store.agents.list(site.id)).find((a) => a.email === 'luis@example.com')!;
    await ctx.server.store.agents.update(site.id, luis.id, { name: EVIL_AGENT });

    const dialogs: string[] = [];
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    shop.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.evaluate((name) => (window as unknown as { Mostrador(...a: unknown[]): void }).Mostrador('identify', { id: 'evil-1', email: 'evil@example.com', name }), EVIL_SHOPPER);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    for (const text of CORPUS) {
      await box.fill(text);
      await box.press('Enter');
    }
    await panel.locator('input[type=file]').setInputFiles({ name: EVIL_FILE, mimeType: 'image/png', buffer: png() });
    const shopperLog = panel.getByRole('log');
    await expect.poll(textOf(shopperLog), T).toContain(CORPUS[CORPUS.length - 1]!);

    // Luis (with a hostile name) takes the chat and answers: the shopper sees his name as text.
    const luisWs = await connectAgent(ctx.server, await signIn(ctx.server, 'luis@example.com'));
    const conversationId = (luisWs.welcome.conversations as Frame[]).find((c) => c.visitorName === EVIL_SHOPPER)!.id as string;
    const take = cid('take');
    luisWs.socket.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
    await luisWs.socket.next((f) => f.clientId === take || f.ref === take);
    const reply = cid('r');
    luisWs.socket.send({ type: 'message.send', clientId: reply, conversationId, text: CORPUS[0] });
    await luisWs.socket.next((f) => f.clientId === reply);
    await expect.poll(textOf(shopperLog), T).toContain(EVIL_AGENT);

    // The console: the list, the transcript, the file and the customer panel.
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    agent.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));
    await signInToConsole(agent, ctx.server.origin);
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    await agent.getByRole('button', { name: 'All open' }).click().catch(() => {});
    await expect.poll(textOf(list), T).toContain(EVIL_SHOPPER);
    await list.getByText(EVIL_SHOPPER).first().click();
    const agentLog = agent.getByRole('log');
    for (const text of CORPUS) await expect.poll(textOf(agentLog), T).toContain(text);
    // The file arrives under the name the server made safe for headers and disks, shown as text.
    const stored = safeFileName(EVIL_FILE, 'image/png');
    await expect.poll(() => agentLog.getByRole('img', { name: stored }).count(), T).toBe(1);
    await expect.poll(textOf(agent.getByRole('complementary', { name: 'Customer' })), T).toContain(EVIL_SHOPPER);

    expect(await parsedHtml(agent)).toEqual({ imgX: 0, handlers: 0, scripts: 0, jsLinks: 0 });
    const frame = shop.frames().find((f) => f.url().includes('/widget/frame'))!;
    expect(await parsedHtml(frame)).toEqual({ imgX: 0, handlers: 0, scripts: 0, jsLinks: 0 });
    expect(dialogs).toEqual([]);
    luisWs.socket.close();
    await shopperContext.close();
    await agentContext.close();
    await ctx.server.store.agents.update(site.id, luis.id, { name: 'Luis' });
  });
});
