/**
 * Carries out a proactive rule the panel asked for (domain: shared/triggers.ts). The panel
 * decides when to ask; this decides whether the rule may fire, from what the server knows
 * itself — the page, the cart, language, verified identity and tags, whether they are
 * returning — what only the page can see (time on the page, exit intent), and the caps (once per visitor per
 * `onceEveryDays`, at most two a day, none while a chat is active, recorded atomically). Then
 * the message goes into the shopper's conversation (created if needed) from the bot or the
 * named agent, and reaches every tab of theirs like any message.
 */
import type { Locale } from '../../shared/i18n';
import type { ProactiveRule } from '../../shared/site-settings';
import { DAY_MS, DEFAULT_FREQUENCY_CAPS, conditionHolds, isReturning, ruleQuietMs, type Device, type VisitorContext } from '../../shared/triggers';
import type { PresenceRegistry } from '../presence';
import type { VisitorRecord } from '../store/types';
import type { CoreDeps } from './deps';
import { sendProactive } from './conversations';
import { botAuthor } from './site';

/** A chat with a message in this window counts as active: no proactive message interrupts it. */
const ACTIVE_CHAT_MS = DAY_MS;

export type ProactiveOutcome = { fired: true } | { fired: false; reason: 'unknown_rule' | 'conditions' | 'capped' | 'chat_active' };

export async function runProactive(
  deps: CoreDeps & { presence: PresenceRegistry },
  siteId: string,
  visitor: VisitorRecord,
  ask: { ruleId: string; exitIntent?: boolean; onPageMs?: number; device?: Device },
): Promise<ProactiveOutcome> {
  const site = await deps.store.sites.byId(siteId);
  const rule: ProactiveRule | undefined = site ? site.settings.proactive.rules.find((r) => r.id === ask.ruleId) : undefined;
  if (!site || !rule || !rule.enabled || rule.conditions.length === 0) return { fired: false, reason: 'unknown_rule' };
  const now = deps.now();
  const locale: Locale = visitor.locale === 'en' ? 'en' : 'es';
  const text = rule.message[locale]?.trim() || rule.message[locale === 'es' ? 'en' : 'es']?.trim();
  if (!text) return { fired: false, reason: 'unknown_rule' };

  const conversations = await deps.store.conversations.listForVisitor(siteId, visitor);
  if (conversations.some((c) => c.status !== 'resolved' && c.lastMessage && now - c.lastMessage.createdAt < ACTIVE_CHAT_MS)) {
    return { fired: false, reason: 'chat_active' };
  }

  // What the server itself saw of this visit.
  const seen = deps.presence.visit(siteId, visitor.id);
  const needsTags = rule.conditions.some((c) => c.type === 'customer_tag');
  const customer = needsTags && visitor.verified && visitor.customerId ? await deps.store.customers.byId(siteId, visitor.customerId) : null;
  const ctx: VisitorContext = {
    url: seen?.url ?? '',
    // The longer of what we saw and what the panel measured (its socket may be newer than the page).
    pageEnteredAt: Math.min(seen?.pageEnteredAt ?? now, now - (ask.onPageMs ?? 0)),
    cartTotal: seen?.cartTotal ?? 0,
    cartItems: seen?.cartUnits ?? 0,
    returning: isReturning(visitor.firstSeenAt, now),
    exitIntent: ask.exitIntent === true,
    device: ask.device ?? 'desktop',
    locale,
    identified: visitor.verified,
    customerTags: customer?.tags ?? [],
    conversationOpen: false,
  };
  if (!rule.conditions.every((c) => conditionHolds(c, ctx, now))) return { fired: false, reason: 'conditions' };

  const minGapMs = ruleQuietMs(rule.onceEveryDays);
  if (!(await deps.store.visitors.claimProactive(siteId, visitor.id, rule.id, now, { minGapMs, maxPerDay: DEFAULT_FREQUENCY_CAPS.maxPerDay }))) {
    return { fired: false, reason: 'capped' };
  }

  const agent = rule.from?.kind === 'agent' ? await deps.store.agents.byId(siteId, rule.from.agentId) : null;
  const author =
    agent && !agent.disabled
      ? { kind: 'agent' as const, id: agent.id, name: agent.name }
      : botAuthor(site, locale);
  await sendProactive(deps, { site, visitor, ruleId: rule.id, text, author, locale });
  return { fired: true };
}
