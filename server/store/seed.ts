/**
 * Demo data: one shop (`pk_demo`), two agents, customers with orders and a shipment. Runs at
 * start-up unless SEED_DEMO=0, and is idempotent: an existing demo site is left untouched.
 */
import { eq } from 'drizzle-orm';
import { hashPassword } from '../auth';
import { hashToken, newId } from '../ids';
import type { Db } from './db';
import * as t from './schema';

/**
 * The demo shop's settings: its colour, a proactive rule (a shopper with a full cart
 * who lingers gets offered help) and canned responses agents can try with `/`.
 */
export const DEMO_SITE_SETTINGS: Record<string, unknown> = {
  brandColor: '#8a4b2a',
  locale: 'es',
  proactive: {
    rules: [
      {
        id: 'cart-help',
        enabled: true,
        priority: 10,
        conditions: [
          { type: 'cart_total_at_least', cents: 3000 },
          { type: 'time_on_page', seconds: 20 },
        ],
        message: { es: '¿Te ayudo a elegir el café o con el envío? Estoy por aquí.', en: 'Can I help you pick a coffee or with shipping? I am right here.' },
        from: { kind: 'bot' },
        onceEveryDays: 7,
      },
    ],
  },
  canned: [
    { id: 'cr_hello', shortcut: 'hola', text: { es: '¡Hola {{customer.first_name}}! Soy {{agent.first_name}}, ¿en qué te ayudo?', en: 'Hi {{customer.first_name}}! I am {{agent.first_name}}, how can I help?' } },
    {
      id: 'cr_tracking',
      shortcut: 'seguimiento',
      text: {
        es: 'Tu pedido {{order.number}} está {{order.status}}. Puedes seguirlo aquí: {{order.tracking_url}}',
        en: 'Your order {{order.number}} is {{order.status}}. You can track it here: {{order.tracking_url}}',
      },
    },
  ],
};

export const DEMO = {
  publicKey: 'pk_demo',
  secretKey: 'sk_demo_secret',
  password: 'mostrador',
  agents: [
    { email: 'ana@example.com', name: 'Ana', role: 'admin' as const },
    { email: 'luis@example.com', name: 'Luis', role: 'agent' as const },
  ],
};

const DAY = 24 * 60 * 60 * 1000;

/** Creates the demo site and its data if it does not exist yet. Returns the site id. */
export async function seedDemo(db: Db, now: number): Promise<string> {
  const existing = db.select({ id: t.sites.id }).from(t.sites).where(eq(t.sites.publicKey, DEMO.publicKey)).get();
  if (existing) return existing.id;

  const passwordHash = await hashPassword(DEMO.password);
  const siteId = newId('site');
  const customers = [
    { ext: 'cus_maria', email: 'maria@example.com', name: 'María García', phone: '+34 600 111 222', tags: ['vip'] },
    { ext: 'cus_john', email: 'john@example.com', name: 'John Smith', phone: null, tags: [] },
    { ext: 'cus_lucia', email: 'lucia@example.com', name: 'Lucía Fernández', phone: '+34 600 333 444', tags: [] },
  ].map((c) => ({ ...c, id: newId('cus') }));
  const [maria, john, lucia] = customers as [(typeof customers)[number], (typeof customers)[number], (typeof customers)[number]];
  const madrid = { name: 'María García', line1: 'Calle de Alcalá 42, 3º B', city: 'Madrid', postalCode: '28014', country: 'ES' };

  const orders = [
    {
      id: newId('ord'),
      ext: 'ord_1001',
      customer: maria,
      number: '1001',
      status: 'shipped' as const,
      paymentStatus: 'paid',
      total: 6450,
      createdAt: now - 3 * DAY,
      items: [
        { sku: 'CAF-ETI-250', name: 'Café de Etiopía Yirgacheffe 250 g', quantity: 2, price: 1450, imageUrl: '/demo/img/coffee-ethiopia.svg' },
        { sku: 'TAZ-CER-01', name: 'Taza de cerámica artesanal', quantity: 1, price: 1850, imageUrl: '/demo/img/mug.svg' },
        { sku: 'FIL-V60-02', name: 'Filtros V60 (100 u.)', quantity: 1, price: 700 },
      ],
      shippingAddress: madrid,
      shipment: {
        carrier: 'Correos Express',
        trackingNumber: 'CE123456789ES',
        trackingUrl: 'https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber=CE123456789ES',
        status: 'in_transit',
        events: [
          { at: now - 2 * DAY, status: 'label_created', description: 'Etiqueta creada' },
          { at: now - 1 * DAY, status: 'in_transit', description: 'En tránsito — centro logístico de Madrid' },
        ],
      },
    },
    {
      id: newId('ord'),
      ext: 'ord_0994',
      customer: maria,
      number: '0994',
      status: 'delivered' as const,
      paymentStatus: 'paid',
      total: 2900,
      createdAt: now - 40 * DAY,
      items: [{ sku: 'CAF-COL-500', name: 'Café de Colombia Huila 500 g', quantity: 1, price: 2900 }],
      shippingAddress: madrid,
      shipment: null,
    },
    {
      id: newId('ord'),
      ext: 'ord_1002',
      customer: john,
      number: '1002',
      status: 'paid' as const,
      paymentStatus: 'paid',
      total: 12900,
      createdAt: now - 1 * DAY,
      items: [{ sku: 'MOL-MAN-01', name: 'Molinillo manual de acero', quantity: 1, price: 12900 }],
      shippingAddress: { name: 'John Smith', line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
      shipment: null,
    },
    {
      id: newId('ord'),
      ext: 'ord_1003',
      customer: lucia,
      number: '1003',
      status: 'pending' as const,
      paymentStatus: 'pending',
      total: 1450,
      createdAt: now - 2 * 60 * 60 * 1000,
      items: [{ sku: 'CAF-ETI-250', name: 'Café de Etiopía Yirgacheffe 250 g', quantity: 1, price: 1450 }],
      shippingAddress: { name: 'Lucía Fernández', line1: 'Carrer de Mallorca 120', city: 'Barcelona', postalCode: '08036', country: 'ES' },
      shipment: null,
    },
  ];

  db.transaction((tx) => {
    tx.insert(t.sites)
      .values({
        id: siteId,
        name: 'Café La Esquina',
        publicKey: DEMO.publicKey,
        secretKey: DEMO.secretKey,
        secretKeyHash: hashToken(DEMO.secretKey),
        allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
        settings: DEMO_SITE_SETTINGS,
        createdAt: now,
      })
      .run();
    for (const a of DEMO.agents) {
      tx.insert(t.agents).values({ id: newId('ag'), siteId, email: a.email, name: a.name, role: a.role, passwordHash, createdAt: now }).run();
    }
    for (const c of customers) {
      tx.insert(t.customers)
        .values({ id: c.id, siteId, externalId: c.ext, email: c.email, name: c.name, phone: c.phone, tags: c.tags, createdAt: now, updatedAt: now })
        .run();
    }
    for (const o of orders) {
      tx.insert(t.orders)
        .values({
          id: o.id,
          siteId,
          externalId: o.ext,
          customerId: o.customer.id,
          number: o.number,
          status: o.status,
          paymentStatus: o.paymentStatus,
          currency: 'EUR',
          total: o.total,
          items: o.items,
          shippingAddress: o.shippingAddress,
          createdAt: o.createdAt,
          updatedAt: o.createdAt,
        })
        .run();
      if (o.shipment) {
        tx.insert(t.shipments)
          .values({ id: newId('shp'), siteId, orderId: o.id, externalId: 'shp_1', ...o.shipment, updatedAt: now })
          .run();
      }
    }
  });
  return siteId;
}
