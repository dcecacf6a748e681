/**
 * Who a conversation is with, as agents see them beside the chat: the visitor, the customer the
 * shop knows (a verified identity, or the order the shopper proved in the chat), the agents'
 * notes about them, and their other conversations.
 */
import type { AgentRecord, ContactNotesRecord, ContactRef, ConversationListItem, CustomerRecord, OrderRecord, Store, VisitorRecord } from '../store/types';
import { InvalidRequestError } from './errors';

/** The longest contact notes (characters). */
export const NOTES_MAX = 4000;

const stringOr = (x: unknown): string | null => (typeof x === 'string' && x ? x : null);

export interface ConversationContact {
  visitor: VisitorRecord;
  customer: CustomerRecord | null;
  /** How the customer is known: a verified identify, or an order the shopper proved in the chat. */
  verifiedBy: 'identity' | 'order' | null;
  matchedOrder: OrderRecord | null;
  bot: { botState: Record<string, unknown> | null; handoff: Record<string, unknown> | null; locale: string | null } | null;
  /** Whom notes are about: the customer when known, else the visitor. */
  subject: ContactRef;
}

/** The contact of a conversation of the site, or null when there is no such conversation. */
export async function contactOf(store: Store, siteId: string, conversationId: string): Promise<ConversationContact | null> {
  const conversation = await store.conversations.get(siteId, conversationId);
  if (!conversation) return null;
  const visitor = await store.visitors.byId(siteId, conversation.visitorId);
  if (!visitor) return null;
  const bot = await store.conversations.botData(siteId, conversation.id);
  // The order the shopper proved in this chat (number + email, checked by the bot), if any.
  const matchedOrderId = stringOr(bot?.botState?.matchedOrderId) ?? stringOr(bot?.handoff?.matchedOrderId);
  const matchedOrder = matchedOrderId ? await store.orders.byExternalId(siteId, matchedOrderId) : null;
  // A claimed id proves nothing: only a verified identity or an order proved in the chat.
  let customer = visitor.verified && visitor.customerId ? await store.customers.byId(siteId, visitor.customerId) : null;
  const verifiedBy = customer ? 'identity' : matchedOrder ? 'order' : null;
  if (!customer && matchedOrder) customer = await store.customers.byExternalId(siteId, matchedOrder.customerExternalId);
  const subject: ContactRef = customer ? { kind: 'customer', id: customer.id } : { kind: 'visitor', id: visitor.id };
  return { visitor, customer, verifiedBy, matchedOrder, bot, subject };
}

/** The notes as agents read them: the text, when, and who wrote them last (by name). */
export async function notesOut(store: Store, siteId: string, subject: ContactRef, notes: ContactNotesRecord | null) {
  const by = notes?.updatedBy ? await store.agents.byId(siteId, notes.updatedBy) : null;
  return { subject: subject.kind, text: notes?.text ?? '', updatedAt: notes ? new Date(notes.updatedAt).toISOString() : null, updatedBy: by?.name ?? null };
}

/** An agent writes the notes about the contact of a conversation (plain text; empty clears them). */
export async function saveContactNotes(deps: { store: Store; now: () => number }, input: { agent: AgentRecord; conversationId: string; text: string }) {
  const siteId = input.agent.siteId;
  const text = input.text.replace(/\r\n?/g, '\n').trim();
  if ([...text].length > NOTES_MAX) throw new InvalidRequestError('not_allowed', `notes are at most ${NOTES_MAX} characters`);
  const contact = await contactOf(deps.store, siteId, input.conversationId);
  if (!contact) throw new InvalidRequestError('not_found', 'no such conversation');
  const saved = await deps.store.contactNotes.save(siteId, contact.subject, text, input.agent.id, deps.now());
  return notesOut(deps.store, siteId, contact.subject, saved);
}

/** The contact's other conversations (this visitor's, and a verified customer's on other devices), newest first. */
export async function pastConversations(store: Store, siteId: string, visitor: VisitorRecord, currentId: string, limit = 10): Promise<ConversationListItem[]> {
  const others = (await store.conversations.listForVisitor(siteId, visitor)).filter((c) => c.id !== currentId).slice(0, limit);
  const items = await Promise.all(others.map((c) => store.conversations.listItem(siteId, c.id)));
  return items.flatMap((item) => (item ? [item] : []));
}
