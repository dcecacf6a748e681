/**
 * The shopper's sends until the server has them: kept in storage (a reload, a crash or an
 * offline spell loses none) and resent after every reconnect, oldest first; the server dedupes
 * by clientId. One send is on the wire at a time, the next after its ack or error: a send refused
 * for now (rate limit) can never be overtaken, and the first sends of a new chat cannot race into
 * two conversations. A reply that never comes (a dropped frame) frees the wire after 10 s; a
 * retryable error waits the server's hint; any other error marks the send failed for good (until
 * the shopper retries it).
 */
import { signal } from './signal';
import type { Conn } from './conn';
import type { Clock } from '../../../shared/clock';
import { RETRYABLE_ERRORS, type ErrorCode } from '../../../shared/errors';
import type { PendingSend, Timeline } from '../../../shared/timeline';
import { readOutbox, writeOutbox, type OutboxItem, type SafeStore } from './storage';

export function createOutbox(
  conn: Pick<Conn, 'ready'> & { send(p: PendingSend): void },
  clock: Clock,
  store: SafeStore,
  key: string,
  tl: () => Timeline,
  refresh: () => void,
) {
  /** A passing notice for the shopper (slow down: the server rate-limited a send). */
  const notice = signal<'slow_down' | null>(null);
  let inFlight: string | null = null;
  let stopWaiting = () => {};
  let stopNotice = () => {};
  let retrying = false;
  const save = (update: (list: OutboxItem[]) => OutboxItem[]) => writeOutbox(store, key, update);
  const drop = (clientId: string) => save((l) => l.filter((x) => x.clientId !== clientId));

  /** The send `clientId` got its answer (or never will): the next one may go. */
  const landed = (clientId: string) => {
    if (inFlight !== clientId) return;
    inFlight = null;
    stopWaiting();
  };
  /** Sends the oldest unsent message if nothing is on the wire and no retry is pending. */
  const pump = () => {
    if (!conn.ready() || inFlight || retrying) return;
    const next = tl().unsent()[0];
    if (!next) return;
    inFlight = next.clientId;
    stopWaiting = clock.after(10_000, () => {
      landed(next.clientId);
      pump();
    });
    conn.send(next);
  };
  /** A fresh connection: whatever was on the old one goes again, oldest first. */
  const flush = () => {
    if (inFlight) landed(inFlight);
    pump();
  };

  // Sends that never reached the server (reload, crash, offline) are pending again.
  for (const item of readOutbox(store, key)) tl().addPending(item);

  return {
    notice,
    pump,
    flush,

    /** A new send: stored, shown as sending; `pump` puts it on the wire when its turn comes. */
    add(item: OutboxItem): void {
      save((l) => [...l, item]);
      tl().addPending(item);
      refresh();
    },

    /** Sends a failed message again (the shopper asked). */
    retry(clientId: string): void {
      const p = tl().pendingSends().find((x) => x.clientId === clientId);
      if (!p || p.state !== 'failed') return;
      tl().markSending(clientId);
      // Stored again as it was sent, files included: a reload before the ack resends all of it.
      save((l) => [...l, { clientId, text: p.text, createdAt: p.createdAt, ...(p.attachments?.length ? { attachments: p.attachments } : {}) }]);
      refresh();
      pump();
    },

    /** The server stored `clientId`: out of storage, and the next send goes. */
    acked(clientId: string): void {
      drop(clientId);
      landed(clientId);
      pump();
    },

    /** An error: if it refused one of our sends (`ref`), that send goes: later for a retryable code, else failed. */
    refused({ code, ref, retryAfterMs }: { code: ErrorCode; ref?: string | undefined; retryAfterMs?: number | undefined }): void {
      const failed = ref ? tl().pendingSends().find((p) => p.clientId === ref) : undefined;
      if (!failed) return;
      landed(failed.clientId);
      if (code === 'rate_limited') {
        notice.value = 'slow_down';
        stopNotice();
        stopNotice = clock.after(Math.max(3000, retryAfterMs ?? 0), () => (notice.value = null));
      }
      if (RETRYABLE_ERRORS.includes(code)) {
        // Stays stored; tried again after the server's hint.
        if (!retrying) {
          retrying = true;
          clock.after(retryAfterMs ?? 3000, () => {
            retrying = false;
            flush();
          });
        }
        return;
      }
      drop(failed.clientId);
      tl().markFailed(failed.clientId, code);
      refresh();
      pump();
    },

    /** Forgets every unsent message (another shopper on this device). */
    clear(): void {
      store.set(key, null);
      if (inFlight) landed(inFlight);
    },
  };
}
