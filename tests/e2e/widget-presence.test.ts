/**
 * Presence before intent (issue 18, the shop's side): on a shop page of another origin the
 * snippet loads only the hidden presence frame, never the panel, until the shopper shows intent;
 * the shopper is on Live visitors all the same (one row, one visitor, through the hand-over to
 * the panel's socket); a message for them, unread replies, a proactive rule, hover and click
 * boot the panel.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { T, textOf, useServerAndBrowser } from '../helpers/e2e';
import { cid, connectAgent, signIn, type Frame, type TestSocket } from '../helpers/ws-client';

const ctx = useServerAndBrowser();
const hosts: Server[] = [];
afterAll(() => {
  for (const h of hosts) h.close();
});

/** A merchant's page on another origin (127.0.0.1, its own port) with the snippet; any path serves it. */
async function merchant(): Promise<string> {
  const http = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Shop ${req.url}</title></head><body><p>Shop</p>
<script>window.Mostrador=window.Mostrador||function(){(Mostrador.q=Mostrador.q||[]).push(arguments)}</script>
<script async src="${ctx.server.origin}/widget.js" data-site="pk_demo"></script></body></html>`);
  });
  hosts.push(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** Every path the page asked of our server, in order. */
function requestsOf(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(ctx.server.origin)) paths.push(new URL(r.url()).pathname);
  });
  return paths;
}

const presenceOf = (page: Page) => page.frames().find((f) => f.url().includes('/widget/presence'));
const panelOf = (page: Page) => page.frames().find((f) => f.url().includes('/widget/frame'));
const panelLoaded = (paths: string[]) => paths.some((p) => p === '/widget/frame' || /^\/assets\/widget-.*\.js$/.test(p));

/** The agent's Live visitors rows for pages of `origin`, and the site's counts. */
async function liveVisitors(agent: TestSocket, origin: string) {
  const from = agent.frames.length;
  agent.send({ type: 'visitors.list' });
  const page = await agent.next((f) => f.type === 'visitors.page', 5000, from);
  const rows = (page.visitors as Frame[]).filter((v) => typeof v.url === 'string' && v.url.startsWith(origin));
  return { rows, counts: page.counts as { online: number; total: number } };
}

async function newShopper(): Promise<{ context: BrowserContext; page: Page; paths: string[] }> {
  const context = await ctx.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { context, page, paths: requestsOf(page) };
}

describe.runIf(hasChromium)('presence before intent', () => {
  it('puts the shopper on Live visitors without loading the panel, boots it on hover, and hands the socket over without a second visitor', async () => {
    const agent = (await connectAgent(ctx.server, await signIn(ctx.server, 'ana@example.com'))).socket;
    const origin = await merchant();
    const { context, page, paths } = await newShopper();
    await page.goto(`${origin}/coffee`);
    await expect.poll(() => presenceOf(page)?.evaluate(() => document.readyState).catch(() => null), T).toBe('complete');

    // On the agent's list, on this page, online: one row.
    await expect.poll(async () => (await liveVisitors(agent, origin)).rows.map((r) => [r.url, r.online]), T).toEqual([[`${origin}/coffee`, true]]);
    const [row] = (await liveVisitors(agent, origin)).rows;
    // The launcher is there; the panel, its script and its stylesheet are not.
    expect(await page.getByRole('button', { name: 'Open chat' }).count()).toBe(1);
    expect(panelLoaded(paths)).toBe(false);
    expect(panelOf(page)).toBeUndefined();
    expect(paths).toContain('/widget/presence');

    // Intent: the pointer on the launcher boots the panel; once its socket is welcomed the
    // presence frame goes, and the agent still sees one visitor, the same one, online.
    await page.getByRole('button', { name: 'Open chat' }).hover();
    await expect.poll(() => panelOf(page)?.evaluate(() => document.readyState).catch(() => null), T).toBe('complete');
    await expect.poll(() => presenceOf(page) === undefined, T).toBe(true);
    const after = await liveVisitors(agent, origin);
    expect(after.rows.map((r) => [r.visitorId, r.online])).toEqual([[row!.visitorId, true]]);
    expect(panelLoaded(paths)).toBe(true);

    // The click opens it, and what the shopper writes comes from that same visitor.
    await page.getByRole('button', { name: 'Open chat' }).click();
    const panel = page.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello from the presence test');
    await box.press('Enter');
    const created = await agent.next((f) => f.type === 'message.created' && (f.message as Frame).text === 'Hello from the presence test', 10_000, 0);
    const conversation = await ctx.server.store.conversations.get((await ctx.server.store.sites.byPublicKey('pk_demo'))!.id, (created.message as Frame).conversationId as string);
    expect(conversation?.visitorId).toBe(row!.visitorId);
    agent.ws.close();
    await context.close();
  });

  it('boots the panel for a reply that arrives while only presence runs (teaser, badge), and on the next page for unread replies', async () => {
    const agent = (await connectAgent(ctx.server, await signIn(ctx.server, 'ana@example.com'))).socket;
    const origin = await merchant();
    const { context, page, paths } = await newShopper();
    // A conversation from an earlier page view.
    await page.goto(`${origin}/first`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.frameLocator('iframe[title*="chat" i]').getByRole('textbox', { name: 'Message' });
    await box.fill('Is the Ethiopian in stock?');
    await box.press('Enter');
    const created = await agent.next((f) => f.type === 'message.created' && (f.message as Frame).text === 'Is the Ethiopian in stock?', 10_000, 0);
    const conversationId = (created.message as Frame).conversationId as string;
    await expect.poll(textOf(page.frameLocator('iframe[title*="chat" i]').getByRole('log')), T).toContain('Is the Ethiopian in stock?');
    // Read by the shopper (the open panel marks it), so nothing is unread on the next page.
    const siteId = (await ctx.server.store.sites.byPublicKey('pk_demo'))!.id;
    await expect.poll(async () => {
      const c = await ctx.server.store.conversations.get(siteId, conversationId);
      return c !== null && c.visitorReadSeq === c.lastSeq;
    }, T).toBe(true);

    // The next page: nothing unread, so presence alone.
    paths.length = 0;
    await page.goto(`${origin}/second`);
    await expect.poll(async () => (await liveVisitors(agent, origin)).rows.map((r) => r.url), T).toEqual([`${origin}/second`]);
    await expect.poll(() => presenceOf(page)?.evaluate(() => document.readyState).catch(() => null), T).toBe('complete');
    expect(panelLoaded(paths)).toBe(false);

    // The agent answers: the panel boots and shows it as a teaser, with the unread badge.
    const clientId = cid('ag');
    agent.send({ type: 'message.send', clientId, conversationId, text: 'Yes, 12 bags left.' });
    await agent.next((f) => f.type === 'ack' && f.clientId === clientId);
    const teaser = page.frameLocator('iframe[title*="chat" i]').getByText('Yes, 12 bags left.');
    await expect.poll(() => teaser.count(), T).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: /Open chat \(1 unread/ }).count(), T).toBe(1);

    // Left unread, it boots the panel on the next page view too: the badge is back.
    paths.length = 0;
    await page.goto(`${origin}/third`);
    await expect.poll(() => page.getByRole('button', { name: /Open chat \(1 unread/ }).count(), T).toBe(1);
    expect(paths).toContain('/widget/presence');
    expect(panelLoaded(paths)).toBe(true);
    agent.ws.close();
    await context.close();
  });

  it('boots the panel when a proactive rule holds, and the proactive message shows', async () => {
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const origin = await merchant();
    await ctx.server.store.sites.update(site.id, {
      settings: {
        ...site.settings,
        proactive: {
          rules: [
            {
              id: 'presence-help',
              enabled: true,
              priority: 1,
              conditions: [
                { type: 'url', pattern: `${origin}/shipping` },
                { type: 'time_on_page', seconds: 2 },
              ],
              message: { en: 'Questions about shipping? Ask me.', es: '¿Dudas con el envío? Pregúntame.' },
              from: { kind: 'bot' },
              onceEveryDays: 1,
            },
          ],
        },
      },
    });
    try {
      const { context, page, paths } = await newShopper();
      await page.goto(`${origin}/shipping`);
      await expect.poll(() => presenceOf(page)?.evaluate(() => document.readyState).catch(() => null), T).toBe('complete');
      // Presence first; the rule's time on the page counts from the navigation, not from the boot.
      const bootedAt = Date.now();
      const teaser = page.frameLocator('iframe[title*="chat" i]').getByRole('dialog');
      await expect.poll(textOf(teaser), { timeout: 15_000 }).toContain('Questions about shipping? Ask me.');
      expect(Date.now() - bootedAt).toBeLessThan(8000);
      expect(paths.indexOf('/widget/presence')).toBeGreaterThanOrEqual(0);
      expect(paths.indexOf('/widget/presence')).toBeLessThan(paths.indexOf('/widget/frame'));
      // The teaser opens the chat with the message in it.
      await teaser.getByRole('button', { name: /questions about shipping/i }).click();
      await expect.poll(textOf(page.frameLocator('iframe[title*="chat" i]').getByRole('log')), T).toContain('Questions about shipping? Ask me.');
      await context.close();
    } finally {
      await ctx.server.store.sites.update(site.id, { settings: { ...site.settings, proactive: { rules: [] } } });
    }
  });
});
