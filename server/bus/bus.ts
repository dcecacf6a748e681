/**
 * In-process fan-out of server frames to connections. It carries events, not truth: a
 * subscriber that misses one recovers from the store by `seq`. The frame is serialised once
 * per publish, not once per subscriber. A Redis-backed bus can implement the same interface.
 */
import type { ServerFrame } from '../../shared/protocol';

export interface BusEvent {
  readonly frame: ServerFrame;
  readonly json: string;
}

export type BusListener = (event: BusEvent) => void;

export interface Bus {
  subscribe(topic: string, listener: BusListener): () => void;
  publish(topic: string, frame: ServerFrame): void;
}

export const topics = {
  /** Every agent socket of a site. */
  siteAgents: (siteId: string) => `site:${siteId}:agents`,
  /** Every socket (tab) of one visitor. */
  visitor: (siteId: string, visitorId: string) => `site:${siteId}:visitor:${visitorId}`,
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

  publish(topic: string, frame: ServerFrame): void {
    const set = this.listeners.get(topic);
    if (!set || set.size === 0) return;
    const event: BusEvent = { frame, json: JSON.stringify(frame) };
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
