/**
 * Demo-only helper, mounted only when the demo is seeded: it plays the shop's backend, which
 * computes the identify() hash with the secret key server-side (never in the browser).
 */
import { Hono } from 'hono';
import { identityHash } from '../domain/identity';
import { DEMO } from '../store/seed';
import type { Store } from '../store/types';

export function demoRoutes(deps: { store: Store }) {
  const app = new Hono();
  app.get('/identity', async (c) => {
    const site = await deps.store.sites.byPublicKey(DEMO.publicKey);
    const id = c.req.query('customer') ?? '';
    const customer = site && /^cus_[a-z]+$/.test(id) ? await deps.store.customers.byExternalId(site.id, id) : null;
    if (!site || !customer) return c.json({ error: 'unknown demo customer' }, 404);
    c.header('Cache-Control', 'no-store');
    return c.json({ id: customer.externalId, email: customer.email, name: customer.name, hash: identityHash(customer.externalId, DEMO.secretKey) });
  });
  return app;
}
