/**
 * What shop platforms call: Shopify and WooCommerce webhooks
 * (`POST /integrations/{shopify|woocommerce}/webhooks/{siteKey}`) and the Shopify app proxy's
 * identity request (`GET /integrations/shopify/proxy/{siteKey}/identity`, which the shop's theme
 * reaches as `/apps/mostrador/identity`). The site key is the public one: the signature, made
 * with the secret the merchant pasted, is what proves the sender.
 */
import { Hono } from 'hono';
import { problem } from '../http';
import type { Logger } from '../logger';
import type { ShopIntegrations } from '../integrations/shops/service';

export function shopWebhookRoutes(deps: { shops: ShopIntegrations; logger: Logger }) {
  const app = new Hono();

  // Bodies are capped before this (BODY_LIMITS.shopWebhook in http.ts: 413 past 2 MiB).
  app.post(
    '/integrations/:platform{shopify|woocommerce}/webhooks/:siteKey',
    async (c) => {
      const platform = c.req.param('platform') as 'shopify' | 'woocommerce';
      const raw = Buffer.from(await c.req.arrayBuffer());
      const outcome = await deps.shops.webhook(platform, c.req.param('siteKey'), (name) => c.req.header(name), raw);
      switch (outcome.status) {
        case 200:
          return c.json({ ok: true, result: outcome.result });
        case 401:
          return problem(c, 401, 'the signature does not match the secret', { code: 'bad_signature' });
        case 404:
          return problem(c, 404, `no ${platform} connection for this site`, { code: 'not_connected' });
        case 400:
          return problem(c, 400, outcome.result === 'invalid_json' ? 'the body is not a JSON object' : 'the topic or delivery id header is missing', { code: outcome.result });
      }
    },
  );

  app.get('/integrations/shopify/proxy/:siteKey/identity', async (c) => {
    const result = await deps.shops.appProxyIdentity(c.req.param('siteKey'), new URL(c.req.url).searchParams);
    // Per shopper: never cached by Shopify, the browser or anything between.
    c.header('Cache-Control', 'no-store, private');
    if (result.status === 200) return c.json(result.body);
    return problem(c, result.status, result.status === 401 ? 'the app proxy signature is not valid' : 'no Shopify connection for this site');
  });

  return app;
}
