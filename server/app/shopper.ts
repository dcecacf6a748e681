/** A shopper's message end to end: committed and acknowledged, then the assistant's turn. */
import type { CommitResult } from '../store/types';
import { sendShopperMessage, type ShopperMessage } from './conversations';
import { keyedMessage } from './core';
import type { CoreDeps } from './deps';
import { runAssistant } from './external-bot';

/**
 * Commits the shopper's message, calls `committed` (the transport acks), then lets the assistant
 * answer if it holds the chat. A bot failure is logged: it must not look like a failed send.
 */
export async function shopperWrites(
  deps: CoreDeps,
  input: ShopperMessage,
  committed: (result: CommitResult) => void,
  address: string | null = null,
): Promise<void> {
  const result = await sendShopperMessage(deps, input, committed);
  if (result.duplicate) return;
  // `address`: the shopper's client address, for the order-lookup budget across conversations.
  await runAssistant(deps, input.site.id, input.visitor, result.conversation, keyedMessage(result, input.clientId), address).catch((err: unknown) =>
    deps.logger.error({ err }, 'bot turn failed'),
  );
}
