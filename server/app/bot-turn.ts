/**
 * Runs the built-in bot (domain/bot) for a shopper's message: gathers what it may know (a verified
 * customer's orders, an order looked up by number, the merchant's FAQ, policies and hours),
 * stores its replies as bot messages, keeps its memory, and carries out a handoff: the
 * conversation goes to the queue with a system message and the handoff packet agents see.
 */
import type { Locale } from '../../shared/i18n';
import type { CardPayload } from '../../shared/protocol';
import { botTurn, extractOrderDetails, initialBotState, MAX_LOOKUP_FAILURES, normalizeOrderNumber, type BotContext, type BotOrder, type BotState, type BotTurnResult } from '../domain/bot';
import { orderCardPayload } from '../domain/cards';
import type { Message } from '../../shared/protocol';
import type { OrderRecord, SiteRecord, VisitorRecord, ConversationRecord } from '../store/types';
import { siteHours } from '../presence';
import type { CoreDeps } from './deps';
import { handOff, sendBotMessages, type BotReply } from './conversations';
import { RefusedError } from './errors';
import { botAuthor } from './site';
import { toSummary } from './publish';
import { topics } from '../bus/bus';

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

/**
 * The assistant's turns, queued per conversation: each reads the memory the previous one saved,
 * so twelve tabs sending at once count as twelve attempts, not twelve first ones. (In-process:
 * one server holds a conversation's sockets; docs/security.md.)
 */
const turns = new Map<string, Promise<void>>();

/** Runs `turn` after the turns queued before it for the same conversation. */
export function queueTurn(conversationId: string, turn: () => Promise<void>): Promise<void> {
  const run = (turns.get(conversationId) ?? Promise.resolve()).then(turn);
  const tail = run.catch(() => undefined);
  turns.set(conversationId, tail);
  void tail.then(() => {
    if (turns.get(conversationId) === tail) turns.delete(conversationId);
  });
  return run;
}

/** Settles when every turn queued so far has finished (a shutdown lets them land first). */
export async function turnsSettled(): Promise<void> {
  while (turns.size > 0) await Promise.all([...turns.values()]);
}

/** One bot turn for a committed shopper message in a conversation the bot has (callers queue it with `queueTurn`). */
export function runBot(deps: CoreDeps, site: SiteRecord, visitor: VisitorRecord, conversation: ConversationRecord, message: Message, address: string | null = null): Promise<void> {
  return botTurnFor(deps, site, visitor, conversation, message, address);
}

async function botTurnFor(deps: CoreDeps, site: SiteRecord, visitor: VisitorRecord, committed: ConversationRecord, message: Message, address: string | null): Promise<void> {
  if (committed.status !== 'bot' || message.author.kind !== 'visitor') return;
  // A photo or file: the assistant cannot look at it; its turn says so and hands off to a person.
  const files = Array.isArray(message.payload?.attachments) && message.payload.attachments.length > 0;
  if (!message.text.trim() && !files) return;
  // As it is now (an earlier turn may have handed it to people), with the assistant's memory: one read.
  const data = await deps.store.conversations.botData(site.id, committed.id);
  if (data && data.status !== 'bot') return;
  const conversation = { id: committed.id, status: data?.status ?? committed.status };
  const settings = site.settings.bot;
  const locale: Locale = (data?.locale ?? visitor.locale) === 'en' ? 'en' : 'es';
  // Older stored states lack newer fields: start from a fresh state and lay the stored one over it.
  const state: BotState = { ...initialBotState(), ...((data?.botState as Partial<BotState> | null) ?? {}) };

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
    faqs: settings.faqs,
    // Both languages: the bot answers in the language of each message.
    policies: settings.policies,
    // The site's business hours (console settings), else the older `settings.bot.hours`.
    hours: siteHours(site),
    teamAway: deps.teamAvailable ? !deps.teamAvailable(site.id, now) : false,
  };
  let turn = botTurn(state, { text: message.text, files }, ctx);
  /** The turn proved an order: its number and email matched a lookup. */
  const provedOrder = (t: BotTurnResult) => t.newState.tried !== state.tried && t.newState.tried.at(-1)?.outcome === 'lookup_matched';
  // Failed lookups also count per email, client address and site, across conversations: with
  // that budget spent, the turn is taken as in a chat out of attempts (a person takes over).
  // From the check to the count nothing awaits, so parallel chats cannot all pass the check.
  if (deps.lookups) {
    const lookup = { siteId: site.id, email: details.email ?? state.pendingEmail, address };
    const failed = turn.newState.failedLookups > state.failedLookups;
    const attempted = failed || provedOrder(turn);
    if (attempted && !deps.lookups.allows(lookup, now)) {
      turn = botTurn({ ...state, failedLookups: Math.max(state.failedLookups, MAX_LOOKUP_FAILURES) }, { text: message.text, files }, ctx);
    } else if (failed) {
      deps.lookups.failed(lookup, now);
    }
  }

  const replies: BotReply[] = [];
  for (const reply of turn.replies) {
    if (reply.kind === 'quick_replies') {
      replies.push({ text: reply.text, kind: 'card', payload: { type: 'quick_replies', options: reply.options } });
      continue;
    }
    replies.push({ text: reply.text });
    if (reply.kind === 'text') continue;
    for (const card of reply.orders) {
      const payload = orderCardPayload({ ...card, shipments: card.tracking.map((t) => ({ carrier: t.carrier, trackingNumber: t.trackingNumber, trackingUrl: t.url })) });
      replies.push({ text: `#${card.number}: ${card.statusLabel}`, kind: 'card', payload });
    }
  }
  // An email the shopper gave this turn — left to be answered out of hours, or proved with the
  // order it placed — is where they can be answered: kept on the visitor (the store writes it
  // while the visitor is unverified) and told to their open tabs, which then stop asking for it.
  const learned = turn.contactEmail ?? (!visitor.verified && provedOrder(turn) ? (looked?.customerEmail ?? null) : null);
  // Deterministic ids: a re-run for the same shopper message stores nothing twice. Its memory
  // and an email the shopper gave are written with its replies, in one transaction.
  await sendBotMessages(deps, {
    siteId: site.id,
    conversationId: conversation.id,
    author: botAuthor(site, turn.locale),
    replies,
    clientId: `bot_${message.id}_0`,
    data: { botState: turn.newState as unknown as Record<string, unknown>, ...(turn.handoff ? { handoff: turn.handoff as unknown as Record<string, unknown> } : {}) },
    ...(learned ? { visitor: { id: visitor.id, email: learned } } : {}),
  });
  if (learned && learned !== visitor.email) deps.bus.publish(topics.visitor(site.id, visitor.id), { type: 'profile.saved', name: visitor.name, email: learned });
  if (turn.newState.matchedOrderId !== state.matchedOrderId) {
    // The shopper proved an order: agents now see its customer's name, email and order numbers.
    const item = await deps.store.conversations.listItem(site.id, conversation.id);
    if (item) deps.bus.publish(topics.siteAgents(site.id), { type: 'conversation.updated', conversation: toSummary(item) });
  }

  if (turn.handoff) await handOffQuietly(deps, site.id, conversation.id, turn.handoff as unknown as Record<string, unknown> & { reason: string }, `bot_${message.id}_handoff`);
}

/** Hands off unless a person took the chat meanwhile (then there is nothing to hand over). */
export async function handOffQuietly(
  deps: CoreDeps,
  siteId: string,
  conversationId: string,
  packet: Record<string, unknown> & { reason: string },
  clientId: string,
  opts: { storePacket?: boolean } = {},
): Promise<void> {
  try {
    await handOff(deps, { siteId, conversationId, packet, clientId, ...(opts.storePacket ? { storePacket: true } : {}) });
  } catch (err) {
    if (!(err instanceof RefusedError)) throw err;
  }
}
