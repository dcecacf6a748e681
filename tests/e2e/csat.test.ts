/**
 * Satisfaction in real Chromium (issue 14): an agent resolves the shopper's chat on the demo shop,
 * the panel asks "¿Qué tal te hemos atendido?" / "How did we do?" (five buttons "1 de 5"…), the
 * shopper rates with a comment and gets a thank-you line, and the console's CSAT report (JSON
 * and CSV) has the rating. A reopened and re-resolved chat asks again.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';
import { seriousViolations } from '../helpers/axe';

const ctx = useServerAndBrowser({ bot: false });

const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
const range = `from=${day(-1)}&to=${day(1)}`;

/** A shopper on the demo shop who writes `text`; Ana answers it (taking the chat) and resolves it. */
async function chatResolvedByAna(ana: Page, shopper: BrowserContext, text: string, english = false): Promise<{ shop: Page; panel: FrameLocator }> {
  const shop = await shopper.newPage();
  await shop.goto(`${ctx.server.origin}/demo/`);
  if (english) await toEnglish(shop);
  await shop.getByRole('button', { name: /chat/i }).click();
  const panel = shop.frameLocator('iframe[title*="chat" i]');
  const box = panel.getByRole('textbox', { name: /Mensaje|Message/ });
  await box.fill(text);
  await box.press('Enter');
  const list = ana.getByRole('navigation', { name: 'Conversations' });
  await list.getByRole('button', { name: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).first().click();
  await resolveAsAna(ana, panel, text);
  return { shop, panel };
}

/** The demo shop is Spanish: it switches the widget to English as a shop would. */
const toEnglish = (shop: Page) => shop.evaluate(() => (window as unknown as { Mostrador(command: string, arg: unknown): void }).Mostrador('locale', 'en'));

/** Ana, with the chat open in her console, answers `text` and resolves it. */
async function resolveAsAna(ana: Page, panel: FrameLocator, text: string): Promise<void> {
  await expect.poll(textOf(ana.getByRole('log', { name: 'Messages' })), T).toContain(text);
  const reply = ana.getByRole('combobox', { name: 'Reply' });
  await reply.fill(`Respuesta a: ${text}`);
  await reply.press('Enter');
  await expect.poll(textOf(panel.getByRole('log')), T).toContain(`Respuesta a: ${text}`);
  await ana.getByRole('button', { name: 'Resolve', exact: true }).click();
}

describe.runIf(hasChromium)('rating a resolved chat', () => {
  it('asks in Spanish, takes 4 with a comment, thanks, and the CSAT report (JSON and CSV) has it', async () => {
    const anaContext = await ctx.browser.newContext({ locale: 'en-US' });
    const ana = await anaContext.newPage();
    await signInToConsole(ana, ctx.server.origin);
    await expect.poll(() => ana.getByRole('navigation', { name: 'Conversations' }).count(), T).toBe(1);

    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const { shop, panel } = await chatResolvedByAna(ana, shopper, '¿Tenéis café descafeinado?');

    // The panel asks once the chat is resolved.
    await expect.poll(textOf(panel.locator('body')), T).toContain('¿Qué tal te hemos atendido?');
    for (let n = 1; n <= 5; n++) await expect.poll(() => panel.getByRole('button', { name: `${n} de 5`, exact: true }).count(), T).toBe(1);
    // Labelled and reachable: no serious or critical axe-core findings with the question shown.
    const frame = shop.frames().find((f) => f.url().includes('/widget/frame'))!;
    expect(await seriousViolations(frame)).toEqual([]);
    const send = panel.getByRole('button', { name: 'Enviar valoración' });
    expect(await send.isDisabled()).toBe(true);
    await panel.getByRole('button', { name: '4 de 5', exact: true }).click();
    expect(await panel.getByRole('button', { name: '4 de 5', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await panel.getByLabel('Comentario (opcional)').fill('Muy amables, <b>gracias</b>');
    await send.click();
    await expect.poll(textOf(panel.locator('body')), T).toContain('¡Gracias por tu valoración!');
    expect(await panel.getByRole('button', { name: '4 de 5', exact: true }).count()).toBe(0);

    // Stored with the shopper's words as they were.
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const conversation = (await ctx.server.store.conversations.listForSite(site.id, { limit: 50 }))[0]!;
    await expect
      .poll(async () => (await ctx.server.store.ratings.of(site.id, conversation.id)).map((r) => [r.score, r.comment]), T)
      .toEqual([[4, 'Muy amables, <b>gracias</b>']]);

    // The console's report: the summary and the CSV have the rating.
    const summary = (await (await ana.request.get(`${ctx.server.origin}/api/agent/reports/summary?${range}`)).json()) as { csat: unknown };
    expect(summary.csat).toEqual({ average: 4, count: 1 });
    const csv = await ana.request.get(`${ctx.server.origin}/api/agent/reports/csat?${range}&format=csv`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('item,agent,ratings,average,responseRate,s1,s2,s3,s4,s5');
    expect(lines[1]).toBe('all,,1,4,1,0,0,0,1,0');
    expect(lines[2]).toBe('agent,Ana,1,4,,0,0,0,1,0');

    // The console's Reports page (admins and supervisors) shows it: the headline figure, the CSAT
    // table and its CSV link.
    await ana.getByRole('button', { name: 'Reports', exact: true }).click();
    const reports = ana.getByRole('main', { name: 'Reports' });
    await expect.poll(textOf(reports.getByRole('definition').filter({ hasText: '/ 5' })), T).toContain('4.0 / 5');
    // The volume report is also drawn (uPlot, on a canvas; the table beside it holds the figures).
    await expect.poll(() => reports.locator('.report-chart[data-chart="volume"] canvas').count(), T).toBe(1);
    const csat = reports.getByRole('region', { name: 'Satisfaction (CSAT)' });
    const anaRow = csat.getByRole('row').filter({ hasText: 'Ana' });
    await expect.poll(() => anaRow.count(), T).toBe(1);
    // The first cell heads the row ("By agent"); column headings and codes are in words.
    expect((await anaRow.getByRole('rowheader').allInnerTexts()).map((c) => c.trim())).toEqual(['By agent']);
    expect((await anaRow.getByRole('cell').allInnerTexts()).map((c) => c.trim())).toEqual(['Ana', '1', '4', '', '0', '0', '0', '1', '0']);
    expect((await csat.getByRole('columnheader').allInnerTexts()).map((c) => c.trim())).toEqual(['Item', 'Agent', 'Ratings', 'Average', 'Response rate', '1 of 5', '2 of 5', '3 of 5', '4 of 5', '5 of 5']);
    const link = csat.getByRole('link', { name: /Download CSV/ });
    const href = (await link.getAttribute('href'))!;
    expect(href).toContain('/api/agent/reports/csat?');
    expect(href).toContain('format=csv');
    expect(await seriousViolations(ana)).toEqual([]);
    const viaLink = await ana.request.get(new URL(href, ctx.server.origin).toString());
    expect((await viaLink.text()).trim().split('\r\n')).toContain('agent,Ana,1,4,,0,0,0,1,0');

    await shopper.close();
    await anaContext.close();
  });

  it('asks in English, asks again after a reopen and a new resolve, and a reload does not ask for the same resolution', async () => {
    const anaContext = await ctx.browser.newContext({ locale: 'en-US' });
    const ana = await anaContext.newPage();
    await signInToConsole(ana, ctx.server.origin);
    await expect.poll(() => ana.getByRole('navigation', { name: 'Conversations' }).count(), T).toBe(1);

    const shopper = await ctx.browser.newContext({ locale: 'en-GB' });
    const { shop, panel } = await chatResolvedByAna(ana, shopper, 'Do you ship to Porto?', true);
    await expect.poll(textOf(panel.locator('body')), T).toContain('How did we do?');
    for (let n = 1; n <= 5; n++) await expect.poll(() => panel.getByRole('button', { name: `${n} of 5`, exact: true }).count(), T).toBe(1);
    await panel.getByRole('button', { name: '5 of 5', exact: true }).click();
    await panel.getByRole('button', { name: 'Send rating' }).click();
    await expect.poll(textOf(panel.locator('body')), T).toContain('Thanks for your rating!');

    // A reload shows the thanks, not the question, for the same resolution.
    await shop.reload();
    await toEnglish(shop);
    await shop.getByRole('button', { name: /chat/i }).click();
    const again = shop.frameLocator('iframe[title*="chat" i]');
    await expect.poll(textOf(again.getByRole('log')), T).toContain('Do you ship to Porto?');
    await expect.poll(textOf(again.locator('body')), T).toContain('Thanks for your rating!');
    expect(await again.getByRole('button', { name: '5 of 5', exact: true }).count()).toBe(0);

    // The shopper writes again (the chat reopens), Ana resolves it again: asked again.
    const box = again.getByRole('textbox', { name: 'Message' });
    await box.fill('And to Lisbon?');
    await box.press('Enter');
    await expect.poll(textOf(again.locator('body')), T).not.toContain('Thanks for your rating!');
    await resolveAsAna(ana, again, 'And to Lisbon?');
    await expect.poll(textOf(again.locator('body')), T).toContain('How did we do?');
    await again.getByRole('button', { name: '2 of 5', exact: true }).click();
    await again.getByRole('button', { name: 'Send rating' }).click();
    await expect.poll(textOf(again.locator('body')), T).toContain('Thanks for your rating!');

    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const all = await ctx.server.store.conversations.listForSite(site.id, { limit: 50 });
    const scores = (await Promise.all(all.map((c) => ctx.server.store.ratings.of(site.id, c.id)))).flat().map((r) => r.score).sort();
    expect(scores).toEqual([2, 4, 5]);

    await shopper.close();
    await anaContext.close();
  });
});
