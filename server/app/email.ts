/**
 * E-mail use cases (issue 13) that are not a message: the offline confirmation when the shopper
 * leaves an address after writing, a transcript on request. Conversation messages that come in
 * by e-mail are written by app/inbound-email.ts through the conversation core.
 */
import type { SiteRecord, VisitorRecord } from '../store/types';
import type { CoreDeps } from './deps';
import { InvalidRequestError } from './errors';
import { rateConversation, sendShopperMessage, shopperAddress } from './conversations';
import { ConflictError } from '../store/errors';

/** The shopper left an address while nobody is online: confirm the open conversation (once). */
export async function confirmOffline(deps: CoreDeps, site: SiteRecord, visitor: VisitorRecord): Promise<void> {
  if (!deps.mail || !visitor.email || !deps.teamAvailable || deps.teamAvailable(site.id, deps.now())) return;
  const open = (await deps.store.conversations.listForVisitor(site.id, visitor)).find((c) => c.status !== 'resolved' && c.visitorId === visitor.id);
  if (!open || open.lastVisibleSeq === 0) return;
  await deps.store.mail.enqueue(site.id, open.id, { kind: 'offline_confirmation', sendAfter: deps.now() }, deps.now());
}

/** A transcript of the conversation to the shopper's address (asked from the widget, or by the agent at resolve). */
export async function sendTranscript(deps: CoreDeps, input: { siteId: string; conversationId: string; toAddress?: string | null }): Promise<void> {
  if (!deps.mail) throw new InvalidRequestError('not_allowed', 'e-mail is not configured');
  await deps.store.mail.enqueue(input.siteId, input.conversationId, { kind: 'transcript', sendAfter: deps.now(), toAddress: input.toAddress ?? null }, deps.now());
}

/** The shopper asks for a transcript of one of their conversations (widget). */
export async function requestTranscript(deps: CoreDeps, input: { site: SiteRecord; visitor: VisitorRecord; conversationId: string }): Promise<void> {
  const conversation = await deps.store.conversations.getForVisitor(input.site.id, input.conversationId, input.visitor);
  if (!conversation) throw new InvalidRequestError('not_found', 'conversation not found');
  if (!(await shopperAddress(deps, input.site.id, conversation.id))) throw new InvalidRequestError('not_allowed', 'leave your e-mail address first');
  await sendTranscript(deps, { siteId: input.site.id, conversationId: conversation.id });
}

/** The shopper answers from the page a mail's link opened: a shopper message in that conversation. */
export async function replyFromLink(deps: CoreDeps, input: { siteId: string; conversationId: string; clientId: string; text: string }): Promise<void> {
  const [site, conversation] = await Promise.all([deps.store.sites.byId(input.siteId), deps.store.conversations.get(input.siteId, input.conversationId)]);
  if (!site || !conversation) throw new InvalidRequestError('not_found', 'conversation not found');
  const visitor = await deps.store.visitors.byId(site.id, conversation.visitorId);
  if (!visitor) throw new InvalidRequestError('not_found', 'conversation not found');
  await sendShopperMessage(deps, { site, visitor, conversationId: conversation.id, clientId: input.clientId, text: input.text });
}

/**
 * The shopper rates from the page a rating mail's link opened: the same commit as the widget's
 * rating (the agents' note, the `conversation.rated` webhook), for the latest resolution.
 * 'rated': stored; 'already': that resolution has its rating; 'open': the chat is not resolved now.
 */
export async function rateFromLink(deps: CoreDeps, input: { siteId: string; conversationId: string; score: number; comment: string | null }): Promise<'rated' | 'already' | 'open'> {
  const [site, conversation] = await Promise.all([deps.store.sites.byId(input.siteId), deps.store.conversations.get(input.siteId, input.conversationId)]);
  if (!site || !conversation) throw new InvalidRequestError('not_found', 'conversation not found');
  if (conversation.status !== 'resolved') return 'open';
  const visitor = await deps.store.visitors.byId(site.id, conversation.visitorId);
  if (!visitor) throw new InvalidRequestError('not_found', 'conversation not found');
  const pending = await deps.store.ratings.pending(site.id, conversation.id);
  if (!pending || pending.rated) return 'already';
  try {
    // One clientId per resolution: a form sent twice stores one rating.
    await rateConversation(deps, { site, visitor, conversationId: conversation.id, clientId: `rate_mail_${pending.resolvedEventId}`, score: input.score, comment: input.comment });
    return 'rated';
  } catch (e) {
    if (e instanceof ConflictError) return 'already';
    throw e;
  }
}
