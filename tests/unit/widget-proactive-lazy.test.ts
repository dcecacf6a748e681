/**
 * The panel's proactive rules load in their own chunk (widget/app/state/proactive-lazy.ts): what
 * the host said before the chunk arrived is replayed in order, and a site without rules never
 * loads it.
 */
import { describe, expect, it } from 'vitest';
import { lazyProactive } from '../../widget/app/state/proactive-lazy';
import type { ClientRule } from '../../widget/app/state/proactive';

const rule: ClientRule = {
  id: 'r1',
  enabled: true,
  priority: 1,
  conditions: [{ type: 'cart_total_at_least', cents: 3000 }],
  message: { es: 'Hola', en: 'Hi' },
  onceEveryDays: 7,
};

function deps(rules: ClientRule[]) {
  const store = new Map<string, string>();
  const asked: { ruleId: string; onPageMs: number; exitIntent: boolean }[] = [];
  return {
    store,
    asked,
    deps: {
      rules,
      storage: { get: (k: string) => store.get(k) ?? null, set: (k: string, v: string) => void store.set(k, v) },
      now: () => 1_800_000_000_000,
      locale: () => 'es' as const,
      identified: () => false,
      chatActive: () => false,
      device: 'desktop' as const,
      ask: (ruleId: string, extra: { exitIntent: boolean; onPageMs: number }) => void asked.push({ ruleId, ...extra }),
    },
  };
}

describe('the panel’s proactive rules, loaded on their own', () => {
  it('replays the page, cart and exit intent the host sent before the chunk arrived, in order', async () => {
    const d = deps([rule, { ...rule, id: 'r2', priority: 0, conditions: [{ type: 'cart_total_at_least', cents: 1000 }] }]);
    const p = lazyProactive(d.deps);
    p.page('https://shop.example/cafe', 1_800_000_000_000 - 5_000);
    p.exit();
    p.cart(4500, 2);
    expect(d.asked).toEqual([]);
    await p.loading;
    expect(d.asked).toEqual([{ ruleId: 'r1', onPageMs: 5_000, exitIntent: true, device: 'desktop' }]);
    // Once there, calls go straight through: the next page asks for the rule not yet shown.
    p.page('https://shop.example/te');
    expect(d.asked.map((a) => a.ruleId)).toEqual(['r1', 'r2']);
  });

  it('with no rules loads nothing, yet keeps the first visit’s time', async () => {
    const d = deps([]);
    const p = lazyProactive(d.deps);
    p.page('https://shop.example/cafe');
    p.cart(4500, 2);
    expect(p.loading).toBeNull();
    expect(d.asked).toEqual([]);
    expect(d.store.get('first')).toBe('1800000000000');
  });
});
