import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, ORDER_STATUS_LABELS, parseCard } from '../../shared/cards';
import { cardOf } from '../../widget/app/state/frames';
import { orders } from '../../server/store/schema';
import { BOT_STRINGS } from '../../server/domain/bot-strings';
import { orderCardPayload } from '../../server/domain/cards';

describe('one list of order statuses', () => {
  it('is what the database column, the bot and every label table use', () => {
    expect(orders.status.enumValues).toEqual([...ORDER_STATUSES]);
    for (const locale of ['es', 'en'] as const) {
      expect(Object.keys(ORDER_STATUS_LABELS[locale])).toEqual([...ORDER_STATUSES]);
      expect(BOT_STRINGS[locale].orderStatus).toBe(ORDER_STATUS_LABELS[locale]);
    }
  });
});

describe('one card check', () => {
  const order = { type: 'order', order: { number: '1', status: 'shipped', items: [], total: 0, currency: 'EUR' } };
  it('is the one the widget uses', () => {
    expect(cardOf).toBe(parseCard);
  });
  it('takes what the server builds', () => {
    const card = orderCardPayload({ number: '1001', status: 'delivered', items: [{ name: 'Café', quantity: 1 }], total: 100, currency: 'EUR', shipments: [{ carrier: 'X', trackingNumber: 'T', trackingUrl: 'https://t.example/T' }] });
    expect(parseCard(card)).toBe(card);
  });
  it('refuses links that are not http(s) and empty quick replies', () => {
    expect(parseCard({ ...order, order: { ...order.order, trackingUrl: 'javascript:alert(1)' } })).toBeNull();
    expect(parseCard({ type: 'product', product: { name: 'x', price: 1, currency: 'EUR', imageUrl: 'data:image/png;base64,x' } })).toBeNull();
    expect(parseCard({ type: 'quick_replies', options: [] })).toBeNull();
    expect(parseCard(order)).toBe(order);
  });
});
