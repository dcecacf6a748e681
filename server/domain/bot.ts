/**
 * The built-in bot (Spanish and English). Pure: `botTurn(state, input, context)` takes the bot's
 * memory of this conversation, the shopper's message and everything it may know (verified
 * customer, an order lookup, FAQ entries, policies, business hours, `now`), and returns replies,
 * an optional handoff packet and the next state.
 *
 * Understanding (domain/nlu): the message is normalised (case, accents, stretched letters, emoji,
 * chat spellings), stemmed for Spanish and English, spelling-corrected against the words the bot
 * knows, and classified by a small model trained at start-up from example sentences
 * (nlu/training.ts). The same reading scores the merchant's FAQ entries, in either language.
 * The language of each message is detected and the bot answers in it; a message that does not
 * say (a number, "ok") is answered in the conversation's language.
 *
 * Precedence, and why:
 *  1. an order number with a marker ("#", "pedido", an email) is about an order, whatever else;
 *  2. a FAQ keyword the merchant wrote beats a built-in answer (shipping, returns, hours...); it
 *     never beats a request for a person the model is sure of, and beats what the model is sure
 *     is the shopper's own situation (an exchange, a complaint, a payment problem) only when the keyword names something the built-in
 *     intents were never taught ("PayPal", "suscripción"): "pagar con" in "no puedo pagar con
 *     tarjeta" is not a question about payment methods;
 *  3. a FAQ question the message covers beats a built-in intent the model is less sure of;
 *  4. below MIN_CONFIDENCE the bot does not guess: it asks one clarifying question with quick
 *     replies, and hands off if the next message is not understood either.
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
import { type NluIntent, understand } from './nlu';

export type { BotOrderStatus } from './bot-strings';

export const MAX_LOOKUP_FAILURES = 3;
/** Consecutive not-understood turns that trigger a handoff (the first gets a clarifying question). */
export const MAX_NOT_UNDERSTOOD = 2;
export const RECENT_ORDERS_SHOWN = 3;
/** Steps kept for the handoff packet: enough context for the agent, bounded state size. */
export const MAX_TRIED_STEPS = 20;
/** Greeting/thanks only count in messages up to this many words. */
const SMALL_TALK_MAX_WORDS = 5;
/** Below this classifier confidence the bot asks instead of guessing. */
export const MIN_CONFIDENCE = 0.5;
/** A situation (complaint, exchange, request for a person...) this sure beats an everyday-word FAQ keyword. */
const SURE = 0.7;

export type Intent =
  | 'order_status'
  | 'order_late'
  | 'shipping'
  | 'returns'
  | 'exchange'
  | 'opening_hours'
  | 'cancel_order'
  | 'change_order'
  | 'payment_problem'
  | 'complaint'
  | 'product_question'
  | 'talk_to_person'
  | 'faq'
  | 'greeting'
  | 'thanks'
  | 'unknown';

/** Intents that name what the shopper wants help with (used for the handoff packet). */
const TOPICS: ReadonlySet<Intent> = new Set<Intent>([
  'order_status',
  'order_late',
  'shipping',
  'returns',
  'exchange',
  'opening_hours',
  'cancel_order',
  'change_order',
  'payment_problem',
  'complaint',
  'product_question',
  'faq',
]);

/** Intents about one order: a handoff for them carries the order when the bot can tell which. */
const ORDER_INTENTS: ReadonlySet<Intent> = new Set<Intent>(['order_status', 'order_late', 'cancel_order', 'change_order', 'complaint', 'payment_problem']);

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
  /** The shopper is unhappy with something that happened: a person takes it. */
  complaint: boolean;
  /** The matched entry when `intent` is `faq`. */
  faq: FaqEntry | null;
  orderNumber: string | null;
  email: string | null;
  /** How sure the classifier is of `intent` (1 for rules: an order number, a FAQ keyword). */
  confidence: number;
  /** The language the message is written in, or null when it does not say. */
  language: Locale | null;
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


// ---------- understanding ----------

/** Words that make a bare number an order number ("pedido 1234", "order #1234"). */
const ORDER_MARKERS = ['order', 'pedido', 'orden', 'compra', 'numero', 'number'];

function hasWord(normalized: string, word: string): boolean {
  return ` ${normalized} `.includes(` ${word} `);
}

const FROM_NLU: Record<NluIntent, Intent> = {
  greeting: 'greeting',
  thanks: 'thanks',
  order_status: 'order_status',
  order_late: 'order_late',
  returns: 'returns',
  exchange: 'exchange',
  shipping: 'shipping',
  opening_hours: 'opening_hours',
  cancel_order: 'cancel_order',
  change_order: 'change_order',
  payment_problem: 'payment_problem',
  complaint: 'complaint',
  talk_to_person: 'talk_to_person',
  product_question: 'product_question',
  none: 'unknown',
};

/** What the shopper's own situation is, as opposed to a question a FAQ entry could refine. */
const SITUATIONS: ReadonlySet<Intent> = new Set<Intent>([
  'order_status',
  'order_late',
  'exchange',
  'cancel_order',
  'change_order',
  'payment_problem',
  'complaint',
  'talk_to_person',
]);

/** Intents an order number in the message does not turn into an order-status question. */
const KEEP_WITH_ORDER_NUMBER: ReadonlySet<Intent> = new Set<Intent>([
  'order_late',
  'cancel_order',
  'change_order',
  'payment_problem',
  'complaint',
  'talk_to_person',
  'returns',
  'exchange',
]);

/** Classifies a shopper message (see the precedence at the top of this file). */
export function detectIntent(text: string, locale: Locale, faqs: readonly FaqEntry[] = []): Detection {
  const { orderNumber, email } = extractOrderDetails(text);
  const u = understand(text, faqs, locale);
  let intent: Intent = FROM_NLU[u.intent];
  let confidence = u.confidence;
  // "Hola" at the start of a long message is not the point of it: the next reading is, if any.
  if ((intent === 'greeting' || intent === 'thanks') && u.words.length > SMALL_TALK_MAX_WORDS) {
    const next = u.ranked.find((r) => r.label !== 'greeting' && r.label !== 'thanks');
    intent = next ? FROM_NLU[next.label] : 'unknown';
    confidence = next?.p ?? 0;
  }
  let faq: FaqEntry | null = null;
  const n = normalizeText(text);
  const orderWithDetails = orderNumber !== null && (text.includes('#') || email !== null || ORDER_MARKERS.some((m) => hasWord(n, m)));

  if (u.faq) {
    const f = u.faq;
    // A merchant's keyword refines the built-in answers (a FAQ on the Canaries beats the shipping
    // policy) and wins whenever it names something the built-in intents do not know ("PayPal",
    // "suscripción"). Built from everyday words ("molienda"), it does not override what the model
    // is sure the shopper's own situation is (an exchange, a complaint, a request for a person).
    const situation = SITUATIONS.has(intent) && confidence >= SURE;
    const faqWins = f.keyword
      ? !(intent === 'talk_to_person' && confidence >= SURE) && (f.distinctive || !situation)
      : intent === 'unknown' || intent === 'product_question' || confidence < MIN_CONFIDENCE || f.score >= confidence;
    if (faqWins && !(orderWithDetails && !f.keyword)) {
      intent = 'faq';
      faq = f.entry;
      confidence = Math.max(f.score, confidence);
    }
  }
  if (intent !== 'faq' && orderWithDetails && !KEEP_WITH_ORDER_NUMBER.has(intent)) {
    intent = 'order_status';
    confidence = 1;
  } else if (intent !== 'faq' && intent !== 'unknown' && confidence < MIN_CONFIDENCE) {
    intent = 'unknown';
  }
  return { intent, complaint: intent === 'complaint', faq, orderNumber, email, confidence, language: u.language };
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
  | 'handed_off'
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
  /** Questions the bot could not answer here, newest last (the merchant's "unanswered" list). */
  unanswered: readonly UnansweredQuestion[];
}

export interface UnansweredQuestion {
  text: string;
  at: number;
  locale: Locale;
}

/** Unanswered questions kept per conversation. */
export const MAX_UNANSWERED_KEPT = 10;
/** "ok" or "jaja" is not a question worth an FAQ entry. */
const MIN_UNANSWERED_WORDS = 3;

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
  /**
   * Merchant texts: per language, or (older callers) one set in the conversation's locale.
   * Absent → a pointer to a person.
   */
  policies?: Policies | Partial<Record<Locale, Policies>>;
  /** Null: no set hours, always "open". */
  hours?: { schedule: BusinessSchedule; timeZone: string } | null;
  /** Nobody of the team is online now (open hours or not): a handoff must not promise "shortly". */
  teamAway?: boolean;
}

export interface Policies {
  shipping?: string;
  returns?: string;
}

export interface BotInput {
  text: string;
  /** The message carries photos or files (which the bot cannot look at). */
  files?: boolean;
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

export type BotReply =
  | { kind: 'text'; text: string }
  | { kind: 'order_cards'; text: string; orders: OrderCard[] }
  /** A question with one-tap answers (each option is sent back as the shopper's message). */
  | { kind: 'quick_replies'; text: string; options: string[] };

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
  /** The language the bot answered in: the message's, else the conversation's. */
  locale: Locale;
  /** The shopper's question when the bot could not answer it (for the merchant's list). */
  unanswered: string | null;
  /** What the bot made of the message (diagnostics, accuracy measurement). */
  understood: { intent: Intent; confidence: number; faqId: string | null; language: Locale | null } | null;
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
    unanswered: [],
  };
}

/**
 * The bot's memory when an agent hands a chat back: a fresh dialogue, but failed lookups, the
 * VIP flag and the matched order survive (the lookup limit must not reset by bouncing the chat).
 */
export function botStateOnReturn(state: BotState): BotState {
  return {
    ...initialBotState(),
    failedLookups: state.failedLookups,
    vipHandled: state.vipHandled,
    matchedOrderId: state.matchedOrderId,
    unanswered: state.unanswered ?? [],
  };
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

/** A turn's result before the per-turn facts (language, understanding) are added. */
type Partial_ = Omit<BotTurnResult, 'locale' | 'unanswered' | 'understood'> & { unanswered?: string | null };

function reply(state: BotState, replies: BotReply[]): Partial_ {
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
 * and no lookup attempt is counted. A verified customer who names no order, asking about an
 * order (cancel, change, late, complaint), gets their newest order attached.
 */
function quietMatch(d: Detection, state: BotState, ctx: BotContext): string | null {
  const number = d.orderNumber ?? state.pendingOrderNumber;
  if (ctx.customer) {
    const own = number === null ? undefined : ctx.customer.orders.find((o) => normalizeOrderNumber(o.number) === number);
    if (own) return own.id;
    if (number === null && ORDER_INTENTS.has(d.intent) && state.matchedOrderId === null) {
      const newest = [...ctx.customer.orders].sort((a, b) => b.createdAt - a.createdAt)[0];
      if (newest) return newest.id;
    }
  }
  if (number === null) return null;
  const email = d.email ?? state.pendingEmail;
  if (email === null || state.failedLookups >= MAX_LOOKUP_FAILURES) return null;
  const order = ctx.lookupOrder?.(number);
  return ownsOrder(order, number, email) ? order.id : null;
}

/** The hand-off: one message for the shopper (why, and when people are back if they are away). */
function handoff(state: BotState, reason: HandoffReason, d: Detection, ctx: BotContext, preface: string | null = null): Partial_ {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  const offHours = ctx.hours ? !isOpen(ctx.hours.schedule, ctx.hours.timeZone, ctx.now) : false;
  const backAt = ctx.hours && offHours ? nextOpening(ctx.hours.schedule, ctx.hours.timeZone, ctx.now) : null;
  const intent = TOPICS.has(d.intent) ? d.intent : (state.lastTopic ?? d.intent);
  const matchedOrderId = quietMatch(d, state, ctx) ?? state.matchedOrderId;
  const specific = reason === 'sent_file' ? t.handoffFile : d.intent in t.handoffFor ? t.handoffFor[d.intent as keyof BotStrings['handoffFor']] : null;
  // Nobody online (ctx.teamAway) must not promise "enseguida te atienden".
  const away = offHours || ctx.teamAway === true;
  let message = offHours
    ? backAt !== null && ctx.hours
      ? t.handoffOffHours(describeWhen(backAt, ctx.now, ctx.hours.timeZone, ctx.locale))
      : t.handoffOffHoursNoOpening
    : away
      ? t.handoffNobodyOnline
      : (specific ?? t.handoff);
  // About an order the bot could not identify: the order number saves the agent a question.
  if (ORDER_INTENTS.has(d.intent) && d.intent !== 'order_status' && matchedOrderId === null && d.orderNumber === null && reason !== 'verification_failed') {
    message = `${message} ${t.handoffAskNumber}`;
  }
  const newState: BotState = {
    ...state,
    ...clearLookup,
    phase: away ? 'awaiting_offline_email' : 'idle',
    notUnderstoodStreak: 0,
    matchedOrderId,
    lastTopic: TOPICS.has(intent) ? intent : state.lastTopic,
  };
  return {
    replies: [text(preface ? `${preface} ${message}` : message)],
    handoff: { reason, intent, matchedOrderId, tried: state.tried, offHours, backAt },
    newState,
    contactEmail: null,
  };
}

/** After a late order's card: offer a person with one tap. */
function lateFollowUp(state: BotState, ctx: BotContext): BotReply[] {
  if (state.lastTopic !== 'order_late') return [];
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  return [{ kind: 'quick_replies', text: t.lateOffer, options: [t.talkToPersonOption] }];
}

/** Tries an unverified lookup with both details present. */
function attemptLookup(state: BotState, orderNumber: string, email: string, d: Detection, ctx: BotContext): Partial_ {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  const order = ctx.lookupOrder?.(orderNumber);
  if (ownsOrder(order, orderNumber, email)) {
    const next = withStep({ ...state, ...clearLookup, matchedOrderId: order.id }, { intent: 'order_status', outcome: 'lookup_matched' });
    return reply(next, [{ kind: 'order_cards', text: t.orderFound(order.number), orders: [orderCard(order, ctx.locale)] }, ...lateFollowUp(state, ctx)]);
  }
  // Both details are forgotten: keeping the "right" one would tell the visitor which was wrong.
  const failedLookups = state.failedLookups + 1;
  const next = withStep({ ...state, ...clearLookup, failedLookups }, { intent: 'order_status', outcome: 'lookup_failed' });
  if (failedLookups >= MAX_LOOKUP_FAILURES) return handoff(next, 'verification_failed', d, ctx, t.lookupFailedFinal);
  return reply({ ...next, phase: 'awaiting_order_details' }, [text(t.lookupFailed(MAX_LOOKUP_FAILURES - failedLookups))]);
}

/** Collects order number and email (across messages) from an unverified visitor. */
function unverifiedOrderStatus(state: BotState, d: Detection, ctx: BotContext): Partial_ {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  if (state.failedLookups >= MAX_LOOKUP_FAILURES) {
    return handoff(withStep(state, { intent: 'order_status', outcome: 'lookup_locked' }), 'verification_failed', d, ctx, t.lookupLocked);
  }
  const orderNumber = d.orderNumber ?? state.pendingOrderNumber;
  const email = d.email ?? state.pendingEmail;
  if (orderNumber !== null && email !== null) return attemptLookup(state, orderNumber, email, d, ctx);
  const ask = orderNumber !== null ? t.askOrderEmail : email !== null ? t.askOrderNumber : d.intent === 'order_late' ? t.askOrderDetailsLate : t.askOrderDetails;
  const next = withStep(
    { ...state, phase: 'awaiting_order_details', pendingOrderNumber: orderNumber, pendingEmail: email },
    { intent: d.intent === 'order_late' ? 'order_late' : 'order_status', outcome: 'asked_for_details' },
  );
  return reply(next, [text(ask)]);
}

function orderStatus(state: BotState, d: Detection, ctx: BotContext): Partial_ {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  const customer = ctx.customer;
  if (!customer) return unverifiedOrderStatus(state, d, ctx);
  const orders = [...customer.orders].sort((a, b) => b.createdAt - a.createdAt);
  const named = d.orderNumber === null ? undefined : orders.find((o) => normalizeOrderNumber(o.number) === d.orderNumber);
  if (named) {
    const next = withStep({ ...state, ...clearLookup, matchedOrderId: named.id }, { intent: d.intent, outcome: 'order_cards' });
    return reply(next, [{ kind: 'order_cards', text: t.orderFound(named.number), orders: [orderCard(named, ctx.locale)] }, ...lateFollowUp(state, ctx)]);
  }
  if (orders.length === 0) {
    // Maybe a guest order under another email: the unverified path, with its limits.
    const next = withStep({ ...state, phase: 'awaiting_order_details' }, { intent: d.intent, outcome: 'no_orders' });
    return reply(next, [text(t.noOrders)]);
  }
  const shown = orders.slice(0, RECENT_ORDERS_SHOWN);
  // Several cards: the chat is not yet about one order, so nothing is "matched".
  const matchedOrderId = shown.length === 1 ? shown[0]!.id : state.matchedOrderId;
  const next = withStep({ ...state, ...clearLookup, matchedOrderId }, { intent: d.intent, outcome: 'order_cards' });
  return reply(next, [{ kind: 'order_cards', text: t.recentOrders, orders: shown.map((o) => orderCard(o, ctx.locale)) }, ...lateFollowUp(state, ctx)]);
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

/** The merchant's policy text in `locale`, else in the other language (better than none). */
function policyText(ctx: BotContext, kind: keyof Policies): string | undefined {
  const p = ctx.policies;
  if (!p) return undefined;
  if ('es' in p || 'en' in p) {
    const byLocale = p as Partial<Record<Locale, Policies>>;
    return byLocale[ctx.locale]?.[kind] || byLocale[ctx.locale === 'es' ? 'en' : 'es']?.[kind] || undefined;
  }
  return (p as Policies)[kind] || undefined;
}

/** After an off-hours handoff: keep an email if the shopper leaves one; offer only once. */
function captureOfflineEmail(state: BotState, input: BotInput, ctx: BotContext): Partial_ | null {
  const email = extractEmail(input.text);
  const newState: BotState = { ...state, phase: 'idle' };
  if (email !== null) return { replies: [text(BOT_STRINGS[ctx.locale].emailSaved(email))], handoff: null, newState, contactEmail: email };
  // Queued: the message waits for the team, the bot stays quiet. With the bot: a normal turn.
  return ctx.status === 'queued' ? reply(newState, []) : null;
}

/** One bot turn: the shopper's message in, replies / handoff / next state out. */
export function botTurn(state: BotState, input: BotInput, ctx: BotContext): BotTurnResult {
  const done = (r: Partial_, locale: Locale, d: Detection | null): BotTurnResult => {
    const question = r.unanswered && r.unanswered.trim().split(/\s+/).length >= MIN_UNANSWERED_WORDS ? r.unanswered.trim().slice(0, 500) : null;
    const newState = question
      ? { ...r.newState, unanswered: [...(r.newState.unanswered ?? []), { text: question, at: ctx.now, locale }].slice(-MAX_UNANSWERED_KEPT) }
      : r.newState;
    return { ...r, newState, unanswered: question, locale, understood: d ? { intent: d.intent, confidence: d.confidence, faqId: d.faq?.id ?? null, language: d.language } : null };
  };
  if (state.phase === 'awaiting_offline_email' && (ctx.status === 'bot' || ctx.status === 'queued')) {
    const captured = captureOfflineEmail(state, input, ctx);
    if (captured) return done(captured, ctx.locale, null);
    state = { ...state, phase: 'idle' };
  }
  // Once people have the chat (or it is closed), the bot says nothing.
  if (ctx.status !== 'bot') return done(reply(state, []), ctx.locale, null);

  const d = detectIntent(input.text, ctx.locale, ctx.faqs ?? []);
  // Answer in the language the shopper wrote in; a message that does not say keeps the conversation's.
  const locale: Locale = d.language ?? ctx.locale;
  const lc: BotContext = locale === ctx.locale ? ctx : { ...ctx, locale };
  // A photo or file (with or without words): the bot cannot look at it, so a person will.
  if (input.files) return done(handoff(state, 'sent_file', d, lc, BOT_STRINGS[locale].fileReceived), locale, d);
  return done(turn(state, input, d, lc), locale, d);
}

function turn(state: BotState, input: BotInput, d: Detection, ctx: BotContext): Partial_ {
  const t: BotStrings = BOT_STRINGS[ctx.locale];
  if (ctx.customer?.vip && !state.vipHandled) return handoff({ ...state, vipHandled: true }, 'vip', d, ctx);

  // Details sent after we asked for them, whatever else the message looks like.
  const handsOff = d.intent === 'talk_to_person' || d.intent === 'complaint' || d.intent === 'cancel_order' || d.intent === 'change_order' || d.intent === 'payment_problem';
  if (state.phase === 'awaiting_order_details' && !handsOff && (d.orderNumber !== null || d.email !== null)) {
    const topic = state.lastTopic === 'order_late' ? 'order_late' : 'order_status';
    return unverifiedOrderStatus({ ...state, notUnderstoodStreak: 0, lastTopic: topic }, { ...d, intent: topic }, ctx);
  }

  // Any understood turn breaks the not-understood streak; a new topic ends a pending lookup.
  const understood: BotState = { ...state, notUnderstoodStreak: 0, ...(TOPICS.has(d.intent) ? { lastTopic: d.intent } : {}) };
  const topicChange: BotState = { ...understood, ...clearLookup };
  const answer = (s: BotState, body: string, outcome: StepOutcome): Partial_ => ({
    ...reply(withStep(s, { intent: d.intent, outcome }), [text(body)]),
    ...(outcome === 'no_info' ? { unanswered: input.text } : {}),
  });

  switch (d.intent) {
    case 'talk_to_person':
      return handoff(state, 'asked_for_human', d, ctx);
    case 'complaint':
      return handoff(understood, 'complaint', d, ctx);
    case 'cancel_order':
    case 'change_order':
    case 'payment_problem':
      return handoff(withStep(understood, { intent: d.intent, outcome: 'handed_off' }), 'needs_person', d, ctx);
    case 'product_question':
      return { ...handoff(withStep(understood, { intent: d.intent, outcome: 'no_info' }), 'needs_person', d, ctx), unanswered: input.text };
    case 'order_status':
    case 'order_late':
      return orderStatus(understood, d, ctx);
    case 'faq':
      return answer(topicChange, d.faq?.answer ?? t.notUnderstood, 'answered');
    case 'shipping': {
      const policy = policyText(ctx, 'shipping');
      return policy ? answer(topicChange, policy, 'answered') : answer(topicChange, t.shippingFallback, 'no_info');
    }
    case 'returns':
    case 'exchange': {
      const policy = policyText(ctx, 'returns');
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
      // The first time, one clarifying question with quick replies; the second, a person.
      if (streak >= MAX_NOT_UNDERSTOOD) return { ...handoff(next, 'not_understood', d, ctx), unanswered: input.text };
      if (state.phase === 'awaiting_order_details') return reply(next, [text(t.stillNeedOrderDetails)]);
      return { ...reply(next, [{ kind: 'quick_replies', text: t.clarify, options: [...t.clarifyOptions] }]), unanswered: input.text };
    }
    default: {
      const exhaustive: never = d.intent;
      throw new Error(`unhandled intent ${String(exhaustive)}`);
    }
  }
}
