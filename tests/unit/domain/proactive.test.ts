import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  evaluateTriggers,
  formatMoney,
  nextTriggerCheckAt,
  type OrderEvent,
  orderEventMessage,
  type ProactiveHistory,
  type TriggerCondition,
  type TriggerRule,
  urlMatches,
  type VisitorContext,
} from '../../../server/domain/proactive';

const NOW = Date.UTC(2025, 0, 15, 10, 0, 0);
const SEC = 1000;
const HOUR = 3_600_000;

function visitor(over: Partial<VisitorContext> = {}): VisitorContext {
  return {
    url: 'https://shop.example/products/trail-shoes?color=red',
    pageEnteredAt: NOW - 45 * SEC,
    cartTotal: 0,
    cartItems: 0,
    returning: false,
    exitIntent: false,
    device: 'desktop',
    locale: 'es',
    identified: false,
    customerTags: [],
    conversationOpen: false,
    ...over,
  };
}

function rule(id: string, conditions: TriggerCondition[], over: Partial<TriggerRule> = {}): TriggerRule {
  return { id, enabled: true, priority: 0, conditions, message: { es: `es:${id}`, en: `en:${id}` }, ...over };
}

const NO_HISTORY: ProactiveHistory = { sent: [] };

describe('urlMatches', () => {
  const url = 'https://Shop.example/products/trail-shoes?color=red#reviews';
  it.each<[string, string, boolean]>([
    // prefixes ending at a path boundary
    ['/products', url, true],
    ['/products/', url, true],
    ['/products/trail-shoes', url, true],
    ['/product', url, false],
    ['/', url, true],
    ['/cart', 'https://shop.example/cart', true],
    ['/cart', 'https://shop.example/cart?step=2', true],
    ['/cart', 'https://shop.example/cart/items', true],
    ['/cart', 'https://shop.example/cartas', false],
    ['/CART', 'https://shop.example/cart', true],
    // globs
    ['/products/*', url, true],
    ['/products/*-shoes*', url, true],
    ['/products/*-boots*', url, false],
    ['*/checkout*', 'https://shop.example/es/checkout?step=1', true],
    ['*/checkout', 'https://shop.example/es/checkout/payment', false],
    ['*', url, true],
    ['/*/*/*', 'https://shop.example/a/b', false],
    ['/a*a', 'https://shop.example/a', false],
    ['/a*a', 'https://shop.example/aa', true],
    // full URLs (no leading slash): origin + path + query, never the fragment
    ['https://shop.example/products', url, true],
    ['https://other.example/products', url, false],
    ['https://shop.example', 'https://shop.example/', true],
    ['*#reviews', url, false],
    // regex syntax is just text
    ['/products/.*', url, false],
    ['/(a+)+$', 'https://shop.example/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', false],
    // bad input
    ['', url, false],
    ['/products', 'not a url', false],
    [`/${'x'.repeat(600)}`, url, false],
  ])('%j against %j → %s', (pattern, target, expected) => {
    expect(urlMatches(pattern, target)).toBe(expected);
  });
});

describe('conditionHolds', () => {
  it.each<[string, TriggerCondition, Partial<VisitorContext>, boolean]>([
    ['45 s on page ≥ 30 s', { type: 'time_on_page', seconds: 30 }, {}, true],
    ['45 s on page ≥ 45 s (boundary)', { type: 'time_on_page', seconds: 45 }, {}, true],
    ['45 s on page < 46 s', { type: 'time_on_page', seconds: 46 }, {}, false],
    ['url matches', { type: 'url', pattern: '/products/*' }, {}, true],
    ['url does not match', { type: 'url', pattern: '/checkout' }, {}, false],
    ['cart total at the threshold', { type: 'cart_total_at_least', cents: 5000 }, { cartTotal: 5000 }, true],
    ['cart total below', { type: 'cart_total_at_least', cents: 5000 }, { cartTotal: 4999 }, false],
    ['cart items at the threshold', { type: 'cart_items_at_least', count: 3 }, { cartItems: 3 }, true],
    ['cart items below', { type: 'cart_items_at_least', count: 3 }, { cartItems: 2 }, false],
    ['returning visitor', { type: 'returning_visitor' }, { returning: true }, true],
    ['first visit', { type: 'returning_visitor' }, { returning: false }, false],
    ['exit intent on desktop', { type: 'exit_intent' }, { exitIntent: true, device: 'desktop' }, true],
    ['exit intent reported on mobile is ignored', { type: 'exit_intent' }, { exitIntent: true, device: 'mobile' }, false],
    ['exit intent reported on tablet is ignored', { type: 'exit_intent' }, { exitIntent: true, device: 'tablet' }, false],
    ['no exit intent', { type: 'exit_intent' }, { exitIntent: false }, false],
    ['language listed', { type: 'language', locales: ['es'] }, { locale: 'es' }, true],
    ['language not listed', { type: 'language', locales: ['en'] }, { locale: 'es' }, false],
    ['identified customer', { type: 'identified' }, { identified: true }, true],
    ['anonymous visitor', { type: 'identified' }, { identified: false }, false],
    ['tagged customer', { type: 'customer_tag', tag: 'VIP' }, { identified: true, customerTags: ['vip'] }, true],
    ['customer without the tag', { type: 'customer_tag', tag: 'vip' }, { identified: true, customerTags: ['wholesale'] }, false],
    ['tags without a verified identity do not count', { type: 'customer_tag', tag: 'vip' }, { identified: false, customerTags: ['vip'] }, false],
  ])('%s → %s', (_name, condition, over, expected) => {
    expect(conditionHolds(condition, visitor(over), NOW)).toBe(expected);
  });
});

describe('evaluateTriggers', () => {
  const checkoutHelp = rule('checkout-help', [
    { type: 'url', pattern: '/checkout*' },
    { type: 'time_on_page', seconds: 30 },
    { type: 'cart_total_at_least', cents: 5000 },
  ]);
  const atCheckout = visitor({ url: 'https://shop.example/checkout?step=2', cartTotal: 8000 });

  it('fires a rule when all its conditions hold', () => {
    expect(evaluateTriggers([checkoutHelp], atCheckout, NO_HISTORY, NOW)).toEqual({ ruleId: 'checkout-help', text: 'es:checkout-help', locale: 'es' });
  });

  it.each<[string, Partial<VisitorContext>]>([
    ['the cart is too small', { cartTotal: 4000 }],
    ['the visitor just arrived', { pageEnteredAt: NOW - 10 * SEC }],
    ['another page', { url: 'https://shop.example/products/x' }],
  ])('does not fire when %s', (_name, over) => {
    expect(evaluateTriggers([checkoutHelp], { ...atCheckout, ...over }, NO_HISTORY, NOW)).toBeNull();
  });

  it('fires at most one rule, the highest priority', () => {
    const rules = [rule('low', [{ type: 'url', pattern: '/' }], { priority: 1 }), rule('high', [{ type: 'url', pattern: '/' }], { priority: 5 })];
    expect(evaluateTriggers(rules, visitor(), NO_HISTORY, NOW)?.ruleId).toBe('high');
  });

  it('breaks a priority tie by the order the merchant listed the rules', () => {
    const rules = [rule('first', [{ type: 'url', pattern: '/' }]), rule('second', [{ type: 'url', pattern: '/' }])];
    expect(evaluateTriggers(rules, visitor(), NO_HISTORY, NOW)?.ruleId).toBe('first');
  });

  it('falls through to a lower-priority rule when the higher one does not hold', () => {
    const rules = [rule('high', [{ type: 'returning_visitor' }], { priority: 9 }), rule('low', [{ type: 'url', pattern: '/' }], { priority: 1 })];
    expect(evaluateTriggers(rules, visitor(), NO_HISTORY, NOW)?.ruleId).toBe('low');
  });

  it('fires each rule at most once per visitor, ever', () => {
    const history = { sent: [{ ruleId: 'checkout-help', at: NOW - 30 * 24 * HOUR }] };
    expect(evaluateTriggers([checkoutHelp], atCheckout, history, NOW)).toBeNull();
  });

  it('moves on to another rule once one has been sent', () => {
    const rules = [rule('a', [{ type: 'url', pattern: '/' }], { priority: 2 }), rule('b', [{ type: 'url', pattern: '/' }], { priority: 1 })];
    expect(evaluateTriggers(rules, visitor(), { sent: [{ ruleId: 'a', at: NOW - 2 * HOUR }] }, NOW)?.ruleId).toBe('b');
  });

  it.each<[string, number[], number, boolean]>([
    ['two sent in the last 24 h, cap 2', [NOW - HOUR, NOW - 2 * HOUR], 2, false],
    ['one sent in the last 24 h, cap 2', [NOW - HOUR], 2, true],
    ['two sent, one of them 24 h ago exactly (rolling window)', [NOW - HOUR, NOW - 24 * HOUR], 2, true],
    ['two sent in the last 24 h, cap 3', [NOW - HOUR, NOW - 2 * HOUR], 3, true],
    ['cap 0 disables proactive messages', [], 0, false],
  ])('caps messages per rolling day: %s → fires %s', (_name, sentAt, maxPerDay, fires) => {
    const history = { sent: sentAt.map((at, i) => ({ ruleId: `old-${i}`, at })) };
    const result = evaluateTriggers([rule('new', [{ type: 'url', pattern: '/' }])], visitor(), history, NOW, { maxPerDay });
    expect(result !== null).toBe(fires);
  });

  it('sends nothing while the visitor has an open conversation', () => {
    expect(evaluateTriggers([checkoutHelp], { ...atCheckout, conversationOpen: true }, NO_HISTORY, NOW)).toBeNull();
  });

  it('skips disabled rules', () => {
    expect(evaluateTriggers([{ ...checkoutHelp, enabled: false }], atCheckout, NO_HISTORY, NOW)).toBeNull();
  });

  it('never fires a rule with no conditions', () => {
    expect(evaluateTriggers([rule('empty', [])], visitor(), NO_HISTORY, NOW)).toBeNull();
  });

  it('uses the message in the visitor language, else the other one', () => {
    const r = rule('r', [{ type: 'url', pattern: '/' }], { message: { en: 'Need a hand?' } });
    expect(evaluateTriggers([r], visitor({ locale: 'es' }), NO_HISTORY, NOW)).toEqual({ ruleId: 'r', text: 'Need a hand?', locale: 'en' });
    const both = rule('r', [{ type: 'url', pattern: '/' }], { message: { en: 'Need a hand?', es: '¿Te ayudamos?' } });
    expect(evaluateTriggers([both], visitor({ locale: 'es' }), NO_HISTORY, NOW)?.text).toBe('¿Te ayudamos?');
  });

  it('skips a rule with no message text', () => {
    const blank = rule('blank', [{ type: 'url', pattern: '/' }], { message: { es: '   ' }, priority: 9 });
    const other = rule('other', [{ type: 'url', pattern: '/' }]);
    expect(evaluateTriggers([blank, other], visitor(), NO_HISTORY, NOW)?.ruleId).toBe('other');
  });

  it('fires an exit-intent rule on desktop only', () => {
    const leaving = rule('leaving', [{ type: 'exit_intent' }, { type: 'cart_items_at_least', count: 1 }]);
    expect(evaluateTriggers([leaving], visitor({ exitIntent: true, cartItems: 2 }), NO_HISTORY, NOW)?.ruleId).toBe('leaving');
    expect(evaluateTriggers([leaving], visitor({ exitIntent: true, cartItems: 2, device: 'mobile' }), NO_HISTORY, NOW)).toBeNull();
  });
});

describe('nextTriggerCheckAt', () => {
  const slow = rule('slow', [{ type: 'url', pattern: '/products' }, { type: 'time_on_page', seconds: 90 }]);
  const quick = rule('quick', [{ type: 'time_on_page', seconds: 60 }]);

  it('returns when the earliest time-only rule becomes due', () => {
    expect(nextTriggerCheckAt([slow, quick], visitor(), NO_HISTORY, NOW)).toBe(NOW - 45 * SEC + 60 * SEC);
  });

  it('ignores rules waiting on something other than time', () => {
    expect(nextTriggerCheckAt([slow], visitor({ url: 'https://shop.example/cart' }), NO_HISTORY, NOW)).toBeNull();
  });

  it('ignores rules already due, already sent, or blocked by caps', () => {
    expect(nextTriggerCheckAt([rule('due', [{ type: 'time_on_page', seconds: 10 }])], visitor(), NO_HISTORY, NOW)).toBeNull();
    expect(nextTriggerCheckAt([quick], visitor(), { sent: [{ ruleId: 'quick', at: 0 }] }, NOW)).toBeNull();
    expect(nextTriggerCheckAt([quick], visitor({ conversationOpen: true }), NO_HISTORY, NOW)).toBeNull();
  });

  it('uses the longest time condition of a rule', () => {
    const both = rule('both', [{ type: 'time_on_page', seconds: 50 }, { type: 'time_on_page', seconds: 120 }]);
    expect(nextTriggerCheckAt([both], visitor(), NO_HISTORY, NOW)).toBe(NOW - 45 * SEC + 120 * SEC);
  });
});

describe('formatMoney', () => {
  it.each<[number, string, 'es' | 'en', string]>([
    [1250, 'EUR', 'es', '12,50\u00a0€'],
    [1250, 'EUR', 'en', '€12.50'],
    [1250, 'eur', 'en', '€12.50'],
    [1500, 'JPY', 'en', '¥1,500'],
    [999, 'USD', 'en', '$9.99'],
    [100, 'NOPE1', 'en', '1.00 NOPE1'],
  ])('%d %s (%s) → %j', (minor, currency, locale, expected) => {
    expect(formatMoney(minor, currency, locale)).toBe(expected);
  });
});

describe('orderEventMessage', () => {
  it.each<[OrderEvent, 'es' | 'en', string]>([
    [
      { type: 'order.shipped', orderNumber: '#1001', carrier: 'Correos', trackingNumber: 'PQ123' },
      'en',
      'Good news! Your order #1001 is on its way with Correos. Tracking number: PQ123.',
    ],
    [
      { type: 'order.shipped', orderNumber: '#1001', carrier: 'Correos', trackingNumber: 'PQ123' },
      'es',
      '¡Buenas noticias! Tu pedido #1001 ya está en camino con Correos. Número de seguimiento: PQ123.',
    ],
    [{ type: 'order.shipped', orderNumber: '1001' }, 'en', 'Good news! Your order 1001 is on its way.'],
    [
      { type: 'order.delayed', orderNumber: '1001', estimatedDelivery: '2025-01-22' },
      'en',
      "We're sorry: your order 1001 is delayed. The new estimated delivery date is 22 January. If you have any questions, reply here.",
    ],
    [
      { type: 'order.delayed', orderNumber: '1001', estimatedDelivery: '2025-01-22' },
      'es',
      'Lo sentimos: tu pedido 1001 lleva retraso. La nueva fecha estimada de entrega es el 22 de enero. Si tienes cualquier duda, responde aquí.',
    ],
    [
      { type: 'order.delayed', orderNumber: '1001', estimatedDelivery: 'soon' },
      'en',
      "We're sorry: your order 1001 is delayed. We'll let you know as soon as we have a new delivery date. If you have any questions, reply here.",
    ],
    [
      { type: 'order.delayed', orderNumber: '1001' },
      'es',
      'Lo sentimos: tu pedido 1001 lleva retraso. Te avisaremos en cuanto tengamos una nueva fecha de entrega. Si tienes cualquier duda, responde aquí.',
    ],
    [{ type: 'order.delivered', orderNumber: '1001' }, 'en', "Your order 1001 has been delivered. We hope you enjoy it! If anything isn't right, reply here."],
    [{ type: 'order.delivered', orderNumber: '1001' }, 'es', 'Tu pedido 1001 ha sido entregado. ¡Esperamos que lo disfrutes! Si algo no está bien, responde aquí.'],
    [{ type: 'return.accepted', orderNumber: '1001', refundAmount: 4990, currency: 'EUR' }, 'en', "We've accepted the return for order 1001. We'll refund €49.90."],
    [
      { type: 'return.accepted', orderNumber: '1001', refundAmount: 4990, currency: 'EUR' },
      'es',
      'Hemos aceptado la devolución del pedido 1001. Te reembolsaremos 49,90\u00a0€.',
    ],
    [{ type: 'return.accepted', orderNumber: '1001' }, 'en', "We've accepted the return for order 1001."],
  ])('%j (%s)', (event, locale, text) => {
    expect(orderEventMessage(event, locale).text).toBe(text);
  });

  it('links to tracking over http(s)', () => {
    const event: OrderEvent = { type: 'order.shipped', orderNumber: '1001', trackingUrl: 'https://track.example/PQ123' };
    expect(orderEventMessage(event, 'es').link).toEqual({ url: 'https://track.example/PQ123', label: 'Seguir el envío' });
    expect(orderEventMessage(event, 'en').link).toEqual({ url: 'https://track.example/PQ123', label: 'Track your package' });
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'track.example/PQ123', ''])('drops a tracking link that is not http(s): %j', (trackingUrl) => {
    expect(orderEventMessage({ type: 'order.shipped', orderNumber: '1001', trackingUrl }, 'en').link).toBeNull();
  });

  it('has no link for events other than shipping', () => {
    expect(orderEventMessage({ type: 'order.delivered', orderNumber: '1' }, 'en').link).toBeNull();
  });
});
