import { describe, expect, it } from 'vitest';
import { cannedText, cannedValues, fillVariables, matchCanned, replaceSlash, slashQuery, unfilledVariables } from '../../console/state/canned';
import type { ContextData, ContextOrder } from '../../console/state/context';

const order = (over: Partial<ContextOrder> = {}): ContextOrder => ({
  id: 'ord_1001',
  number: '1001',
  status: 'shipped',
  paymentStatus: 'paid',
  currency: 'EUR',
  total: 5450,
  items: [],
  shippingAddress: null,
  shipments: [{ id: 's1', carrier: 'Correos Express', trackingNumber: 'CE1', trackingUrl: 'https://track.example/CE1', status: 'in_transit', events: [] }],
  returns: [],
  createdAt: '2026-11-20T10:00:00Z',
  ...over,
});

const maria: ContextData = {
  visitor: { id: 'vi_1', name: null, email: null, claimedId: 'cus_maria', verified: true, locale: 'es' },
  customer: { id: 'cu_1', name: 'María García', email: 'maria@example.com', phone: null, tags: [], orderCount: 2, lifetimeValue: null },
  orders: [order(), order({ id: 'ord_0994', number: '0994', status: 'delivered', shipments: [] })],
  handoff: null,
};

describe('cannedValues', () => {
  it("takes the verified customer, their most recent order and its tracking link, and the agent's first name", () => {
    expect(cannedValues(maria, 'Ana Ruiz', 'es')).toEqual({
      'customer.first_name': 'María',
      'customer.name': 'María García',
      'customer.email': 'maria@example.com',
      'order.number': '1001',
      'order.status': 'enviado',
      'order.tracking_url': 'https://track.example/CE1',
      'agent.first_name': 'Ana',
    });
    expect(cannedValues(maria, 'Ana', 'en')['order.status']).toBe('shipped');
  });

  it('falls back to what the shopper told us, and leaves order variables empty without a verified customer', () => {
    const anon: ContextData = { visitor: { id: 'vi_2', name: 'Rosa Pérez', email: 'rosa@example.com', claimedId: null, verified: false, locale: null }, customer: null, orders: [], handoff: null };
    expect(cannedValues(anon, 'Luis', 'es')).toMatchObject({ 'customer.first_name': 'Rosa', 'customer.email': 'rosa@example.com', 'order.number': '', 'order.tracking_url': '' });
    expect(cannedValues(null, 'Luis', 'es')['customer.first_name']).toBe('');
  });

  it('uses the order the shopper proved in the chat (a guest the bot verified), not the newest one', () => {
    const guest: ContextData = {
      ...maria,
      visitor: { id: 'vi_3', name: null, email: null, claimedId: null, verified: false, locale: 'es' },
      verifiedBy: 'order',
      matchedOrder: { id: 'ord_0994', number: '0994' },
    };
    expect(cannedValues(guest, 'Ana', 'es')).toMatchObject({ 'customer.first_name': 'María', 'order.number': '0994', 'order.status': 'entregado' });
  });

  it('skips a shipment without an http(s) tracking link', () => {
    const o = order({ shipments: [{ id: 's', carrier: 'X', trackingNumber: 'n', trackingUrl: 'javascript:alert(1)', status: 'x', events: [] }] });
    expect(cannedValues({ ...maria, orders: [o] }, 'Ana', 'es')['order.tracking_url']).toBe('');
  });
});

describe('fillVariables', () => {
  it('fills known variables, tolerating spaces inside the braces', () => {
    expect(fillVariables('Hola {{customer.first_name}}, tu pedido {{ order.number }}', { 'customer.first_name': 'María', 'order.number': '1001' })).toEqual({
      text: 'Hola María, tu pedido 1001',
      empty: [],
      unknown: [],
    });
  });

  it('leaves empty and unknown variables in the text and reports each once', () => {
    const r = fillVariables('{{order.number}} {{order.number}} {{shop.phone}} {{agent.first_name}}', { 'agent.first_name': 'Ana' });
    expect(r).toEqual({ text: '{{order.number}} {{order.number}} {{shop.phone}} Ana', empty: ['order.number'], unknown: ['shop.phone'] });
  });

  it('does not let a value inject another variable', () => {
    expect(fillVariables('{{customer.name}} {{order.number}}', { 'customer.name': '{{order.number}}', 'order.number': '7' }).text).toBe('{{order.number}} 7');
  });

  it('finds what is still unfilled in a text about to be sent', () => {
    expect(unfilledVariables('Hola {{customer.first_name}} {{foo}}')).toMatchObject({ empty: ['customer.first_name'], unknown: ['foo'] });
    expect(unfilledVariables('Hola María')).toMatchObject({ empty: [], unknown: [] });
  });
});

describe('cannedText', () => {
  const r = { id: 'r', shortcut: 'x', text: { es: 'Hola', en: 'Hi' } };
  it("uses the conversation's language, else the other one", () => {
    expect(cannedText(r, 'en')).toBe('Hi');
    expect(cannedText({ ...r, text: { es: 'Hola' } }, 'en')).toBe('Hola');
    expect(cannedText({ ...r, text: {} }, 'en')).toBe('');
  });
});

describe('slashQuery', () => {
  it.each([
    ['/seg', 4, { start: 0, query: 'seg' }],
    ['/', 1, { start: 0, query: '' }],
    ['Hola /hol', 9, { start: 5, query: 'hol' }],
    ['línea\n/envío', 12, { start: 6, query: 'envío' }],
    ['http://x', 7, null],
    ['a/b', 3, null],
    ['/seg más', 8, null],
  ] as const)('%j at %i', (text, caret, expected) => {
    expect(slashQuery(text, caret)).toEqual(expected);
  });
});

describe('matchCanned', () => {
  const list = [
    { id: '1', shortcut: 'hola', text: { es: 'Hola, ¿en qué te ayudo?' } },
    { id: '2', shortcut: 'seguimiento', text: { es: 'Tu pedido está en camino' } },
    { id: '3', shortcut: 'devolucion', text: { es: 'Para devolver un pedido…' } },
  ];
  it('puts shortcuts starting with the query first, then other matches, ignoring accents and case', () => {
    expect(matchCanned(list, '', 'es').map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(matchCanned(list, 'SEG', 'es').map((r) => r.id)).toEqual(['2']);
    expect(matchCanned(list, 'pedido', 'es').map((r) => r.id)).toEqual(['2', '3']);
    expect(matchCanned(list, 'devolución', 'es').map((r) => r.id)).toEqual(['3']);
    expect(matchCanned(list, 'zzz', 'es')).toEqual([]);
  });
});

describe('replaceSlash', () => {
  it('replaces the /query and puts the caret after the insert', () => {
    expect(replaceSlash('Vale. /seg y más', 6, 10, 'Tu pedido 1001')).toEqual({ text: 'Vale. Tu pedido 1001 y más', caret: 20 });
  });
});
