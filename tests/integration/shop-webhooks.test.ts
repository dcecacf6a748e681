/**
 * Shop platforms' webhooks against the real server: signatures (forged → 401, nothing stored),
 * replays stored once, out-of-order updates, unknown topics, oversized bodies, and a Shopify
 * fulfillment reaching the verified customer's open chat. Payloads are fixtures shaped as
 * Shopify and WooCommerce document them.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/identity';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor, type Frame } from '../helpers/ws-client';

const SECRET = 'sk_demo_secret';
const SHOPIFY_SECRET = 'shpss_test_9f8e7d6c5b4a3f2e1d0c';
const WOO_SECRET = 'wc-hook-secret-2f9a';
const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures', name), 'utf8')) as Record<string, any>;

let server: TestServer;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  server = await startTestServer({ logger: pino({ level: 'info' }, sink) });
  for (const [platform, body] of [
    ['shopify', { shopDomain: 'tienda-lucia.myshopify.com', webhookSecret: SHOPIFY_SECRET, accessToken: 'shpat_token_never_shown_1234' }],
    ['woocommerce', { storeUrl: 'https://tienda.example', webhookSecret: WOO_SECRET }],
  ] as const) {
    const res = await api('PUT', `/integrations/${platform}`, body);
    expect(res.status).toBe(200);
  }
});
afterAll(async () => {
  await server.destroy();
});

function api(method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${SECRET}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

const sign = (body: string | Buffer, secret: string) => createHmac('sha256', secret).update(body).digest('base64');

let deliveries = 0;
function shopify(topic: string, payload: unknown, opts: { id?: string; signature?: string; raw?: string } = {}) {
  const body = opts.raw ?? JSON.stringify(payload);
  return fetch(`${server.origin}/integrations/shopify/webhooks/pk_demo`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': opts.signature ?? sign(body, SHOPIFY_SECRET),
      'X-Shopify-Shop-Domain': 'tienda-lucia.myshopify.com',
      'X-Shopify-Webhook-Id': opts.id ?? `b54557e4-bdd9-4b37-8a5f-${String(++deliveries).padStart(12, '0')}`,
      'X-Shopify-API-Version': '2025-01',
    },
    body,
  });
}

function woo(topic: string, payload: unknown, opts: { id?: string; signature?: string } = {}) {
  const body = JSON.stringify(payload);
  return fetch(`${server.origin}/integrations/woocommerce/webhooks/pk_demo`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-WC-Webhook-Source': 'https://tienda.example/',
      'X-WC-Webhook-Topic': topic,
      'X-WC-Webhook-Resource': topic.split('.')[0]!,
      'X-WC-Webhook-Event': topic.split('.')[1]!,
      'X-WC-Webhook-Signature': opts.signature ?? sign(body, WOO_SECRET),
      'X-WC-Webhook-ID': '14',
      'X-WC-Webhook-Delivery-ID': opts.id ?? `wc-${++deliveries}`,
    },
    body,
  });
}

async function order(id: string) {
  const res = await api('GET', `/orders/${id}`);
  return { status: res.status, body: (res.status === 200 ? await res.json() : null) as Record<string, any> | null };
}

describe('Shopify webhooks', () => {
  it('refuses a forged signature with 401 and stores nothing', async () => {
    const body = fixture('shopify/order.json');
    const forged = await shopify('orders/create', body, { signature: sign(JSON.stringify(body), 'not-the-secret') });
    expect(forged.status).toBe(401);
    // Signed, then altered in transit.
    const signed = JSON.stringify(body);
    const altered = await shopify('orders/create', null, { raw: signed.replace('"64.40"', '"0.01"'), signature: sign(signed, SHOPIFY_SECRET) });
    expect(altered.status).toBe(401);
    expect((await shopify('orders/create', body, { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(401);
    expect((await order('shopify:5200000000101')).status).toBe(404);
    expect((await api('GET', '/customers/shopify:7300000000055')).status).toBe(404);
    // The merchant sees that something was refused (a wrong secret is the usual cause).
    const list = (await (await api('GET', '/integrations')).json()) as { data: Record<string, any>[] };
    expect(list.data.find((i) => i.platform === 'shopify')!.lastError.message).toMatch(/signature/);
  });

  it('maps an order (status from financial and fulfillment status), its customer and address', async () => {
    const res = await shopify('orders/create', fixture('shopify/order.json'));
    expect(res.status).toBe(200);
    const { body } = await order('shopify:5200000000101');
    expect(body).toMatchObject({
      customerId: 'shopify:7300000000055',
      number: '1201',
      status: 'paid',
      paymentStatus: 'paid',
      currency: 'EUR',
      total: 6440,
      items: [
        { sku: 'TAZA-VS', name: 'Taza de cerámica esmaltada - Verde salvia', quantity: 2, price: 1495 },
        { sku: '44000000000012', name: 'Mantel de lino', quantity: 1, price: 3000 },
      ],
      shippingAddress: { name: 'Lucía Martín', line1: 'Calle de Alcalá 120', line2: '3º B', city: 'Madrid', postalCode: '28009', region: 'Madrid', country: 'ES' },
      createdAt: '2026-11-20T09:15:02.000Z',
    });
    const customer = await (await api('GET', '/customers/shopify:7300000000055')).json();
    expect(customer).toMatchObject({ email: 'lucia.martin@example.com', name: 'Lucía Martín', phone: '+34600111222', tags: ['vip', 'newsletter'] });
  });

  it('does not roll an order back when an older updated_at arrives after a newer one', async () => {
    const base = fixture('shopify/order.json');
    const newer = { ...base, id: 5200000000202, name: '#1202', financial_status: 'paid', fulfillment_status: 'fulfilled', updated_at: '2026-11-21T12:00:00+01:00', fulfillments: [] };
    const older = { ...base, id: 5200000000202, name: '#1202', financial_status: 'pending', updated_at: '2026-11-21T11:00:00+01:00' };
    expect((await shopify('orders/updated', newer)).status).toBe(200);
    expect((await shopify('orders/updated', older)).status).toBe(200);
    expect((await order('shopify:5200000000202')).body).toMatchObject({ status: 'fulfilled', paymentStatus: 'paid' });
    const cancelled = { ...newer, cancelled_at: '2026-11-21T13:00:00+01:00', updated_at: '2026-11-21T13:00:00+01:00' };
    expect((await shopify('orders/cancelled', cancelled)).status).toBe(200);
    expect((await order('shopify:5200000000202')).body).toMatchObject({ status: 'cancelled' });
  });

  it('answers 200 to a topic it does not handle, stores nothing and logs it', async () => {
    const res = await shopify('products/update', { id: 632910392, title: 'Taza' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: 'ignored' });
    expect(logLines.some((l) => l.msg === 'shop webhook ignored: unknown topic' && l.topic === 'products/update')).toBe(true);
  });

  it('refuses a 5 MB body with 413 before reading it', async () => {
    const big = JSON.stringify({ id: 1, note: 'x'.repeat(5 * 1024 * 1024) });
    const res = await shopify('orders/create', null, { raw: big });
    expect(res.status).toBe(413);
    // A large real order (hundreds of line items) still gets through.
    const base = fixture('shopify/order.json');
    const large = { ...base, id: 5200000000303, name: '#1203', line_items: Array.from({ length: 400 }, (_, i) => ({ ...base.line_items[0], id: i + 1, sku: `SKU-${i}`, name: `Artículo ${i} ${'·'.repeat(400)}` })) };
    expect(JSON.stringify(large).length).toBeGreaterThan(200_000);
    expect((await shopify('orders/create', large)).status).toBe(200);
    expect((await order('shopify:5200000000303')).body!.items).toHaveLength(400);
  });

  it('tells the verified customer a fulfillment with tracking in their open chat, once per delivery', async () => {
    const customerId = 'shopify:7300000000055';
    const visitor = await connectVisitor(server);
    visitor.socket.send({ type: 'identify', id: customerId, hash: identityHash(customerId, SECRET) });
    expect(await visitor.socket.nextOfType('identified')).toMatchObject({ verified: true });
    const hello = cid();
    visitor.socket.send({ type: 'message.send', clientId: hello, text: '¿Cuándo llega mi pedido?' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === hello)).conversationId as string;

    const news = visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).author as Frame).kind === 'bot');
    const cardFrame = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).kind === 'card');
    const fulfillment = fixture('shopify/fulfillment.json');
    const id = 'f1e0d2c3-0000-4000-8000-000000000301';
    expect((await shopify('fulfillments/create', fulfillment, { id })).status).toBe(200);
    // The news in words, as POST /api/v1/events tells it…
    const words = (await news).message as Frame;
    expect(words.conversationId).toBe(conversationId);
    expect(words.text).toContain('Tu pedido 1201 ya está en camino con SEUR');
    // …then the order as a card with the tracking link built for SEUR.
    const message = (await cardFrame).message as Frame;
    expect(message.conversationId).toBe(conversationId);
    expect(message.payload).toMatchObject({
      type: 'order',
      order: { number: '1201', status: 'shipped', carrier: 'SEUR', trackingNumber: 'SEU 0049 1234 5678', trackingUrl: 'https://www.seur.com/livetracking/?segOnlineIdentificador=SEU%200049%201234%205678' },
    });
    expect(message.text).toContain('1201');
    const { body } = await order('shopify:5200000000101');
    expect(body).toMatchObject({ status: 'shipped', shipments: [{ id: 'shopify:4900000000301', carrier: 'SEUR', trackingNumber: 'SEU 0049 1234 5678', status: 'in_transit' }] });

    // The same delivery again (Shopify retries when it does not see our 200 in time): stored once, told once.
    const replay = await shopify('fulfillments/create', fulfillment, { id });
    expect(await replay.json()).toEqual({ ok: true, result: 'duplicate' });
    // A second delivery of the same fulfillment (a new id): the shipment is updated, the shopper is not told twice.
    expect((await shopify('fulfillments/create', fulfillment)).status).toBe(200);
    // Delivered: told once more.
    const delivered = visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).payload as Frame | undefined)?.type === 'order' && (((f.message as Frame).payload as Frame).order as Frame).status === 'delivered');
    expect((await shopify('fulfillments/update', { ...fulfillment, shipment_status: 'delivered', updated_at: '2026-11-22T13:00:00+01:00' })).status).toBe(200);
    await delivered;
    const transcript = (await (await api('GET', `/conversations/${conversationId}`)).json()) as { messages: { author: { kind: string }; payload?: unknown }[] };
    // Shipped and delivered, each in words and as a card: four, not six.
    expect(transcript.messages.filter((m) => m.author.kind === 'bot')).toHaveLength(4);
    expect((await order('shopify:5200000000101')).body).toMatchObject({ status: 'delivered', shipments: [{ status: 'delivered' }] });
    visitor.socket.close();
  });

  it('stores a refund as a return, once however often it is delivered', async () => {
    const id = 'a0a0a0a0-0000-4000-8000-000000000401';
    expect((await shopify('refunds/create', fixture('shopify/refund.json'), { id })).status).toBe(200);
    expect((await shopify('refunds/create', fixture('shopify/refund.json'), { id })).status).toBe(200);
    expect((await shopify('refunds/create', fixture('shopify/refund.json'))).status).toBe(200);
    const { body } = await order('shopify:5200000000101');
    expect(body!.returns).toEqual([{ id: 'shopify:9100000000401', status: 'refunded', items: [{ sku: 'TAZA-VS', quantity: 1 }], reason: 'Taza llegó rota', updatedAt: expect.any(String) }]);
  });

  it('creates and updates customers', async () => {
    expect((await shopify('customers/create', fixture('shopify/customer.json'))).status).toBe(200);
    expect((await shopify('customers/update', { ...fixture('shopify/customer.json'), last_name: 'Puig i Ferrer', updated_at: '2026-11-23T08:00:00+01:00' })).status).toBe(200);
    expect(await (await api('GET', '/customers/shopify:7300000000077')).json()).toMatchObject({ email: 'jordi.puig@example.com', name: 'Jordi Puig i Ferrer' });
  });

  it('answers 404 for a site without a Shopify connection', async () => {
    const res = await fetch(`${server.origin}/integrations/shopify/webhooks/pk_nope`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
  });
});

describe('WooCommerce webhooks', () => {
  it('answers the ping WooCommerce sends when a webhook is created', async () => {
    const res = await fetch(`${server.origin}/integrations/woocommerce/webhooks/pk_demo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-WC-Webhook-Source': 'https://tienda.example/' },
      body: 'webhook_id=14',
    });
    expect(res.status).toBe(200);
  });

  it('refuses a forged signature and stores nothing', async () => {
    const res = await woo('order.created', fixture('woocommerce/order.json'), { signature: sign('{}', WOO_SECRET) });
    expect(res.status).toBe(401);
    expect((await order('wc:812')).status).toBe(404);
  });

  it('maps an order and its Shipment Tracking parcel; a replay is stored once', async () => {
    expect((await woo('customer.created', fixture('woocommerce/customer.json'))).status).toBe(200);
    expect((await woo('order.created', fixture('woocommerce/order.json'))).status).toBe(200);
    expect((await order('wc:812')).body).toMatchObject({
      customerId: 'wc:27',
      number: '812',
      status: 'paid',
      total: 4280,
      items: [{ sku: 'AOVE-5L', quantity: 1, price: 3215 }, { sku: '56', name: 'Jabón de aceite', quantity: 2, price: 165 }],
      shippingAddress: { name: 'Marta Soler', line1: 'Carrer de Mallorca 210', city: 'Barcelona', country: 'ES' },
    });
    const completed = {
      ...fixture('woocommerce/order.json'),
      status: 'completed',
      date_modified_gmt: '2026-11-23T09:00:00',
      meta_data: [
        {
          id: 9102,
          key: '_wc_shipment_tracking_items',
          value: [{ tracking_provider: 'correos-express', custom_tracking_provider: '', custom_tracking_link: '', tracking_number: '3230005410012345', date_shipped: '1795424400', tracking_id: '8d1f0b3c6e2a4f5b9c7d1e2f3a4b5c6d' }],
        },
      ],
    };
    const id = 'wc-delivery-completed-812';
    expect((await woo('order.updated', completed, { id })).status).toBe(200);
    expect(await (await woo('order.updated', completed, { id })).json()).toEqual({ ok: true, result: 'duplicate' });
    const { body } = await order('wc:812');
    expect(body).toMatchObject({
      status: 'shipped',
      shipments: [{ carrier: 'Correos Express', trackingNumber: '3230005410012345', trackingUrl: 'https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber=3230005410012345' }],
    });
    // An older copy arriving late does not undo it.
    expect((await woo('order.updated', fixture('woocommerce/order.json'))).status).toBe(200);
    expect((await order('wc:812')).body).toMatchObject({ status: 'shipped' });
    expect(await (await api('GET', '/customers/wc:27')).json()).toMatchObject({ email: 'marta.soler@example.com', name: 'Marta Soler' });
  });

  it('marks a deleted order cancelled', async () => {
    expect((await woo('order.deleted', { id: 812 })).status).toBe(200);
    expect((await order('wc:812')).body).toMatchObject({ status: 'cancelled' });
  });
});

describe('Shopify app proxy identity', () => {
  /** What Shopify appends when it forwards /apps/mostrador/identity, signed as shopify.dev documents. */
  function proxied(customerId: string, opts: { timestamp?: number; tamper?: (q: URLSearchParams) => void } = {}) {
    const params: [string, string][] = [
      ['shop', 'tienda-lucia.myshopify.com'],
      ['logged_in_customer_id', customerId],
      ['path_prefix', '/apps/mostrador'],
      ['timestamp', String(opts.timestamp ?? Math.floor(Date.now() / 1000))],
    ];
    const message = [...params].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('');
    const q = new URLSearchParams([...params, ['signature', createHmac('sha256', SHOPIFY_SECRET).update(message).digest('hex')]]);
    opts.tamper?.(q);
    return fetch(`${server.origin}/integrations/shopify/proxy/pk_demo/identity?${q}`);
  }

  it('returns the identify payload for the logged-in customer, which verifies them', async () => {
    const res = await proxied('7300000000055');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const payload = (await res.json()) as { id: string; hash: string; email: string; name: string };
    expect(payload).toEqual({ id: 'shopify:7300000000055', hash: identityHash('shopify:7300000000055', SECRET), email: 'lucia.martin@example.com', name: 'Lucía Martín' });
    const visitor = await connectVisitor(server);
    visitor.socket.send({ type: 'identify', ...payload });
    expect(await visitor.socket.nextOfType('identified')).toMatchObject({ verified: true });
    visitor.socket.close();
  });

  it('answers a guest with an empty payload', async () => {
    const res = await proxied('');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });

  it('refuses tampered parameters, another shop, a stale timestamp and no signature', async () => {
    expect((await proxied('7300000000055', { tamper: (q) => q.set('logged_in_customer_id', '7300000000077') })).status).toBe(401);
    expect((await proxied('7300000000055', { tamper: (q) => q.set('shop', 'otra.myshopify.com') })).status).toBe(401);
    expect((await proxied('7300000000055', { tamper: (q) => q.delete('signature') })).status).toBe(401);
    expect((await proxied('7300000000055', { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
  });
});

describe('PrestaShop module calls', () => {
  it("shows the module's last call and last failure on its card", async () => {
    expect((await api('PUT', '/integrations/prestashop', { storeUrl: 'https://tienda-ps.example' })).status).toBe(200);
    const fromModule = (method: string, path: string, body: unknown) =>
      fetch(`${server.origin}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json', 'X-Mostrador-Integration': 'prestashop' },
        body: JSON.stringify(body),
      });
    expect((await fromModule('PUT', '/customers/ps:42', { email: 'ana@example.com', name: 'Ana Ruiz' })).status).toBe(201);
    expect((await fromModule('PUT', '/orders/ps:77', { customerId: 'ps:404', number: 'XKBKNABJK', status: 'paid', currency: 'EUR', total: 6180, items: [], createdAt: '2026-11-20T10:15:02Z' })).status).toBe(422);
    const card = ((await (await api('GET', '/integrations')).json()) as { data: Record<string, any>[] }).data.find((i) => i.platform === 'prestashop')!;
    expect(card).toMatchObject({ connected: true, webhookUrl: `${server.origin}/api/v1`, lastEvent: { topic: 'PUT /customers/ps:42' }, lastError: { message: 'PUT /orders/ps:77: HTTP 422' } });
  });
});

describe('integration settings', () => {
  it('never returns a secret once set, and keeps secrets sealed in the database files', async () => {
    const res = await api('GET', '/integrations');
    const text = await res.text();
    for (const secret of [SHOPIFY_SECRET, WOO_SECRET, 'shpat_token_never_shown_1234']) expect(text).not.toContain(secret);
    const shop = (JSON.parse(text) as { data: Record<string, any>[] }).data.find((i) => i.platform === 'shopify')!;
    expect(shop).toMatchObject({
      connected: true,
      settings: { shopDomain: 'tienda-lucia.myshopify.com' },
      secretsSet: ['webhookSecret', 'accessToken'],
      webhookUrl: `${server.origin}/integrations/shopify/webhooks/pk_demo`,
      lastEvent: { topic: expect.any(String) },
    });
    // A partial update keeps the secrets it leaves out.
    const put = await api('PUT', '/integrations/shopify', { shopDomain: 'otra-tienda.myshopify.com' });
    expect(await put.json()).toMatchObject({ secretsSet: ['webhookSecret', 'accessToken'], settings: { shopDomain: 'otra-tienda.myshopify.com' } });
    expect((await shopify('customers/update', fixture('shopify/customer.json'))).status).toBe(200);

    const bad = await api('PUT', '/integrations/shopify', { shopDomain: 'evil.example.com/admin' });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ field: 'shopDomain' });
    expect((await api('PUT', '/integrations/magento', {})).status).toBe(404);

    const bytes = Buffer.concat(
      readdirSync(server.dataDir)
        .filter((f) => f.startsWith('mostrador.db'))
        .map((f) => readFileSync(join(server.dataDir, f))),
    );
    for (const secret of [SHOPIFY_SECRET, WOO_SECRET, 'shpat_token_never_shown_1234']) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    // …and not in the logs.
    expect(JSON.stringify(logLines)).not.toContain(SHOPIFY_SECRET);
  });
});
