import { seedMessage } from '../helpers/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../server/bus/bus';
import { createTestApp } from '../helpers/app';

let t: Awaited<ReturnType<typeof createTestApp>>;
const SECRET = 'sk_demo_secret';

beforeAll(async () => {
  t = await createTestApp({ apiRateLimit: { rate: 1000, burst: 1000 } });
});
afterAll(async () => {
  await t.destroy();
});

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return t.app.request(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${SECRET}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}

const order = {
  customerId: 'cus_api_1',
  number: 'A-2001',
  status: 'paid',
  paymentStatus: 'paid',
  currency: 'EUR',
  total: 4350,
  items: [{ sku: 'CAF-ETI-250', name: 'Café de Etiopía 250 g', quantity: 3, price: 1450, imageUrl: 'https://shop.example/etiopia.jpg' }],
  shippingAddress: { line1: 'Gran Vía 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
  createdAt: '2026-11-20T10:00:00Z',
};

describe('/api/v1 authentication', () => {
  it('refuses a missing or wrong secret key with problem+json', async () => {
    const none = await t.app.request('/api/v1/customers/x');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await call('GET', '/customers/x', undefined, { Authorization: 'Bearer sk_not_the_key' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('does not accept the public key as a secret', async () => {
    expect((await call('GET', '/customers/x', undefined, { Authorization: 'Bearer pk_demo' })).status).toBe(401);
  });
});

describe('customers and orders', () => {
  it('creates (201) then updates (200) a customer', async () => {
    const created = await call('PUT', '/customers/cus_api_1', { email: 'elena@example.com', name: 'Elena Ruiz', tags: ['vip'] });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'cus_api_1', email: 'elena@example.com', tags: ['vip'] });
    const updated = await call('PUT', '/customers/cus_api_1', { email: 'elena@example.com', name: 'Elena Ruiz Gil' });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ name: 'Elena Ruiz Gil', tags: [] });
  });

  it('names the failing field on validation errors and changes nothing', async () => {
    const res = await call('PUT', '/customers/cus_api_2', { email: 'not-an-email', name: 'X' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'validation_failed', field: 'email' });
    expect((await call('GET', '/customers/cus_api_2')).status).toBe(404);
    const bad = await call('PUT', '/orders/ord_bad', { ...order, items: [{ ...order.items[0], price: 14.5 }] });
    expect(await bad.json()).toMatchObject({ field: 'items.0.price' });
    const badId = await call('PUT', '/customers/has%20space', { email: 'a@b.co', name: 'A' });
    expect(badId.status).toBe(422);
  });

  it('refuses malformed JSON and non-JSON bodies', async () => {
    expect((await call('PUT', '/customers/cus_x', '{"email": ')).status).toBe(400);
    const text = await t.app.request('/api/v1/customers/cus_x', { method: 'PUT', headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
  });

  it('stores an order with shipments and returns', async () => {
    const created = await call('PUT', '/orders/ord_api_1', order);
    expect(created.status).toBe(201);
    const shipped = await call('PUT', '/orders/ord_api_1/shipments/shp_1', {
      carrier: 'SEUR',
      trackingNumber: 'SEUR123',
      trackingUrl: 'https://www.seur.com/track/SEUR123',
      status: 'in_transit',
      events: [{ at: '2026-11-21T08:00:00Z', status: 'picked_up', description: 'Recogido' }],
    });
    expect(shipped.status).toBe(201);
    const returned = await call('PUT', '/orders/ord_api_1/returns/ret_1', { status: 'requested', items: [{ sku: 'CAF-ETI-250', quantity: 1 }], reason: 'Llegó abierto' });
    expect(returned.status).toBe(201);
    const read = await (await call('GET', '/orders/ord_api_1')).json();
    expect(read).toMatchObject({
      id: 'ord_api_1',
      customerId: 'cus_api_1',
      total: 4350,
      shipments: [{ id: 'shp_1', carrier: 'SEUR', trackingUrl: 'https://www.seur.com/track/SEUR123', events: [{ at: '2026-11-21T08:00:00.000Z' }] }],
      returns: [{ id: 'ret_1', status: 'requested', reason: 'Llegó abierto' }],
      createdAt: '2026-11-20T10:00:00.000Z',
    });
  });

  it('refuses an order for an unknown customer, naming customerId', async () => {
    const res = await call('PUT', '/orders/ord_api_2', { ...order, customerId: 'cus_nobody' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'unknown_customer', field: 'customerId' });
  });

  it('refuses tracking links that are not http(s)', async () => {
    const res = await call('PUT', '/orders/ord_api_1/shipments/shp_2', { carrier: 'X', trackingNumber: '1', trackingUrl: 'javascript:alert(1)', status: 'x' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'trackingUrl' });
  });

  it('builds the tracking link from the number for a known carrier when none is sent', async () => {
    const res = await call('PUT', '/orders/ord_api_1/shipments/shp_3', { carrier: 'MRW', trackingNumber: '0262 1234', status: 'in_transit' });
    expect(res.status).toBe(201);
    const order = (await res.json()) as { shipments: { id: string; trackingUrl: string }[] };
    expect(order.shipments.find((s) => s.id === 'shp_3')!.trackingUrl).toBe('https://www.mrw.es/seguimiento_envios/MRW_historico_nacional.asp?enviament=0262%201234');
    const unknown = await call('PUT', '/orders/ord_api_1/shipments/shp_4', { carrier: 'Mensajería Pepe', trackingNumber: '77', status: 'in_transit' });
    expect(((await unknown.json()) as { shipments: { id: string; trackingUrl: string }[] }).shipments.find((s) => s.id === 'shp_4')!.trackingUrl).toBe('');
  });

  it('answers 404 for a shipment of an unknown order', async () => {
    const res = await call('PUT', '/orders/ord_nope/shipments/shp_1', { carrier: 'X', trackingNumber: '1', trackingUrl: 'https://x.example', status: 'x' });
    expect(res.status).toBe(404);
  });
});

describe('conversations', () => {
  async function seedConversation(): Promise<string> {
    const visitor = await t.store.visitors.create({ siteId: (await t.store.sites.byPublicKey('pk_demo'))!.id, tokenHash: `h${Math.random()}`, locale: 'es', now: Date.now() });
    const result = await seedMessage(t.store, { siteId: visitor.siteId, visitorId: visitor.id, clientId: `c${Date.now()}abcdef`, author: { kind: 'visitor' }, text: 'Hola' });
    return result.conversation.id;
  }

  it('lists conversations with cursor paging', async () => {
    for (let i = 0; i < 3; i++) await seedConversation();
    const first = await (await call('GET', '/conversations?limit=2')).json();
    expect(first.data).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await (await call('GET', `/conversations?limit=2&cursor=${first.nextCursor}`)).json();
    const ids = [...first.data, ...second.data].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await call('GET', '/conversations?limit=1000')).status).toBe(422);
    expect((await call('GET', '/conversations?cursor=garbage')).status).toBe(422);
  });

  it('sends a message as the bot, published live and idempotent by key', async () => {
    const id = await seedConversation();
    const conversation = await t.store.conversations.get((await t.store.sites.byPublicKey('pk_demo'))!.id, id);
    const live: unknown[] = [];
    const off = t.bus.subscribe(topics.visitor(conversation!.siteId, conversation!.visitorId), (e) => live.push(e.frame));
    const send = () => call('POST', `/conversations/${id}/messages`, { text: 'Tu pedido va en camino', author: { kind: 'bot', name: 'Asistente' } }, { 'Idempotency-Key': 'key-123' });
    const first = await send();
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(body).toMatchObject({ seq: 2, author: { kind: 'bot', name: 'Asistente' } });
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await again.json()).toEqual(body);
    off();
    expect(live.filter((f) => (f as { type: string }).type === 'message.created')).toHaveLength(1);
    const transcript = await (await call('GET', `/conversations/${id}`)).json();
    expect(transcript.messages.map((m: { text: string }) => m.text)).toEqual(['Hola', 'Tu pedido va en camino']);

    const reused = await call('POST', `/conversations/${id}/messages`, { text: 'otro texto' }, { 'Idempotency-Key': 'key-123' });
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('sends as a named agent of the site only', async () => {
    const id = await seedConversation();
    const ok = await call('POST', `/conversations/${id}/messages`, { text: 'Soy Luis', author: { kind: 'agent', email: 'luis@example.com' } });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ author: { kind: 'agent', name: 'Luis' } });
    const unknown = await call('POST', `/conversations/${id}/messages`, { text: 'x', author: { kind: 'agent', email: 'nadie@example.com' } });
    expect(await unknown.json()).toMatchObject({ status: 422, field: 'author.email' });
    expect((await call('POST', '/conversations/cv_missing/messages', { text: 'x' })).status).toBe(404);
  });
});

describe('rate limits and OpenAPI', () => {
  it('answers 429 with Retry-After when a site exceeds its budget', async () => {
    const tight = await createTestApp({ apiRateLimit: { rate: 1, burst: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await tight.app.request('/api/v1/customers/x', { headers: { Authorization: `Bearer ${SECRET}` } });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
      expect(statuses.slice(3)).toEqual([429, 429]);
    } finally {
      await tight.destroy();
    }
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const res = await t.app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const put = doc.paths['/orders/{externalId}'].put;
    const schema = put.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['customerId', 'number', 'status', 'currency', 'total', 'items', 'createdAt']));
    expect(schema.properties.status.enum).toContain('shipped');
    expect(doc.paths['/conversations/{id}/messages'].post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    // Each route's path is spelled once (as registered) and the document derives its template.
    const operations = Object.entries(doc.paths as Record<string, Record<string, { parameters: { name: string; in: string }[] }>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBe(22);
    expect(operations.filter((o) => o.path.includes(':'))).toEqual([]);
    for (const { path, op } of operations) {
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    }
    expect(doc.paths['/orders/{externalId}/shipments/{shipmentId}'].put.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name)).toEqual(['externalId', 'shipmentId']);
  });
});
