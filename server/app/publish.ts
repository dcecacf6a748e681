/**
 * Fan-out of committed changes to connected clients. Every change is a row first, an event
 * second: the use cases publish only after the store has committed.
 */
import type { ConversationSummary, Message, VisitorConversation } from '../../shared/protocol';
import type { FileUrls } from '../file-urls';
import { topics, type Bus } from '../bus/bus';
import type { CommitResult, ConversationListItem, ConversationRecord, Store } from '../store/types';

export function toVisitorConversation(c: ConversationRecord): VisitorConversation {
  return {
    id: c.id,
    status: c.status,
    lastSeq: c.lastVisibleSeq,
    readSeq: c.agentReadSeq,
    seenSeq: c.visitorReadSeq,
    updatedAt: c.updatedAt,
    ...(c.lastMessage?.text ? { preview: [...c.lastMessage.text].slice(0, 80).join('') } : {}),
  };
}

export function toSummary(c: ConversationListItem): ConversationSummary {
  return {
    id: c.id,
    status: c.status,
    lastSeq: c.lastSeq,
    visitorId: c.visitorId,
    visitorName: c.visitorName ?? '',
    visitorEmail: c.visitorEmail,
    verified: c.verified,
    assigneeId: c.assigneeId,
    visitorReadSeq: c.visitorReadSeq,
    lastMessage: c.lastMessage,
    queuedAt: c.queuedAt,
    waitingSince: c.waitingSince,
    team: c.team,
    orderNumbers: c.orderNumbers,
    ...(c.viaEmail ? { viaEmail: true } : {}),
    tags: c.tags,
    ...(c.snoozedAt !== null ? { snoozedAt: c.snoozedAt, snoozedUntil: c.snoozedUntil } : {}),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Adds signed download URLs to a message's attachments (URLs expire; every delivery gets fresh ones). */
export function withFileUrls(message: Message, fileUrls: FileUrls | undefined, now: number): Message {
  const files = message.payload?.attachments;
  if (!fileUrls || !Array.isArray(files)) return message;
  return {
    ...message,
    payload: {
      ...message.payload,
      attachments: files.map((f: { id: string; name: string }) => ({ ...f, url: fileUrls.sign(f.id, f.name, now) })),
    },
  };
}

export interface PublishDeps {
  store: Store;
  bus: Bus;
  fileUrls?: FileUrls | undefined;
  now: () => number;
}

/**
 * Fans a commit out: the shopper's tabs (and their verified customer's other devices) and the
 * site's agents. A new or moved conversation is announced before its messages, so lists never
 * show orphans. Internal notes stay with the team.
 */
export async function publishCommitted(deps: PublishDeps, result: CommitResult): Promise<void> {
  if (result.duplicate) return;
  const { conversation, previous } = result;
  const siteId = conversation.siteId;
  const shopper = topics.shopper(siteId, conversation.visitorId, result.ownerCustomerId);
  const moved =
    !previous ||
    previous.status !== conversation.status ||
    previous.assigneeId !== conversation.assigneeId ||
    previous.waitingSince !== conversation.waitingSince ||
    previous.team !== conversation.team ||
    previous.snoozedAt !== conversation.snoozedAt ||
    previous.snoozedUntil !== conversation.snoozedUntil;
  if (moved) {
    const item = await deps.store.conversations.listItem(siteId, conversation.id);
    if (item) deps.bus.publish(topics.siteAgents(siteId), { type: 'conversation.updated', conversation: toSummary(item) });
    if (!previous || previous.status !== conversation.status) deps.bus.publish(shopper, { type: 'conversation.updated', conversation: toVisitorConversation(conversation) });
  }
  const now = deps.now();
  for (const raw of result.messages) {
    const frame = { type: 'message.created', message: withFileUrls(raw, deps.fileUrls, now) } as const;
    const json = JSON.stringify(frame); // once, for every socket of both audiences
    if (raw.kind !== 'note') deps.bus.publish(shopper, frame, json);
    deps.bus.publish(topics.siteAgents(siteId), frame, json);
  }
}
