/**
 * The conversation use cases: the only code that writes messages. Transports (ws/, routes/)
 * parse a request, call one of these, and answer. Each one reads what the rule needs, then
 * commits one change (app/core) whose lifecycle decision is taken inside the transaction.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../../shared/i18n';
import type { Author } from '../../shared/protocol';
import { parseCard, type CardPayload } from '../../shared/cards';
import type { AgentRef, Command } from '../domain/lifecycle';
import { orderCard } from '../domain/cards';
import { orderEventMessage, type OrderEvent } from '../domain/proactive';
import { siteTeams } from '../domain/teams';
import { AttachmentError } from '../store/errors';
import type { AgentRecord, AttachmentRecord, CommitResult, CommitSnapshot, ConversationDataPatch, SiteRecord, VisitorPatch, VisitorRecord } from '../store/types';
import { commitChange, keyedMessage, previewOf, type Committed } from './core';
import type { CoreDeps } from './deps';
import { InvalidRequestError } from './errors';
import { botEnabled } from './site';
import { shopperLanguage } from './shopper-language';

export { keyedMessage };

/** The files of a message: each must exist, be the sender's upload, and not belong to another conversation. */
function claimFiles(snapshot: CommitSnapshot, ids: readonly string[] | undefined, uploader: { kind: 'visitor' | 'agent'; id: string }) {
  if (!ids?.length) return { payload: null, claim: [] as string[] };
  const byId = new Map<string, AttachmentRecord>(snapshot.attachments.map((a) => [a.id, a]));
  const seen = new Set<string>();
  const files = ids.map((id) => {
    const file = byId.get(id);
    // Claimed by any message, this one included (the same id twice in one send): used once. A
    // resend of the message that claimed it is answered as a duplicate before this runs.
    const used = file?.conversationId != null || seen.has(id);
    seen.add(id);
    if (!file || file.uploaderKind !== uploader.kind || file.uploaderId !== uploader.id || used) throw new AttachmentError(id);
    return { id: file.id, name: file.fileName, contentType: file.contentType, size: file.size };
  });
  return { payload: { attachments: files } as Record<string, unknown>, claim: [...ids] };
}

/** The agent who last had the conversation, when they are online with room for it now. */
async function lastAssigneeWithRoom(deps: CoreDeps, siteId: string, conversationId: string | undefined) {
  if (!conversationId) return null;
  const current = await deps.store.conversations.get(siteId, conversationId);
  if (current?.status !== 'resolved' || !current.lastAssigneeId) return null;
  return deps.routing.agentWithRoom(siteId, current.lastAssigneeId);
}

export interface ShopperMessage {
  site: SiteRecord;
  visitor: VisitorRecord;
  /** Absent: the shopper's open conversation, or a new one. */
  conversationId?: string | undefined;
  clientId: string;
  text: string;
  attachmentIds?: string[] | undefined;
  /** The widget's language when the site set it explicitly (`Mostrador('locale', …)`). */
  locale?: Locale | undefined;
  /** 'email': the shopper answered by e-mail (app/inbound-email). */
  channel?: 'chat' | 'email' | undefined;
}

/**
 * A shopper writes. Starts a conversation (with the bot, or waiting for people), reopens a
 * resolved one (to its agent if they can take it), starts the shopper's wait for a person.
 */
export async function sendShopperMessage(deps: CoreDeps, input: ShopperMessage, committed?: Committed): Promise<CommitResult> {
  const { visitor } = input;
  const site = (await deps.store.sites.byId(input.site.id)) ?? input.site;
  const botOn = botEnabled(site);
  const customerId = visitor.verified ? visitor.customerId : null;
  // The conversation's and the visitor's language follow the shopper's, in the same transaction.
  const language = shopperLanguage(input.text, input.locale);
  /**
   * Whether the agent who had a resolved chat can take it back is asked only when the commit
   * finds the chat resolved (rare): the hot path does no extra read. Unknown until then.
   */
  let lastAssignee: AgentRef | null | undefined;
  const offlineMail = deps.mail !== undefined && visitor.email !== null && deps.teamAvailable !== undefined && !deps.teamAvailable(site.id, deps.now());
  for (;;) {
    try {
      return await commitChange(
        deps,
        {
          siteId: site.id,
          target: input.conversationId ? { conversationId: input.conversationId } : { openFor: { visitorId: visitor.id, customerId } },
          clientId: input.clientId,
          attachmentIds: input.attachmentIds,
          change: (snapshot) => {
            const c = snapshot.conversation;
            // A shopper writes only into their own conversation, or a verified sibling device's.
            if (c && c.visitorId !== visitor.id && !(customerId && snapshot.ownerCustomerId === customerId)) throw new InvalidRequestError('not_found', 'conversation not found');
            if (c?.status === 'resolved' && c.lastAssigneeId && lastAssignee?.id !== c.lastAssigneeId && lastAssignee !== null) throw new NeedsAgent(c.lastAssigneeId);
            const files = claimFiles(snapshot, input.attachmentIds, { kind: 'visitor', id: visitor.id });
            const message: Command = { type: 'shopper_message', botOn, lastAssignee: c && lastAssignee && lastAssignee.id === c.lastAssigneeId ? lastAssignee : null };
            return {
              actor: { kind: 'visitor' },
              commands: c ? [message] : [{ type: 'start', via: 'shopper', botOn }, message],
              create: { visitorId: visitor.id, locale: language ?? visitor.locale },
              ...(c && language && c.locale !== language ? { data: { locale: language } } : {}),
              ...(language && visitor.locale !== language ? { visitor: { id: visitor.id, locale: language } } : {}),
              message: {
                author: { kind: 'visitor', id: visitor.id, ...(visitor.name ? { name: visitor.name } : {}) },
                kind: 'text',
                text: input.text,
                payload: files.payload,
                preview: previewOf(input.text, files.payload),
                ...(input.channel === 'email' ? { channel: 'email' as const } : {}),
              },
              claimAttachments: files.claim,
              // Nobody online and the shopper left an address: they get a confirmation (once per conversation).
              ...(offlineMail ? { mail: () => [{ kind: 'offline_confirmation' as const, sendAfter: deps.now() }] } : {}),
            };
          },
        },
        committed,
      ).then((result) => {
        if (language && !result.duplicate) visitor.locale = language;
        return result;
      });
    } catch (err) {
      if (!(err instanceof NeedsAgent)) throw err;
      // Nothing was written: ask presence and loads, then commit again on the row as it is then.
      lastAssignee = (await deps.routing.agentWithRoom(site.id, err.agentId)) ?? null;
    }
  }
}

/** Thrown inside a commit (which then writes nothing) when the rule needs to know whether an agent can take the chat. */
class NeedsAgent extends Error {
  constructor(readonly agentId: string) {
    super('needs the agent availability');
  }
}

const agentAuthor = (agent: AgentRef): Author => ({ kind: 'agent', id: agent.id, name: agent.name });

export interface AgentMessage {
  agent: AgentRecord;
  conversationId: string;
  clientId: string;
  text: string;
  kind: 'text' | 'note';
  attachmentIds?: string[] | undefined;
  /** Send it to the shopper by e-mail now (not only when they stay away). */
  byEmail?: boolean | undefined;
}

/** The shopper's address for mail about this conversation: the verified customer's, else the one they gave. */
export async function shopperAddress(deps: CoreDeps, siteId: string, conversationId: string): Promise<string | null> {
  const conversation = await deps.store.conversations.get(siteId, conversationId);
  if (!conversation) return null;
  const visitor = await deps.store.visitors.byId(siteId, conversation.visitorId);
  const customer = visitor?.customerId ? await deps.store.customers.byId(siteId, visitor.customerId) : null;
  return customer?.email ?? visitor?.email ?? null;
}

/**
 * An agent writes: a reply answers the shopper (and takes a chat nobody holds); a note moves
 * nothing. A reply to a shopper with an address queues (in the same transaction) the digest
 * mail that goes out if it stays unread; `byEmail` sends it by e-mail at once, on purpose.
 */
export async function sendAgentMessage(deps: CoreDeps, input: AgentMessage, committed?: Committed): Promise<CommitResult> {
  const { agent } = input;
  const mail = deps.mail;
  const mailable = mail && input.kind === 'text' && (await shopperAddress(deps, agent.siteId, input.conversationId)) !== null;
  if (input.byEmail && !mailable) throw new InvalidRequestError('not_allowed', mail ? 'the shopper has no e-mail address' : 'e-mail is not configured');
  return commitChange(deps, {
    siteId: agent.siteId,
    target: { conversationId: input.conversationId },
    clientId: input.clientId,
    attachmentIds: input.attachmentIds,
    change: (snapshot) => {
      const files = claimFiles(snapshot, input.attachmentIds, { kind: 'agent', id: agent.id });
      return {
        actor: { kind: 'agent', id: agent.id, name: agent.name },
        commands: input.kind === 'note' ? [] : [{ type: 'agent_message', agent }],
        message: {
          author: agentAuthor(agent),
          kind: input.kind,
          text: input.text,
          payload: files.payload,
          preview: previewOf(input.text, files.payload),
          ...(input.byEmail ? { channel: 'email' as const } : {}),
        },
        claimAttachments: files.claim,
        ...(mailable
          ? {
              mail: ({ messages }) =>
                input.byEmail
                  ? [{ kind: 'reply' as const, sendAfter: deps.now(), messageIds: messages.filter((m) => m.kind === 'text').map((m) => m.id) }]
                  : [{ kind: 'digest' as const, sendAfter: deps.now() + mail.awayMs }],
            }
          : {}),
      };
    },
  }, committed);
}

/** An agent shares one of the verified shopper's orders as a card. */
export async function shareOrder(deps: CoreDeps, input: { agent: AgentRecord; conversationId: string; clientId: string; orderId: string }, committed?: Committed): Promise<CommitResult> {
  const { agent } = input;
  const siteId = agent.siteId;
  const conversation = await deps.store.conversations.get(siteId, input.conversationId);
  if (!conversation) throw new InvalidRequestError('not_found', 'conversation not found');
  const visitor = await deps.store.visitors.byId(siteId, conversation.visitorId);
  // Order data goes only to a shopper the shop verified as that order's customer.
  const customer = visitor?.verified && visitor.customerId ? await deps.store.customers.byId(siteId, visitor.customerId) : null;
  if (!visitor || !customer) throw new InvalidRequestError('not_verified', "the shopper's identity is not verified");
  const order = await deps.store.orders.byExternalId(siteId, input.orderId);
  if (!order || order.customerExternalId !== customer.externalId) throw new InvalidRequestError('not_found', 'order not found for this customer');
  const card = orderCard(order, visitor.locale === 'en' ? 'en' : 'es');
  return commitChange(deps, {
    siteId,
    target: { conversationId: conversation.id },
    clientId: input.clientId,
    change: () => ({
      actor: { kind: 'agent', id: agent.id, name: agent.name },
      commands: [{ type: 'agent_message', agent }],
      message: { author: agentAuthor(agent), kind: 'card', text: card.text, payload: card.payload as Record<string, unknown>, preview: previewOf(card.text, null) },
    }),
  }, committed);
}

export type AgentAction = 'take' | 'take_over' | 'transfer' | 'resolve' | 'reopen' | 'return_to_bot' | 'snooze' | 'unsnooze';

export interface ActInput {
  agent: AgentRecord;
  conversationId: string;
  clientId: string;
  action: AgentAction;
  /** What the agent saw: if another agent changed it first, `conflict` instead of overriding them. */
  seen?: { status: 'bot' | 'queued' | 'assigned' | 'resolved'; assigneeId: string | null } | undefined;
  /** For transfer: the agent receiving the chat… */
  agentId?: string | undefined;
  /** …or the team (back to the queue, routed to that team). */
  team?: string | undefined;
  /** For transfer: a note for whoever receives it, kept as an internal note. */
  note?: string | undefined;
  /** For resolve: also e-mail the shopper the transcript (queued in the same transaction). */
  transcript?: boolean | undefined;
  /** For snooze: until when (epoch ms); absent: until the shopper writes. */
  until?: number | undefined;
}

/** An agent acts on a conversation: take, take over, transfer, resolve, reopen, return to the bot, snooze, wake. */
export async function act(deps: CoreDeps, input: ActInput, committed?: Committed): Promise<CommitResult> {
  const { agent } = input;
  const siteId = agent.siteId;
  const me: AgentRef = { id: agent.id, name: agent.name };
  let command: Command;
  switch (input.action) {
    case 'take':
    case 'take_over':
      command = { type: input.action, agent: me };
      break;
    case 'resolve':
      command = { type: 'resolve', by: { kind: 'agent', id: agent.id, name: agent.name } };
      break;
    case 'return_to_bot':
      command = { type: 'return_to_bot', by: me };
      break;
    case 'reopen':
      command = { type: 'reopen', by: me, lastAssignee: await lastAssigneeWithRoom(deps, siteId, input.conversationId) };
      break;
    case 'snooze':
      command = { type: 'snooze', by: me, until: input.until ?? null };
      break;
    case 'unsnooze':
      command = { type: 'unsnooze', by: me };
      break;
    case 'transfer': {
      if (!input.agentId && input.team === undefined) throw new InvalidRequestError('not_allowed', 'choose who receives the chat');
      if (input.agentId && input.team !== undefined) throw new InvalidRequestError('not_allowed', 'choose an agent or a team, not both');
      if (input.agentId) {
        const target = await deps.store.agents.byId(siteId, input.agentId);
        if (!target || target.disabled) throw new InvalidRequestError('not_found', 'no such agent');
        command = { type: 'transfer', by: me, to: { id: target.id, name: target.name } };
      } else {
        // Only a team the site has (spelled as the site spells it).
        const site = await deps.store.sites.byId(siteId);
        const team = siteTeams(await deps.store.agents.list(siteId), site?.settings.teams ?? []).find((t) => t.toLowerCase() === input.team!.trim().toLowerCase());
        if (!team) throw new InvalidRequestError('not_found', 'no such team');
        command = { type: 'transfer_team', by: me, team };
      }
      break;
    }
  }
  const note = input.action === 'transfer' ? input.note?.trim() : undefined;
  // Who snoozed it (and until when) or woke it stays in the team's view of the chat: an internal line.
  const snoozeLine =
    input.action === 'snooze'
      ? { text: input.until ? `Snoozed until ${new Date(input.until).toISOString()}` : 'Snoozed until the shopper writes', payload: { event: 'snoozed', until: input.until ?? null } }
      : input.action === 'unsnooze'
        ? { text: 'Woken up', payload: { event: 'unsnoozed' } }
        : null;
  const address = input.action === 'resolve' && deps.mail !== undefined ? await shopperAddress(deps, siteId, input.conversationId) : null;
  const transcript = address !== null && input.transcript === true;
  // The rating question by e-mail, for a shopper who has left: sent after a while, and only if the
  // chat is still resolved and this resolution unrated by then (mail/dispatcher).
  const mails = [
    ...(transcript ? [{ kind: 'transcript' as const, sendAfter: deps.now() }] : []),
    ...(address !== null ? [{ kind: 'rating' as const, sendAfter: deps.now() + (deps.mail?.ratingDelayMs ?? RATING_MAIL_DELAY_MS) }] : []),
  ];
  return commitChange(deps, {
    siteId,
    target: { conversationId: input.conversationId },
    clientId: input.clientId,
    change: () => ({
      actor: { kind: 'agent', id: agent.id, name: agent.name },
      commands: [command],
      seen: input.seen,
      // The note for whoever receives the chat: internal, so it never reaches the shopper.
      ...(note ? { after: [{ clientId: `note_${input.clientId}`, author: agentAuthor(agent), kind: 'note' as const, text: note, payload: null, preview: null }] } : {}),
      ...(snoozeLine ? { after: [{ clientId: null, author: agentAuthor(agent), kind: 'note' as const, ...snoozeLine, preview: null }] } : {}),
      ...(mails.length ? { mail: () => mails } : {}),
    }),
  }, committed);
}

/**
 * An agent writes first to a shopper on the site: their open chat (taken from the bot or the
 * queue) or a new one becomes this agent's. A chat another agent holds is refused.
 */
export async function startChat(deps: CoreDeps, input: { agent: AgentRecord; visitorId: string; clientId: string; text: string }, committed?: Committed): Promise<CommitResult> {
  const { agent } = input;
  const siteId = agent.siteId;
  const visitor = await deps.store.visitors.byId(siteId, input.visitorId);
  if (!visitor) throw new InvalidRequestError('not_found', 'no such visitor');
  const team = await deps.store.agents.list(siteId);
  const me: AgentRef = { id: agent.id, name: agent.name };
  return commitChange(deps, {
    siteId,
    target: { openFor: { visitorId: visitor.id, customerId: null } },
    clientId: input.clientId,
    change: (snapshot) => {
      const c = snapshot.conversation;
      if (c?.status === 'assigned' && c.assigneeId !== agent.id) {
        const holder = team.find((a) => a.id === c.assigneeId)?.name ?? 'another agent';
        throw new InvalidRequestError('not_allowed', `${holder} is already chatting with them`);
      }
      return {
        actor: { kind: 'agent', id: agent.id, name: agent.name },
        commands: c ? [{ type: 'agent_message', agent: me }] : [{ type: 'start', via: 'agent', botOn: false, agent: me }],
        create: { visitorId: visitor.id, locale: visitor.locale },
        message: { author: agentAuthor(agent), kind: 'text', text: input.text, payload: null, preview: previewOf(input.text, null) },
      };
    },
  }, committed);
}

/**
 * The bot (built-in, the merchant's, or through the API) hands a conversation to people: it
 * joins the queue with the handoff packet agents see. Refused (RefusedError) when the bot no
 * longer has it.
 */
export async function handOff(
  deps: CoreDeps,
  input: { siteId: string; conversationId: string; packet: Record<string, unknown> & { reason: string }; clientId: string; storePacket?: boolean },
): Promise<CommitResult> {
  return commitChange(deps, {
    siteId: input.siteId,
    target: { conversationId: input.conversationId },
    clientId: input.clientId,
    change: () => ({
      actor: { kind: 'bot' },
      commands: [{ type: 'handoff', reason: input.packet.reason }],
      handoffPacket: input.packet,
      ...(input.storePacket ? { data: { handoff: input.packet } } : {}),
    }),
  });
}

export interface BotReply {
  text: string;
  kind?: 'text' | 'card' | undefined;
  payload?: Record<string, unknown> | CardPayload | undefined;
}

/**
 * The assistant answers: its messages move nothing (they never count as a person's answer). Its
 * memory (`data`) and what it learnt about the visitor are written in the same transaction.
 */
export async function sendBotMessages(
  deps: CoreDeps,
  input: { siteId: string; conversationId: string; author: Author; replies: BotReply[]; clientId: string; data?: ConversationDataPatch; visitor?: VisitorPatch },
): Promise<CommitResult | null> {
  if (input.replies.length === 0) {
    // Nothing to say: only the memory changes.
    if (input.data) await deps.store.conversations.saveBotData(input.siteId, input.conversationId, input.data);
    if (input.visitor?.email) await deps.store.visitors.setProfile(input.siteId, input.visitor.id, { email: input.visitor.email });
    return null;
  }
  return commitChange(deps, {
    siteId: input.siteId,
    target: { conversationId: input.conversationId },
    clientId: input.clientId,
    change: () => {
      // A card is stored only in a shape every client draws (shared/cards); else its text stands alone.
      const [first, ...rest] = input.replies.map((r) => ({
        author: input.author,
        kind: r.kind === 'card' && !parseCard(r.payload) ? ('text' as const) : (r.kind ?? ('text' as const)),
        text: r.text,
        payload: (r.payload as Record<string, unknown> | undefined) ?? null,
        preview: previewOf(r.text, null),
      }));
      return {
        actor: { kind: 'bot' },
        commands: [],
        message: first!,
        after: rest.map((m) => ({ ...m, clientId: null })),
        ...(input.data ? { data: input.data } : {}),
        ...(input.visitor ? { visitor: input.visitor } : {}),
      };
    },
  });
}

/** A message posted through the REST API, as the bot or as a named agent (who then answers the shopper). */
export async function postApiMessage(
  deps: CoreDeps,
  input: { siteId: string; conversationId: string; author: { kind: 'bot'; name: string } | { kind: 'agent'; agent: AgentRecord }; text: string; clientId: string | null },
): Promise<CommitResult> {
  const a = input.author;
  const author: Author = a.kind === 'bot' ? { kind: 'bot', name: a.name } : agentAuthor(a.agent);
  return commitChange(deps, {
    siteId: input.siteId,
    target: { conversationId: input.conversationId },
    clientId: input.clientId,
    change: () => ({
      actor: a.kind === 'bot' ? { kind: 'bot' } : { kind: 'agent', id: a.agent.id, name: a.agent.name },
      commands: a.kind === 'agent' ? [{ type: 'agent_message', agent: { id: a.agent.id, name: a.agent.name } }] : [],
      message: { author, kind: 'text', text: input.text, payload: null, preview: previewOf(input.text, null) },
    }),
  });
}

/**
 * A proactive message into the shopper's open conversation, or a new one. With the bot off a new
 * one does not wait for people (routing leaves it alone) until the shopper answers.
 */
export async function sendProactive(
  deps: CoreDeps,
  input: { site: SiteRecord; visitor: VisitorRecord; ruleId: string; text: string; author: Author; locale: Locale },
): Promise<CommitResult> {
  const botOn = botEnabled(input.site);
  return commitChange(deps, {
    siteId: input.site.id,
    target: { openFor: { visitorId: input.visitor.id, customerId: null } },
    clientId: `proactive_${input.ruleId}_${deps.now()}`,
    change: (snapshot) => ({
      actor: input.author.kind === 'agent' ? { kind: 'agent', id: input.author.id!, name: input.author.name ?? '' } : { kind: 'bot' },
      commands: snapshot.conversation ? [] : [{ type: 'start', via: 'proactive', botOn }],
      create: { visitorId: input.visitor.id, locale: input.locale },
      message: { author: input.author, kind: 'text', text: input.text, payload: { proactive: input.ruleId }, preview: previewOf(input.text, null) },
    }),
  });
}

export interface OrderEventInput {
  site: SiteRecord;
  orderId: string;
  type: OrderEvent['type'];
  estimatedDelivery?: string | null | undefined;
  refundAmount?: number | null | undefined;
  /** The merchant's own words instead of ours. */
  message?: string | undefined;
  /** The request's idempotency key: a retried event stores nothing twice. */
  idempotencyKey?: string | undefined;
}

export type OrderEventOutcome =
  | { ok: false; reason: 'unknown_order' }
  | { ok: true; delivered: false }
  | { ok: true; delivered: true; conversationId: string; messageId: string; duplicate: boolean };

/**
 * Tells the shopper about an order event (shipped, delayed, delivered, return accepted) in their
 * chat: the REST API and the shop connectors call this. Only a shopper the shop verified as the
 * order's customer gets it. A chat it creates starts with the bot, or waits for people (routed)
 * when the bot is off. The message does not count as anyone's answer.
 */
export async function postOrderEvent(deps: CoreDeps, input: OrderEventInput): Promise<OrderEventOutcome> {
  const { site } = input;
  const order = await deps.store.orders.byExternalId(site.id, input.orderId);
  if (!order) return { ok: false, reason: 'unknown_order' };
  const customer = await deps.store.customers.byExternalId(site.id, order.customerExternalId);
  const visitor = customer ? await deps.store.visitors.latestVerifiedForCustomer(site.id, customer.id) : null;
  if (!visitor) return { ok: true, delivered: false };
  const locale = visitor.locale === 'en' ? 'en' : 'es';
  const shipment = order.shipments[order.shipments.length - 1];
  const event: OrderEvent =
    input.type === 'order.shipped'
      ? { type: input.type, orderNumber: order.number, carrier: shipment?.carrier ?? null, trackingNumber: shipment?.trackingNumber ?? null, trackingUrl: shipment?.trackingUrl ?? null }
      : input.type === 'order.delayed'
        ? { type: input.type, orderNumber: order.number, estimatedDelivery: input.estimatedDelivery ?? null }
        : input.type === 'return.accepted'
          ? { type: input.type, orderNumber: order.number, refundAmount: input.refundAmount ?? null, currency: order.currency }
          : { type: input.type, orderNumber: order.number };
  // The news in a sentence, then the order as the same card the bot shows (with the tracking
  // link); the card's text is the fallback for webhooks and email, link included.
  const text = input.message ?? orderEventMessage(event, locale).text;
  const card = orderCard(order, locale);
  const botOn = botEnabled(site);
  const result = await commitChange(deps, {
    siteId: site.id,
    target: { openFor: { visitorId: visitor.id, customerId: null } },
    clientId: input.idempotencyKey ? `evt_${createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 32)}` : null,
    change: (snapshot) => ({
      actor: { kind: 'system' },
      commands: snapshot.conversation ? [] : [{ type: 'start', via: 'order_event', botOn }],
      create: { visitorId: visitor.id, locale },
      message: { author: { kind: 'bot', name: site.name }, kind: 'text', text, payload: null, preview: previewOf(text, null) },
      after: [{ clientId: null, author: { kind: 'bot', name: site.name }, kind: 'card', text: card.text, payload: card.payload as Record<string, unknown>, preview: previewOf(card.text, null) }],
    }),
  });
  // The sentence (the card follows it).
  const message = result.messages[result.messages.length - 2] ?? result.messages[0]!;
  return { ok: true, delivered: true, conversationId: result.conversation.id, messageId: message.id, duplicate: result.duplicate };
}

/** Routing gives a waiting chat to an agent (refused, RefusedError, if it is no longer waiting). */
export function routeTo(deps: CoreDeps, input: { siteId: string; conversationId: string; agent: AgentRef }): Promise<CommitResult> {
  return commitChange(deps, {
    siteId: input.siteId,
    target: { conversationId: input.conversationId },
    clientId: `route_${input.conversationId}_${deps.now()}`,
    change: () => ({ actor: { kind: 'system' }, commands: [{ type: 'route', agent: input.agent }] }),
  });
}

/** The agent's grace period ran out: their chat goes back to the queue, keeping its place. */
export function requeue(deps: CoreDeps, input: { siteId: string; conversationId: string; agent: AgentRef }): Promise<CommitResult> {
  return commitChange(deps, {
    siteId: input.siteId,
    target: { conversationId: input.conversationId },
    clientId: `requeue_${input.conversationId}_${deps.now()}`,
    change: () => ({ actor: { kind: 'system' }, commands: [{ type: 'requeue', agentId: input.agent.id }], names: (id) => (id === input.agent.id ? input.agent.name : undefined) }),
  });
}

/** A snooze's time came: the chat wakes (refused, RefusedError, when the snooze changed or ended since the timer was armed). */
export function wakeSnoozed(deps: CoreDeps, input: { siteId: string; conversationId: string; until: number }): Promise<CommitResult> {
  return commitChange(deps, {
    siteId: input.siteId,
    target: { conversationId: input.conversationId },
    clientId: null,
    change: () => ({ actor: { kind: 'system' }, commands: [{ type: 'wake', until: input.until }] }),
  });
}

/** The transcript line agents see for a rating: stars and the score, then the shopper's words (plain text). */
export function ratingLine(score: number, comment: string | null): string {
  return `${'★'.repeat(score)}${'☆'.repeat(5 - score)} ${score}/5${comment ? ` — ${comment}` : ''}`;
}

/**
 * The shopper rates the conversation's latest resolution ("¿Qué tal te hemos atendido?"): stored
 * with the agent and team it had, in the same transaction as an internal transcript line agents
 * see and the `conversation.rated` webhook. Once per resolution: a second answer is refused
 * (ConflictError); an open conversation has nothing to rate (`not_allowed`).
 */
/** How long after a resolve the rating question goes by e-mail (the widget asks at once; a shopper still there answers it). */
export const RATING_MAIL_DELAY_MS = 10 * 60_000;

export async function rateConversation(
  deps: CoreDeps,
  input: { site: SiteRecord; visitor: VisitorRecord; conversationId: string; clientId: string; score: number; comment: string | null },
  committed?: Committed,
): Promise<CommitResult> {
  const customerId = input.visitor.verified ? input.visitor.customerId : null;
  const comment = input.comment?.trim() || null;
  return commitChange(
    deps,
    {
      siteId: input.site.id,
      target: { conversationId: input.conversationId },
      clientId: input.clientId,
      change: (snapshot) => {
        const c = snapshot.conversation;
        if (!c || (c.visitorId !== input.visitor.id && !(customerId && snapshot.ownerCustomerId === customerId))) throw new InvalidRequestError('not_found', 'conversation not found');
        if (c.status !== 'resolved') throw new InvalidRequestError('not_allowed', 'only a resolved conversation can be rated');
        const text = ratingLine(input.score, comment);
        return {
          actor: { kind: 'visitor' },
          commands: [],
          // Agents only: the shopper already knows what they answered.
          message: { author: { kind: 'system' }, kind: 'note', text, payload: { event: 'rated', score: input.score, comment }, preview: null },
          rating: { score: input.score, comment },
        };
      },
    },
    committed,
  );
}
