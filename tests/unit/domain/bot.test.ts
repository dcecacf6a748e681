import { describe, expect, it, vi } from 'vitest';
import {
  type BotContext,
  type BotOrder,
  type BotState,
  botStateOnReturn,
  botTurn,
  type BotTurnResult,
  describeSchedule,
  describeWhen,
  detectIntent,
  extractOrderDetails,
  type FaqEntry,
  initialBotState,
  MAX_TRIED_STEPS,
  normalizeOrderNumber,
  normalizeText,
  orderCard,
} from '../../../server/domain/bot';
import { BOT_STRINGS } from '../../../server/domain/bot-strings';
import type { BusinessSchedule } from '../../../server/domain/hours';

const MADRID = 'Europe/Madrid';
const OPEN_NOW = Date.parse('2025-01-15T10:00:00Z'); // Wednesday 11:00 in Madrid
const CLOSED_NOW = Date.parse('2025-01-15T20:00:00Z'); // Wednesday 21:00 in Madrid
const BACK_AT = Date.parse('2025-01-16T08:00:00Z'); // Thursday 09:00 in Madrid

const SHOP: BusinessSchedule = {
  weekly: {
    mon: [['09:00', '14:00'], ['16:00', '19:00']],
    tue: [['09:00', '14:00'], ['16:00', '19:00']],
    wed: [['09:00', '14:00'], ['16:00', '19:00']],
    thu: [['09:00', '14:00'], ['16:00', '19:00']],
    fri: [['09:00', '14:00'], ['16:00', '19:00']],
    sat: [['10:00', '14:00']],
  },
};

const en = BOT_STRINGS.en;
const es = BOT_STRINGS.es;

const order = (over: Partial<BotOrder> & Pick<BotOrder, 'id' | 'number'>): BotOrder => ({
  email: 'ana@example.com',
  status: 'paid',
  currency: 'EUR',
  total: 4990,
  createdAt: Date.UTC(2025, 0, 1),
  items: [{ name: 'Zapatillas Trail', quantity: 1 }],
  ...over,
});

const O1001 = order({
  id: 'o1001',
  number: '1001',
  status: 'shipped',
  createdAt: Date.UTC(2025, 0, 10),
  shipments: [{ carrier: 'Correos', trackingNumber: 'PQ123', trackingUrl: 'https://track.example/PQ123', status: 'in_transit' }],
});
const O1002 = order({ id: 'o1002', number: '#1002', status: 'delivered', createdAt: Date.UTC(2025, 0, 12) });
const O1003 = order({ id: 'o1003', number: '1003', createdAt: Date.UTC(2025, 0, 5) });
const O1004 = order({ id: 'o1004', number: '1004', createdAt: Date.UTC(2024, 11, 1) });
const LUIS_ORDER = order({ id: 'o2001', number: '2001', email: 'luis@example.com', items: [{ name: 'Chaqueta Azul', quantity: 2 }] });
const NO_EMAIL_ORDER = order({ id: 'o3001', number: '3001', email: null });
const ALL_ORDERS = [O1001, O1002, O1003, O1004, LUIS_ORDER, NO_EMAIL_ORDER];

const lookupIn = (orders: readonly BotOrder[]) => (n: string) => orders.find((o) => normalizeOrderNumber(o.number) === n) ?? null;

const FAQS: FaqEntry[] = [
  { id: 'f-size', locale: 'es', question: '¿Cómo sé mi talla?', answer: 'Consulta la guía de tallas en cada producto.', keywords: ['talla', 'tallas'] },
  { id: 'f-canary', locale: 'es', question: '¿Hacéis envíos a Canarias?', answer: 'Sí, a Canarias en 5-7 días.', keywords: ['canarias'] },
  { id: 'f-gift', locale: 'en', question: 'Do you offer gift wrapping?', answer: 'Yes, gift wrapping costs €2.', keywords: ['gift wrap', 'gift wrapping'] },
  { id: 'f-store', locale: 'en', question: 'Where is your physical store located?', answer: 'Calle Mayor 1, Madrid.' },
  { id: 'f-wrap2', locale: 'en', question: 'Gift wrap again', answer: 'Second entry.', keywords: ['gift wrap'] },
];

function ctx(over: Partial<BotContext> = {}): BotContext {
  return {
    locale: 'en',
    now: OPEN_NOW,
    status: 'bot',
    customer: null,
    lookupOrder: lookupIn(ALL_ORDERS),
    faqs: FAQS,
    policies: { shipping: 'Shipping is free over €50 and takes 2–3 working days.', returns: 'You have 30 days to return any item.' },
    hours: { schedule: SHOP, timeZone: MADRID },
    ...over,
  };
}

/** Runs several shopper messages through the bot, threading the state. */
function converse(texts: readonly string[], context: BotContext, start: BotState = initialBotState()): BotTurnResult[] {
  const results: BotTurnResult[] = [];
  let state = start;
  for (const text of texts) {
    const r = botTurn(state, { text }, context);
    results.push(r);
    state = r.newState;
  }
  return results;
}

const last = <T>(xs: readonly T[]): T => xs[xs.length - 1]!;
const texts = (r: BotTurnResult): string[] => r.replies.map((x) => x.text);

describe('normalizeText', () => {
  it.each([
    ['¿Dónde está mi PEDIDO?', 'donde esta mi pedido'],
    ['Año   nuevo!!', 'ano nuevo'],
    ["where's my order", 'where s my order'],
    ['  ', ''],
    ['ÁÉÍÓÚ Ü ñ', 'aeiou u n'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('extractOrderDetails', () => {
  it.each<[string, string | null, string | null]>([
    ['My order is #1001', '1001', null],
    ['pedido ms-2024-0042, email Ana@Example.com', 'MS-2024-0042', 'ana@example.com'],
    ['1001 ana@example.com', '1001', 'ana@example.com'],
    ['ana1234@example.com', null, 'ana1234@example.com'],
    ['size 42', null, null],
    ['It is 1001.', '1001', null],
    ['nº1001', '1001', null],
    ['order: 1001, thanks', '1001', null],
    ['delivered on 12/03', null, null],
    ['', null, null],
  ])('%j → number %j, email %j', (text, orderNumber, email) => {
    expect(extractOrderDetails(text)).toEqual({ orderNumber, email });
  });
});

describe('normalizeOrderNumber', () => {
  it.each([
    ['#1001', '1001'],
    [' ms-42a ', 'MS-42A'],
    ['1001', '1001'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeOrderNumber(input)).toBe(expected);
  });
});

describe('detectIntent', () => {
  it.each<[string, string, boolean]>([
    // order status
    ['Where is my order?', 'order_status', false],
    ["where's my order", 'order_status', false],
    ['Can I get the tracking number?', 'order_status', false],
    ['¿Dónde está mi pedido?', 'order_status', false],
    ['DONDE ESTA MI PEDIDO', 'order_status', false],
    ['quiero saber el seguimiento', 'order_status', false],
    ['pedido 1001', 'order_status', false],
    ['#1001', 'order_status', false],
    ['1001 ana@example.com', 'order_status', false],
    // shipping
    ['How much is shipping to Portugal?', 'shipping', false],
    ['¿Cuánto tarda el envío?', 'shipping', false],
    ['gastos de envio', 'shipping', false],
    // returns
    ['How do I return an item?', 'returns', false],
    ['quiero devolver unas zapatillas', 'returns', false],
    ['who pays return shipping?', 'returns', false],
    ['protocolo de devoluciones', 'returns', false],
    // opening hours
    ['What are your opening hours?', 'opening_hours', false],
    ['¿A qué hora abrís?', 'opening_hours', false],
    ['horario', 'opening_hours', false],
    // talk to a person
    ['I want to talk to a human', 'talk_to_person', false],
    ['hablar con una persona', 'talk_to_person', false],
    ['Agente', 'talk_to_person', false],
    ['quiero hablar con alguien, por favor', 'talk_to_person', false],
    ['can I speak to a real person', 'talk_to_person', false],
    // small talk, only in short messages
    ['hola', 'greeting', false],
    ['Buenos días', 'greeting', false],
    ['gracias!', 'thanks', false],
    ['Thank you', 'thanks', false],
    ['hola, tengo una duda sobre la chaqueta azul de lana', 'unknown', false],
    // unknown
    ['asdfgh', 'unknown', false],
    ['size 42', 'unknown', false],
    // complaints are an intent of their own; a late order is looked up first; refunds are the returns policy
    ['my parcel arrived damaged', 'complaint', true],
    ['Mi pedido no ha llegado', 'order_late', false],
    ['la taza llegó rota', 'complaint', true],
    ['I want a refund', 'returns', false],
    ['quiero un reembolso', 'returns', false],
    ['El producto está estropeado', 'complaint', true],
    ['the item is BROKEN', 'complaint', true],
    ['talk to a human, the box was damaged', 'talk_to_person', false],
  ])('%j → %s (complaint: %s)', (text, intent, complaint) => {
    const d = detectIntent(text, 'en');
    expect(d.intent).toBe(intent);
    expect(d.complaint).toBe(complaint);
  });

  describe('FAQ entries', () => {
    it.each<[string, 'es' | 'en', string | null, string]>([
      ['¿tenéis guía de tallas?', 'es', 'f-size', 'keyword'],
      ['¿Enviáis a Canarias?', 'es', 'f-canary', 'a merchant keyword beats the built-in shipping intent'],
      ['Is gift wrapping available?', 'en', 'f-gift', 'keyword phrase'],
      ['where is the physical store', 'en', 'f-store', 'question word overlap'],
      ['talla M', 'en', 'f-size', 'entries in either language are used'],
      ['I have a gift wrap question', 'en', 'f-gift', 'keyword tie goes to the earlier entry'],
    ])('%j (%s) → %s: %s', (text, locale, id) => {
      const d = detectIntent(text, locale, FAQS);
      expect(d.faq?.id ?? null).toBe(id);
      expect(d.intent === 'faq').toBe(id !== null);
    });

    it('does not let fuzzy question overlap beat a built-in intent', () => {
      expect(detectIntent('where is my order', 'en', FAQS).intent).toBe('order_status');
    });

    it('does not match a question on a single shared word', () => {
      expect(detectIntent('is the store nice', 'en', FAQS).intent).not.toBe('faq');
    });

    it('never lets an FAQ keyword beat an explicit request for a person', () => {
      expect(detectIntent('quiero hablar con una persona sobre tallas', 'es', FAQS).intent).toBe('talk_to_person');
    });
  });
});

describe('botTurn', () => {
  describe('silence', () => {
    it.each(['queued', 'assigned', 'resolved'] as const)('says nothing while the conversation is %s', (status) => {
      const state = initialBotState();
      const r = botTurn(state, { text: 'where is my order?' }, ctx({ status }));
      expect(r).toEqual({ replies: [], handoff: null, newState: state, contactEmail: null, locale: 'en', unanswered: null, understood: null });
    });
  });

  it('greets', () => {
    expect(texts(botTurn(initialBotState(), { text: 'hi' }, ctx()))).toEqual([en.greeting]);
    expect(texts(botTurn(initialBotState(), { text: 'hola' }, ctx({ locale: 'es' })))).toEqual([es.greeting]);
  });

  it('says "you\'re welcome" without resetting a pending lookup', () => {
    const [, thanks] = converse(['where is my order', 'thanks'], ctx());
    expect(texts(thanks!)).toEqual([en.thanks]);
    expect(thanks!.newState.phase).toBe('awaiting_order_details');
  });

  describe('handoff', () => {
    it.each<[string, 'en' | 'es', string]>([
      ['I want to talk to a human', 'en', en.handoff],
      ['hablar con una persona', 'es', es.handoff],
      ['AGENTE', 'es', es.handoff],
    ])('hands off on an explicit request: %j', (text, locale, reply) => {
      const r = botTurn(initialBotState(), { text }, ctx({ locale }));
      expect(texts(r)).toEqual([reply]);
      expect(r.handoff).toEqual({ reason: 'asked_for_human', intent: 'talk_to_person', matchedOrderId: null, tried: [], offHours: false, backAt: null });
    });

    it('asks one clarifying question with quick replies, then hands off when it still does not understand', () => {
      const [first, second] = converse(['xyzzy', 'blorp'], ctx());
      expect(first!.replies).toEqual([{ kind: 'quick_replies', text: en.clarify, options: [...en.clarifyOptions] }]);
      expect(first!.handoff).toBeNull();
      expect(texts(second!)).toHaveLength(1);
      expect(second!.handoff).toMatchObject({ reason: 'not_understood', intent: 'unknown' });
      expect(second!.handoff!.tried).toEqual([
        { intent: 'unknown', outcome: 'not_understood' },
        { intent: 'unknown', outcome: 'not_understood' },
      ]);
    });

    it('restarts the count after a turn it understood', () => {
      const results = converse(['xyzzy', 'what are your opening hours?', 'blorp'], ctx());
      expect(results.map((r) => r.handoff)).toEqual([null, null, null]);
    });

    it.each<[string, 'en' | 'es']>([
      ['my parcel arrived damaged', 'en'],
      ['la taza llegó rota', 'es'],
      ['the item is broken', 'en'],
      ['está estropeado', 'es'],
    ])('hands a complaint off with one message, in the shopper\'s language: %j', (text, locale) => {
      const r = botTurn(initialBotState(), { text }, ctx());
      expect(r.handoff?.reason).toBe('complaint');
      expect(r.locale).toBe(locale);
      expect(texts(r)).toEqual([`${BOT_STRINGS[locale].handoffFor.complaint} ${BOT_STRINGS[locale].handoffAskNumber}`]);
    });

    it('hands a complaint off with the order it is about', () => {
      const r = botTurn(initialBotState(), { text: 'my order #1002 arrived broken' }, ctx({ customer: { vip: false, orders: [O1001, O1002] } }));
      expect(r.handoff).toMatchObject({ reason: 'complaint', intent: 'complaint', matchedOrderId: 'o1002' });
    });

    it('matches an unverified order for the agent only, telling the visitor nothing', () => {
      const r = botTurn(initialBotState(), { text: 'pedido 1001 ana@example.com, ha llegado roto' }, ctx({ locale: 'es' }));
      expect(r.handoff).toMatchObject({ reason: 'complaint', matchedOrderId: 'o1001' });
      expect(texts(r)).toEqual([es.handoffFor.complaint]);
      expect(r.replies.every((x) => x.kind === 'text')).toBe(true);
    });

    it('does not put an order in the packet when the email is wrong', () => {
      const r = botTurn(initialBotState(), { text: 'order 1001 mallory@example.com arrived broken' }, ctx());
      expect(r.handoff).toMatchObject({ reason: 'complaint', matchedOrderId: null });
    });

    it('hands a VIP to a person straight away, once', () => {
      const vip = ctx({ customer: { vip: true, orders: [O1001] } });
      const first = botTurn(initialBotState(), { text: 'hello' }, vip);
      expect(first.handoff?.reason).toBe('vip');
      // An agent hands the chat back: the bot now serves the VIP instead of bouncing it again.
      const again = botTurn(botStateOnReturn(first.newState), { text: 'where is my order' }, vip);
      expect(again.handoff).toBeNull();
      expect(again.replies[0]?.kind).toBe('order_cards');
    });

    it('does not treat an unverified visitor as VIP', () => {
      expect(botTurn(initialBotState(), { text: 'hello' }, ctx({ customer: null })).handoff).toBeNull();
    });

    it('hands off with the topic the shopper was asking about', () => {
      const [, r] = converse(['how much is shipping?', 'ok, let me talk to a person'], ctx());
      expect(r!.handoff).toMatchObject({ reason: 'asked_for_human', intent: 'shipping', tried: [{ intent: 'shipping', outcome: 'answered' }] });
    });

    it('keeps the packet history bounded', () => {
      let state = initialBotState();
      for (let i = 0; i < 30; i++) state = botTurn(state, { text: 'opening hours' }, ctx()).newState;
      expect(state.tried).toHaveLength(MAX_TRIED_STEPS);
    });
  });

  describe('order status, verified customer', () => {
    const verified = (orders: BotOrder[]) => ctx({ customer: { vip: false, orders } });

    it('replies with the three most recent orders as cards, newest first', () => {
      const r = botTurn(initialBotState(), { text: 'where is my order?' }, verified([O1004, O1001, O1003, O1002]));
      expect(r.replies).toHaveLength(1);
      const reply = r.replies[0]!;
      expect(reply.kind).toBe('order_cards');
      if (reply.kind !== 'order_cards') return;
      expect(reply.text).toBe(en.recentOrders);
      expect(reply.orders.map((o) => o.orderId)).toEqual(['o1002', 'o1001', 'o1003']);
      // several orders shown: the chat is not about one of them yet
      expect(r.newState.matchedOrderId).toBeNull();
    });

    it('shows just the order they name', () => {
      const r = botTurn(initialBotState(), { text: '¿dónde está mi pedido 1002?' }, { ...verified([O1001, O1002]), locale: 'es' });
      expect(r.replies).toEqual([{ kind: 'order_cards', text: es.orderFound('#1002'), orders: [orderCard(O1002, 'es')] }]);
      expect(r.newState.matchedOrderId).toBe('o1002');
    });

    it('matches the only order a customer has', () => {
      expect(botTurn(initialBotState(), { text: 'my order' }, verified([O1001])).newState.matchedOrderId).toBe('o1001');
    });

    it('offers a guest lookup when the account has no orders', () => {
      const r = botTurn(initialBotState(), { text: 'where is my order' }, verified([]));
      expect(texts(r)).toEqual([en.noOrders]);
      expect(r.newState.phase).toBe('awaiting_order_details');
    });

    it('answers order status outside business hours too', () => {
      const r = botTurn(initialBotState(), { text: 'where is my order' }, { ...verified([O1001]), now: CLOSED_NOW });
      expect(r.replies[0]?.kind).toBe('order_cards');
      expect(r.handoff).toBeNull();
    });
  });

  describe('orderCard', () => {
    it('carries structured, localised order data', () => {
      expect(orderCard(O1001, 'es')).toEqual({
        orderId: 'o1001',
        number: '1001',
        status: 'shipped',
        statusLabel: 'Enviado',
        total: 4990,
        currency: 'EUR',
        placedAt: Date.UTC(2025, 0, 10),
        items: [{ name: 'Zapatillas Trail', quantity: 1 }],
        tracking: [{ carrier: 'Correos', trackingNumber: 'PQ123', url: 'https://track.example/PQ123', status: 'in_transit' }],
      });
      expect(orderCard(O1001, 'en').statusLabel).toBe('Shipped');
    });

    it.each(['javascript:alert(1)', 'data:text/html,hi', 'not a url', 'ftp://files.example/x'])('drops a non-http tracking link: %s', (trackingUrl) => {
      const o = { ...O1001, shipments: [{ carrier: 'X', trackingNumber: '1', trackingUrl, status: 's' }] };
      expect(orderCard(o, 'en').tracking[0]?.url).toBeNull();
    });
  });

  describe('order status, unverified visitor', () => {
    it('asks for the order number and the email without looking anything up', () => {
      const lookupOrder = vi.fn(lookupIn(ALL_ORDERS));
      const r = botTurn(initialBotState(), { text: 'where is my order?' }, ctx({ lookupOrder }));
      expect(texts(r)).toEqual([en.askOrderDetails]);
      expect(r.newState.phase).toBe('awaiting_order_details');
      expect(lookupOrder).not.toHaveBeenCalled();
    });

    it.each<[string, string[], string[]]>([
      ['number, then email', ['where is my order', '1001', 'ana@example.com'], [en.askOrderDetails, en.askOrderEmail, en.orderFound('1001')]],
      ['email, then number', ['where is my order', 'ana@example.com', '#1001'], [en.askOrderDetails, en.askOrderNumber, en.orderFound('1001')]],
      ['both in one message', ['my order 1001, ana@example.com'], [en.orderFound('1001')]],
      ['both, after asking', ['where is my order', 'it is #1001 and my email is ANA@example.com'], [en.askOrderDetails, en.orderFound('1001')]],
    ])('answers when number and email both match: %s', (_name, messages, replies) => {
      const results = converse(messages, ctx());
      expect(results.map((r) => texts(r)[0])).toEqual(replies);
      const final = last(results);
      expect(final.replies[0]).toEqual({ kind: 'order_cards', text: en.orderFound('1001'), orders: [orderCard(O1001, 'en')] });
      expect(final.newState).toMatchObject({ phase: 'idle', matchedOrderId: 'o1001', failedLookups: 0, pendingOrderNumber: null, pendingEmail: null });
    });

    it('gives the same reply for a wrong email, a wrong number and an order with no email', () => {
      const replies = ['order 1001 luis@example.com', 'order 9999 ana@example.com', 'order 3001 ana@example.com', 'order 2001 ana@example.com'].map(
        (text) => botTurn(initialBotState(), { text }, ctx()),
      );
      for (const r of replies) {
        expect(r.replies).toEqual([{ kind: 'text', text: en.lookupFailed(2) }]);
        expect(r.newState).toMatchObject({ failedLookups: 1, phase: 'awaiting_order_details', pendingOrderNumber: null, pendingEmail: null });
      }
    });

    it('forgets both details after a failure, so guesses cannot be tried one field at a time', () => {
      const results = converse(['where is my order', '1001', 'luis@example.com', 'ana@example.com'], ctx());
      expect(texts(results[2]!)).toEqual([en.lookupFailed(2)]);
      // The right email alone must not be checked against the remembered number.
      expect(texts(last(results))).toEqual([en.askOrderNumber]);
      expect(last(results).newState).toMatchObject({ pendingOrderNumber: null, pendingEmail: 'ana@example.com', failedLookups: 1 });
    });

    it('never reveals order data after a failed match', () => {
      const r = botTurn(initialBotState(), { text: 'order 2001 ana@example.com' }, ctx());
      const shown = JSON.stringify(r.replies);
      for (const secret of ['Chaqueta', 'luis@', 'o2001', '2001', 'Paid', 'EUR']) expect(shown).not.toContain(secret);
    });

    it('requires the lookup to return exactly the number asked for', () => {
      const sloppyLookup = () => O1001; // e.g. a prefix search in the caller
      const r = botTurn(initialBotState(), { text: 'order 10019 ana@example.com' }, ctx({ lookupOrder: sloppyLookup }));
      expect(texts(r)).toEqual([en.lookupFailed(2)]);
    });

    it('fails safe when no lookup is provided', () => {
      const r = botTurn(initialBotState(), { text: 'order 1001 ana@example.com' }, ctx({ lookupOrder: undefined }));
      expect(texts(r)).toEqual([en.lookupFailed(2)]);
    });

    it('hands off after the third failed attempt', () => {
      const results = converse(['order 1001 x@example.com', 'order 1001 y@example.com', 'order 1001 z@example.com'], ctx());
      expect(results.map((r) => r.handoff?.reason ?? null)).toEqual([null, null, 'verification_failed']);
      const final = last(results);
      // One message per hand-off (issue 19): the failure and the hand-off together.
      expect(texts(final)).toEqual([`${en.lookupFailedFinal} ${en.handoff}`]);
      expect(final.handoff).toMatchObject({ intent: 'order_status', matchedOrderId: null });
      expect(final.handoff!.tried.filter((s) => s.outcome === 'lookup_failed')).toHaveLength(3);
    });

    it('stops looking up orders after three failures, even after the chat comes back to the bot', () => {
      const failed = last(converse(['order 1001 x@example.com', 'order 1001 y@example.com', 'order 1001 z@example.com'], ctx()));
      const lookupOrder = vi.fn(lookupIn(ALL_ORDERS));
      const r = botTurn(botStateOnReturn(failed.newState), { text: 'order 1001 ana@example.com' }, ctx({ lookupOrder }));
      expect(lookupOrder).not.toHaveBeenCalled();
      expect(texts(r)).toEqual([`${en.lookupLocked} ${en.handoff}`]);
      expect(r.handoff?.reason).toBe('verification_failed');
    });

    it('counts down the attempts left', () => {
      const results = converse(['pedido 1001 x@example.com', 'pedido 1001 y@example.com'], ctx({ locale: 'es' }));
      expect(results.map((r) => texts(r)[0])).toEqual([es.lookupFailed(2), es.lookupFailed(1)]);
      expect(es.lookupFailed(1)).toContain('queda 1 intento');
    });

    it('asks again for the details when it does not understand, then hands off', () => {
      const results = converse(['where is my order', 'no idea', 'what?'], ctx());
      expect(texts(results[1]!)).toEqual([en.stillNeedOrderDetails]);
      expect(results[2]!.handoff?.reason).toBe('not_understood');
    });

    it('drops a pending lookup when the shopper changes topic', () => {
      const [, , hours] = converse(['where is my order', '1001', 'what are your opening hours?'], ctx());
      expect(hours!.newState).toMatchObject({ phase: 'idle', pendingOrderNumber: null, pendingEmail: null });
    });
  });

  describe('outside business hours', () => {
    const closed = (over: Partial<BotContext> = {}) => ctx({ now: CLOSED_NOW, ...over });

    it('says when people are back and offers to take an email', () => {
      const r = botTurn(initialBotState(), { text: 'I want to talk to a person' }, closed());
      expect(texts(r)).toEqual([en.handoffOffHours('tomorrow at 09:00')]);
      expect(r.handoff).toMatchObject({ reason: 'asked_for_human', offHours: true, backAt: BACK_AT });
      expect(r.newState.phase).toBe('awaiting_offline_email');
    });

    it('says it in Spanish', () => {
      const r = botTurn(initialBotState(), { text: 'hablar con una persona' }, closed({ locale: 'es' }));
      expect(texts(r)).toEqual([es.handoffOffHours('mañana a las 09:00')]);
    });

    it('takes the email the shopper leaves while queued', () => {
      const handoff = botTurn(initialBotState(), { text: 'agent please' }, closed());
      // The caller applied `bot_handoff`: the conversation is queued now.
      const queued = botTurn(handoff.newState, { text: 'sure: Ana@Example.com' }, closed({ status: 'queued' }));
      expect(queued).toEqual({
        replies: [{ kind: 'text', text: en.emailSaved('ana@example.com') }],
        handoff: null,
        newState: { ...handoff.newState, phase: 'idle' },
        contactEmail: 'ana@example.com',
        locale: 'en',
        unanswered: null,
        understood: null,
      });
    });

    it('handles the next message normally if the chat is still with the bot and it has no email', () => {
      const handoff = botTurn(initialBotState(), { text: 'agent please' }, closed());
      const r = botTurn(handoff.newState, { text: 'opening hours?' }, closed());
      expect(texts(r)[0]).toContain('Our opening hours:');
      expect(r.newState.phase).toBe('idle');
    });

    it('offers only once: without an email it stays quiet while queued', () => {
      const handoff = botTurn(initialBotState(), { text: 'agent' }, closed());
      const queued = closed({ status: 'queued' });
      const first = botTurn(handoff.newState, { text: 'hello? anyone?' }, queued);
      expect(first.replies).toEqual([]);
      expect(first.newState.phase).toBe('idle');
      expect(botTurn(first.newState, { text: 'ana@example.com' }, queued).replies).toEqual([]);
    });

    it('does not capture the email once an agent has the chat', () => {
      const handoff = botTurn(initialBotState(), { text: 'agent' }, closed());
      const r = botTurn(handoff.newState, { text: 'ana@example.com' }, closed({ status: 'assigned' }));
      expect(r.replies).toEqual([]);
      expect(r.contactEmail).toBeNull();
    });

    it('says only that the team is away when nobody is back within 14 days', () => {
      const r = botTurn(initialBotState(), { text: 'agent' }, closed({ hours: { schedule: { weekly: {} }, timeZone: MADRID } }));
      expect(texts(r)).toEqual([en.handoffOffHoursNoOpening]);
      expect(r.handoff).toMatchObject({ offHours: true, backAt: null });
    });

    it('is never off hours when the site sets no hours', () => {
      const r = botTurn(initialBotState(), { text: 'agent' }, closed({ hours: null }));
      expect(texts(r)).toEqual([en.handoff]);
      expect(r.handoff).toMatchObject({ offHours: false, backAt: null });
    });
  });

  describe('a photo or file', () => {
    it('is answered (the bot cannot look at it) and handed to a person, with or without words', () => {
      const alone = botTurn(initialBotState(), { text: '', files: true }, ctx({ locale: 'es' }));
      expect(texts(alone)).toEqual([`${es.fileReceived} ${es.handoffFile}`]);
      expect(alone.handoff).toMatchObject({ reason: 'sent_file' });
      const captioned = botTurn(initialBotState(), { text: 'look how it arrived', files: true }, ctx());
      expect(texts(captioned)).toEqual([`${en.fileReceived} ${en.handoffFile}`]);
      expect(captioned.handoff).toMatchObject({ reason: 'sent_file' });
    });

    it('does not promise "enseguida" when nobody of the team is online', () => {
      const r = botTurn(initialBotState(), { text: '', files: true }, ctx({ locale: 'es', teamAway: true }));
      expect(texts(r)).toEqual([`${es.fileReceived} ${es.handoffNobodyOnline}`]);
      expect(r.handoff).toMatchObject({ reason: 'sent_file' });
    });

    it('says nothing once a person has the chat', () => {
      const r = botTurn(initialBotState(), { text: '', files: true }, ctx({ status: 'assigned' }));
      expect(r.replies).toEqual([]);
      expect(r.handoff).toBeNull();
    });
  });

  describe('when nobody of the team is online', () => {
    it('does not promise "shortly": says nobody is online, keeps the packet in-hours, and takes an email left next', () => {
      const r = botTurn(initialBotState(), { text: 'I want to talk to a person' }, ctx({ teamAway: true }));
      expect(texts(r)).toEqual([en.handoffNobodyOnline]);
      expect(en.handoffNobodyOnline).not.toMatch(/shortly/);
      expect(r.handoff).toMatchObject({ reason: 'asked_for_human', offHours: false, backAt: null });
      expect(r.newState.phase).toBe('awaiting_offline_email');
      const queued = botTurn(r.newState, { text: 'ana@example.com' }, ctx({ teamAway: true, status: 'queued' }));
      expect(queued.contactEmail).toBe('ana@example.com');
    });

    it('says it in Spanish, without "enseguida"', () => {
      const r = botTurn(initialBotState(), { text: 'hablar con una persona' }, ctx({ locale: 'es', teamAway: true }));
      expect(texts(r)).toEqual([es.handoffNobodyOnline]);
      expect(es.handoffNobodyOnline).not.toMatch(/enseguida/i);
    });

    it('says when people are back when it is also outside business hours', () => {
      const r = botTurn(initialBotState(), { text: 'agent' }, ctx({ now: CLOSED_NOW, teamAway: true }));
      expect(texts(r)).toEqual([en.handoffOffHours('tomorrow at 09:00')]);
    });

    it.each([
      ['handoffOffHours', en.handoffOffHours('tomorrow at 09:00'), es.handoffOffHours('mañana a las 09:00')],
      ['handoffOffHoursNoOpening', en.handoffOffHoursNoOpening, es.handoffOffHoursNoOpening],
      ['handoffNobodyOnline', en.handoffNobodyOnline, es.handoffNobodyOnline],
    ])('%s leaves asking for the email to the widget (asked once, in its form)', (_name, english, spanish) => {
      expect(english).not.toMatch(/email/i);
      expect(spanish).not.toMatch(/email|correo/i);
    });
  });

  describe('opening hours', () => {
    it('says it is open and lists the week', () => {
      expect(texts(botTurn(initialBotState(), { text: 'opening hours?' }, ctx()))).toEqual([
        ["We're open right now.", '', 'Our opening hours:', 'Monday–Friday: 09:00–14:00, 16:00–19:00', 'Saturday: 10:00–14:00', 'Sunday: closed'].join('\n'),
      ]);
    });

    it('says when it opens again, in Spanish', () => {
      expect(texts(botTurn(initialBotState(), { text: '¿qué horario tenéis?' }, ctx({ locale: 'es', now: CLOSED_NOW })))).toEqual([
        [
          'Ahora mismo estamos cerrados; volvemos mañana a las 09:00.',
          '',
          'Nuestro horario:',
          'Lunes–viernes: 09:00–14:00, 16:00–19:00',
          'Sábado: 10:00–14:00',
          'Domingo: cerrado',
        ].join('\n'),
      ]);
    });

    it('says there are no fixed hours when the site sets none', () => {
      expect(texts(botTurn(initialBotState(), { text: 'opening hours' }, ctx({ hours: null })))).toEqual([en.noHours]);
    });
  });

  describe('shipping, returns and FAQ', () => {
    it.each<[string, Partial<BotContext>, string]>([
      ['how much is shipping?', {}, 'Shipping is free over €50 and takes 2–3 working days.'],
      ['how much is shipping?', { policies: {} }, en.shippingFallback],
      ['how do I return an item?', {}, 'You have 30 days to return any item.'],
      ['how do I return an item?', { policies: undefined }, en.returnsFallback],
      ['do you do gift wrapping?', {}, 'Yes, gift wrapping costs €2.'],
      ['¿enviáis a Canarias?', { locale: 'es' }, 'Sí, a Canarias en 5-7 días.'],
    ])('%j → %j', (text, over, reply) => {
      const r = botTurn(initialBotState(), { text }, ctx(over));
      expect(texts(r)).toEqual([reply]);
      expect(r.handoff).toBeNull();
    });

    it('records whether it had the information', () => {
      expect(botTurn(initialBotState(), { text: 'shipping' }, ctx({ policies: {} })).newState.tried).toEqual([{ intent: 'shipping', outcome: 'no_info' }]);
      expect(botTurn(initialBotState(), { text: 'shipping' }, ctx()).newState.tried).toEqual([{ intent: 'shipping', outcome: 'answered' }]);
    });
  });
});

describe('botStateOnReturn', () => {
  it('starts a fresh dialogue but keeps the lookup limit, the VIP flag, the matched order and the unanswered questions', () => {
    const busy: BotState = {
      phase: 'awaiting_order_details',
      notUnderstoodStreak: 1,
      failedLookups: 2,
      pendingOrderNumber: '1001',
      pendingEmail: null,
      vipHandled: true,
      matchedOrderId: 'o1',
      lastTopic: 'order_status',
      tried: [{ intent: 'unknown', outcome: 'not_understood' }],
      unanswered: [{ text: 'do you have it in green?', at: 1, locale: 'en' }],
    };
    expect(botStateOnReturn(busy)).toEqual({ ...initialBotState(), failedLookups: 2, vipHandled: true, matchedOrderId: 'o1', unanswered: busy.unanswered });
  });
});

describe('describeWhen', () => {
  const now = Date.parse('2025-01-15T20:00:00Z'); // Wednesday 21:00 Madrid
  it.each<[string, 'en' | 'es', string]>([
    ['2025-01-15T21:30:00Z', 'en', 'today at 22:30'],
    ['2025-01-16T08:00:00Z', 'en', 'tomorrow at 09:00'],
    ['2025-01-16T08:00:00Z', 'es', 'mañana a las 09:00'],
    ['2025-01-16T00:30:00Z', 'es', 'mañana a la 01:30'],
    ['2025-01-20T08:00:00Z', 'en', 'on Monday at 09:00'],
    ['2025-01-20T08:00:00Z', 'es', 'el lunes a las 09:00'],
    ['2025-01-22T08:00:00Z', 'en', 'on 22 January at 09:00'],
    ['2025-01-22T08:00:00Z', 'es', 'el 22 de enero a las 09:00'],
  ])('%s (%s) → %j', (iso, locale, expected) => {
    expect(describeWhen(Date.parse(iso), now, MADRID, locale)).toBe(expected);
  });

  it('counts days in the site time zone, not UTC', () => {
    // 23:30 UTC on Wednesday is already Thursday 00:30 in Madrid.
    expect(describeWhen(Date.parse('2025-01-15T23:30:00Z'), now, MADRID, 'en')).toBe('tomorrow at 00:30');
  });
});

describe('describeSchedule', () => {
  it('groups consecutive days with the same hours', () => {
    const s: BusinessSchedule = { weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['10:00', '14:00']], thu: [['09:00', '17:00']] } };
    expect(describeSchedule(s, 'en')).toEqual(['Monday–Tuesday: 09:00–17:00', 'Wednesday: 10:00–14:00', 'Thursday: 09:00–17:00', 'Friday–Sunday: closed']);
  });

  it('says closed all week for an empty schedule', () => {
    expect(describeSchedule({ weekly: {} }, 'es')).toEqual(['Lunes–domingo: cerrado']);
  });
});

describe('BOT_STRINGS', () => {
  it('has every string in both languages, none empty, none left untranslated', () => {
    const flat = (o: object, prefix = ''): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(flat(v, `${prefix}${k}.`)) : [[`${prefix}${k}`, v]])),
      );
    const e = flat(BOT_STRINGS.en);
    const s = flat(BOT_STRINGS.es);
    expect(Object.keys(s).sort()).toEqual(Object.keys(e).sort());
    for (const key of Object.keys(e)) {
      const render = (v: unknown): string => (typeof v === 'function' ? String((v as (...a: unknown[]) => unknown)('X', 'Y', 'Z')) : JSON.stringify(v));
      expect(render(e[key]), key).toMatch(/\S/);
      expect(render(s[key]), key).not.toBe(render(e[key]));
    }
  });
});

describe('understanding how shoppers write (issue 19)', () => {
  it('answers in the language of each message and follows the shopper when they switch', () => {
    const onSpanishPage = ctx({ locale: 'es' });
    const english = botTurn(initialBotState(), { text: "where's my package??" }, onSpanishPage);
    expect(english.locale).toBe('en');
    expect(texts(english)).toEqual([en.askOrderDetails]);
    // A message with no language of its own ("1001") keeps the conversation's language.
    const neutral = botTurn(english.newState, { text: '1001' }, ctx({ locale: english.locale }));
    expect(neutral.locale).toBe('en');
    expect(texts(neutral)).toEqual([en.askOrderEmail]);
    const spanish = botTurn(neutral.newState, { text: 'vale, y cuánto cuesta el envío?' }, ctx({ locale: 'en' }));
    expect(spanish.locale).toBe('es');
  });

  it.each<[string, string]>([
    ['como hago una devolusion', 'returns'],
    ['HOLAAAA 👋', 'greeting'],
    ['me comunica con un asesor porfa', 'talk_to_person'],
    ['I was charged twice', 'payment_problem'],
    ['¿cuál es el plazo para devolverlo?', 'returns'],
    ['El paquete llegó abierto y faltaba una bolsa de café', 'complaint'],
  ])('reads %j as %s (typos, stretched letters, emoji, word endings)', (text, intent) => {
    expect(detectIntent(text, 'es').intent).toBe(intent);
  });

  it('understands its own quick replies', () => {
    for (const locale of ['es', 'en'] as const) {
      const [order, ret, shipping, person] = BOT_STRINGS[locale].clarifyOptions;
      expect(detectIntent(order, locale).intent).toBe('order_status');
      expect(detectIntent(ret, locale).intent).toBe('returns');
      expect(detectIntent(shipping, locale).intent).toBe('shipping');
      expect(detectIntent(person, locale).intent).toBe('talk_to_person');
    }
  });

  it('hands a cancellation to a person with the verified customer\'s order attached, in one message', () => {
    const r = botTurn(initialBotState(), { text: 'I want to cancel my order' }, ctx({ customer: { vip: false, orders: [O1001, O1002] } }));
    expect(r.handoff).toMatchObject({ reason: 'needs_person', intent: 'cancel_order', matchedOrderId: 'o1002' });
    expect(texts(r)).toEqual([en.handoffFor.cancel_order]);
  });

  it('asks a guest who wants to cancel for the order number in the same hand-off message, and reveals nothing', () => {
    const r = botTurn(initialBotState(), { text: 'quiero anular mi pedido' }, ctx({ locale: 'es' }));
    expect(r.handoff).toMatchObject({ reason: 'needs_person', intent: 'cancel_order', matchedOrderId: null });
    expect(texts(r)).toEqual([`${es.handoffFor.cancel_order} ${es.handoffAskNumber}`]);
  });

  it('looks a late order up, then offers a person with one tap', () => {
    const [ask, found] = converse(['my order still hasnt arrived', 'order 1001 ana@example.com'], ctx());
    expect(texts(ask!)).toEqual([en.askOrderDetailsLate]);
    expect(found!.replies[0]).toMatchObject({ kind: 'order_cards' });
    expect(found!.replies[1]).toEqual({ kind: 'quick_replies', text: en.lateOffer, options: [en.talkToPersonOption] });
    expect(found!.handoff).toBeNull();
  });

  it('matches FAQ entries through typos and in the other language', () => {
    expect(detectIntent('do you do gift wraping?', 'es', FAQS).faq?.id).toBe('f-gift');
    expect(detectIntent('hay guia de tallas', 'en', FAQS).faq?.id).toBe('f-size');
  });

  it('lists what it could not answer for the merchant, skipping small talk', () => {
    const [clarify, handoff] = converse(['do you have the blue jacket in wool', 'hmm'], ctx());
    expect(clarify!.unanswered).toBe('do you have the blue jacket in wool');
    expect(handoff!.unanswered).toBeNull();
    expect(handoff!.newState.unanswered).toEqual([{ text: 'do you have the blue jacket in wool', at: OPEN_NOW, locale: 'en' }]);
  });
});
