/**
 * The built-in bot (Spanish and English). Deterministic: keyword and pattern matching over
 * accent- and case-normalised text, no model. Pure: `botTurn(state, input, context)` takes the
 * bot's memory of this conversation, the shopper's message and everything it may know (verified
 * customer, an order lookup, FAQ entries, business hours, `now`), and returns replies, an
 * optional handoff packet and the next state.
 *
 * Detection order (first match wins) and why:
 *  1. complaint words: flagged on top of any intent; an upset shopper goes to a person even
 *     when the message also mentions their order;
 *  2. talk to a person: an explicit request always wins;
 *  3. FAQ entries whose merchant-written keywords appear: the merchant wrote them to catch
 *     exactly those messages, so they beat built-in guesses;
 *  4. order status (phrases, or an order number with "#"/"pedido"/"order" or an email);
 *  5. returns (before shipping: "return shipping costs" is about returns);
 *  6. shipping; 7. opening hours;
 *  8. FAQ questions by word overlap (weaker than built-in phrases);
 *  9. greeting / thanks, only in short messages (a long message that starts with "hola"
 *     carries a real question we did not understand);
 * 10. unknown.
 *
 * Order data rules:
 * - A verified customer (identity HMAC-checked by the server) gets their recent orders as cards.
 * - An unverified visitor gets an order only when the order number AND the email both match, with
 *   at most MAX_LOOKUP_FAILURES failed attempts per conversation. A wrong number and a wrong email
 *   get the same reply, and both details are forgotten after a failure, so nothing tells whether
 *   a number exists.
 *
 * `botTurn` is synchronous so it stays pure: the caller runs `extractOrderDetails` on the
 * message, pre-fetches the order by number if there is one, and passes `lookupOrder` over that.
 * The email comparison happens here, so the "both must match" rule cannot be skipped by a caller.
 */
import type { Locale } from '../../shared/i18n';
import type { ConversationStatus } from '../../shared/protocol';
import { BOT_STRINGS, type BotOrderStatus, type BotStrings } from './bot-strings';
import { type BusinessSchedule, isOpen, localDateTime, nextOpening, openingRanges, WEEKDAYS } from './hours';
import type { HandoffReason } from './lifecycle';

export type { BotOrderStatus } from './bot-strings';

export const MAX_LOOKUP_FAILURES = 3;
/** Consecutive not-understood turns that trigger a handoff. */
export const MAX_NOT_UNDERSTOOD = 2;
export const RECENT_ORDERS_SHOWN = 3;
/** Steps kept for the handoff packet: enough context for the agent, bounded state size. */
export const MAX_TRIED_STEPS = 20;
/** Greeting/thanks only count in messages up to this many words. */
const SMALL_TALK_MAX_WORDS = 5;

export type Intent =
  | 'order_status'
  | 'shipping'
  | 'returns'
  | 'opening_hours'
  | 'talk_to_person'
  | 'faq'
  | 'greeting'
  | 'thanks'
  | 'unknown';

/** Intents that name what the shopper wants help with (used for the handoff packet). */
const TOPICS: ReadonlySet<Intent> = new Set<Intent>(['order_status', 'shipping', 'returns', 'opening_hours', 'faq']);

export interface FaqEntry {
  id: string;
  question: string;
  answer: string;
  /** Words or phrases that, when present, select this entry (any one is enough). */
  keywords?: readonly string[];
  locale: Locale;
}

export interface Detection {
  intent: Intent;
  /** Complaint words present: hand off whatever the intent. */
  complaint: boolean;
  /** The matched entry when `intent` is `faq`. */
  faq: FaqEntry | null;
  orderNumber: string | null;
  email: string | null;
}

export interface OrderDetails {
  /** Normalised: no leading `#`, upper case. */
  orderNumber: string | null;
  /** Lower case. */
  email: string | null;
}

// ---------- normalisation and extraction ----------

/** Lower case, accents stripped (ñ → n), punctuation → spaces, whitespace collapsed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Whole-word phrase containment on normalised text ("roto" does not match "protocolo"). */
function hasPhrase(normalized: string, phrase: string): boolean {
  return ` ${normalized} `.includes(` ${phrase} `);
}

const EMAIL_RE = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
const EMAIL_RE_ALL = new RegExp(EMAIL_RE.source, 'gi');

/** Canonical form of an order number for comparison: trimmed, no leading `#`, upper case. */
export function normalizeOrderNumber(orderNumber: string): string {
  return orderNumber.trim().replace(/^#/, '').toUpperCase();
}

/** The first email in `text`, lower-cased, or null. */
export function extractEmail(text: string): string | null {
  const m = EMAIL_RE.exec(text);
  return m ? m[0].toLowerCase() : null;
}

/**
 * The order number and email a message contains. An order number is the first token (letters,
 * digits, `-`, `_`, optional leading `#`) with at least three digits, so "#1001", "MS-2024-0042"
 * and "pedido 1234" work while "size 42" does not.
 */
export function extractOrderDetails(text: string): OrderDetails {
  const email = extractEmail(text);
  let orderNumber: string | null = null;
  for (const raw of text.replace(EMAIL_RE_ALL, ' ').split(/[\s,;:()¿?¡!"'“”«»ºª]+/)) {
    const token = raw.replace(/\.+$/, '');
    if (token.length > 33 || !/^#?[a-z0-9][a-z0-9_-]*$/i.test(token)) continue;
    if (token.replace(/\D/g, '').length >= 3) {
      orderNumber = normalizeOrderNumber(token);
      break;
    }
  }
  return { orderNumber, email };
}

// ---------- vocabulary (both languages: shoppers mix them) ----------

function phrases(list: readonly string[]): readonly string[] {
  return list.map(normalizeText);
}

const COMPLAINT = phrases([
  // en
  'damaged', 'broken', 'refund', 'refunds', 'never arrived', "hasn't arrived", 'has not arrived', "didn't arrive", 'did not arrive',
  'not arrived', 'not received', 'never received', 'wrong item', 'missing item', 'missing items', 'defective', 'faulty', 'complaint', 'scam',
  // es
  'no ha llegado', 'no me ha llegado', 'no han llegado', 'no llegó', 'no me llegó', 'roto', 'rota', 'rotos', 'rotas', 'estropeado',
  'estropeada', 'estropeados', 'estropeadas', 'reembolso', 'dañado', 'dañada', 'defectuoso', 'defectuosa', 'queja', 'reclamación',
  'reclamar', 'equivocado', 'me falta', 'faltan', 'timo', 'estafa',
]);

const TALK_TO_PERSON = phrases([
  'human', 'a person', 'real person', 'person', 'agent', 'operator', 'someone', 'somebody', 'representative', 'customer service',
  'hablar con una persona', 'hablar con alguien', 'persona', 'humano', 'agente', 'operador', 'operadora', 'alguien real',
  'atención al cliente',
]);

const ORDER_STATUS = phrases([
  'where is my order', "where's my order", 'my order', 'order status', 'track my order', 'tracking', 'track', 'my package', 'my parcel',
  'has my order shipped',
  '¿dónde está mi pedido?', 'mi pedido', 'mis pedidos', 'estado del pedido', 'estado de mi pedido', 'seguimiento', 'rastrear',
  'mi paquete', 'cuándo llega', 'número de seguimiento',
]);

/** Words that make a bare number an order number ("pedido 1234", "order #1234"). */
const ORDER_MARKERS = phrases(['order', 'pedido', 'orden', 'compra']);

const RETURNS = phrases([
  'return', 'returns', 'returning', 'send back', 'send it back', 'exchange',
  'devolución', 'devoluciones', 'devolver', 'devuelvo', 'cambio de talla', 'cambiar la talla', 'cambiar un producto',
]);

const SHIPPING = phrases([
  'shipping', 'delivery time', 'delivery times', 'delivery cost', 'delivery costs', 'how long does delivery', 'how long does shipping',
  'do you ship', 'ship to', 'postage', 'free shipping',
  'envío', 'envíos', 'gastos de envío', 'coste de envío', 'costo de envío', 'cuánto tarda', 'cuánto tardan', 'plazo de entrega',
  'plazos de entrega', 'enviáis', 'envían', 'entrega',
]);

const OPENING_HOURS = phrases([
  'opening hours', 'business hours', 'hours', 'are you open', 'when are you open', 'open today', 'opening time', 'closing time',
  'what time do you open', 'what time do you close',
  'horario', 'horarios', 'abierto', 'abiertos', 'abrís', 'abren', 'a qué hora', 'cerráis', 'cierran', 'hora de apertura',
]);

const GREETING = phrases(['hola', 'buenas', 'buenos días', 'buenas tardes', 'buenas noches', 'hello', 'hi', 'hey', 'good morning', 'good afternoon', 'good evening']);

const THANKS = phrases(['gracias', 'muchas gracias', 'thanks', 'thank you', 'thx', 'perfecto', 'genial', 'great']);

/** Words too common to count as FAQ overlap. */
const STOPWORDS: ReadonlySet<string> = new Set(
  phrases([
    'the', 'and', 'for', 'you', 'your', 'are', 'can', 'how', 'what', 'when', 'where', 'which', 'with', 'does', 'have', 'this', 'that', 'from', 'there',
    'que', 'los', 'las', 'del', 'por', 'para', 'con', 'una', 'uno', 'unos', 'unas', 'como', 'cual', 'cuando', 'donde', 'mis', 'tus', 'sus',
    'hay', 'esta', 'este', 'estos', 'puedo', 'podeis', 'tiene', 'tienen', 'vuestro', 'vuestra',
  ]),
);

function anyPhrase(normalized: string, list: readonly string[]): boolean {
  return list.some((p) => hasPhrase(normalized, p));
}

function significantWords(normalized: string): Set<string> {
  return new Set(normalized.split(' ').filter((w) => w.length >= 3 && !STOPWORDS.has(w)));
}

/** The FAQ entry (in `locale`) with the most keyword hits; ties go to the earlier entry. */
function faqByKeyword(normalized: string, faqs: readonly FaqEntry[], locale: Locale): FaqEntry | null {
  let best: FaqEntry | null = null;
  let bestHits = 0;
  for (const f of faqs) {
    if (f.locale !== locale) continue;
    const hits = (f.keywords ?? []).map(normalizeText).filter((k) => k.length > 0 && hasPhrase(normalized, k)).length;
    if (hits > bestHits) {
      best = f;
      bestHits = hits;
    }
  }
  return best;
}

/**
 * The FAQ entry whose question shares at least two significant words with the message, covering
 * at least half of the question's words; best overlap wins, ties go to the earlier entry.
 */
function faqByQuestion(normalized: string, faqs: readonly FaqEntry[], locale: Locale): FaqEntry | null {
  const words = significantWords(normalized);
  let best: FaqEntry | null = null;
  let bestOverlap = 0;
  for (const f of faqs) {
    if (f.locale !== locale) continue;
    const q = significantWords(normalizeText(f.question));
    const overlap = [...q].filter((w) => words.has(w)).length;
    if (overlap >= 2 && overlap * 2 >= q.size && overlap > bestOverlap) {
      best = f;
      bestOverlap = overlap;
    }
  }
  return best;
}

/** Classifies a shopper message (see the detection order at the top of this file). */
export function detectIntent(text: string, locale: Locale, faqs: readonly FaqEntry[] = []): Detection {
  const n = normalizeText(text);
  const { orderNumber, email } = extractOrderDetails(text);
  const base = { complaint: anyPhrase(n, COMPLAINT), faq: null, orderNumber, email };
  const is = (intent: Intent): Detection => ({ ...base, intent });
  if (anyPhrase(n, TALK_TO_PERSON)) return is('talk_to_person');
  const keywordFaq = faqByKeyword(n, faqs, locale);
  if (keywordFaq) return { ...base, intent: 'faq', faq: keywordFaq };
  const orderWithDetails = orderNumber !== null && (text.includes('#') || email !== null || anyPhrase(n, ORDER_MARKERS));
  if (orderWithDetails || anyPhrase(n, ORDER_STATUS)) return is('order_status');
  if (anyPhrase(n, RETURNS)) return is('returns');
  if (anyPhrase(n, SHIPPING)) return is('shipping');
  if (anyPhrase(n, OPENING_HOURS)) return is('opening_hours');
  const questionFaq = faqByQuestion(n, faqs, locale);
  if (questionFaq) return { ...base, intent: 'faq', faq: questionFaq };
  const short = n.split(' ').filter(Boolean).length <= SMALL_TALK_MAX_WORDS;
  if (short && anyPhrase(n, GREETING)) return is('greeting');
  if (short && anyPhrase(n, THANKS)) return is('thanks');
  return is('unknown');
}

// ---------- state, context, results ----------

export type BotPhase =
  /** Nothing pending. */
  | 'idle'
  /** Asked an unverified visitor for order number and email. */
  | 'awaiting_order_details'
  /** Handed off outside business hours and offered to take an email. */
  | 'awaiting_offline_email';

export type StepOutcome =
  | 'answered'
  | 'no_info'
  | 'order_cards'
  | 'no_orders'
  | 'asked_for_details'
  | 'lookup_matched'
  | 'lookup_failed'
  | 'lookup_locked'
  | 'not_understood';

/** One thing the bot tried, for the handoff packet. */
export interface BotStep {
  intent: Intent;
  outcome: StepOutcome;
}

export interface BotState {
  phase: BotPhase;
  notUnderstoodStreak: number;
  /** Failed unverified order lookups in this conversation (never reset: it is the enumeration guard). */
  failedLookups: number;
  pendingOrderNumber: string | null;
  pendingEmail: string | null;
  /** The VIP handoff happens once: after an agent hands a VIP back, the bot serves them. */
  vipHandled: boolean;
  /** The order this conversation is about, once the bot identified exactly one. */
  matchedOrderId: string | null;
  /** The last topic the shopper asked about, so "I want a person" hands off with that intent. */
  lastTopic: Intent | null;
  tried: readonly BotStep[];
}

export interface BotShipment {
  carrier: string;
  trackingNumber: string;
  trackingUrl: string;
  status: string;
}

export interface BotOrder {
  id: string;
  number: string;
  /** The email the order was placed with; null when the shop did not send one (never matches). */
  email: string | null;
  status: BotOrderStatus;
  currency: string;
  /** Minor units (cents). */
  total: number;
  createdAt: number;
  items: readonly { name: string; quantity: number }[];
  shipments?: readonly BotShipment[];
}

/** A customer whose identity the server verified (HMAC from the merchant). */
export interface VerifiedCustomer {
  /** VIP tag or lifetime value over the site threshold (routing `isPriorityCustomer`). */
  vip: boolean;
  orders: readonly BotOrder[];
}

export interface BotContext {
  locale: Locale;
  now: number;
  /** The conversation's lifecycle status; the bot speaks only while it is `bot`. */
  status: ConversationStatus;
  /** Set only for a verified identity; an unverified visitor is null whatever they claim. */
  customer: VerifiedCustomer | null;
  /** Finds an order by (normalised) number; the bot itself checks the email. */
  lookupOrder?: (orderNumber: string) => BotOrder | null | undefined;
  faqs?: readonly FaqEntry[];
  /** Merchant texts in the conversation's locale; absent → a pointer to a person. */
  policies?: { shipping?: string; returns?: string };
  /** Null: no set hours, always "open". */
  hours?: { schedule: BusinessSchedule; timeZone: string } | null;
  /** Nobody of the team is online now (open hours or not): a handoff must not promise "shortly". */
  teamAway?: boolean;
}

export interface BotInput {
  text: string;
}

export interface TrackingInfo {
  carrier: string;
  trackingNumber: string;
  /** http(s) only; anything else is dropped. */
  url: string | null;
  status: string;
}

/** Structured order data the widget renders as a card. */
export interface OrderCard {
  orderId: string;
  number: string;
  status: BotOrderStatus;
  statusLabel: string;
  total: number;
  currency: string;
  placedAt: number;
  items: { name: string; quantity: number }[];
  tracking: TrackingInfo[];
}

export type BotReply = { kind: 'text'; text: string } | { kind: 'order_cards'; text: string; orders: OrderCard[] };

export interface HandoffPacket {
  reason: HandoffReason;
  /** What the shopper wanted: this turn's topic, else the last topic, else this turn's intent. */
  intent: Intent;
  matchedOrderId: string | null;
  tried: readonly BotStep[];
  /** Handed off outside business hours (people see it when they are back). */
  offHours: boolean;
  /** When people are back (epoch ms), when off hours and known. */
  backAt: number | null;
}

export interface BotTurnResult {
  replies: BotReply[];
  /** Apply lifecycle `bot_handoff` with `handoff.reason` and store the packet. */
  handoff: HandoffPacket | null;
  newState: BotState;
  /** An email the shopper left for an off-hours reply. */
  contactEmail: string | null;
}

/** The bot's memory for a new conversation. */
export function initialBotState(): BotState {
  return {
    phase: 'idle',
    notUnderstoodStreak: 0,
    failedLookups: 0,
    pendingOrderNumber: null,
    pendingEmail: null,
    vipHandled: false,
    matchedOrderId: null,
    lastTopic: null,
    tried: [],
  };
}

/**
 * The bot's memory when an agent hands a chat back: a fresh dialogue, but failed lookups, the
 * VIP flag and the matched order survive (the lookup limit must not reset by bouncing the chat).
 */
export function botStateOnReturn(state: BotState): BotState {
  return { ...initialBotState(), failedLookups: state.failedLookups, vipHandled: state.vipHandled, matchedOrderId: state.matchedOrderId };
}

// ---------- rendering helpers ----------

function safeHttpUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** The card for an order, labels in `locale`. */
export function orderCard(order: BotOrder, locale: Locale): OrderCard {
  return {
    orderId: order.id,
    number: order.number,
    status: order.status,
    statusLabel: BOT_STRINGS[locale].orderStatus[order.status],
    total: order.total,
    currency: order.currency,
    placedAt: order.createdAt,
    items: order.items.map((i) => ({ name: i.name, quantity: i.quantity })),
    tracking: (order.shipments ?? []).map((s) => ({
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      url: safeHttpUrl(s.trackingUrl),
      status: s.status,
    })),
  };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** "today at 16:00" / "el lunes a las 09:00": when `at` happens, seen from `now`, in the site's zone. */
export function describeWhen(at: number, now: number, timeZone: string, locale: Locale): string {
  const t: BotStrings = BOT_STRINGS[locale];
  const a = localDateTime(timeZone, at);
  const b = localDateTime(timeZone, now);
  const days = Math.round((Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day)) / 86_400_000);
  const time = `${pad2(a.hour)}:${pad2(a.minute)}`;
  if (days <= 0) return t.when.today(time);
  if (days === 1) return t.when.tomorrow(time);
  // Past a week a weekday name is ambiguous ("on Monday" — which one?): use the date.
  if (days < 7) return t.when.weekday(t.weekdays[a.weekday], time);
  return t.when.date(a.day, t.months[a.month - 1]!, time);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The weekly schedule as lines, consecutive days with the same hours grouped ("Monday–Friday: 09:00–19:00"). */
export function describeSchedule(schedule: BusinessSchedule, locale: Locale): string[] {
  const t: BotStrings = BOT_STRINGS[locale];
  const hoursOf = WEEKDAYS.map((d) => {
    const ranges = openingRanges(schedule, d);
    return ranges.length === 0 ? t.closedDay : ranges.map(([s, e]) => `${s}–${e}`).join(', ');
  });
  const lines: string[] = [];
  let i = 0;
  while (i < WEEKDAYS.length) {
    let j = i;
    while (j + 1 < WEEKDAYS.length && hoursOf[j + 1] === hoursOf[i]) j++;
    const first = t.weekdays[WEEKDAYS[i]!];
    const label = j === i ? first : `${first}–${t.weekdays[WEEKDAYS[j]!]}`;
    lines.push(`${capitalize(label)}: ${hoursOf[i]}`);
    i = j + 1;
  }
  return lines;
}

// ---------- the turn ----------

const text = (s: string): BotReply => ({ kind: 'text', text: s });

function withStep(state: BotState, step: BotStep): BotState {
  return { ...state, tried: [...state.tried, step].slice(-MAX_TRIED_STEPS) };
}

function reply(state: BotState, replies: BotReply[]): BotTurnResult {
  return { replies, handoff: null, newState: state, contactEmail: null };
}

const clearLookup = { phase: 'idle', pendingOrderNumber: null, pendingEmail: null } as const;

/** True when `order` exists, its number is exactly `orderNumber` and its email is `email`. */
function ownsOrder(order: BotOrder | null | undefined, orderNumber: string, email: string): order is BotOrder {
  return (
    order != null &&
    order.email !== null &&
    normalizeOrderNumber(order.number) === orderNumber &&
    order.email.trim().toLowerCase() === email.trim().toLowerCase()
  );
}

/**
 * The order this message identifies, for the agent's packet only: the visitor is told nothing,
 * and no lookup attempt is counted.
 */
function quietMatch(d: Detection, state: BotState, ctx: BotContext): string | null {
  const number = d.orderNumber ?? state.pendingOrderNumber;
  if (number === null) return null;
  if (ctx.customer) {
    const own = ctx.customer.orders.find((o) => normalizeOrderNumber(o.number) === number);
    if (own) return own.id;
  }
  const email = d.email ?? state.pendingEmail;
  if (email === null || state.failedLookups >= MAX_LOOKUP_FAILURES) return null;
  const order = ctx.lookupOrder?.(number);
  return ownsOrder(order, number, email) ? order.id : null;
}

function handoff(state: BotState, reason: HandoffReason, d: Detection, ctx: BotContext, preface: BotReply[] = []): BotTurnResult {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  const offHours = ctx.hours ? !isOpen(ctx.hours.schedule, ctx.hours.timeZone, ctx.now) : false;
  const backAt = ctx.hours && offHours ? nextOpening(ctx.hours.schedule, ctx.hours.timeZone, ctx.now) : null;
  const intent = TOPICS.has(d.intent) ? d.intent : (state.lastTopic ?? d.intent);
  const matchedOrderId = quietMatch(d, state, ctx) ?? state.matchedOrderId;
  const away = offHours || ctx.teamAway === true;
  const message = offHours
    ? backAt !== null && ctx.hours
      ? t.handoffOffHours(describeWhen(backAt, ctx.now, ctx.hours.timeZone, ctx.locale))
      : t.handoffOffHoursNoOpening
    : away
      ? t.handoffNobodyOnline
      : t.handoff;
  const newState: BotState = {
    ...state,
    ...clearLookup,
    phase: away ? 'awaiting_offline_email' : 'idle',
    notUnderstoodStreak: 0,
    matchedOrderId,
    lastTopic: TOPICS.has(intent) ? intent : state.lastTopic,
  };
  return {
    replies: [...preface, text(message)],
    handoff: { reason, intent, matchedOrderId, tried: state.tried, offHours, backAt },
    newState,
    contactEmail: null,
  };
}

/** Tries an unverified lookup with both details present. */
function attemptLookup(state: BotState, orderNumber: string, email: string, d: Detection, ctx: BotContext): BotTurnResult {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  const order = ctx.lookupOrder?.(orderNumber);
  if (ownsOrder(order, orderNumber, email)) {
    const next = withStep({ ...state, ...clearLookup, matchedOrderId: order.id }, { intent: 'order_status', outcome: 'lookup_matched' });
    return reply(next, [{ kind: 'order_cards', text: t.orderFound(order.number), orders: [orderCard(order, ctx.locale)] }]);
  }
  // Both details are forgotten: keeping the "right" one would tell the visitor which was wrong.
  const failedLookups = state.failedLookups + 1;
  const next = withStep({ ...state, ...clearLookup, failedLookups }, { intent: 'order_status', outcome: 'lookup_failed' });
  if (failedLookups >= MAX_LOOKUP_FAILURES) return handoff(next, 'verification_failed', d, ctx, [text(t.lookupFailedFinal)]);
  return reply({ ...next, phase: 'awaiting_order_details' }, [text(t.lookupFailed(MAX_LOOKUP_FAILURES - failedLookups))]);
}

/** Collects order number and email (across messages) from an unverified visitor. */
function unverifiedOrderStatus(state: BotState, d: Detection, ctx: BotContext): BotTurnResult {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  if (state.failedLookups >= MAX_LOOKUP_FAILURES) {
    return handoff(withStep(state, { intent: 'order_status', outcome: 'lookup_locked' }), 'verification_failed', d, ctx, [text(t.lookupLocked)]);
  }
  const orderNumber = d.orderNumber ?? state.pendingOrderNumber;
  const email = d.email ?? state.pendingEmail;
  if (orderNumber !== null && email !== null) return attemptLookup(state, orderNumber, email, d, ctx);
  const ask = orderNumber !== null ? t.askOrderEmail : email !== null ? t.askOrderNumber : t.askOrderDetails;
  const next = withStep(
    { ...state, phase: 'awaiting_order_details', pendingOrderNumber: orderNumber, pendingEmail: email },
    { intent: 'order_status', outcome: 'asked_for_details' },
  );
  return reply(next, [text(ask)]);
}

function orderStatus(state: BotState, d: Detection, ctx: BotContext): BotTurnResult {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  const customer = ctx.customer;
  if (!customer) return unverifiedOrderStatus(state, d, ctx);
  const orders = [...customer.orders].sort((a, b) => b.createdAt - a.createdAt);
  const named = d.orderNumber === null ? undefined : orders.find((o) => normalizeOrderNumber(o.number) === d.orderNumber);
  if (named) {
    const next = withStep({ ...state, ...clearLookup, matchedOrderId: named.id }, { intent: 'order_status', outcome: 'order_cards' });
    return reply(next, [{ kind: 'order_cards', text: t.orderFound(named.number), orders: [orderCard(named, ctx.locale)] }]);
  }
  if (orders.length === 0) {
    // Maybe a guest order under another email: the unverified path, with its limits.
    const next = withStep({ ...state, phase: 'awaiting_order_details' }, { intent: 'order_status', outcome: 'no_orders' });
    return reply(next, [text(t.noOrders)]);
  }
  const shown = orders.slice(0, RECENT_ORDERS_SHOWN);
  // Several cards: the chat is not yet about one order, so nothing is "matched".
  const matchedOrderId = shown.length === 1 ? shown[0]!.id : state.matchedOrderId;
  const next = withStep({ ...state, ...clearLookup, matchedOrderId }, { intent: 'order_status', outcome: 'order_cards' });
  return reply(next, [{ kind: 'order_cards', text: t.recentOrders, orders: shown.map((o) => orderCard(o, ctx.locale)) }]);
}

function hoursReply(ctx: BotContext): string {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  if (!ctx.hours) return t.noHours;
  const { schedule, timeZone } = ctx.hours;
  let status: string;
  if (isOpen(schedule, timeZone, ctx.now)) status = t.openNow;
  else {
    const back = nextOpening(schedule, timeZone, ctx.now);
    status = back === null ? t.closedNoOpening : t.closedNow(describeWhen(back, ctx.now, timeZone, ctx.locale));
  }
  return [status, '', t.hoursHeader, ...describeSchedule(schedule, ctx.locale)].join('\n');
}

/** After an off-hours handoff: keep an email if the shopper leaves one; offer only once. */
function captureOfflineEmail(state: BotState, input: BotInput, ctx: BotContext): BotTurnResult | null {
  const email = extractEmail(input.text);
  const newState: BotState = { ...state, phase: 'idle' };
  if (email !== null) return { replies: [text(BOT_STRINGS[ctx.locale].emailSaved(email))], handoff: null, newState, contactEmail: email };
  // Queued: the message waits for the team, the bot stays quiet. With the bot: a normal turn.
  return ctx.status === 'queued' ? reply(newState, []) : null;
}

/** One bot turn: the shopper's message in, replies / handoff / next state out. */
export function botTurn(state: BotState, input: BotInput, ctx: BotContext): BotTurnResult {
  if (state.phase === 'awaiting_offline_email' && (ctx.status === 'bot' || ctx.status === 'queued')) {
    const captured = captureOfflineEmail(state, input, ctx);
    if (captured) return captured;
    state = { ...state, phase: 'idle' };
  }
  // Once people have the chat (or it is closed), the bot says nothing.
  if (ctx.status !== 'bot') return reply(state, []);

  const t: BotStrings = BOT_STRINGS[ctx.locale];
  const d = detectIntent(input.text, ctx.locale, ctx.faqs ?? []);

  if (ctx.customer?.vip && !state.vipHandled) return handoff({ ...state, vipHandled: true }, 'vip', d, ctx);
  if (d.complaint) return handoff(state, 'complaint', d, ctx);

  // Details sent after we asked for them, whatever else the message looks like.
  if (state.phase === 'awaiting_order_details' && d.intent !== 'talk_to_person' && (d.orderNumber !== null || d.email !== null)) {
    return unverifiedOrderStatus({ ...state, notUnderstoodStreak: 0, lastTopic: 'order_status' }, d, ctx);
  }

  // Any understood turn breaks the not-understood streak; a new topic ends a pending lookup.
  const understood: BotState = { ...state, notUnderstoodStreak: 0, ...(TOPICS.has(d.intent) ? { lastTopic: d.intent } : {}) };
  const topicChange: BotState = { ...understood, ...clearLookup };
  const answer = (s: BotState, body: string, outcome: StepOutcome): BotTurnResult => reply(withStep(s, { intent: d.intent, outcome }), [text(body)]);

  switch (d.intent) {
    case 'talk_to_person':
      return handoff(state, 'asked_for_human', d, ctx);
    case 'order_status':
      return orderStatus(understood, d, ctx);
    case 'faq':
      return answer(topicChange, d.faq?.answer ?? t.notUnderstood, 'answered');
    case 'shipping': {
      const policy = ctx.policies?.shipping;
      return policy ? answer(topicChange, policy, 'answered') : answer(topicChange, t.shippingFallback, 'no_info');
    }
    case 'returns': {
      const policy = ctx.policies?.returns;
      return policy ? answer(topicChange, policy, 'answered') : answer(topicChange, t.returnsFallback, 'no_info');
    }
    case 'opening_hours':
      return answer(topicChange, hoursReply(ctx), 'answered');
    case 'greeting':
      return reply(understood, [text(t.greeting)]);
    case 'thanks':
      return reply(understood, [text(t.thanks)]);
    case 'unknown': {
      const streak = state.notUnderstoodStreak + 1;
      const next = withStep({ ...state, notUnderstoodStreak: streak }, { intent: 'unknown', outcome: 'not_understood' });
      if (streak >= MAX_NOT_UNDERSTOOD) return handoff(next, 'not_understood', d, ctx);
      return reply(next, [text(state.phase === 'awaiting_order_details' ? t.stillNeedOrderDetails : t.notUnderstood)]);
    }
    default: {
      const exhaustive: never = d.intent;
      throw new Error(`unhandled intent ${String(exhaustive)}`);
    }
  }
}
