/**
 * Live visitors to agents' sockets: small rows (never pages or cart lines), coalesced and capped
 * per socket. A visitor who changes ten times between two deltas is sent once, as they are now;
 * each socket gets at most one `visitors.delta` per `intervalMs`, of at most `maxBytes`; rows
 * that did not fit wait for the next one (oldest change first). So what a socket receives for
 * live visitors is bounded per second however many shoppers browse (docs/security.md).
 */
import type { VisitorSummary } from '../../shared/protocol';
import type { PresenceRegistry } from '../presence';

/** At most one delta a second per agent socket, of at most 32 KiB (256 kbit/s). */
export const VISITOR_FEED = { intervalMs: 1000, maxBytes: 32 * 1024 } as const;

interface Subscriber {
  siteId: string;
  send(json: string): void;
  /** Visitors whose row changed since the last delta, in the order they first changed. */
  pending: Set<string>;
  gone: Set<string>;
  timer: NodeJS.Timeout | null;
  lastFlush: number;
}

export class VisitorFeed {
  private readonly sites = new Map<string, Set<Subscriber>>();

  constructor(
    private readonly presence: PresenceRegistry,
    private readonly opts: { intervalMs: number; maxBytes: number } = VISITOR_FEED,
  ) {
    presence.onChange = (siteId, visitorId) => this.mark(siteId, (s) => s.pending.add(visitorId));
    presence.onGone = (siteId, ids) =>
      this.mark(siteId, (s) => {
        for (const id of ids) {
          s.pending.delete(id);
          s.gone.add(id);
        }
      });
  }

  /** Feeds one agent socket from now on; returns the unsubscribe. */
  subscribe(siteId: string, send: (json: string) => void): () => void {
    const sub: Subscriber = { siteId, send, pending: new Set(), gone: new Set(), timer: null, lastFlush: 0 };
    let set = this.sites.get(siteId);
    if (!set) this.sites.set(siteId, (set = new Set()));
    set.add(sub);
    return () => {
      if (sub.timer) clearTimeout(sub.timer);
      sub.timer = null;
      set.delete(sub);
      if (set.size === 0 && this.sites.get(siteId) === set) this.sites.delete(siteId);
    };
  }

  private mark(siteId: string, change: (s: Subscriber) => void): void {
    for (const sub of this.sites.get(siteId) ?? []) {
      change(sub);
      this.schedule(sub);
    }
  }

  private schedule(sub: Subscriber): void {
    if (sub.timer) return;
    const wait = Math.max(0, sub.lastFlush + this.opts.intervalMs - Date.now());
    sub.timer = setTimeout(() => this.flush(sub), wait);
    sub.timer.unref();
  }

  private flush(sub: Subscriber): void {
    sub.timer = null;
    sub.lastFlush = Date.now();
    const counts = this.presence.counts(sub.siteId);
    // The frame's fixed part: type, counts, the two arrays' brackets.
    let bytes = 96;
    const rows: string[] = [];
    for (const id of sub.pending) {
      const row: VisitorSummary | null = this.presence.summary(sub.siteId, id);
      if (!row) {
        sub.pending.delete(id);
        sub.gone.add(id);
        continue;
      }
      const json = JSON.stringify(row);
      const size = Buffer.byteLength(json) + 1;
      if (rows.length > 0 && bytes + size > this.opts.maxBytes) break;
      rows.push(json);
      bytes += size;
      sub.pending.delete(id);
    }
    const gone: string[] = [];
    for (const id of sub.gone) {
      const size = id.length + 3;
      if (bytes + size > this.opts.maxBytes) break;
      gone.push(id);
      bytes += size;
      sub.gone.delete(id);
    }
    if (rows.length || gone.length) {
      sub.send(`{"type":"visitors.delta","visitors":[${rows.join(',')}],"gone":${JSON.stringify(gone)},"counts":${JSON.stringify(counts)}}`);
    }
    if (sub.pending.size || sub.gone.size) this.schedule(sub);
  }
}
