/**
 * Demo-only helpers, mounted only when the demo is seeded. They play the demo shop's backend:
 * - /identity computes the identify() hash with the secret key server-side (never in the browser);
 * - /orders lists a signed-in demo customer's orders for the "Mis pedidos" page;
 * - /backoffice/* is the shop's back office ("Trastienda"): it lists the demo orders and, on a
 *   button, calls Mostrador's real REST API over HTTP with the demo secret key, exactly as a
 *   merchant's server would (PUT the shipment and the order, then POST the order event).
 * Reads go through the Store; every write goes through the public API.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { WIDGET_STRINGS } from '../../shared/i18n';
import { identityHash } from '../domain/identity';
import { isSameOrigin } from '../http';
import { DEMO } from '../store/seed';
import type { CustomerRecord, OrderRecord, OrderStatus, Store } from '../store/types';
import { ORDER_STATUS_LABELS } from '../../shared/cards';

export interface DemoDeps {
  store: Store;
  /** PUBLIC_URL; empty means "the Host of each request" (used for the same-origin check). */
  publicUrl?: string;
  /** Where the demo's backend reaches the REST API; default: the local address the request came in on. */
  apiBase?: string;
}

/** The seeded demo customers: the demo shop's whole customer base. */
export const DEMO_CUSTOMERS = ['cus_maria', 'cus_john', 'cus_lucia'] as const;

/** A few of the shop's products, for test orders created from the back office. */
const CATALOGUE = [
  { sku: 'CAF-ETI-250', name: 'Café de Etiopía Yirgacheffe 250 g', price: 1450, image: '/demo/img/coffee-ethiopia.svg' },
  { sku: 'CAF-COL-500', name: 'Café de Colombia Huila 500 g', price: 2900, image: '/demo/img/coffee-colombia.svg' },
  { sku: 'TAZ-CER-01', name: 'Taza de cerámica artesanal', price: 1850, image: '/demo/img/mug.svg' },
  { sku: 'FIL-V60-02', name: 'Filtros V60 (100 u.)', price: 700, image: '/demo/img/filters.svg' },
  { sku: 'HER-CIS-10', name: 'Hervidor cuello de cisne 1 L', price: 4900, image: '/demo/img/kettle.svg' },
];

const ORDER_STATUS_ES = ORDER_STATUS_LABELS.es;

const SHIPMENT_STATUS_ES: Record<string, string> = {
  label_created: 'Etiqueta creada',
  in_transit: 'En tránsito',
  out_for_delivery: 'En reparto',
  delayed: 'Con retraso',
  delivered: 'Entregado',
};

const RETURN_STATUS_ES: Record<string, string> = {
  requested: 'Solicitada',
  accepted: 'Aceptada',
  in_transit: 'En camino',
  received: 'Recibida',
  refunded: 'Reembolsada',
  rejected: 'Rechazada',
};

type Action = 'ship' | 'delay' | 'deliver' | 'return';
const ACTIONS: readonly Action[] = ['ship', 'delay', 'deliver', 'return'];

/** Which back-office buttons make sense for an order now. */
export function allowedActions(o: OrderRecord): Record<Action, boolean> {
  return {
    ship: o.status === 'pending' || o.status === 'paid' || o.status === 'fulfilled',
    delay: o.status === 'paid' || o.status === 'fulfilled' || o.status === 'shipped',
    deliver: o.status === 'shipped',
    return: o.status === 'delivered' && !o.returns.some((r) => r.status === 'accepted'),
  };
}

const httpOnly = (url: string) => (/^https?:\/\//i.test(url) ? url : null);

function orderView(o: OrderRecord) {
  return {
    id: o.externalId,
    number: o.number,
    createdAt: new Date(o.createdAt).toISOString(),
    status: o.status,
    statusLabel: ORDER_STATUS_ES[o.status],
    currency: o.currency,
    total: o.total,
    items: o.items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity, price: i.price })),
    shipments: o.shipments.map((s) => ({
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      trackingUrl: httpOnly(s.trackingUrl),
      status: s.status,
      statusLabel: SHIPMENT_STATUS_ES[s.status] ?? s.status,
    })),
    returns: o.returns.map((r) => ({ status: r.status, statusLabel: RETURN_STATUS_ES[r.status] ?? r.status })),
  };
}

/** One call to the REST API, as the back office reports it to the page. */
interface ApiCall {
  method: string;
  path: string;
  status: number;
}

class ApiCallFailed extends Error {
  constructor(
    readonly call: ApiCall,
    readonly problem: unknown,
  ) {
    super(`${call.method} ${call.path} → ${call.status}`);
  }
}

/** The REST API client the shop's backend would have: bearer secret key, JSON, retries on 429/5xx. */
function apiClient(base: string, calls: ApiCall[]) {
  return async function api(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${DEMO.secretKey}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // The same key on a retry: the API answers a replay instead of delivering the event twice.
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(5000) });
      } catch (err) {
        if (attempt < 3) continue;
        const call = { method, path, status: 0 };
        calls.push(call);
        throw new ApiCallFailed(call, { detail: String(err) });
      }
      const parsed: unknown = await res.json().catch(() => null);
      if ((res.status === 429 || res.status >= 500) && attempt < 3) {
        await new Promise((r) => setTimeout(r, 200 * attempt));
        continue;
      }
      const call = { method, path, status: res.status };
      calls.push(call);
      if (!res.ok) throw new ApiCallFailed(call, parsed);
      return { status: res.status, body: parsed };
    }
  };
}

/** The order as the API's PUT wants it, from the API's GET, with another status. */
function orderBody(order: any, status: OrderStatus, publicOrigin: string) {
  return {
    customerId: order.customerId,
    number: order.number,
    status,
    paymentStatus: order.paymentStatus,
    currency: order.currency,
    total: order.total,
    // The seed keeps the demo's pictures as paths; the API takes only absolute http(s) URLs.
    items: order.items.map((i: { imageUrl?: string }) => (i.imageUrl && !httpOnly(i.imageUrl) ? { ...i, imageUrl: new URL(i.imageUrl, publicOrigin).href } : i)),
    shippingAddress: order.shippingAddress,
    createdAt: order.createdAt,
  };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function demoRoutes(deps: DemoDeps) {
  const app = new Hono();
  const publicUrl = deps.publicUrl ?? '';

  const demoSite = () => deps.store.sites.byPublicKey(DEMO.publicKey);

  /** A customer of the demo site the account switcher may sign in as (404 otherwise). */
  async function demoCustomer(siteId: string, id: string): Promise<CustomerRecord | null> {
    return /^cus_[a-z]+$/.test(id) ? deps.store.customers.byExternalId(siteId, id) : null;
  }

  async function allOrders(siteId: string) {
    const out: { customer: CustomerRecord; order: OrderRecord }[] = [];
    for (const id of DEMO_CUSTOMERS) {
      const customer = await deps.store.customers.byExternalId(siteId, id);
      if (!customer) continue;
      for (const order of await deps.store.orders.forCustomer(siteId, customer.id, 100)) out.push({ customer, order });
    }
    return out.sort((a, b) => b.order.createdAt - a.order.createdAt);
  }

  /**
   * Where this server answers: the local address the request came in on (never a Host header a
   * client chose, so the secret key only ever goes to this process).
   */
  function apiBase(c: Context): string {
    if (deps.apiBase) return deps.apiBase;
    const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
    if (socket?.localAddress && socket.localPort) {
      const address = socket.localAddress.includes(':') ? `[${socket.localAddress}]` : socket.localAddress;
      return `http://${address}:${socket.localPort}`;
    }
    return publicUrl || new URL(c.req.url).origin;
  }

  const publicOrigin = (c: Context) => (publicUrl ? new URL(publicUrl).origin : new URL(c.req.url).origin);

  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  // Back-office writes: only this origin's pages, only JSON (a cross-site form cannot send it).
  app.use('/backoffice/*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    if (!isSameOrigin(c, c.req.header('origin'), publicUrl)) return c.json({ error: 'cross_origin', message: 'Solo desde la propia tienda.' }, 403);
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return c.json({ error: 'unsupported_media_type', message: 'Envía JSON.' }, 415);
    return next();
  });

  app.get('/identity', async (c) => {
    const site = await demoSite();
    const customer = site ? await demoCustomer(site.id, c.req.query('customer') ?? '') : null;
    if (!site || !customer) return c.json({ error: 'unknown demo customer' }, 404);
    return c.json({ id: customer.externalId, email: customer.email, name: customer.name, hash: identityHash(customer.externalId, DEMO.secretKey) });
  });

  /** "Mis pedidos": the signed-in demo customer's orders, newest first. */
  app.get('/orders', async (c) => {
    const site = await demoSite();
    const customer = site ? await demoCustomer(site.id, c.req.query('customer') ?? '') : null;
    if (!site || !customer) return c.json({ error: 'unknown demo customer' }, 404);
    const orders = await deps.store.orders.forCustomer(site.id, customer.id, 50);
    return c.json({ customer: { id: customer.externalId, name: customer.name }, orders: orders.map(orderView) });
  });

  /** The back office's table: every demo order, with the buttons that apply. */
  app.get('/backoffice/orders', async (c) => {
    const site = await demoSite();
    if (!site) return c.json({ error: 'no demo site' }, 404);
    const rows = await allOrders(site.id);
    return c.json({
      orders: rows.map(({ customer, order }) => ({
        ...orderView(order),
        customer: { id: customer.externalId, name: customer.name },
        actions: allowedActions(order),
      })),
    });
  });

  /** A new paid order for a demo customer, so the demo can be played again; created through the API. */
  app.post('/backoffice/orders', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { customerId?: unknown } | null;
    const site = await demoSite();
    if (!site) return c.json({ error: 'no demo site' }, 404);
    const wanted = typeof body?.customerId === 'string' && (DEMO_CUSTOMERS as readonly string[]).includes(body.customerId) ? body.customerId : null;
    const customer = wanted ? await deps.store.customers.byExternalId(site.id, wanted) : null;
    if (!customer) return c.json({ error: 'unknown_customer', message: 'Elige un cliente de la demo.' }, 422);
    const rows = await allOrders(site.id);
    const next = Math.max(1000, ...rows.map((r) => Number(r.order.number)).filter(Number.isFinite)) + 1;
    const number = String(next).padStart(4, '0');
    const picks = [CATALOGUE[next % CATALOGUE.length]!, CATALOGUE[(next + 2) % CATALOGUE.length]!];
    const items = picks.map((p, i) => ({ sku: p.sku, name: p.name, quantity: i + 1, price: p.price, imageUrl: new URL(p.image, publicOrigin(c)).href }));
    const previous = rows.find((r) => r.customer.id === customer.id && r.order.shippingAddress)?.order.shippingAddress ?? null;
    const calls: ApiCall[] = [];
    const api = apiClient(apiBase(c), calls);
    try {
      const created = await api('PUT', `/api/v1/orders/ord_${number}`, {
        customerId: customer.externalId,
        number,
        status: 'paid',
        paymentStatus: 'paid',
        currency: 'EUR',
        total: items.reduce((sum, i) => sum + i.price * i.quantity, 0),
        items,
        shippingAddress: previous,
        createdAt: new Date().toISOString(),
      });
      return c.json({ ok: true, orderId: created.body.id, number, calls }, 201);
    } catch (err) {
      return failed(c, err, calls);
    }
  });

  /** A back-office button: the shop's backend tells Mostrador through the REST API. */
  app.post('/backoffice/orders/:orderId/:action', async (c) => {
    const action = c.req.param('action') as Action;
    if (!ACTIONS.includes(action)) return c.json({ error: 'unknown_action' }, 404);
    const site = await demoSite();
    if (!site) return c.json({ error: 'no demo site' }, 404);
    const row = (await allOrders(site.id)).find((r) => r.order.externalId === c.req.param('orderId'));
    if (!row) return c.json({ error: 'not_found', message: 'No hay ningún pedido de la demo con ese id.' }, 404);
    if (!allowedActions(row.order)[action]) {
      return c.json({ error: 'not_allowed', message: `El pedido ${row.order.number} está «${ORDER_STATUS_ES[row.order.status]}»: esa acción no se aplica.` }, 409);
    }
    const orderId = row.order.externalId;
    const path = `/api/v1/orders/${encodeURIComponent(orderId)}`;
    const calls: ApiCall[] = [];
    const api = apiClient(apiBase(c), calls);
    const key = `demo-${action}-${orderId}-${randomUUID()}`;
    const now = Date.now();
    try {
      // Read the order as the API has it, so the PUTs keep every other field.
      const order = (await api('GET', path)).body;
      const latest = order.shipments[order.shipments.length - 1] as
        | { id: string; carrier: string; trackingNumber: string; trackingUrl: string; status: string; events: { at: string; status: string; description: string }[] }
        | undefined;
      let event: Record<string, unknown>;
      switch (action) {
        case 'ship': {
          const tracking = `CE${order.number}${String(now).slice(-6)}ES`;
          await api('PUT', `${path}/shipments/shp_${order.number}`, {
            carrier: 'Correos Express',
            trackingNumber: tracking,
            trackingUrl: `https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber=${tracking}`,
            status: 'in_transit',
            events: [
              { at: new Date(now).toISOString(), status: 'label_created', description: 'Etiqueta creada' },
              { at: new Date(now).toISOString(), status: 'in_transit', description: 'Recogido por Correos Express' },
            ],
          });
          await api('PUT', path, orderBody(order, 'shipped', publicOrigin(c)));
          event = { type: 'order.shipped', orderId };
          break;
        }
        case 'delay': {
          const estimatedDelivery = isoDay(now + 3 * 24 * 60 * 60 * 1000);
          if (latest) {
            const { id, updatedAt: _u, ...shipment } = latest as typeof latest & { updatedAt?: string };
            await api('PUT', `${path}/shipments/${encodeURIComponent(id)}`, {
              ...shipment,
              status: 'delayed',
              events: [...shipment.events, { at: new Date(now).toISOString(), status: 'delayed', description: `Retraso en el reparto; nueva fecha estimada ${estimatedDelivery}` }],
            });
          }
          event = { type: 'order.delayed', orderId, estimatedDelivery };
          break;
        }
        case 'deliver': {
          if (latest) {
            const { id, updatedAt: _u, ...shipment } = latest as typeof latest & { updatedAt?: string };
            await api('PUT', `${path}/shipments/${encodeURIComponent(id)}`, {
              ...shipment,
              status: 'delivered',
              events: [...shipment.events, { at: new Date(now).toISOString(), status: 'delivered', description: 'Entregado' }],
            });
          }
          await api('PUT', path, orderBody(order, 'delivered', publicOrigin(c)));
          event = { type: 'order.delivered', orderId };
          break;
        }
        case 'return': {
          await api('PUT', `${path}/returns/ret_${order.number}`, {
            status: 'accepted',
            items: order.items.map((i: { sku: string; quantity: number }) => ({ sku: i.sku, quantity: i.quantity })),
            reason: 'Devolución aceptada desde la trastienda (demo)',
          });
          event = { type: 'return.accepted', orderId, refundAmount: order.total };
          break;
        }
      }
      const answer = await api('POST', '/api/v1/events', event, key);
      return c.json({ ok: true, orderId, number: order.number, action, event: { type: event.type, status: answer.status, ...answer.body }, calls });
    } catch (err) {
      return failed(c, err, calls);
    }
  });

  return app;
}

function failed(c: Context, err: unknown, calls: ApiCall[]) {
  if (!(err instanceof ApiCallFailed)) throw err;
  const problem = err.problem as { detail?: string; title?: string; code?: string } | null;
  return c.json({ ok: false, error: 'api_failed', status: err.call.status, message: problem?.detail ?? problem?.title ?? problem?.code ?? 'sin respuesta', calls }, 502);
}
