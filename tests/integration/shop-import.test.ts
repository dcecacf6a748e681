/**
 * Imports against a local HTTP server that answers as Shopify's Admin API (REST, cursor
 * pagination in the Link header) and WooCommerce's REST API v3 (page, X-WP-Total,
 * X-WP-TotalPages) document it: progress, an interrupted import resuming without duplicates.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

const SECRET = 'sk_demo_secret';
const TOKEN = 'shpat_import_token_0123456789';
const CK = 'ck_0123456789abcdef0123456789abcdef01234567';
const CS = 'cs_0123456789abcdef0123456789abcdef01234567';

let server: TestServer;
let shop: Server;
let shopOrigin: string;
const requests: string[] = [];
/** Paths that fail once (then answer normally): the interruption. */
const failOnce = new Set<string>();

const recent = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

function shopifyCustomer(id: number) {
  return { id, email: `c${id}@example.com`, first_name: 'Cliente', last_name: String(id), phone: null, tags: '', created_at: recent(10), updated_at: recent(5), state: 'enabled', currency: 'EUR' };
}
function shopifyOrder(id: number, customer: number) {
  return {
    id,
    name: `#${id}`,
    order_number: id,
    email: `c${customer}@example.com`,
    created_at: recent(7),
    updated_at: recent(6),
    cancelled_at: null,
    currency: 'EUR',
    total_price: '10.00',
    financial_status: 'paid',
    fulfillment_status: 'fulfilled',
    customer: shopifyCustomer(customer),
    line_items: [{ id: id * 10, variant_id: id * 100, sku: `SKU-${id}`, name: 'Vela', title: 'Vela', quantity: 1, price: '10.00' }],
    fulfillments: [{ id: id * 1000, order_id: id, status: 'success', tracking_company: 'GLS', tracking_number: `GLS${id}`, tracking_numbers: [`GLS${id}`], tracking_url: null, shipment_status: 'in_transit' }],
    refunds: [],
  };
}
function wooOrder(id: number) {
  return {
    id,
    number: String(id),
    status: 'processing',
    currency: 'EUR',
    total: '20.50',
    customer_id: 0,
    date_created_gmt: recent(3).replace('Z', ''),
    date_modified_gmt: recent(3).replace('Z', ''),
    date_paid_gmt: recent(3).replace('Z', ''),
    billing: { first_name: 'Invitada', last_name: String(id), email: `guest${id}@example.com`, phone: '', country: 'ES' },
    shipping: { first_name: 'Invitada', last_name: String(id), address_1: 'Calle Mayor 1', city: 'Sevilla', postcode: '41001', country: 'ES' },
    line_items: [{ id: id * 10, name: 'Abanico', product_id: 7, quantity: 2, sku: 'ABN', price: 10.25 }],
    meta_data: [],
    refunds: [],
  };
}

function answer(req: IncomingMessage): { status: number; headers?: Record<string, string>; body: unknown } {
  const url = new URL(req.url!, shopOrigin);
  const key = `${url.pathname}${url.searchParams.get('page_info') ? `#${url.searchParams.get('page_info')}` : ''}${url.searchParams.get('page') ? `#${url.searchParams.get('page')}` : ''}`;
  requests.push(key);
  if (failOnce.delete(key)) return { status: 500, body: { errors: 'Internal Server Error' } };
  if (url.pathname.startsWith('/admin/api/')) {
    if (req.headers['x-shopify-access-token'] !== TOKEN) return { status: 401, body: { errors: '[API] Invalid API key or access token' } };
    const [, resource] = /\/admin\/api\/[\d-]+\/(.+)$/.exec(url.pathname)!;
    const pages: Record<string, unknown[][]> = {
      'customers.json': [[shopifyCustomer(1), shopifyCustomer(2)], [shopifyCustomer(3)]],
      'orders.json': [[shopifyOrder(1001, 1), shopifyOrder(1002, 2)], [shopifyOrder(1003, 3)]],
    };
    if (resource === 'customers/count.json') return { status: 200, body: { count: 3 } };
    if (resource === 'orders/count.json') {
      expect(url.searchParams.get('status')).toBe('any');
      return { status: 200, body: { count: 3 } };
    }
    const list = pages[resource!];
    if (!list) return { status: 404, body: { errors: 'Not Found' } };
    const n = url.searchParams.get('page_info') === 'p2' ? 1 : 0;
    const name = resource!.replace('.json', '');
    const next = n === 0 ? `<${shopOrigin}${url.pathname}?limit=250&page_info=p2>; rel="next"` : `<${shopOrigin}${url.pathname}?limit=250&page_info=p1>; rel="previous"`;
    return { status: 200, headers: { Link: next }, body: { [name]: list[n] } };
  }
  if (url.pathname.startsWith('/wp-json/wc/v3/')) {
    const expected = `Basic ${Buffer.from(`${CK}:${CS}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return { status: 401, body: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } } };
    const page = Number(url.searchParams.get('page') ?? '1');
    const headers = (total: number, pages: number) => ({ 'X-WP-Total': String(total), 'X-WP-TotalPages': String(pages) });
    if (url.pathname.endsWith('/customers')) {
      return {
        status: 200,
        headers: headers(2, 1),
        body: [
          { id: 41, email: 'nueva@example.com', first_name: 'Nueva', last_name: 'Clienta', username: 'nueva', date_created_gmt: recent(2).replace('Z', ''), date_modified_gmt: recent(2).replace('Z', ''), billing: { phone: '' } },
          // Registered long ago: not part of the last 60 days (and the list is newest first, so the import stops here).
          { id: 40, email: 'antigua@example.com', first_name: 'Antigua', last_name: 'Clienta', username: 'antigua', date_created_gmt: recent(400).replace('Z', ''), date_modified_gmt: recent(400).replace('Z', ''), billing: { phone: '' } },
        ],
      };
    }
    if (url.pathname.endsWith('/orders')) {
      expect(url.searchParams.get('after')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      const all = [wooOrder(501), wooOrder(502), wooOrder(503)];
      const per = Number(url.searchParams.get('per_page'));
      expect(per).toBe(100);
      // Two pages of (at most) two, as if per_page were 2: enough to exercise page/X-WP-TotalPages.
      return { status: 200, headers: headers(3, 2), body: all.slice((page - 1) * 2, page * 2) };
    }
  }
  return { status: 404, body: {} };
}

beforeAll(async () => {
  shop = createServer((req, res) => {
    const a = answer(req);
    res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  server = await startTestServer({ env: { ALLOW_PRIVATE_NETWORK_TARGETS: '1' } });
});
afterAll(async () => {
  await server.destroy();
  await new Promise((resolve) => shop.close(resolve));
});

function api(method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${SECRET}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function importState(platform: string): Promise<Record<string, any>> {
  const list = (await (await api('GET', '/integrations')).json()) as { data: Record<string, any>[] };
  return list.data.find((i) => i.platform === platform)!;
}

/** Waits for the import to leave `running` (the runner stores its state after every page). */
async function settled(platform: string): Promise<Record<string, any>> {
  for (;;) {
    const state = await importState(platform);
    if (state.import && state.import.status !== 'running') return state;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function count(sql: string): number {
  const db = new Database(join(server.dataDir, 'mostrador.db'), { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('Shopify import', () => {
  it('refuses to start without the Admin API token', async () => {
    await api('PUT', '/integrations/shopify', { shopDomain: shopOrigin, webhookSecret: 'shpss_import_secret' });
    const res = await api('POST', '/integrations/shopify/import');
    expect(res.status).toBe(409);
  });

  it('imports 60 days of customers and orders page by page; an interrupted import resumes without duplicates', async () => {
    await api('PUT', '/integrations/shopify', { accessToken: TOKEN });
    failOnce.add('/admin/api/2025-01/orders.json#p2');
    const started = await api('POST', '/integrations/shopify/import');
    expect(started.status).toBe(202);
    const failed = await settled('shopify');
    expect(failed.import).toMatchObject({ status: 'failed', phase: 'orders', customers: 3, orders: 2, totals: { customers: 3, orders: 3 }, error: expect.stringContaining('500') });
    expect(failed.import.cursor).toContain('page_info=p2');
    expect(failed.lastError.message).toContain('import');
    expect(count("SELECT count(*) AS n FROM orders WHERE external_id LIKE 'shopify:%'")).toBe(2);

    const requestsBefore = requests.length;
    expect((await api('POST', '/integrations/shopify/import')).status).toBe(202);
    const done = await settled('shopify');
    expect(done.import).toMatchObject({ status: 'done', customers: 3, orders: 3, cursor: null, error: null });
    // It went on from the page that failed: nothing before it was asked again.
    expect(requests.slice(requestsBefore)).toEqual(['/admin/api/2025-01/orders.json#p2']);
    expect(count("SELECT count(*) AS n FROM orders WHERE external_id LIKE 'shopify:%'")).toBe(3);
    expect(count("SELECT count(*) AS n FROM customers WHERE external_id LIKE 'shopify:%'")).toBe(3);
    expect(count("SELECT count(*) AS n FROM shipments WHERE external_id LIKE 'shopify:%'")).toBe(3);

    const order = await (await api('GET', '/orders/shopify:1003')).json();
    expect(order).toMatchObject({ number: '1003', status: 'shipped', total: 1000, customerId: 'shopify:3', shipments: [{ carrier: 'GLS', trackingUrl: 'https://gls-group.com/ES/es/seguimiento-envio/?match=GLS1003' }] });

    // Importing again from the start writes the same rows, no more.
    expect((await api('POST', '/integrations/shopify/import')).status).toBe(202);
    expect((await settled('shopify')).import).toMatchObject({ status: 'done', orders: 3 });
    expect(count("SELECT count(*) AS n FROM orders WHERE external_id LIKE 'shopify:%'")).toBe(3);
    expect(count("SELECT count(*) AS n FROM shipments WHERE external_id LIKE 'shopify:%'")).toBe(3);
  });
});

describe('WooCommerce import', () => {
  it('imports recent customers and orders through REST API v3 pages', async () => {
    await api('PUT', '/integrations/woocommerce', { storeUrl: shopOrigin, webhookSecret: 'wc-import-secret', consumerKey: CK, consumerSecret: CS });
    failOnce.add('/wp-json/wc/v3/orders#2');
    expect((await api('POST', '/integrations/woocommerce/import')).status).toBe(202);
    expect((await settled('woocommerce')).import).toMatchObject({ status: 'failed', phase: 'orders', cursor: '2', orders: 2 });
    expect((await api('POST', '/integrations/woocommerce/import')).status).toBe(202);
    const done = await settled('woocommerce');
    expect(done.import).toMatchObject({ status: 'done', customers: 1, orders: 3, totals: { orders: 3 } });
    expect(count("SELECT count(*) AS n FROM orders WHERE external_id LIKE 'wc:%'")).toBe(3);
    expect(count("SELECT count(*) AS n FROM customers WHERE external_id = 'wc:41'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM customers WHERE external_id = 'wc:40'")).toBe(0);
    expect(await (await api('GET', '/orders/wc:503')).json()).toMatchObject({ status: 'paid', total: 2050, items: [{ sku: 'ABN', quantity: 2, price: 1025 }] });
  });

  it('says when the shop refuses the credentials', async () => {
    await api('PUT', '/integrations/woocommerce', { consumerSecret: 'cs_wrong_wrong_wrong' });
    expect((await api('POST', '/integrations/woocommerce/import')).status).toBe(202);
    const state = await settled('woocommerce');
    expect(state.import).toMatchObject({ status: 'failed', error: expect.stringContaining('credentials') });
  });
});
