/**
 * The panel's proactive rules in their own chunk: the shopper who opens the chat does not wait
 * for them (they are not needed to show the conversation), and a site without rules never loads
 * them. Calls made before the chunk is there are replayed in order once it is.
 */
import type { createProactive, ProactiveDeps } from './proactive';

type Engine = ReturnType<typeof createProactive>;

export function lazyProactive(deps: ProactiveDeps) {
  // The first visit's time, kept for returning-visitor rules a site may add later.
  if (!deps.storage.get('first')) deps.storage.set('first', String(deps.now()));
  let engine: Engine | undefined;
  const queued: ((e: Engine) => void)[] = [];
  const run = (call: (e: Engine) => void) => (engine ? call(engine) : queued.push(call));
  const loading = deps.rules.length
    ? import('./proactive').then((m) => {
        engine = m.createProactive(deps);
        queued.splice(0).forEach((call) => call(engine!));
      })
    : null;
  return {
    /** Settles once the rules run (null: the site has none, nothing is loaded). */
    loading,
    page: (url: string, since?: unknown) => run((e) => e.page(url, since)),
    cart: (total: number, items: number) => run((e) => e.cart(total, items)),
    exit: () => run((e) => e.exit()),
  };
}
