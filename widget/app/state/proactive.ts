/**
 * When to ask for a proactive message on this page view. The rules come with the panel page
 * (no round trip); the panel tracks what it can see — the page and how long the shopper has
 * been on it, the cart, exit intent, returning, language, identity — evaluates the rules with
 * the shared pure functions (shared/triggers.ts), and asks the server for the first rule that
 * holds. The server re-checks and applies the caps; here a local cap (per rule per
 * `onceEveryDays`, one per page view) keeps from asking in vain.
 */
import type { Locale } from '../../../shared/i18n';
import { evaluateTriggers, isReturning, nextTriggerCheckAt, ruleQuietMs, type Device, type TriggerRule, type VisitorContext } from '../../../shared/triggers';

export interface ClientRule extends TriggerRule {
  onceEveryDays: number;
}

interface Storage {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export interface ProactiveDeps {
  rules: ClientRule[];
  storage: Storage;
  now: () => number;
  locale: () => Locale;
  identified: () => boolean;
  /** A conversation is going on: proactive messages would interrupt it. */
  chatActive: () => boolean;
  device: Device;
  ask(ruleId: string, extra: { exitIntent: boolean; onPageMs: number; device: Device }): void;
}


export function createProactive(deps: ProactiveDeps) {
  const firstKey = 'first';
  const sentKey = 'proactive';
  if (!deps.storage.get(firstKey)) deps.storage.set(firstKey, String(deps.now()));
  const firstSeen = Number(deps.storage.get(firstKey)) || deps.now();
  let url = '';
  let pageEnteredAt = deps.now();
  let cartTotal = 0;
  let cartItems = 0;
  let exitIntent = false;
  let askedThisPage = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const sent = (): Record<string, number> => {
    try {
      return JSON.parse(deps.storage.get(sentKey) ?? '{}') as Record<string, number>;
    } catch {
      return {};
    }
  };

  function check(): void {
    clearTimeout(timer);
    if (askedThisPage || !url || deps.rules.length === 0) return;
    const now = deps.now();
    const history = sent();
    // A rule fired within its own window is out; the rest are evaluated as never sent.
    const rules = deps.rules.filter((r) => !(history[r.id] && now - history[r.id]! < ruleQuietMs(r.onceEveryDays)));
    const identified = deps.identified();
    const ctx: VisitorContext = {
      url,
      pageEnteredAt,
      cartTotal,
      cartItems,
      returning: isReturning(firstSeen, now),
      exitIntent,
      device: deps.device,
      locale: deps.locale(),
      identified,
      // Tags are the server's to check: an identified shopper passes here, the server decides.
      customerTags: identified ? rules.flatMap((r) => r.conditions.flatMap((c) => (c.type === 'customer_tag' ? [c.tag] : []))) : [],
      conversationOpen: deps.chatActive(),
    };
    const fired = evaluateTriggers(rules, ctx, { sent: [] }, now, { maxPerDay: Infinity });
    if (fired) {
      askedThisPage = true;
      deps.storage.set(sentKey, JSON.stringify({ ...history, [fired.ruleId]: now }));
      deps.ask(fired.ruleId, { exitIntent, onPageMs: Math.round(now - pageEnteredAt), device: deps.device });
      return;
    }
    const next = nextTriggerCheckAt(rules, ctx, { sent: [] }, now, { maxPerDay: Infinity });
    if (next !== null) timer = setTimeout(check, Math.max(50, next - now));
  }

  return {
    /** A page view began (`since`: when, as the host page says, epoch ms; taken within the last hour). */
    page(nextUrl: string, since?: unknown): void {
      if (nextUrl === url) return;
      url = nextUrl;
      const now = deps.now();
      pageEnteredAt = Math.min(now, Math.max(Number(since) || now, now - 3_600_000));
      exitIntent = false;
      askedThisPage = false;
      check();
    },
    cart(total: number, items: number): void {
      cartTotal = total;
      cartItems = items;
      check();
    },
    exit(): void {
      exitIntent = true;
      check();
    },
    check,
  };
}
