/**
 * How a use case commits: it describes a change (the lifecycle command, who did it, the message
 * it carries); this turns it, inside the store's transaction, into everything that must be
 * written together — the messages with the transcript lines of the events, the new state, the
 * event log rows and the webhook deliveries — then fans the commit out and wakes routing.
 */
import type { Message } from '../../shared/protocol';
import { decide, isWaitingForPeople, NO_CONVERSATION, transcriptLine, type Actor, type Command, type LifecycleEvent } from '../domain/lifecycle';
import { messageOut } from '../routes/shapes';
import { NotFoundError } from '../store/errors';
import type { CommitPlan, CommitRequest, CommitResult, CommitSnapshot, ConversationDataPatch, ConversationEventDraft, ConversationRecord, MessageDraft, VisitorPatch, WebhookEvent } from '../store/types';
import type { CoreDeps } from './deps';
import { InvalidRequestError, RefusedError } from './errors';
import { publishCommitted } from './publish';

export interface Change {
  actor: Actor;
  /** The lifecycle commands, in order; none for messages that move nothing (bot replies, notes, order news). */
  commands: Command[];
  /** What the caller saw: if the conversation moved since, the change is refused with `conflict`. */
  seen?: { status: ConversationRecord['status']; assigneeId: string | null } | undefined;
  /** The message the change carries (it takes the request's clientId), after the transcript lines of its events. */
  message?: Omit<MessageDraft, 'clientId'> | undefined;
  /** Messages written after it (the note of a transfer). */
  after?: MessageDraft[] | undefined;
  /** A new conversation's visitor and language (only when there was none). */
  create?: { visitorId: string; locale: string | null } | undefined;
  /** Files the message uses, claimed by the conversation. */
  claimAttachments?: string[] | undefined;
  /** Agent names for transcript lines that carry only ids. */
  names?: ((agentId: string) => string | undefined) | undefined;
  /** Mail queued in the same transaction (the mail outbox). */
  mail?: CommitPlan['mail'] | undefined;
  /** What agents and the `conversation.handoff` webhook get with a handoff. */
  handoffPacket?: Record<string, unknown> | undefined;
  /** The conversation's other facts written in the same transaction (assistant memory, language). */
  data?: ConversationDataPatch | undefined;
  /** What the change learnt about the visitor, written in the same transaction. */
  visitor?: VisitorPatch | undefined;
  /** The shopper rates the latest resolution (stored in the same transaction; `conversation.rated` webhook). */
  rating?: { score: number; comment: string | null } | undefined;
}

const PREVIEW_LENGTH = 140;

/** What a conversation list shows for a message: its text, or its files. */
export function previewOf(text: string, payload: Record<string, unknown> | null): string {
  const files = payload?.attachments as { name: string }[] | undefined;
  return (text.trim() || (files?.length ? `📎 ${files.map((f) => f.name).join(', ')}` : '')).slice(0, PREVIEW_LENGTH);
}

/** The event-log row a lifecycle event is written as (exported for the reports' tests, which replay real logs). */
export function logRow(event: LifecycleEvent, actor: Actor): ConversationEventDraft {
  const { type, ...rest } = event;
  const data: Record<string, unknown> =
    event.type === 'assigned'
      ? { agentId: event.agent.id, agentName: event.agent.name, via: event.via, fromAgentId: event.fromAgentId, rejoined: event.rejoined }
      : event.type === 'transferred'
        ? { fromAgentId: event.fromAgentId, toAgentId: event.to.id, toAgentName: event.to.name }
        : rest;
  return { type, actor: { kind: actor.kind, id: actor.kind === 'agent' ? actor.id : null }, data };
}

/** The handoff packet as webhooks carry it: times in ISO 8601, like everywhere else in the API. */
function handoffOut(packet: Record<string, unknown>): Record<string, unknown> {
  return { ...packet, backAt: typeof packet.backAt === 'number' ? new Date(packet.backAt).toISOString() : (packet.backAt ?? null) };
}

function outboxFor(events: LifecycleEvent[], actor: Actor, packet: Record<string, unknown> | undefined) {
  return ({ conversation, messages }: { conversation: ConversationRecord; messages: Message[] }) => {
    const out: { event: WebhookEvent; body: object }[] = [];
    const by = actor.kind === 'agent' ? { id: actor.id, name: actor.name } : null;
    const state = { id: conversation.id, status: conversation.status, assigneeId: conversation.assigneeId };
    if (events.some((e) => e.type === 'created')) {
      out.push({
        event: 'conversation.created',
        body: { conversation: { id: conversation.id, status: conversation.status, visitorId: conversation.visitorId, createdAt: new Date(conversation.createdAt).toISOString() } },
      });
    }
    for (const m of messages) if (m.kind !== 'note') out.push({ event: 'message.created', body: { conversationId: conversation.id, message: messageOut(m) } });
    for (const e of events) {
      if (e.type === 'handed_off') out.push({ event: 'conversation.handoff', body: { conversation: { id: conversation.id, status: conversation.status }, handoff: packet ? handoffOut(packet) : { reason: e.reason } } });
      if (e.type === 'assigned' || e.type === 'transferred') out.push({ event: 'conversation.assigned', body: { conversation: state, by } });
      if (e.type === 'resolved') out.push({ event: 'conversation.resolved', body: { conversation: state, by } });
    }
    return out;
  };
}

/** Adds `conversation.rated` to a commit's outbox when it carries a rating. */
function ratedToo(outbox: ReturnType<typeof outboxFor>, rating: Change['rating']): ReturnType<typeof outboxFor> {
  if (!rating) return outbox;
  return (written) => [
    ...outbox(written),
    {
      event: 'conversation.rated',
      body: {
        conversation: { id: written.conversation.id, status: written.conversation.status },
        rating: { score: rating.score, comment: rating.comment, agentId: written.conversation.lastAssigneeId, team: written.conversation.team },
      },
    },
  ];
}

/** Turns a change into the commit plan, on the snapshot inside the transaction. Throws typed errors. */
export function planChange(snapshot: CommitSnapshot, change: Change, clientId: string | null, now: number): CommitPlan {
  const current = snapshot.conversation;
  if (!current && !change.create) throw new NotFoundError('conversation');
  if (current && change.seen && (change.seen.status !== current.status || change.seen.assigneeId !== current.assigneeId)) {
    throw new InvalidRequestError('conflict', 'the conversation changed; look again');
  }
  let state = pickState(current ?? NO_CONVERSATION);
  const events: LifecycleEvent[] = [];
  for (const command of change.commands) {
    const decision = decide(state, command, now);
    if (!decision.ok) throw new RefusedError(decision.refusal);
    state = decision.state;
    events.push(...decision.events);
  }
  const names = change.names ?? (() => undefined);
  const lines: MessageDraft[] = events.flatMap((e) => {
    const line = transcriptLine(e, change.actor, names);
    return line ? [{ clientId: null, author: { kind: 'system' as const }, kind: 'system' as const, text: line.text, payload: line.payload, preview: null }] : [];
  });
  const messages: MessageDraft[] = [...lines, ...(change.message ? [{ ...change.message, clientId: null }] : []), ...(change.after ?? [])];
  // The request's clientId marks the message the caller sent, else the first line (an action's ack).
  const keyed = change.message ? lines.length : 0;
  if (messages[keyed]) messages[keyed] = { ...messages[keyed]!, clientId };
  return {
    ...(current ? {} : { create: change.create! }),
    state,
    messages,
    events: events.map((e) => logRow(e, change.actor)),
    ...(change.claimAttachments?.length ? { claimAttachments: change.claimAttachments } : {}),
    ...(change.data ? { data: change.data } : {}),
    ...(change.visitor ? { visitor: change.visitor } : {}),
    ...(change.rating ? { rating: change.rating } : {}),
    ...(change.mail ? { mail: change.mail } : {}),
    outbox: ratedToo(outboxFor(events, change.actor, change.handoffPacket), change.rating),
  };
}

function pickState(c: typeof NO_CONVERSATION): typeof NO_CONVERSATION {
  return {
    status: c.status,
    assigneeId: c.assigneeId,
    lastAssigneeId: c.lastAssigneeId,
    queuedAt: c.queuedAt,
    team: c.team,
    waitingSince: c.waitingSince,
    resolvedFrom: c.resolvedFrom,
    humanReplied: c.humanReplied,
    snoozedAt: c.snoozedAt,
    snoozedUntil: c.snoozedUntil,
  };
}

/** Called right after COMMIT, before the fan-out: where a transport acknowledges. */
export type Committed = (result: CommitResult) => void;

export interface CommitInput {
  siteId: string;
  target: CommitRequest['target'];
  clientId: string | null;
  attachmentIds?: string[] | undefined;
  /** Called inside the transaction with the conversation as it is. */
  change(snapshot: CommitSnapshot): Change;
}

/** Commits one change, then (after COMMIT) fans it out and wakes routing when the queue or capacity moved. */
export async function commitChange(deps: CoreDeps, input: CommitInput, committed?: Committed): Promise<CommitResult> {
  const now = deps.now();
  const result = await deps.store.conversations.commit({
    siteId: input.siteId,
    target: input.target,
    clientId: input.clientId,
    ...(input.attachmentIds?.length ? { attachmentIds: input.attachmentIds } : {}),
    now,
    decide: (snapshot) => planChange(snapshot, input.change(snapshot), input.clientId, now),
  });
  // The sender hears first (its ack), then everyone else.
  committed?.(result);
  if (result.duplicate) return result;
  await publishCommitted(deps, result);
  const { previous, conversation } = result;
  const nowWaiting = isWaitingForPeople(conversation) && !(previous && isWaitingForPeople(previous) && previous.queuedAt === conversation.queuedAt);
  const freedSeat = previous?.status === 'assigned' && (conversation.status !== 'assigned' || conversation.assigneeId !== previous.assigneeId);
  if (nowWaiting || freedSeat) void deps.routing.schedule(input.siteId);
  if (conversation.snoozedUntil !== null && conversation.snoozedUntil !== previous?.snoozedUntil) deps.snoozes?.arm(input.siteId, conversation.id, conversation.snoozedUntil);
  return result;
}

/** The message of a commit that carries `clientId` (what an ack refers to). */
export function keyedMessage(result: CommitResult, clientId: string | null): Message {
  return result.messages.find((m) => m.clientId === clientId) ?? result.messages[0]!;
}
