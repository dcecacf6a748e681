/** Writes fixture messages straight through the store's commit (no sockets), the way the use cases do. */
import type { Author } from '../../shared/protocol';
import { planChange, previewOf } from '../../server/app/core';
import type { CommitResult, Store } from '../../server/store/types';

export function seedMessage(
  store: Store,
  input: { siteId: string; visitorId?: string; conversationId?: string; clientId: string; author: Author; text: string; at?: number; channel?: 'chat' | 'email' },
): Promise<CommitResult> {
  const now = input.at ?? Date.now();
  const target = input.conversationId ? { conversationId: input.conversationId } : { openFor: { visitorId: input.visitorId!, customerId: null } };
  return store.conversations.commit({
    siteId: input.siteId,
    target,
    clientId: input.clientId,
    now,
    decide: (snapshot) =>
      planChange(
        snapshot,
        {
          actor: { kind: 'system' },
          commands: snapshot.conversation ? [] : [{ type: 'start', via: 'shopper', botOn: false }],
          ...(input.visitorId ? { create: { visitorId: input.visitorId, locale: null } } : {}),
          message: { author: input.author, kind: 'text', text: input.text, payload: null, preview: previewOf(input.text, null), ...(input.channel ? { channel: input.channel } : {}) },
        },
        input.clientId,
        now,
      ),
  });
}
