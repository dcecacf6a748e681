/**
 * What the console reads over HTTP besides the socket: the customer context beside a chat, the
 * site's canned responses, the teams chats can be transferred to and message search. Every route requires a
 * live agent session and is scoped to the agent's site.
 */
import { Hono } from 'hono';
import { agentFromRequest, csrfOk } from '../auth';
import { contactOf, notesOut, pastConversations, saveContactNotes } from '../app/contacts';
import { InvalidRequestError } from '../app/errors';
import { problem } from '../http';
import type { AgentRecord, OrderRecord, Store } from '../store/types';
import { customerOut, orderOut } from './shapes';
import { toSummary } from '../app/publish';
import { siteTeams } from '../domain/teams';
import { normaliseTag } from '../../shared/tags';

const stringOr = (x: unknown): string | null => (typeof x === 'string' && x ? x : null);

export interface AgentApiDeps {
  store: Store;
  now: () => number;
}

/** Lifetime value in the customer's main currency (the one most of their orders use). */
function lifetimeValue(orders: OrderRecord[]): { amount: number; currency: string } | null {
  const counted = orders.filter((o) => o.status !== 'cancelled');
  if (counted.length === 0) return null;
  const byCurrency = new Map<string, { amount: number; n: number }>();
  for (const o of counted) {
    const e = byCurrency.get(o.currency) ?? { amount: 0, n: 0 };
    e.amount += o.total;
    e.n++;
    byCurrency.set(o.currency, e);
  }
  const [currency, best] = [...byCurrency.entries()].sort((a, b) => b[1].n - a[1].n)[0]!;
  return { amount: best.amount, currency };
}

export function agentApiRoutes(deps: AgentApiDeps) {
  const app = new Hono<{ Variables: { agent: AgentRecord } }>();

  app.use('*', async (c, next) => {
    const agent = await agentFromRequest(c, deps.store, deps.now());
    if (!agent) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    if (!/^(GET|HEAD|OPTIONS)$/.test(c.req.method) && !csrfOk(c)) return problem(c, 403, 'missing or wrong CSRF token', { code: 'csrf' });
    c.set('agent', agent);
    c.header('Cache-Control', 'no-store');
    return next();
  });

  // Every agent reads them (admins edit them in settings).
  app.get('/canned', async (c) => {
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    return c.json({ data: site ? site.settings.canned : [] });
  });

  app.get('/teams', async (c) => {
    const siteId = c.get('agent').siteId;
    const site = await deps.store.sites.byId(siteId);
    return c.json({ data: siteTeams(await deps.store.agents.list(siteId), site?.settings.teams ?? []) });
  });

  /** The site's tags in use, the most used first (suggestions when tagging, the list's filter). */
  app.get('/tags', async (c) => c.json({ data: await deps.store.conversations.siteTags(c.get('agent').siteId, 200) }));

  /**
   * Full-text search over the site's messages: `q` (words; each may be the start of a word, all
   * must match; accents and case ignored), optional `status`, `agent` (assignee id), `tag`, `channel`
   * (`chat` or `email`: how the message came or went), `from` and
   * `to` (YYYY-MM-DD, both days included, UTC). Best matches first, at most 50.
   */
  app.get('/search', async (c) => {
    const siteId = c.get('agent').siteId;
    const terms = (c.req.query('q') ?? '').normalize('NFC').match(/[\p{L}\p{N}]+/gu)?.slice(0, 8).map((w) => w.slice(0, 64)) ?? [];
    if (!terms.some((w) => w.length >= 2)) return problem(c, 400, 'q needs a word of at least 2 letters or digits', { code: 'invalid_request', field: 'q' });
    const status = c.req.query('status');
    if (status !== undefined && !['bot', 'queued', 'assigned', 'resolved'].includes(status)) {
      return problem(c, 400, 'status must be bot, queued, assigned or resolved', { code: 'invalid_request', field: 'status' });
    }
    const day = (name: 'from' | 'to') => {
      const raw = c.req.query(name);
      if (raw === undefined || raw === '') return { ok: true as const, value: undefined };
      const at = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : NaN;
      return Number.isFinite(at) ? { ok: true as const, value: at } : { ok: false as const };
    };
    const rawTag = c.req.query('tag');
    const tag = rawTag ? normaliseTag(rawTag) : undefined;
    if (tag === null) return problem(c, 400, 'tag is not a tag', { code: 'invalid_request', field: 'tag' });
    const channel = c.req.query('channel');
    if (channel !== undefined && channel !== '' && channel !== 'chat' && channel !== 'email') {
      return problem(c, 400, 'channel must be chat or email', { code: 'invalid_request', field: 'channel' });
    }
    const from = day('from');
    const to = day('to');
    if (!from.ok) return problem(c, 400, 'from must be a date (YYYY-MM-DD)', { code: 'invalid_request', field: 'from' });
    if (!to.ok) return problem(c, 400, 'to must be a date (YYYY-MM-DD)', { code: 'invalid_request', field: 'to' });
    const hits = await deps.store.messages.search(siteId, {
      terms,
      status: status as 'bot' | 'queued' | 'assigned' | 'resolved' | undefined,
      assigneeId: c.req.query('agent')?.slice(0, 64) || undefined,
      tag,
      channel: channel === 'chat' || channel === 'email' ? channel : undefined,
      from: from.value,
      to: to.value === undefined ? undefined : to.value + 24 * 60 * 60 * 1000,
      limit: 50,
    });
    // Each chat found, as the conversation list shows it (a resolved one may not be in the agent's list).
    const ids = [...new Set(hits.map((h) => h.conversationId))];
    const items = await Promise.all(ids.map((id) => deps.store.conversations.listItem(siteId, id)));
    return c.json({
      data: hits.map((h) => ({ ...h, createdAt: new Date(h.createdAt).toISOString() })),
      conversations: items.flatMap((item) => (item ? [toSummary(item)] : [])),
    });
  });

  app.get('/conversations/:id/context', async (c) => {
    const siteId = c.get('agent').siteId;
    const id = c.req.param('id').slice(0, 64);
    const contact = await contactOf(deps.store, siteId, id);
    if (!contact) return problem(c, 404, 'no such conversation', { code: 'not_found' });
    const { visitor, customer, verifiedBy, matchedOrder, bot } = contact;
    const orders = customer ? await deps.store.orders.forCustomer(siteId, customer.id, 200) : matchedOrder ? [matchedOrder] : [];
    // The proved order first: it is what the chat is about (and what canned variables use).
    const shown = matchedOrder ? [matchedOrder, ...orders.filter((o) => o.id !== matchedOrder.id)] : orders;
    const notes = await deps.store.contactNotes.get(siteId, contact.subject);
    return c.json({
      visitor: {
        id: visitor.id,
        name: visitor.name,
        email: visitor.email,
        claimedId: visitor.externalId,
        verified: visitor.verified,
        locale: visitor.locale,
      },
      customer: customer ? { ...customerOut(customer), orderCount: orders.length, lifetimeValue: lifetimeValue(orders) } : null,
      /** How the customer is known: a verified identify, or an order the shopper proved in the chat. */
      verifiedBy,
      matchedOrder: matchedOrder ? { id: matchedOrder.externalId, number: matchedOrder.number } : null,
      orders: shown.slice(0, 10).map(orderOut),
      handoff: bot?.handoff ?? null,
      /** What the assistant understood the shopper wants: the console suggests a tag from it. */
      intent: stringOr(bot?.handoff?.intent) ?? stringOr(bot?.botState?.lastTopic),
      /** The agents' notes about this contact (the customer when known, else the visitor): plain text. */
      notes: await notesOut(deps.store, siteId, contact.subject, notes),
      /** Their other conversations, newest first, as the list shows them. */
      history: (await pastConversations(deps.store, siteId, visitor, id)).map(toSummary),
    });
  });

  /** The notes about the contact of a conversation: `{ text }`, plain text (empty clears them). */
  app.put('/conversations/:id/notes', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { text?: unknown } | null;
    if (typeof body?.text !== 'string') return problem(c, 400, 'text must be a string', { code: 'invalid_request', field: 'text' });
    try {
      return c.json(await saveContactNotes(deps, { agent: c.get('agent'), conversationId: c.req.param('id').slice(0, 64), text: body.text }));
    } catch (err) {
      if (err instanceof InvalidRequestError) {
        return err.code === 'not_found' ? problem(c, 404, err.message, { code: 'not_found' }) : problem(c, 422, err.message, { code: 'validation_failed', field: 'text' });
      }
      throw err;
    }
  });

  return app;
}
