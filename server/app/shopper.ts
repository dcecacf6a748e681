/** A shopper's message end to end: committed and acknowledged, then the assistant's turn. */
import type { CommitResult } from '../store/types';
import { sendShopperMessage, type ShopperMessage } from './conversations';
import { keyedMessage } from './core';
import type { CoreDeps } from './deps';
import { queueTurn } from './bot-turn';
import { runAssistant } from './external-bot';

/**
 * Commits the shopper's message, calls `committed` (the transport acks), then queues the
 * assistant's turn if it holds the chat. The turn runs after the ones queued before it for the
 * conversation and is not awaited: the shopper's socket goes on with their next frame meanwhile.
 * A bot failure is logged: it must not look like a failed send.
 */
export async function shopperWrites(
  deps: CoreDeps,
  input: ShopperMessage,
  committed: (result: CommitResult) => void,
  address: string | null = null,
): Promise<void> {
  const result = await sendShopperMessage(deps, input, committed);
  if (result.duplicate) return;
  if (result.conversation.status !== 'bot') return;
  // `address`: the shopper's client address, for the order-lookup budget across conversations.
  const message = keyedMessage(result, input.clientId);
  void queueTurn(result.conversation.id, () => runAssistant(deps, input.site.id, input.visitor, result.conversation, message, address)).catch((err: unknown) =>
    deps.logger.error({ err }, 'bot turn failed'),
  );
}
