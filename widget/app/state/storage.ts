/**
 * The panel's persistence: the shopper's token, identity and preferences, and the outbox of
 * messages not yet confirmed. Storage never throws here: private mode and full quotas just
 * lose persistence.
 */
import type { AttachmentRef } from '../../../shared/timeline';

export type SafeStore = ReturnType<typeof safeStore>;

export function safeStore(storage: Storage | null) {
  return {
    get(key: string): string | null {
      try {
        return storage?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    set(key: string, value: string | null): void {
      try {
        if (value === null) storage?.removeItem(key);
        else storage?.setItem(key, value);
      } catch {
        /* persistence is best effort */
      }
    },
  };
}

export interface OutboxItem {
  clientId: string;
  text: string;
  createdAt: number;
  attachments?: AttachmentRef[];
}

/**
 * The outbox: messages typed but not yet confirmed by the server, kept under `key` across
 * reloads and offline spells; each is resent (once: the server dedupes by clientId) until its ack.
 */
export function readOutbox(store: SafeStore, key: string): OutboxItem[] {
  try {
    const parsed: unknown = JSON.parse(store.get(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is OutboxItem => typeof x?.clientId === 'string' && typeof x?.text === 'string') : [];
  } catch {
    return [];
  }
}

/** Replaces the outbox: `update` gets what is stored and returns what to keep. */
export function writeOutbox(store: SafeStore, key: string, update: (list: OutboxItem[]) => OutboxItem[]): void {
  const list = update(readOutbox(store, key));
  store.set(key, list.length ? JSON.stringify(list) : null);
}
