/**
 * Unread counts per conversation: the shopper's messages the agent has not seen. A message in
 * the chat the agent has open is seen — unless the console is hidden (another tab, minimised);
 * opening a chat clears its count. `watching(id)`: chat `id` is open and the console visible.
 */
import { signal } from '@preact/signals';

export function createUnread(watching: (conversationId: string) => boolean) {
  const unread = signal<Map<string, number>>(new Map());
  return {
    unread,

    /** `n` shopper messages arrived in each chat of `counts`. */
    add(counts: readonly (readonly [conversationId: string, n: number])[]): void {
      const counted = counts.filter(([id, n]) => n > 0 && !watching(id));
      if (!counted.length) return;
      const next = new Map(unread.value);
      for (const [id, n] of counted) next.set(id, (next.get(id) ?? 0) + n);
      unread.value = next;
    },

    /** The agent opened (or looked at) chat `id`. */
    clear(id: string): void {
      if (!unread.value.get(id)) return;
      const next = new Map(unread.value);
      next.delete(id);
      unread.value = next;
    },
  };
}

export type Unread = ReturnType<typeof createUnread>;
