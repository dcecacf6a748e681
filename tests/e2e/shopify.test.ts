/**
 * A Shopify shop connected from the console: the theme snippet (integrations/shopify) verifies
 * the logged-in customer through the app proxy, and a `fulfillments/create` webhook reaches
 * their open chat as an order card with the tracking link while the agent's sidebar shows the
 * order. A local server plays the Shopify storefront and its app proxy (it signs the forwarded
 * query as Shopify does).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { T, textOf, signInToConsole, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();
const SHOPIFY_SECRET = 'shpss_e2e_0f1e2d3c4b5a69788796';
const CUSTOMER = '7300000000055';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures', name), 'utf8');
let storefront: Server;
let shopOrigin: string;

/** The Liquid snippet as Shopify renders it for a logged-in customer. */
function renderSnippet(): string {
  return readFileSync(join(import.meta.dirname, '../../integrations/shopify/mostrador.liquid'), 'utf8')
    .replace(/\{% comment %\}[\s\S]*?\{% endcomment %\}/, '')
    .replace(/\{%- assign [^%]+-%\}\n/g, '')
    .replaceAll('{{ mostrador_server }}', ctx.server.origin)
    .replaceAll('{{ mostrador_site_key }}', 'pk_demo')
    .replace('{%- if customer %}', '')
    .replace('{%- endif %}', '');
}

beforeAll(async () => {
  storefront = createServer((req, res) => {
    const url = new URL(req.url!, 'http://storefront');
    if (url.pathname === '/apps/mostrador/identity') {
      // Shopify's app proxy: forward with the logged-in customer and a signature over the sorted parameters.
      const params: [string, string][] = [
        ['shop', 'tienda-lucia.myshopify.com'],
        ['logged_in_customer_id', CUSTOMER],
        ['path_prefix', '/apps/mostrador'],
        ['timestamp', String(Math.floor(Date.now() / 1000))],
      ];
      const message = [...params].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('');
      const query = new URLSearchParams([...params, ['signature', createHmac('sha256', SHOPIFY_SECRET).update(message).digest('hex')]]);
      void fetch(`${ctx.server.origin}/integrations/shopify/proxy/pk_demo/identity?${query}`).then(async (r) => {
        res.writeHead(r.status, { 'Content-Type': 'application/json' });
        res.end(await r.text());
      });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Tienda Lucía</title></head><body><h1>Tienda Lucía</h1>${renderSnippet()}</body></html>`);
  });
  await new Promise<void>((r) => storefront.listen(0, '127.0.0.1', r));
  shopOrigin = `http://127.0.0.1:${(storefront.address() as AddressInfo).port}`;
});
afterAll(async () => {
  storefront.closeAllConnections();
  await new Promise<void>((r) => storefront.close(() => r()));
});

function webhook(topic: string, body: string) {
  return fetch(`${ctx.server.origin}/integrations/shopify/webhooks/pk_demo`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': createHmac('sha256', SHOPIFY_SECRET).update(body).digest('base64'),
      'X-Shopify-Webhook-Id': `e2e-${topic}-${Date.now()}`,
      'X-Shopify-Shop-Domain': 'tienda-lucia.myshopify.com',
    },
    body,
  });
}

describe.runIf(hasChromium)('Shopify, connected from the console', () => {
  it("tells the verified customer's open chat about the fulfillment, and the agent sees the order", async () => {
    const adminContext = await ctx.browser.newContext({ locale: 'en-US' });
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.server.origin });
    const admin = await adminContext.newPage();
    await signInToConsole(admin, ctx.server.origin);
    await admin.getByRole('button', { name: 'Settings' }).click();
    const card = admin.getByRole('form', { name: /^Shopify/ });
    await expect.poll(textOf(card), T).toContain('Not connected');
    // By keyboard: type, Tab to the next field, Enter submits.
    await card.getByLabel(/^Shop domain/).fill('tienda-lucia.myshopify.com');
    await admin.keyboard.press('Tab');
    await admin.keyboard.type(SHOPIFY_SECRET);
    await admin.keyboard.press('Enter');
    await expect.poll(textOf(card), T).toContain('Connected');
    expect(await card.getByLabel(/API secret key/).inputValue()).toBe('');
    expect(await card.innerText()).toContain('Saved. Leave empty to keep it.');
    expect(await admin.content()).not.toContain(SHOPIFY_SECRET);
    await card.getByRole('button', { name: 'Copy: Webhook URL to paste in your shop' }).click();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(`${ctx.server.origin}/integrations/shopify/webhooks/pk_demo`);
    expect(await card.getByLabel(/^App proxy URL/).inputValue()).toBe(`${ctx.server.origin}/integrations/shopify/proxy/pk_demo`);

    expect((await webhook('orders/create', fixture('shopify/order.json'))).status).toBe(200);
    // Coming back to the console shows what arrived.
    await admin.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(textOf(card), T).toContain('orders/create');

    // Lucía, logged in to the shop: the snippet asks the app proxy who she is.
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    const identity = shop.waitForResponse((r) => r.url().endsWith('/apps/mostrador/identity'));
    await shop.goto(`${shopOrigin}/`);
    expect(((await (await identity).json()) as { id: string }).id).toBe(`shopify:${CUSTOMER}`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Cuándo sale mi pedido 1201?');
    await panel.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¿Cuándo sale mi pedido 1201?');

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('button', { name: /Lucía Martín/ }).click();
    const aside = agent.getByRole('complementary', { name: 'Customer' });
    await expect.poll(textOf(aside), T).toContain('Verified');
    await expect.poll(textOf(aside.getByRole('article', { name: 'Order 1201' })), T).toContain('Paid');

    // The warehouse ships it in Shopify.
    expect((await webhook('fulfillments/create', fixture('shopify/fulfillment.json'))).status).toBe(200);
    const shopperCard = panel.getByRole('group', { name: 'Pedido #1201' });
    await expect.poll(() => shopperCard.count(), T).toBe(1);
    expect(await shopperCard.innerText()).toContain('SEUR');
    expect(await panel.getByRole('log').innerText()).toContain('Tu pedido 1201 ya está en camino con SEUR');
    const track = shopperCard.getByRole('link', { name: 'Seguir el paquete' });
    expect(await track.getAttribute('href')).toBe('https://www.seur.com/livetracking/?segOnlineIdentificador=SEU%200049%201234%205678');
    expect(await track.getAttribute('rel')).toContain('noopener');
    // The agent sees the same message and, in the sidebar, the order shipped with its tracking.
    await expect.poll(textOf(agent.getByRole('log').first()), T).toContain('SEUR');
    await agent.reload();
    await agent.getByRole('button', { name: /Lucía Martín/ }).click();
    const order = agent.getByRole('complementary', { name: 'Customer' }).getByRole('article', { name: 'Order 1201' });
    await expect.poll(textOf(order), T).toContain('Shipped');
    expect(await order.getByRole('link', { name: 'Track package' }).getAttribute('href')).toBe('https://www.seur.com/livetracking/?segOnlineIdentificador=SEU%200049%201234%205678');
    await shopper.close();
    await agentContext.close();
    await adminContext.close();
  });
});
