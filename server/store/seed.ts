/**
 * Demo data: one shop (`pk_demo`), two agents, customers with orders and a shipment. Runs at
 * start-up unless SEED_DEMO=0, and is idempotent: an existing demo site is left untouched.
 */
import { eq } from 'drizzle-orm';
import { hashPassword } from '../auth';
import { hashToken, newId } from '../ids';
import type { BusinessHours } from '../../shared/site-settings';
import type { Db } from './db';
import * as t from './schema';

/**
 * The demo shop's assistant, configured as a real shop would: shipping and returns policies that
 * match the demo page ("Envío gratis desde 35 €", "Devolución en 30 días"), and eight frequent
 * questions in both languages. The keywords are what a merchant would write; the assistant also
 * matches the questions themselves (domain/nlu).
 */
export const DEMO_BOT_SETTINGS = {
  policies: {
    es: {
      shipping:
        'Enviamos a toda la península en 24–48 h laborables (Baleares 3–4 días) con Correos Express. El envío cuesta 4,90 € y es gratis en pedidos desde 35 €. ' +
        'También enviamos a Portugal, Francia, Alemania, Italia y el resto de la UE en 3–6 días laborables por 9,90 € (gratis desde 60 €). ' +
        'De momento no enviamos a Canarias, Ceuta, Melilla ni fuera de la UE. Tostamos cada lunes y enviamos de lunes a viernes.',
      returns:
        'Tienes 30 días desde la entrega para devolver o cambiar cualquier artículo sin usar (el café, con la bolsa cerrada). La devolución es gratis: escríbenos con tu número de pedido y te mandamos la etiqueta. ' +
        'Cuando recibimos el paquete te devolvemos el dinero en 5–7 días laborables por el mismo medio de pago; si prefieres un cambio (otra molienda, otro café, otra taza), te enviamos el nuevo sin coste. ' +
        'Si algo llegó roto o equivocado, dínoslo y lo solucionamos sin que tengas que devolver nada.',
    },
    en: {
      shipping:
        'We ship across mainland Spain in 24–48 working hours (Balearic Islands 3–4 days) with Correos Express. Shipping costs €4.90 and is free on orders from €35. ' +
        'We also ship to Portugal, France, Germany, Italy and the rest of the EU in 3–6 working days for €9.90 (free from €60). ' +
        'For now we do not ship to the Canary Islands, Ceuta, Melilla or outside the EU. We roast every Monday and ship Monday to Friday.',
      returns:
        'You have 30 days from delivery to return or exchange any unused item (coffee with its bag still sealed). Returns are free: write to us with your order number and we will send you the label. ' +
        'Once the parcel reaches us we refund you within 5–7 working days to the same payment method; if you prefer an exchange (another grind, coffee or mug), we send the new one at no cost. ' +
        'If something arrived broken or wrong, tell us and we will sort it out without you sending anything back.',
    },
  },
  faqs: [
    {
      id: 'faq-payment-es',
      locale: 'es',
      question: '¿Qué formas de pago aceptáis?',
      answer: 'Aceptamos tarjeta (Visa, Mastercard, American Express), PayPal, Bizum, Apple Pay y Google Pay. No tenemos pago contra reembolso.',
      keywords: ['formas de pago', 'métodos de pago', 'pagar con', 'paypal', 'bizum', 'apple pay', 'google pay', 'contra reembolso', 'transferencia'],
    },
    {
      id: 'faq-payment-en',
      locale: 'en',
      question: 'Which payment methods do you accept?',
      answer: 'We accept cards (Visa, Mastercard, American Express), PayPal, Bizum, Apple Pay and Google Pay. We do not offer cash on delivery.',
      keywords: ['payment methods', 'pay with', 'paypal', 'bizum', 'apple pay', 'google pay', 'cash on delivery', 'bank transfer'],
    },
    {
      id: 'faq-grind-es',
      locale: 'es',
      question: '¿Vendéis el café molido o en grano?',
      answer:
        'Todos nuestros cafés se venden en grano o molidos al momento: elige la molienda al añadirlo al carrito (espresso, italiana/moka, filtro, prensa francesa). Si dudas, el grano aguanta más tiempo fresco.',
      keywords: ['molienda', 'moler', 'moléis', 'molido o en grano', 'cafetera italiana', 'moka', 'prensa francesa'],
    },
    {
      id: 'faq-grind-en',
      locale: 'en',
      question: 'Do you sell the coffee ground or as whole beans?',
      answer:
        'All our coffees come as whole beans or freshly ground: choose the grind when you add it to the cart (espresso, moka pot, filter, French press). If in doubt, beans stay fresh longer.',
      keywords: ['grind', 'grinding', 'ground or beans', 'moka pot', 'french press'],
    },
    {
      id: 'faq-freshness-es',
      locale: 'es',
      question: '¿Cuándo tostáis el café y cuánto dura fresco?',
      answer:
        'Tostamos cada lunes en nuestro obrador de Malasaña y enviamos esa misma semana; la fecha de tueste va en la bolsa. Está en su mejor momento entre 1 y 6 semanas después del tueste; una vez abierta, guárdala cerrada y consúmela en 3–4 semanas.',
      keywords: ['tueste', 'tostado', 'tostáis', 'tuestan', 'fresco', 'frescura', 'caducidad', 'una vez abierto'],
    },
    {
      id: 'faq-freshness-en',
      locale: 'en',
      question: 'When do you roast the coffee and how long does it stay fresh?',
      answer:
        'We roast every Monday in our Malasaña roastery and ship the same week; the roast date is on the bag. It is at its best 1 to 6 weeks after roasting; once opened, keep it sealed and drink it within 3–4 weeks.',
      keywords: ['roast', 'roasted', 'roasting', 'fresh', 'freshness', 'expiry', 'once opened'],
    },
    {
      id: 'faq-discount-es',
      locale: 'es',
      question: '¿Dónde pongo un código de descuento?',
      answer:
        'Escribe el código en el carrito, en «Código de descuento», antes de pagar. Solo se puede usar un código por pedido; si te da error, comprueba que no haya caducado y que el pedido llegue al mínimo del código.',
      keywords: ['código de descuento', 'código promocional', 'cupón', 'descuento', 'promoción'],
    },
    {
      id: 'faq-discount-en',
      locale: 'en',
      question: 'Where do I enter a discount code?',
      answer:
        'Enter the code in the cart, under "Discount code", before paying. One code per order; if it fails, check that it has not expired and that your order reaches the code\'s minimum.',
      keywords: ['discount code', 'promo code', 'coupon', 'voucher', 'discount'],
    },
    {
      id: 'faq-gift-es',
      locale: 'es',
      question: '¿Tenéis tarjetas regalo o envolvéis para regalo?',
      answer:
        'Sí: hay tarjetas regalo de 20, 40 y 60 € que llegan por email al instante, y podemos envolver tu pedido para regalo por 2 € (márcalo en el carrito y añade una nota; no incluimos el precio).',
      keywords: ['tarjeta regalo', 'tarjetas regalo', 'envolver', 'para regalo', 'cheque regalo'],
    },
    {
      id: 'faq-gift-en',
      locale: 'en',
      question: 'Do you have gift cards or gift wrapping?',
      answer:
        'Yes: gift cards of €20, €40 and €60 arrive by email instantly, and we can gift-wrap your order for €2 (tick it in the cart and add a note; we leave the price out).',
      keywords: ['gift card', 'gift cards', 'gift wrap', 'gift wrapping', 'gift voucher'],
    },
    {
      id: 'faq-subscription-es',
      locale: 'es',
      question: '¿Tenéis suscripción de café? ¿Cómo la pauso o la cancelo?',
      answer:
        'Sí: recibe 500 g o 1 kg de café recién tostado cada 2 o 4 semanas con un 10 % de descuento y envío gratis. Puedes pausarla, cambiarla o cancelarla cuando quieras desde «Mi cuenta › Suscripción», sin permanencia.',
      keywords: ['suscripción', 'suscripcion', 'suscribirme', 'subscripción', 'cada mes'],
    },
    {
      id: 'faq-subscription-en',
      locale: 'en',
      question: 'Do you have a coffee subscription? How do I pause or cancel it?',
      answer:
        'Yes: get 500 g or 1 kg of freshly roasted coffee every 2 or 4 weeks with 10% off and free shipping. Pause, change or cancel it any time from "My account › Subscription"; there is no minimum term.',
      keywords: ['subscription', 'subscribe', 'subscribed', 'monthly coffee'],
    },
    {
      id: 'faq-invoice-es',
      locale: 'es',
      question: '¿Podéis hacerme una factura?',
      answer:
        'Claro. Si al comprar añadiste tu NIF/CIF, la factura está en «Mis pedidos». Si no, escríbenos aquí el número de pedido, el nombre o razón social y el NIF, y te la enviamos por email en 24 h.',
      keywords: ['factura', 'facturas', 'nif', 'cif', 'razón social'],
    },
    {
      id: 'faq-invoice-en',
      locale: 'en',
      question: 'Can I get an invoice?',
      answer:
        'Of course. If you added your VAT number when ordering, the invoice is under "My orders". If not, write your order number, company name and VAT number here and we will email it within 24 h.',
      keywords: ['invoice', 'invoices', 'vat number', 'receipt'],
    },
    {
      id: 'faq-pickup-es',
      locale: 'es',
      question: '¿Puedo recoger el pedido en la tienda?',
      answer:
        'Sí, en nuestra tienda de Calle del Espíritu Santo 12 (Malasaña, Madrid), sin gastos de envío: elige «Recogida en tienda» al pagar y te avisamos cuando esté listo, normalmente el mismo día.',
      keywords: ['recoger', 'recogida', 'tienda física', 'local', 'pasar a buscar'],
    },
    {
      id: 'faq-pickup-en',
      locale: 'en',
      question: 'Can I pick up my order in store?',
      answer:
        'Yes, at our shop at Calle del Espíritu Santo 12 (Malasaña, Madrid), with no shipping cost: choose "In-store pickup" at checkout and we will tell you when it is ready, usually the same day.',
      keywords: ['pick up', 'pickup', 'collect', 'click and collect', 'physical shop', 'physical store'],
    },
  ],
};

/** The demo shop's opening hours (the counter, and so the chat team). */
export const DEMO_HOURS: BusinessHours = {
  timeZone: 'Europe/Madrid',
  schedule: {
    weekly: {
      mon: [['09:00', '20:00']],
      tue: [['09:00', '20:00']],
      wed: [['09:00', '20:00']],
      thu: [['09:00', '20:00']],
      fri: [['09:00', '20:00']],
      sat: [['10:00', '14:00']],
    },
    holidays: ['12-25', '01-01'],
  },
};

/**
 * The demo shop's settings: its colour, its assistant and hours, a proactive rule (a shopper with
 * a full cart who lingers gets offered help) and canned responses agents can try with `/`.
 */
export const DEMO_SITE_SETTINGS: Record<string, unknown> = {
  brandColor: '#8a4b2a',
  locale: 'es',
  bot: DEMO_BOT_SETTINGS,
  hours: DEMO_HOURS,
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

/** The demo's rows (site, agents, customers, orders, shipments), for either store's schema. */
export function demoRows(now: number, passwordHash: string) {
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

  return {
    siteId,
    site: {
      id: siteId,
      name: 'Café La Esquina',
      publicKey: DEMO.publicKey,
      secretKey: DEMO.secretKey,
      secretKeyHash: hashToken(DEMO.secretKey),
      allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
      settings: DEMO_SITE_SETTINGS as Record<string, unknown>,
      createdAt: now,
    },
    agents: DEMO.agents.map((a) => ({ id: newId('ag'), siteId, email: a.email, name: a.name, role: a.role, passwordHash, createdAt: now })),
    customers: customers.map((c) => ({ id: c.id, siteId, externalId: c.ext, email: c.email, name: c.name, phone: c.phone, tags: c.tags, createdAt: now, updatedAt: now })),
    orders: orders.map((o) => ({
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
    })),
    shipments: orders.flatMap((o) => (o.shipment ? [{ id: newId('shp'), siteId, orderId: o.id, externalId: 'shp_1', ...o.shipment, updatedAt: now }] : [])),
  };
}

/** Creates the demo site and its data if it does not exist yet. Returns the site id. */
export async function seedDemo(db: Db, now: number): Promise<string> {
  const existing = db.select({ id: t.sites.id }).from(t.sites).where(eq(t.sites.publicKey, DEMO.publicKey)).get();
  if (existing) return existing.id;

  const rows = demoRows(now, await hashPassword(DEMO.password));
  db.transaction((tx) => {
    tx.insert(t.sites).values(rows.site).run();
    for (const a of rows.agents) tx.insert(t.agents).values(a).run();
    for (const c of rows.customers) tx.insert(t.customers).values(c).run();
    for (const o of rows.orders) tx.insert(t.orders).values(o).run();
    for (const s of rows.shipments) tx.insert(t.shipments).values(s).run();
  });
  return rows.siteId;
}
