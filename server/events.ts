/**
 * Fan-out of committed changes to connected clients. Every change is a row first, an event
 * second: callers publish only after the store has committed. Used by the WebSocket gateway
 * and by the REST API alike.
 */
import type { ConversationSummary, Message, VisitorConversation } from '../shared/protocol';
import type { FileUrls } from './file-urls';
import { topics, type Bus } from './bus/bus';
import type { Logger } from './logger';
import { messageOut } from './routes/shapes';
import type { AppendMessageResult, ConversationListItem, ConversationRecord, Store } from './store/types';

export function toVisitorConversation(c: ConversationRecord): VisitorConversation {
  return { id: c.id, status: c.status, lastSeq: c.lastVisibleSeq, readSeq: c.agentReadSeq, seenSeq: c.visitorReadSeq, updatedAt: c.updatedAt };
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
    team: c.team,
    orderNumbers: c.orderNumbers,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Queues the webhook events of a committed message (notes are internal: never sent out). */
async function enqueueWebhooks(deps: { store: Store; logger?: Logger }, result: AppendMessageResult): Promise<void> {
  const { conversation, message } = result;
  if (message.kind === 'note') return;
  try {
    if (result.conversationCreated) {
      await deps.store.webhooks.enqueue(
        conversation.siteId,
        'conversation.created',
        { conversation: { id: conversation.id, status: conversation.status, visitorId: conversation.visitorId, createdAt: new Date(conversation.createdAt).toISOString() } },
        message.createdAt,
      );
    }
    await deps.store.webhooks.enqueue(conversation.siteId, 'message.created', { conversationId: conversation.id, message: messageOut(message) }, message.createdAt);
  } catch (err) {
    // The message is committed and acked; a lost webhook row is logged, not a failed send.
    deps.logger?.error({ err }, 'could not queue webhooks');
  }
}

/**
 * Fans a committed message out: the visitor's tabs and the site's agents. A new or reopened
 * conversation is announced to agents before its message, so lists never show orphans.
 */
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

export async function publishAppended(deps: { store: Store; bus: Bus; logger?: Logger; fileUrls?: FileUrls; now?: () => number }, result: AppendMessageResult): Promise<void> {
  const { conversation } = result;
  const message = withFileUrls(result.message, deps.fileUrls, deps.now?.() ?? Date.now());
  const siteId = conversation.siteId;
  const shopper = topics.shopper(siteId, conversation.visitorId, result.ownerCustomerId);
  const statusChanged =
    result.conversationCreated || result.previousStatus !== conversation.status || result.previousAssigneeId !== conversation.assigneeId;
  if (statusChanged) {
    const item = await deps.store.conversations.listItem(siteId, conversation.id);
    if (item) deps.bus.publish(topics.siteAgents(siteId), { type: 'conversation.updated', conversation: toSummary(item) });
    deps.bus.publish(shopper, {
      type: 'conversation.updated',
      conversation: toVisitorConversation(conversation),
    });
  }
  await enqueueWebhooks(deps, result);
  const frame = { type: 'message.created', message } as const;
  const json = JSON.stringify(frame); // once, for every socket of both audiences
  // Internal notes stay with the team.
  if (message.kind !== 'note') deps.bus.publish(shopper, frame, json);
  deps.bus.publish(topics.siteAgents(siteId), frame, json);
}
