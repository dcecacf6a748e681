/** A Clock (shared/clock.ts) the test moves by hand: `tick(ms)` runs what fell due, in time order. */
import type { Clock } from '../../shared/clock';

export function manualClock(start = 1_800_000_000_000) {
  let now = start;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    after(ms, fn) {
      const id = next++;
      due.set(id, { at: now + ms, fn });
      return () => void due.delete(id);
    },
  };
  return {
    clock,
    /** Moves time forward by `ms`, running each timer that falls due at its own time. */
    tick(ms: number): void {
      const end = now + ms;
      for (;;) {
        let first: [number, { at: number; fn: () => void }] | undefined;
        for (const e of due) if (e[1].at <= end && (!first || e[1].at < first[1].at)) first = e;
        if (!first) break;
        due.delete(first[0]);
        now = first[1].at;
        first[1].fn();
      }
      now = end;
    },
    /** Timers still waiting. */
    get pending(): number {
      return due.size;
    },
  };
}
