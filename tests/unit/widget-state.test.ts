import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cardOf, parseServerFrame } from '../../widget/app/state/frames';
import { createProactive, type ClientRule } from '../../widget/app/state/proactive';
import { batch, effect, signal } from '../../widget/app/state/signal';

describe('the panel reads its server frames', () => {
  it('takes JSON objects with a type and refuses the rest with typed errors', () => {
    expect(parseServerFrame('{"type":"pong"}')).toEqual({ ok: true, frame: { type: 'pong' } });
    expect(parseServerFrame('{nope')).toMatchObject({ ok: false, error: { code: 'bad_json' } });
    expect(parseServerFrame('[1,2]')).toMatchObject({ ok: false, error: { code: 'unknown_type' } });
    expect(parseServerFrame('{"type":7}')).toMatchObject({ ok: false, error: { code: 'unknown_type' } });
    expect(parseServerFrame(new ArrayBuffer(2))).toMatchObject({ ok: false, error: { code: 'binary_not_supported' } });
  });

  const order = { number: '1001', status: 'shipped', total: 4500, currency: 'EUR', items: [{ name: 'Café', quantity: 2 }], trackingUrl: 'https://t.example/1' };
  it.each([
    ['an order card', { type: 'order', order }, true],
    ['a product card', { type: 'product', product: { name: 'Café', price: 1200, currency: 'EUR', url: 'https://s.example/p' } }, true],
    ['quick replies', { type: 'quick_replies', options: ['Sí', 'No'] }, true],
    ['an order with an unknown status', { type: 'order', order: { ...order, status: 'lost' } }, false],
    ['an order whose total is text', { type: 'order', order: { ...order, total: '45' } }, false],
    ['an order item without a quantity', { type: 'order', order: { ...order, items: [{ name: 'x' }] } }, false],
    ['a tracking link that is not text', { type: 'order', order: { ...order, trackingUrl: { href: 'x' } } }, false],
    ['a product without a price', { type: 'product', product: { name: 'x', currency: 'EUR' } }, false],
    ['seven quick replies', { type: 'quick_replies', options: ['1', '2', '3', '4', '5', '6', '7'] }, false],
    ['an empty quick reply', { type: 'quick_replies', options: [''] }, false],
    ['an unknown card type', { type: 'html', html: '<b>x</b>' }, false],
    ['nothing', null, false],
  ])('%s → %s', (_what, payload, ok) => {
    expect(cardOf(payload) !== null).toBe(ok);
  });
});

describe('the panel’s signal store', () => {
  it('runs effects on changes, once per batch, and not for a value that did not change', () => {
    const a = signal(1);
    const b = signal('x');
    const seen: string[] = [];
    const stop = effect(() => seen.push(`${a.value}${b.value}`));
    a.value = 2;
    a.value = 2;
    batch(() => {
      a.value = 3;
      b.value = 'y';
    });
    stop();
    a.value = 4;
    expect(seen).toEqual(['1x', '2x', '3y']);
  });
});

describe('when the panel asks for a proactive message', () => {
  const rule = (over: Partial<ClientRule> = {}): ClientRule => ({
    id: 'r1',
    enabled: true,
    priority: 1,
    conditions: [{ type: 'time_on_page', seconds: 10 }, { type: 'cart_total_at_least', cents: 3000 }],
    message: { es: 'Hola', en: 'Hi' },
    onceEveryDays: 7,
    ...over,
  });
  let store: Map<string, string>;
  let asked: { ruleId: string; onPageMs: number; exitIntent: boolean }[];
  let chatActive: boolean;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
    store = new Map();
    asked = [];
    chatActive = false;
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const make = (rules: ClientRule[], device: 'desktop' | 'mobile' = 'desktop') =>
    createProactive({
      rules,
      storage: { get: (k) => store.get(k) ?? null, set: (k, v) => store.set(k, v) },
      now: Date.now,
      locale: () => 'es',
      identified: () => false,
      chatActive: () => chatActive,
      device,
      ask: (ruleId, extra) => asked.push({ ruleId, ...extra }),
    });

  it('waits for the delay on the page, asks once per page view, and not again within the rule’s days', () => {
    const p = make([rule()]);
    p.page('https://shop.example/cafe');
    p.cart(4500, 2);
    vi.advanceTimersByTime(9_000);
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(1_100);
    expect(asked).toEqual([{ ruleId: 'r1', onPageMs: 10_000, exitIntent: false, device: 'desktop' }]);
    p.cart(5000, 3);
    vi.advanceTimersByTime(60_000);
    expect(asked).toHaveLength(1);

    // The next page view of the same shopper (a new panel) within 7 days: no.
    const again = make([rule()]);
    again.page('https://shop.example/cafe');
    again.cart(4500, 2);
    vi.advanceTimersByTime(20_000);
    expect(asked).toHaveLength(1);

    // Eight days later it may fire again.
    vi.setSystemTime(Date.now() + 8 * 86_400_000);
    const later = make([rule()]);
    later.page('https://shop.example/cafe');
    later.cart(4500, 2);
    vi.advanceTimersByTime(10_500);
    expect(asked).toHaveLength(2);
  });

  it('restarts the clock on navigation and stays quiet while a chat is going on', () => {
    const p = make([rule()]);
    p.page('https://shop.example/a');
    p.cart(4500, 2);
    vi.advanceTimersByTime(8_000);
    p.page('https://shop.example/b');
    vi.advanceTimersByTime(8_000);
    expect(asked).toEqual([]);
    chatActive = true;
    vi.advanceTimersByTime(5_000);
    p.check();
    expect(asked).toEqual([]);
  });

  it('fires on exit intent only on desktop, and never for a rule without conditions', () => {
    const exit = rule({ id: 'exit', conditions: [{ type: 'exit_intent' }] });
    const empty = rule({ id: 'empty', conditions: [] });
    const desk = make([exit, empty]);
    desk.page('https://shop.example/cart');
    expect(asked).toEqual([]);
    desk.exit();
    expect(asked.map((a) => [a.ruleId, a.exitIntent])).toEqual([['exit', true]]);

    store.clear();
    const phone = make([exit], 'mobile');
    phone.page('https://shop.example/cart');
    phone.exit();
    expect(asked).toHaveLength(1);
  });
});
