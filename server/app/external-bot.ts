/**
 * The merchant's own bot (any bot, a language model included), plugged in by URL: each shopper
 * message in a conversation the bot holds is POSTed there, signed like webhooks
 * (`X-Mostrador-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`). The bot answers in the
 * response — `{ replies: [{ text, quickReplies? }], handoff?: { reason? } }` — or later through
 * the REST API (answer 202/204 now, then POST /api/v1/conversations/{id}/messages or /handoff).
 * A time-out, an error status, a refused target or an unreadable answer falls back to the
 * built-in bot or to a handoff, as the site chose. Targets resolving to private or loopback
 * addresses are refused (at save time and at connect time) unless
 * ALLOW_PRIVATE_NETWORK_TARGETS=1.
 */
import * as v from 'valibot';
import type { Locale } from '../../shared/i18n';
import { LIMITS } from '../../shared/limits';
import { BlockedTargetError, safeRequest } from '../integrations/safe-request';
import { signatureHeader } from '../integrations/webhook-dispatcher';
import { newToken } from '../ids';
import { checkTarget } from '../integrations/safe-request';
import type { Message } from '../../shared/protocol';
import type { ConversationRecord, SiteRecord, Store, VisitorRecord } from '../store/types';
import type { CoreDeps } from './deps';
import { handOffQuietly, runBot } from './bot-turn';
import { sendBotMessages } from './conversations';
import { botAuthor } from './site';

export interface ExternalBotSettings {
  url: string;
  secret: string;
  /** What happens when the bot does not answer in time or fails: the built-in bot, or a person. */
  fallback: 'builtin' | 'handoff';
  timeoutMs: number;
}

export const EXTERNAL_BOT_DEFAULTS = { fallback: 'builtin' as const, timeoutMs: 5_000, maxTimeoutMs: 15_000 };

export function externalBot(site: SiteRecord): ExternalBotSettings | null {
  const w = site.settings.bot.webhook;
  if (!w) return null;
  return {
    url: w.url,
    secret: w.secret,
    fallback: w.fallback,
    timeoutMs: Math.min(EXTERNAL_BOT_DEFAULTS.maxTimeoutMs, Math.max(500, w.timeoutMs || EXTERNAL_BOT_DEFAULTS.timeoutMs)),
  };
}

export interface BotConfigInput {
  url: string | null;
  fallback?: 'builtin' | 'handoff';
  timeoutMs?: number;
  rotateSecret?: boolean;
}

export type BotConfigOutcome =
  | { ok: true; out: { url: string | null; fallback: 'builtin' | 'handoff'; timeoutMs: number; secret?: string } }
  | { ok: false; code: 'private_target' | 'unresolvable_target'; detail: string };

/**
 * Sets (or, with `url: null`, removes) the site's own bot, for the REST API and the console alike.
 * The signing secret is issued with the first URL or on `rotateSecret`, and returned only then.
 */
export async function configureExternalBot(store: Store, site: SiteRecord, input: BotConfigInput, allowPrivate: boolean): Promise<BotConfigOutcome> {
  if (input.url) {
    const target = await checkTarget(input.url, allowPrivate);
    if (target === 'private') return { ok: false, code: 'private_target', detail: 'url: resolves to a private or loopback address' };
    if (target === 'unresolvable') return { ok: false, code: 'unresolvable_target', detail: 'url: the host does not resolve' };
  }
  const current = externalBot(site);
  const issue = input.url !== null && (!current || input.rotateSecret === true);
  const secret = input.url === null ? null : issue ? `bsec_${newToken(24)}` : current!.secret;
  const fallback = input.fallback ?? current?.fallback ?? EXTERNAL_BOT_DEFAULTS.fallback;
  const timeoutMs = input.timeoutMs ?? current?.timeoutMs ?? EXTERNAL_BOT_DEFAULTS.timeoutMs;
  const bot = site.settings.bot;
  await store.sites.update(site.id, {
    settings: { ...site.settings, bot: { ...bot, webhook: input.url === null ? null : { url: input.url, secret: secret!, fallback, timeoutMs } } },
  });
  return { ok: true, out: { url: input.url, fallback, timeoutMs, ...(issue ? { secret: secret! } : {}) } };
}

/** The site's own bot as shown to admins and the API: never its secret. */
export function externalBotOut(site: SiteRecord) {
  const bot = externalBot(site);
  return { url: bot?.url ?? null, fallback: bot?.fallback ?? EXTERNAL_BOT_DEFAULTS.fallback, timeoutMs: bot?.timeoutMs ?? EXTERNAL_BOT_DEFAULTS.timeoutMs };
}

/** What the merchant's bot may answer with. Anything else is a failure (and falls back). */
const Answer = v.object({
  replies: v.optional(
    v.pipe(
      v.array(
        v.object({
          text: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.maxTextLength)),
          quickReplies: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(60))), v.maxLength(6))),
        }),
      ),
      v.maxLength(10),
    ),
  ),
  handoff: v.optional(v.object({ reason: v.optional(v.pipe(v.string(), v.maxLength(200))) })),
});

/**
 * `error` is the code the conversation's handoff packet (seen by agents) records — only
 * `target_not_allowed` or `unavailable`, so the bot URL cannot be used to map ports (a refused
 * port, a time-out, a 404 and a garbled answer look alike) — and `detail` is for the operator's log.
 */
type Outcome = { ok: true; answer: v.InferOutput<typeof Answer> | null } | { ok: false; error: string; detail: string };

export const BOT_FAILURES = { blocked: 'target_not_allowed', failed: 'unavailable' } as const;

const failed = (detail: string): Outcome => ({ ok: false, error: BOT_FAILURES.failed, detail });

async function ask(deps: CoreDeps, bot: ExternalBotSettings, body: string): Promise<Outcome> {
  try {
    const res = await safeRequest(
      'POST',
      bot.url,
      { 'X-Mostrador-Event': 'message.created', 'X-Mostrador-Signature': signatureHeader(bot.secret, Math.floor(deps.now() / 1000), body), 'User-Agent': 'Mostrador-Bot/1' },
      { body, timeoutMs: bot.timeoutMs, allowPrivate: deps.allowPrivateTargets === true, maxBodyBytes: 64 * 1024 },
    );
    if (res.status === 202 || res.status === 204) return { ok: true, answer: null };
    if (res.status < 200 || res.status > 299) return failed(`status ${res.status}`);
    if (!res.body.trim()) return { ok: true, answer: null };
    let data: unknown;
    try {
      data = JSON.parse(res.body);
    } catch {
      return failed('answer is not JSON');
    }
    const parsed = v.safeParse(Answer, data);
    return parsed.success ? { ok: true, answer: parsed.output } : failed(`answer is not valid: ${parsed.issues[0].message}`);
  } catch (err) {
    return { ok: false, error: err instanceof BlockedTargetError ? BOT_FAILURES.blocked : BOT_FAILURES.failed, detail: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The assistant's turn for a committed shopper message: the merchant's bot when the site has
 * one, else (or when it fails and the site chose so) the built-in bot.
 */
export async function runAssistant(deps: CoreDeps, siteId: string, visitor: VisitorRecord, conversation: ConversationRecord, message: Message, address: string | null = null): Promise<void> {
  if (conversation.status !== 'bot' || message.author.kind !== 'visitor') return;
  // Settings may have changed since this socket connected.
  const site = await deps.store.sites.byId(siteId);
  if (!site) return;
  const bot = externalBot(site);
  if (!bot) return runBot(deps, site, visitor, conversation, message, address);

  const data = await deps.store.conversations.botData(site.id, conversation.id);
  const locale: Locale = (data?.locale ?? visitor.locale) === 'en' ? 'en' : 'es';
  const body = JSON.stringify({
    event: 'message.created',
    site: { publicKey: site.publicKey },
    conversation: { id: conversation.id, status: conversation.status, locale },
    message: { id: message.id, seq: message.seq, text: message.text, createdAt: new Date(message.createdAt).toISOString() },
    visitor: { id: visitor.id, name: visitor.name, email: visitor.email, verified: visitor.verified, customerId: visitor.verified ? visitor.externalId : null },
    replyWith: { messages: `/api/v1/conversations/${conversation.id}/messages`, handoff: `/api/v1/conversations/${conversation.id}/handoff` },
  });
  const outcome = await ask(deps, bot, body);

  if (!outcome.ok) {
    deps.logger.warn({ siteId: site.id, conversationId: conversation.id, error: outcome.detail }, 'external bot failed; falling back');
    if (bot.fallback === 'handoff') {
      const packet = { reason: 'bot_unavailable', intent: 'unknown', matchedOrderId: null, tried: [{ intent: 'external_bot', outcome: outcome.error }], offHours: false, backAt: null };
      return handOffQuietly(deps, site.id, conversation.id, packet, `xbot_${message.id}_handoff`, { storePacket: true });
    }
    return runBot(deps, site, visitor, conversation, message, address);
  }

  const answer = outcome.answer;
  if (!answer) return; // it answers later through the REST API
  // Deterministic: a redelivered turn stores nothing twice.
  await sendBotMessages(deps, {
    siteId: site.id,
    conversationId: conversation.id,
    author: botAuthor(site, locale),
    replies: (answer.replies ?? []).map((reply) =>
      reply.quickReplies?.length ? { text: reply.text, kind: 'card' as const, payload: { type: 'quick_replies', options: reply.quickReplies } } : { text: reply.text },
    ),
    clientId: `xbot_${message.id}_0`,
  });
  if (answer.handoff) {
    const packet = { reason: 'external_bot', intent: answer.handoff.reason ?? 'unknown', matchedOrderId: null, tried: [], offHours: false, backAt: null };
    await handOffQuietly(deps, site.id, conversation.id, packet, `xbot_${message.id}_handoff`, { storePacket: true });
  }
}
