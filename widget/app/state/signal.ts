/**
 * The panel's reactive state, in ~30 lines instead of @preact/signals (~3 KB gzip a shopper would
 * download on every first open). The panel is small, so there is no dependency tracking: any
 * change re-renders the whole panel (main.tsx; Preact diffs it) and re-runs every effect.
 * Effects must therefore be cheap and idempotent (they are: set an attribute, send a read
 * receipt only when the seq advanced, tell the host a colour that changed).
 */
export interface Signal<T> {
  value: T;
}

const listeners = new Set<() => void>();
let depth = 0;
let pending = false;

function changed(): void {
  if (depth) pending = true;
  else for (const fn of [...listeners]) fn();
}

export function signal<T>(initial: T): Signal<T> {
  let v = initial;
  return {
    get value() {
      return v;
    },
    set value(next: T) {
      if (!Object.is(next, v)) {
        v = next;
        changed();
      }
    },
  };
}

/** Runs `fn`, notifying once at the end however many signals it changed. */
export function batch(fn: () => void): void {
  depth++;
  try {
    fn();
  } finally {
    if (--depth === 0 && pending) {
      pending = false;
      changed();
    }
  }
}

/** Runs `fn` now and after every change; returns a function that stops it. */
export function effect(fn: () => void): () => void {
  fn();
  listeners.add(fn);
  return () => listeners.delete(fn);
}
