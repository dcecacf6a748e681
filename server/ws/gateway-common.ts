/** Pieces both gateways use: dependencies, error mapping, acks, sync pages. */
export { toSummary, toVisitorConversation } from '../app/publish';
import { withFileUrls } from '../app/publish';
import { LIMITS } from '../../shared/protocol';
import type { ErrorCode } from '../../shared/errors';
import { keyedMessage } from '../app/core';
import type { CoreDeps } from '../app/deps';
import { InvalidRequestError, RefusedError } from '../app/errors';
import { AttachmentError, ConflictError, NotFoundError, StoreUnavailableError } from '../store/errors';
import type { CommitResult } from '../store/types';
import type { PresenceRegistry, TeamPresence } from '../presence';
import type { AgentBucket, Budgets, LookupGuard, VisitorBucket } from '../domain/rate-limit';
import type { Router } from '../engine/router';
import type { VisitorFeed } from './visitor-feed';
import { topics } from '../bus/bus';
import type { Connection, Heartbeat } from './connection';

/** Tells the site's agents who is available, and shoppers whether anyone is. */
export function publishTeam(deps: Pick<GatewayDeps, 'bus' | 'team'>, siteId: string): void {
  deps.bus.publish(topics.siteAgents(siteId), { type: 'team', agents: deps.team.team(siteId) });
  deps.bus.publish(topics.siteVisitors(siteId), { type: 'availability', ...deps.team.availability(siteId) });
}
export interface GatewayDeps extends CoreDeps {
  heartbeat: Heartbeat;
  presence: PresenceRegistry;
  /** Live visitors to agents' sockets, coalesced and capped per socket. */
  visitorFeed: VisitorFeed;
  team: TeamPresence;
  /** Assigns waiting chats and tells shoppers their place in the queue. */
  router: Router;
  /** Budgets per frame kind: per visitor (all their tabs) and per agent (domain/rate-limit.ts). */
  limits: { visitor: Budgets<VisitorBucket>; agent: Budgets<AgentBucket>; lookups: LookupGuard };
}

export function ackFor(clientId: string, result: CommitResult) {
  const message = keyedMessage(result, clientId);
  return {
    type: 'ack',
    clientId,
    conversationId: message.conversationId,
    messageId: message.id,
    seq: message.seq,
    createdAt: message.createdAt,
    duplicate: result.duplicate,
  } as const;
}

/** The reference an error reply should carry for a frame (its clientId or conversation). */
export function frameRef(frame: { type: string }): string | undefined {
  const f = frame as { clientId?: string; conversationId?: string };
  return f.clientId ?? f.conversationId;
}

/** Maps a store failure to a typed error frame. Unexpected faults are logged, never echoed. */
export function sendStoreError(deps: Pick<GatewayDeps, 'logger'>, conn: Connection, err: unknown, ref?: string): void {
  let code: ErrorCode = 'internal';
  let message = 'unexpected server error';
  if (err instanceof RefusedError) {
    // Another agent got there first: "look again". Anything else does not apply in this state.
    code = err.refusal.code === 'held_by_other' ? 'conflict' : 'not_allowed';
    message = err.message;
  } else if (err instanceof InvalidRequestError) {
    code = err.code;
    message = err.message;
  } else if (err instanceof NotFoundError) {
    code = 'not_found';
    message = err.message;
  } else if (err instanceof ConflictError) {
    code = 'conflict';
    message = err.message;
  } else if (err instanceof AttachmentError) {
    code = 'bad_attachment';
    message = err.message;
  } else if (err instanceof StoreUnavailableError) {
    code = 'store_unavailable';
    message = 'could not store; nothing was saved, send again later';
    deps.logger.error({ err: err.cause }, 'store unavailable');
  } else {
    deps.logger.error({ err }, 'frame failed');
  }
  conn.send({ type: 'error', code, message, ...(ref ? { ref } : {}), ...(code === 'store_unavailable' ? { retryAfterMs: 2000 } : {}) });
}

/** Sends one page of messages after `afterSeq`; the client asks again while `hasMore`. */
/** Sends the page of messages just before `beforeSeq` (newest first loading, older on demand). */
export async function sendHistoryPage(
  deps: GatewayDeps,
  conn: Connection,
  siteId: string,
  conversationId: string,
  beforeSeq: number,
  limit: number,
  opts: { visibleOnly?: boolean } = {},
): Promise<void> {
  const page = await deps.store.messages.before(siteId, conversationId, beforeSeq, limit + 1, opts);
  const hasMore = page.length > limit;
  const now = deps.now();
  const messages = (hasMore ? page.slice(1) : page).map((m) => withFileUrls(m, deps.fileUrls, now));
  conn.send({ type: 'history.result', conversationId, messages, hasMore });
}

export async function sendSyncPage(
  deps: GatewayDeps,
  conn: Connection,
  siteId: string,
  conversationId: string,
  afterSeq: number,
  opts: { visibleOnly?: boolean } = {},
): Promise<void> {
  const page = await deps.store.messages.after(siteId, conversationId, afterSeq, LIMITS.syncPageSize + 1, opts);
  const hasMore = page.length > LIMITS.syncPageSize;
  const now = deps.now();
  const messages = (hasMore ? page.slice(0, -1) : page).map((m) => withFileUrls(m, deps.fileUrls, now));
  conn.send({ type: 'sync.result', conversationId, messages, hasMore });
}
