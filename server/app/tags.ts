/**
 * Tags (contact reasons) on conversations: an agent adds or removes one by hand; every agent of
 * the site sees the change at once (`conversation.updated`). Tags are per site, normalised and
 * capped per conversation (shared/tags.ts).
 */
import { normaliseTag, TAG_LIMITS } from '../../shared/tags';
import { topics } from '../bus/bus';
import type { AgentRecord } from '../store/types';
import type { CoreDeps } from './deps';
import { InvalidRequestError } from './errors';
import { toSummary } from './publish';

export async function tagConversation(deps: Pick<CoreDeps, 'store' | 'bus' | 'now'>, input: { agent: AgentRecord; conversationId: string; tag: string; on: boolean }): Promise<string[]> {
  const siteId = input.agent.siteId;
  const tag = normaliseTag(input.tag);
  if (!tag) throw new InvalidRequestError('not_allowed', `a tag is letters, digits, '-' or '_', at most ${TAG_LIMITS.maxLength}`);
  const outcome = await deps.store.conversations.setTag(siteId, input.conversationId, tag, input.on, { max: TAG_LIMITS.perConversation, by: input.agent.id, now: deps.now() });
  if (outcome === 'not_found') throw new InvalidRequestError('not_found', 'conversation not found');
  if (outcome === 'full') throw new InvalidRequestError('not_allowed', `at most ${TAG_LIMITS.perConversation} tags per conversation`);
  const item = await deps.store.conversations.listItem(siteId, input.conversationId);
  if (!item) throw new InvalidRequestError('not_found', 'conversation not found');
  deps.bus.publish(topics.siteAgents(siteId), { type: 'conversation.updated', conversation: toSummary(item) });
  return item.tags;
}
