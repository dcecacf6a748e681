/**
 * In-process fan-out of server frames to connections. It carries events, not truth: a
 * subscriber that misses one recovers from the store by `seq`. The frame is serialised once
 * per publish, not once per subscriber. With REDIS_URL, bus/redis.ts carries it across nodes.
 */
import type { ServerFrame } from '../../shared/protocol';

export interface BusEvent {
  readonly frame: ServerFrame;
  readonly json: string;
}

export type BusListener = (event: BusEvent) => void;

export interface Bus {
  subscribe(topic: string, listener: BusListener): () => void;
  /** Delivers to every listener of the topic(s); a listener on several of them gets it once. */
  publish(topic: string | readonly string[], frame: ServerFrame, json?: string): void;
  /**
   * Delivers to this process's listeners only (what every node computes for itself, such as the
   * business hours' opening and closing). Absent: `publish` (one process).
   */
  publishLocal?(topic: string | readonly string[], frame: ServerFrame, json?: string): void;
  /** Resolves once every subscription asked for so far is in force across nodes (absent or at once: one process). */
  settled?(): Promise<void>;
}

export const topics = {
  /** Every agent socket of a site. */
  siteAgents: (siteId: string) => `site:${siteId}:agents`,
  /** Every socket (tab) of one visitor. */
  visitor: (siteId: string, visitorId: string) => `site:${siteId}:visitor:${visitorId}`,
  /** Every shopper socket of a site (branding changes). */
  siteVisitors: (siteId: string) => `site:${siteId}:visitors`,
  /** Every device of a verified customer. */
  customer: (siteId: string, customerId: string) => `site:${siteId}:customer:${customerId}`,
  /** Where a shopper-facing event of a conversation goes: its visitor, and their verified customer's devices. */
  shopper: (siteId: string, visitorId: string, verifiedCustomerId: string | null) =>
    verifiedCustomerId ? [topics.visitor(siteId, visitorId), topics.customer(siteId, verifiedCustomerId)] : [topics.visitor(siteId, visitorId)],
};

export class MemoryBus implements Bus {
  private readonly listeners = new Map<string, Set<BusListener>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(topic: string, listener: BusListener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(topic) === set) this.listeners.delete(topic);
    };
  }

  publish(topic: string | readonly string[], frame: ServerFrame, json?: string): void {
    let targets: BusListener[];
    if (typeof topic === 'string') {
      const set = this.listeners.get(topic);
      if (!set || set.size === 0) return;
      targets = [...set];
    } else {
      const union = new Set<BusListener>();
      for (const t of topic) for (const l of this.listeners.get(t) ?? []) union.add(l);
      if (union.size === 0) return;
      targets = [...union];
    }
    const event: BusEvent = { frame, json: json ?? JSON.stringify(frame) };
    for (const listener of targets) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
