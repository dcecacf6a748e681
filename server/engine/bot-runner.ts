/**
 * Runs the built-in bot (domain/bot) for a shopper's message: gathers what it may know (a verified
 * customer's orders, an order looked up by number, the merchant's FAQ, policies and hours),
 * stores its replies as bot messages, keeps its memory, and carries out a handoff: the
 * conversation goes to the queue with a system message and the handoff packet agents see.
 */
import type { Locale } from '../../shared/i18n';
import type { CardPayload } from '../../shared/protocol';
import { botTurn, extractOrderDetails, initialBotState, MAX_LOOKUP_FAILURES, normalizeOrderNumber, type BotContext, type BotOrder, type BotState, type FaqEntry } from '../domain/bot';
import type { BusinessSchedule } from '../domain/hours';
import { orderCardPayload } from '../domain/cards';
import { publishAppended } from '../events';
import { ConflictError } from '../store/errors';
import type { OrderRecord, SiteRecord, Store, VisitorRecord, AppendMessageResult } from '../store/types';
import type { GatewayDeps } from '../ws/gateway-common';
import { siteHours } from '../presence';

/** Site settings the bot reads (`settings.bot`). */
export interface BotSettings {
  enabled?: boolean;
  name?: string;
  faqs?: FaqEntry[];
  policies?: { es?: { shipping?: string; returns?: string }; en?: { shipping?: string; returns?: string } };
  /** Superseded by `settings.hours` (BusinessHours); still read when that is absent. */
  hours?: { schedule: BusinessSchedule; timeZone: string } | null;
  /** The merchant's own bot (engine/external-bot.ts); as stored, checked when read. */
  webhook?: { url?: unknown; secret?: unknown; fallback?: unknown; timeoutMs?: unknown };
}

export function botSettings(site: SiteRecord): BotSettings {
  const s = site.settings.bot;
  return typeof s === 'object' && s !== null ? (s as BotSettings) : {};
}

/** Who the assistant's messages are from: the name the site gave it, else "Asistente"/"Assistant". */
export function botAuthor(site: SiteRecord, locale: Locale): { kind: 'bot'; name: string } {
  return { kind: 'bot', name: botSettings(site).name ?? (locale === 'es' ? 'Asistente' : 'Assistant') };
}

/** New conversations start with the bot unless the site turned it off. */
export function botEnabled(site: SiteRecord): boolean {
  return botSettings(site).enabled !== false;
}

function toBotOrder(o: OrderRecord, email: string | null): BotOrder {
  return {
    id: o.externalId,
    number: o.number,
    email,
    status: o.status,
    currency: o.currency,
    total: o.total,
    createdAt: o.createdAt,
    items: o.items.map((i) => ({ name: i.name, quantity: i.quantity })),
    shipments: o.shipments.map((s) => ({ carrier: s.carrier, trackingNumber: s.trackingNumber, trackingUrl: s.trackingUrl, status: s.status })),
  };
}

const HANDOFF_TEXT: Record<Locale, string> = { es: 'Te paso con una persona del equipo.', en: 'I am passing you to a person from the team.' };

/**
 * Turns queued per conversation: each reads the bot's memory the previous one saved, so twelve
 * tabs sending at once count as twelve attempts, not twelve first ones. (In-process: one server
 * holds a conversation's sockets; docs/security.md.)
 */
const turns = new Map<string, Promise<void>>();

/** One bot turn for `result` (a committed shopper message in a conversation the bot has). */
export function runBot(deps: GatewayDeps, site: SiteRecord, visitor: VisitorRecord, result: AppendMessageResult, address: string | null = null): Promise<void> {
  const key = result.conversation.id;
  const run = (turns.get(key) ?? Promise.resolve()).then(() => botTurnFor(deps, site, visitor, result, address));
  const tail = run.catch(() => undefined);
  turns.set(key, tail);
  void tail.then(() => {
    if (turns.get(key) === tail) turns.delete(key);
  });
  return run;
}

async function botTurnFor(deps: GatewayDeps, site: SiteRecord, visitor: VisitorRecord, result: AppendMessageResult, address: string | null): Promise<void> {
  const { message } = result;
  if (result.conversation.status !== 'bot' || message.author.kind !== 'visitor' || !message.text.trim()) return;
  // As it is now: an earlier turn may have handed it to people.
  const conversation = (await deps.store.conversations.get(site.id, result.conversation.id)) ?? result.conversation;
  if (conversation.status !== 'bot') return;
  const settings = botSettings(site);
  const data = await deps.store.conversations.botData(site.id, conversation.id);
  const locale: Locale = (data?.locale ?? visitor.locale) === 'en' ? 'en' : 'es';
  const state = (data?.botState as BotState | null) ?? initialBotState();

  // What the bot may know: orders only for a verified customer, or one looked up by number.
  const customer = visitor.verified && visitor.customerId ? await deps.store.customers.byId(site.id, visitor.customerId) : null;
  const customerOrders = customer ? await deps.store.orders.forCustomer(site.id, customer.id, 10) : [];
  const details = extractOrderDetails(message.text);
  const wanted = details.orderNumber ?? state.pendingOrderNumber;
  const looked = wanted ? await deps.store.orders.byNumber(site.id, wanted) : null;
  const now = deps.now();

  const ctx: BotContext = {
    locale,
    now,
    status: conversation.status,
    customer: customer ? { vip: customer.tags.includes('vip'), orders: customerOrders.map((o) => toBotOrder(o, customer.email)) } : null,
    lookupOrder: (n) => (looked && normalizeOrderNumber(looked.number) === normalizeOrderNumber(n) ? toBotOrder(looked, looked.customerEmail) : null),
    faqs: settings.faqs ?? [],
    ...(settings.policies?.[locale] ? { policies: settings.policies[locale] } : {}),
    // The site's business hours (console settings), else the older `settings.bot.hours`.
    hours: siteHours(site),
  };
  let turn = botTurn(state, { text: message.text }, ctx);
  // Failed lookups also count per email, client address and site, across conversations: with
  // that budget spent, the turn is taken as in a chat out of attempts (a person takes over).
  // From the check to the count nothing awaits, so parallel chats cannot all pass the check.
  const lookup = { siteId: site.id, email: details.email ?? state.pendingEmail, address };
  const failed = turn.newState.failedLookups > state.failedLookups;
  const attempted = failed || (turn.newState.tried !== state.tried && turn.newState.tried.at(-1)?.outcome === 'lookup_matched');
  if (attempted && !deps.limits.lookups.allows(lookup, now)) {
    turn = botTurn({ ...state, failedLookups: Math.max(state.failedLookups, MAX_LOOKUP_FAILURES) }, { text: message.text }, ctx);
  } else if (failed) {
    deps.limits.lookups.failed(lookup, now);
  }

  const author = botAuthor(site, locale);
  let n = 0;
  const append = async (input: { text: string; kind?: 'text' | 'card' | 'system'; payload?: Record<string, unknown>; transition?: { status: 'queued'; assigneeId: null } }) => {
    const appended = await deps.store.messages.append({
      siteId: site.id,
      conversationId: conversation.id,
      // Deterministic ids: a re-run for the same shopper message stores nothing twice.
      clientId: `bot_${message.id}_${n++}`,
      author: input.kind === 'system' ? { kind: 'system' } : author,
      text: input.text,
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.payload ? { payload: input.payload } : {}),
      ...(input.transition ? { transition: input.transition } : {}),
      now: deps.now(),
    });
    if (!appended.duplicate) await publishAppended(deps, appended);
  };

  for (const reply of turn.replies) {
    if (reply.kind === 'text') {
      await append({ text: reply.text });
      continue;
    }
    await append({ text: reply.text });
    for (const card of reply.orders) {
      const payload = orderCardPayload({ ...card, shipments: card.tracking.map((t) => ({ carrier: t.carrier, trackingNumber: t.trackingNumber, trackingUrl: t.url })) });
      await append({ text: `#${card.number}: ${card.statusLabel}`, kind: 'card', payload });
    }
  }

  await deps.store.conversations.saveBotData(site.id, conversation.id, {
    botState: turn.newState as unknown as Record<string, unknown>,
    ...(turn.handoff ? { handoff: turn.handoff as unknown as Record<string, unknown> } : {}),
  });
  if (turn.contactEmail) await deps.store.visitors.setProfile(site.id, visitor.id, { email: turn.contactEmail });

  if (turn.handoff) await handOff(deps, site.id, conversation.id, locale, turn.handoff as unknown as Record<string, unknown> & { reason: string }, `bot_${message.id}_${n++}`);
}

/**
 * Hands a conversation the bot holds to people: a system message committed with the move to the
 * queue, routing, and the `conversation.handoff` webhook. `packet` is what agents see (reason,
 * intent, matched order, what was tried); it is stored unless the caller already did.
 */
export async function handOff(
  deps: Pick<GatewayDeps, 'store' | 'bus' | 'logger' | 'now' | 'router' | 'fileUrls'>,
  siteId: string,
  conversationId: string,
  locale: Locale,
  packet: Record<string, unknown> & { reason: string },
  clientId: string,
  opts: { store?: boolean } = {},
): Promise<void> {
  if (opts.store) await deps.store.conversations.saveBotData(siteId, conversationId, { handoff: packet });
  let appended: AppendMessageResult;
  try {
    appended = await deps.store.messages.append({
    siteId,
    conversationId,
    clientId,
    author: { kind: 'system' },
    text: HANDOFF_TEXT[locale],
    kind: 'system',
    payload: { event: 'handoff', reason: packet.reason },
    transition: { status: 'queued', assigneeId: null, expect: { status: 'bot', assigneeId: null } },
    now: deps.now(),
    });
  } catch (err) {
    // A person took the chat meanwhile: nothing to hand over.
    if (err instanceof ConflictError) return;
    throw err;
  }
  if (appended.duplicate) return;
  await publishAppended(deps, appended);
  void deps.router.schedule(siteId);
  await deps.store.webhooks.enqueue(siteId, 'conversation.handoff', { conversation: { id: conversationId, status: 'queued' }, handoff: packet }, deps.now());
}
