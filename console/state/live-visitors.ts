/**
 * Live visitors in the console: the pages of the list the agent has loaded (changes arrive as
 * deltas), the counts, and the pages and cart of the one shopper being watched (the open
 * chat's). The connection is passed in: `send` a frame, `ready` once the server welcomed us.
 */
import { signal } from '@preact/signals';
import type { AgentClientFrame, AgentServerFrame, VisitorCounts, VisitorDetailFrame, VisitorSummary } from '../../shared/protocol';
import { sortVisitors } from './views';

type Frame<T extends AgentServerFrame['type']> = Extract<AgentServerFrame, { type: T }>;

export function createLiveVisitors(conn: { send(frame: AgentClientFrame): void; ready(): boolean }) {
  /** Live visitors the agent has loaded (pages of the list; changes arrive as deltas). */
  const visitors = signal<Map<string, VisitorSummary>>(new Map());
  /** The list goes on beyond what is loaded (`loadMore`). */
  const more = signal(false);
  /** How many shoppers are listed in all, and online. */
  const counts = signal<VisitorCounts>({ online: 0, total: 0 });
  /** The pages this visit and cart of the shopper whose chat is open (`watch`). */
  const presence = signal<VisitorDetailFrame | null>(null);
  let watched: string | null = null;

  const ask = (visitorId: string) => conn.send({ type: 'visitor.get', visitorId });

  return {
    visitors,
    more,
    counts,
    presence,

    /** A (re)connect's first page; the watched shopper is asked for again. */
    welcome(frame: Frame<'welcome'>): void {
      visitors.value = new Map(frame.visitors.map((v) => [v.visitorId, v]));
      more.value = frame.visitorsMore;
      counts.value = frame.visitorCounts;
      if (watched) ask(watched);
    },

    /** Handles the frames about live visitors; false for any other frame. */
    handle(frame: AgentServerFrame): boolean {
      switch (frame.type) {
        case 'visitors.delta': {
          const next = new Map(visitors.value);
          // Rows the agent has loaded change; new ones join only while the whole list is loaded.
          for (const v of frame.visitors) if (next.has(v.visitorId) || !more.value) next.set(v.visitorId, v);
          for (const id of frame.gone) next.delete(id);
          visitors.value = next;
          counts.value = frame.counts;
          if (watched && frame.visitors.some((v) => v.visitorId === watched)) ask(watched);
          if (watched && frame.gone.includes(watched)) presence.value = null;
          return true;
        }
        case 'visitors.page': {
          const next = new Map(visitors.value);
          for (const v of frame.visitors) next.set(v.visitorId, v);
          visitors.value = next;
          more.value = frame.hasMore;
          counts.value = frame.counts;
          return true;
        }
        case 'visitor.detail':
          if (frame.visitorId === watched) presence.value = frame;
          return true;
        case 'error':
          // The watched shopper is gone (their presence expired).
          if (frame.ref && frame.ref === watched && frame.code === 'not_found') {
            presence.value = null;
            return true;
          }
          return false;
        default:
          return false;
      }
    },

    /** Loads the next page of live visitors (after the last one shown, in list order). */
    loadMore(): void {
      if (!conn.ready() || !more.value) return;
      const last = sortVisitors(visitors.value.values()).at(-1);
      conn.send({ type: 'visitors.list', ...(last ? { after: { online: last.online, since: last.since, visitorId: last.visitorId } } : {}) });
    },

    /** Follows one shopper's pages and cart (the open chat's): fetched now and whenever their row changes. */
    watch(visitorId: string | null): void {
      if (visitorId === watched) return;
      watched = visitorId;
      presence.value = null;
      if (visitorId && conn.ready()) ask(visitorId);
    },
  };
}

export type LiveVisitors = ReturnType<typeof createLiveVisitors>;
