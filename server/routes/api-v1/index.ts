/**
 * The merchant REST API, /api/v1: customers, orders, shipments, returns, conversations and
 * messages. Authenticated per site by its secret key. See docs/api.md.
 */
import { Hono, type Context, type Handler } from 'hono';
import { RateLimiter } from '../../domain/rate-limit';
import { NotFoundError } from '../../store/errors';
import { checkTarget } from '../../integrations/safe-request';
import { newToken } from '../../ids';
import type { Store, WebhookRecord } from '../../store/types';
import { ApiError, apiProblem, idempotent, iso, jsonBody, secretKeyAuth, siteRateLimit, validate, type ApiEnv } from './kit';
import { buildOpenApi, type RouteDoc } from './openapi';
import * as S from './schemas';
import { handOff, postApiMessage, postOrderEvent } from '../../app/conversations';
import { report, reportSummary } from '../../app/reports';
import { REPORT_NAMES, toCsv, type ReportName } from '../../domain/reports';
import type { CoreDeps } from '../../app/deps';
import { RefusedError } from '../../app/errors';
import { configureExternalBot, externalBotOut } from '../../app/external-bot';
import { trackingUrl } from '../../domain/carriers';
import { publicOrigin } from '../../http';
import { conversationOut, customerOut, messageOut, orderOut } from '../shapes';
import type { ShopIntegrations } from '../../integrations/shops/service';
import { integrationOut, PLATFORMS } from '../../integrations/shops/settings';
import type { IntegrationPlatform } from '../../store/types';
import type { SecurityLog } from '../../security-log';
import { remoteAddress } from './kit';
import { normaliseTag } from '../../../shared/tags';

export interface ApiDeps {
  /** The use cases' dependencies (messages, handoffs and order events go through them). */
  core: CoreDeps;
  /** Requests per second per site (sustained) and burst. */
  rateLimit?: { rate: number; burst: number };
  /** With several nodes: shares a budget with the others under a name (cluster-node.ts). */
  share?: (name: string, limiter: RateLimiter) => RateLimiter;
  /** ALLOW_PRIVATE_NETWORK_TARGETS: let webhooks target private and loopback addresses. */
  allowPrivateTargets?: boolean;
  /** Shop platform connections (Shopify, WooCommerce, PrestaShop). */
  shops?: ShopIntegrations;
  /** PUBLIC_URL; empty: the request's own origin (for the webhook URLs shown). */
  publicUrl?: string;
  /** Client errors (4xx) are logged here, rate-limited: one line per site, endpoint and error a minute. */
  securityLog?: SecurityLog;
}

function webhookOut(w: WebhookRecord) {
  return { id: w.id, url: w.url, events: w.events, createdAt: iso(w.createdAt) };
}

function encodeCursor(next: { updatedAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([next.updatedAt, next.id])).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: number; id: string } {
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (typeof updatedAt === 'number' && typeof id === 'string') return { updatedAt, id };
  } catch {
    /* fall through */
  }
  throw new ApiError(422, 'validation_failed', 'The query is not valid', { field: 'cursor', detail: 'cursor: not a cursor this API returned' });
}

function externalId(c: Context, name: string): string {
  return validate(S.ExternalId, c.req.param(name), 'query');
}

export function apiV1Routes(api: ApiDeps) {
  const deps = { ...api, store: api.core.store, logger: api.core.logger, now: api.core.now };
  const app = new Hono<ApiEnv>();
  const docs: RouteDoc[] = [];
  const limit = deps.rateLimit ?? { rate: 50, burst: 200 };

  // Errors (a thrown ApiError, a store that refused) are answered by the app's one onError (server/http.ts).
  app.notFound((c) => apiProblem(c, 404, 'not_found', 'No such endpoint'));

  app.get('/openapi.json', (c) => c.json(buildOpenApi(docs)));

  // A merchant's integration failing with 4xx shows in the log: method, path (never the query),
  // status, the problem's code, the site — never the key. Rate-limited by SecurityLog.
  app.use('*', async (c, next) => {
    await next();
    const status = c.res.status;
    if (status < 400 || status >= 500 || !deps.securityLog) return;
    let code: string | null = null;
    if (/problem\+json/.test(c.res.headers.get('content-type') ?? '')) {
      const body = (await c.res.clone().json().catch(() => null)) as { code?: unknown } | null;
      code = typeof body?.code === 'string' ? body.code : null;
    }
    const site = c.get('site') as { id: string; publicKey: string } | undefined;
    const path = c.req.path.slice(0, 200);
    deps.securityLog.record(
      'api_client_error',
      `${site?.id ?? `address ${remoteAddress(c)}`} ${c.req.method} ${path} ${status} ${code ?? ''}`,
      { method: c.req.method, path, status, error: code, siteId: site?.id ?? null, site: site?.publicKey ?? null, ...(site ? {} : { address: remoteAddress(c) }) },
      `API ${c.req.method} ${path} answered ${status}${code ? ` ${code}` : ''}`,
      'info',
    );
  });

  /** Registers a route and its OpenAPI entry from one spelling of its path (`/orders/:externalId`). */
  function route<P extends string>(doc: RouteDoc & { path: P }, handler: Handler<ApiEnv, P>): void {
    docs.push(doc);
    app.on(doc.method.toUpperCase(), doc.path, handler);
  }

  const share = deps.share ?? ((_name: string, limiter: RateLimiter) => limiter);
  app.use('*', secretKeyAuth(deps.store, share('api.badkey', new RateLimiter(5, 20)), deps.now));
  app.use('*', siteRateLimit(share('api.site', new RateLimiter(limit.rate, limit.burst)), deps.now));
  app.use('*', idempotent(deps.store, deps.now));
  // The PrestaShop module calls this API itself and says so: its card in the console shows the last call and the last failure.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.header('x-mostrador-integration') !== 'prestashop' || c.req.method === 'GET') return;
    const site = c.get('site');
    if (!(await deps.store.integrations.get(site.id, 'prestashop'))) return;
    const what = `${c.req.method} ${c.req.path.replace(/^\/api\/v1/, '').slice(0, 80)}`;
    const status = c.res.status;
    await deps.store.integrations
      .note(site.id, 'prestashop', status < 300 ? { topic: what } : { error: `${what}: HTTP ${status}` }, deps.now())
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not record the PrestaShop call'));
  });

  // ---- customers ----
  route({ method: 'put', path: '/customers/:externalId', summary: 'Create or update a customer', tag: 'Customers', body: S.CustomerBody, response: S.CustomerOut }, async (c) => {
    const id = externalId(c, 'externalId');
    const body = validate(S.CustomerBody, await jsonBody(c));
    const { record, created } = await deps.store.customers.upsert(c.get('site').id, id, body, deps.now());
    return c.json(customerOut(record), created ? 201 : 200);
  });

  route({ method: 'get', path: '/customers/:externalId', summary: 'Read a customer', tag: 'Customers', response: S.CustomerOut }, async (c) => {
    const record = await deps.store.customers.byExternalId(c.get('site').id, externalId(c, 'externalId'));
    if (!record) return apiProblem(c, 404, 'not_found', 'No such customer');
    return c.json(customerOut(record));
  });

  // ---- orders ----
  route({ method: 'put', path: '/orders/:externalId', summary: 'Create or update an order', tag: 'Orders', body: S.OrderBody, response: S.OrderOut }, async (c) => {
    const id = externalId(c, 'externalId');
    const body = validate(S.OrderBody, await jsonBody(c));
    try {
      const { record, created } = await deps.store.orders.upsert(
        c.get('site').id,
        id,
        { ...body, customerExternalId: body.customerId, createdAt: Date.parse(body.createdAt) },
        deps.now(),
      );
      return c.json(orderOut(record), created ? 201 : 200);
    } catch (err) {
      if (err instanceof NotFoundError) {
        throw new ApiError(422, 'unknown_customer', 'The body is not valid', { field: 'customerId', detail: 'customerId: no customer with this id; PUT it first' });
      }
      throw err;
    }
  });

  route({ method: 'get', path: '/orders/:externalId', summary: 'Read an order with its shipments and returns', tag: 'Orders', response: S.OrderOut }, async (c) => {
    const record = await deps.store.orders.byExternalId(c.get('site').id, externalId(c, 'externalId'));
    if (!record) return apiProblem(c, 404, 'not_found', 'No such order');
    return c.json(orderOut(record));
  });

  route({
    method: 'put',
    path: '/orders/:externalId/shipments/:shipmentId',
    summary: 'Create or update a shipment of an order',
    tag: 'Orders',
    body: S.ShipmentBody,
    response: S.OrderOut,
  }, async (c) => {
    const orderId = externalId(c, 'externalId');
    const shipmentId = externalId(c, 'shipmentId');
    const body = validate(S.ShipmentBody, await jsonBody(c));
    const input = {
      ...body,
      trackingUrl: trackingUrl(body.carrier, body.trackingNumber, body.trackingUrl),
      events: body.events?.map((e) => ({ ...e, at: Date.parse(e.at) })),
    };
    try {
      const { record, created } = await deps.store.orders.upsertShipment(c.get('site').id, orderId, shipmentId, input, deps.now());
      return c.json(orderOut(record), created ? 201 : 200);
    } catch (err) {
      if (err instanceof NotFoundError) return apiProblem(c, 404, 'not_found', 'No such order');
      throw err;
    }
  });

  route({
    method: 'put',
    path: '/orders/:externalId/returns/:returnId',
    summary: 'Create or update a return of an order',
    tag: 'Orders',
    body: S.ReturnBody,
    response: S.OrderOut,
  }, async (c) => {
    const orderId = externalId(c, 'externalId');
    const returnId = externalId(c, 'returnId');
    const body = validate(S.ReturnBody, await jsonBody(c));
    try {
      const { record, created } = await deps.store.orders.upsertReturn(c.get('site').id, orderId, returnId, body, deps.now());
      return c.json(orderOut(record), created ? 201 : 200);
    } catch (err) {
      if (err instanceof NotFoundError) return apiProblem(c, 404, 'not_found', 'No such order');
      throw err;
    }
  });

  // ---- reports ----
  const reportRequest = (c: Context<ApiEnv>) => {
    const q = validate(S.ReportQuery, c.req.query(), 'query');
    return { q, req: { from: q.from, to: q.to, filter: { team: q.team, agentId: q.agent, channel: q.channel, language: q.language, tag: q.tag === undefined ? undefined : normaliseTag(q.tag) } } };
  };
  route({ method: 'get', path: '/reports/summary', summary: "Headline figures for a date range in the site's time zone (docs/reports.md)", tag: 'Reports', query: S.ReportQueryFields, response: S.ReportSummary }, async (c) => {
    const { req } = reportRequest(c);
    return c.json(await reportSummary(deps.store, c.get('site'), req));
  });

  route({ method: 'get', path: '/reports/:name', summary: `One report as a table (${REPORT_NAMES.join(', ')}); format=csv for CSV`, tag: 'Reports', query: S.ReportQueryFields, response: S.ReportTableOut }, async (c) => {
    const name = c.req.param('name');
    if (!(REPORT_NAMES as readonly string[]).includes(name)) return apiProblem(c, 404, 'not_found', `No such report; one of ${REPORT_NAMES.join(', ')}`);
    const { q, req } = reportRequest(c);
    const table = await report(deps.store, c.get('site'), name as ReportName, req, deps.now());
    if (q.format === 'csv') {
      return c.body(toCsv(table), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}-${q.from}-${q.to}.csv"` });
    }
    return c.json(table);
  });

  // ---- conversations ----
  route({ method: 'get', path: '/conversations', summary: 'List conversations, newest activity first', tag: 'Conversations', query: S.ConversationsQuery, response: S.ConversationPage }, async (c) => {
    const q = validate(S.ConversationsQuery, c.req.query(), 'query');
    const page = await deps.store.conversations.page(c.get('site').id, {
      limit: q.limit ?? 20,
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { before: decodeCursor(q.cursor) } : {}),
    });
    return c.json({ data: page.items.map(conversationOut), nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  route({ method: 'get', path: '/conversations/:id', summary: 'Read a conversation and its transcript', tag: 'Conversations', query: S.TranscriptQuery, response: S.Transcript }, async (c) => {
    const siteId = c.get('site').id;
    const q = validate(S.TranscriptQuery, c.req.query(), 'query');
    const conversation = await deps.store.conversations.listItem(siteId, c.req.param('id').slice(0, 64));
    if (!conversation) return apiProblem(c, 404, 'not_found', 'No such conversation');
    const max = q.limit ?? 500;
    const messages = await deps.store.messages.after(siteId, conversation.id, q.afterSeq ?? 0, max + 1);
    return c.json({ conversation: conversationOut(conversation), messages: messages.slice(0, max).map(messageOut), hasMore: messages.length > max });
  });

  route({
    method: 'post',
    path: '/conversations/:id/messages',
    summary: 'Send a message into a conversation as the bot or a named agent',
    tag: 'Conversations',
    body: S.MessageBody,
    response: S.MessageOut,
    idempotent: true,
  }, async (c) => {
    const site = c.get('site');
    const body = validate(S.MessageBody, await jsonBody(c));
    const id = c.req.param('id').slice(0, 64);
    let author: Parameters<typeof postApiMessage>[1]['author'] = { kind: 'bot', name: body.author?.kind === 'bot' && body.author.name ? body.author.name : site.name };
    if (body.author?.kind === 'agent') {
      const agent = await deps.store.agents.byEmail(site.id, body.author.email);
      if (!agent || agent.disabled) {
        throw new ApiError(422, 'unknown_agent', 'The body is not valid', { field: 'author.email', detail: 'author.email: no active agent with this email on this site' });
      }
      author = { kind: 'agent', agent };
    }
    try {
      const result = await postApiMessage(deps.core, { siteId: site.id, conversationId: id, author, text: body.text, clientId: body.clientId ?? null });
      const message = result.messages.find((m) => m.clientId === (body.clientId ?? null) && m.kind !== 'system') ?? result.messages[result.messages.length - 1]!;
      return c.json(messageOut(message), result.duplicate ? 200 : 201);
    } catch (err) {
      if (err instanceof NotFoundError) return apiProblem(c, 404, 'not_found', 'No such conversation');
      throw err;
    }
  });

  // ---- order events → proactive messages ----
  route({
    method: 'post',
    path: '/events',
    summary: 'Tell the shopper about an order event (shipped, delayed, delivered, return accepted) in their chat',
    tag: 'Events',
    body: S.OrderEventBody,
    response: S.OrderEventOut,
    idempotent: true,
  }, async (c) => {
    const site = c.get('site');
    const body = validate(S.OrderEventBody, await jsonBody(c));
    const key = c.req.header('idempotency-key');
    const outcome = await postOrderEvent(deps.core, {
      site,
      orderId: body.orderId,
      type: body.type,
      estimatedDelivery: body.estimatedDelivery,
      refundAmount: body.refundAmount,
      message: body.message,
      idempotencyKey: key,
    });
    if (!outcome.ok) throw new ApiError(422, 'unknown_order', 'The body is not valid', { field: 'orderId', detail: 'orderId: no order with this id; PUT it first' });
    if (!outcome.delivered) return c.json({ delivered: false, conversationId: null, messageId: null }, 202);
    return c.json({ delivered: true, conversationId: outcome.conversationId, messageId: outcome.messageId }, 201);
  });

  // ---- shop platforms ----
  const platformParam = (c: Context): IntegrationPlatform => {
    const p = c.req.param('platform') as IntegrationPlatform;
    if (!PLATFORMS.includes(p)) throw new ApiError(404, 'not_found', 'No such platform', { detail: `platform: one of ${PLATFORMS.join(', ')}` });
    if (!deps.shops) throw new Error('shop integrations are not attached');
    return p;
  };
  const base = (c: Context) => publicOrigin(c, deps.publicUrl ?? '');

  route({ method: 'get', path: '/integrations', summary: 'Shop platform connections: settings, which secrets are set (never their values), webhook URL, last event and error, import progress', tag: 'Integrations', response: S.IntegrationList }, async (c) => {
    const site = c.get('site');
    const records = await deps.store.integrations.list(site.id);
    return c.json({ data: PLATFORMS.map((p) => integrationOut(p, records.find((r) => r.platform === p) ?? null, base(c), site.publicKey)) });
  });

  route({
    method: 'put',
    path: '/integrations/:platform',
    summary: 'Connect Shopify, WooCommerce or PrestaShop: shop domain or URL and secrets (stored sealed, never returned; a secret left out keeps its value)',
    tag: 'Integrations',
    body: S.IntegrationBody,
    response: S.IntegrationOut,
  }, async (c) => {
    const platform = platformParam(c);
    const site = c.get('site');
    const result = await deps.shops!.configure(site, platform, await jsonBody(c));
    if (!result.ok) throw new ApiError(422, 'validation_failed', 'The body is not valid', { detail: result.detail, ...(result.field ? { field: result.field } : {}) });
    return c.json(integrationOut(platform, result.record, base(c), site.publicKey));
  });

  route({ method: 'post', path: '/integrations/:platform/import', summary: 'Import the last 60 days of customers and orders (Shopify, WooCommerce); resumes an interrupted import', tag: 'Integrations', response: S.IntegrationOut }, async (c) => {
    const platform = platformParam(c);
    const site = c.get('site');
    const started = await deps.shops!.importer.start(site, platform);
    if (!started.ok) throw new ApiError(409, 'not_ready', 'The import cannot start', { detail: started.detail });
    return c.json(integrationOut(platform, await deps.store.integrations.get(site.id, platform), base(c), site.publicKey), 202);
  });

  // ---- the merchant's own bot ----
  route({ method: 'get', path: '/bot', summary: "The site's external bot (URL, fallback, time-out), without its secret", tag: 'Bot', response: S.BotOut }, async (c) => c.json(externalBotOut(c.get('site'))));

  route({
    method: 'put',
    path: '/bot',
    summary: 'Plug in your own bot: shopper messages are POSTed to the URL, signed; the signing secret is returned once',
    tag: 'Bot',
    body: S.BotBody,
    response: S.BotOut,
  }, async (c) => {
    const body = validate(S.BotBody, await jsonBody(c));
    const result = await configureExternalBot(deps.store, c.get('site'), body, deps.allowPrivateTargets === true);
    if (!result.ok) throw new ApiError(422, result.code, 'The body is not valid', { field: 'url', detail: result.detail });
    return c.json(result.out);
  });

  route({
    method: 'post',
    path: '/conversations/:id/handoff',
    summary: 'Hand a conversation your bot holds to people (it joins the queue with your reason)',
    tag: 'Bot',
    body: S.HandoffBody,
    response: S.HandoffOut,
  }, async (c) => {
    const site = c.get('site');
    const body = validate(S.HandoffBody, await jsonBody(c));
    const id = c.req.param('id').slice(0, 64);
    const conversation = await deps.store.conversations.get(site.id, id);
    if (!conversation) return apiProblem(c, 404, 'not_found', 'No such conversation');
    if (conversation.status !== 'bot') {
      throw new ApiError(409, 'not_with_bot', 'The conversation is not with the bot', { detail: `status is ${conversation.status}` });
    }
    try {
      await handOff(deps.core, {
        siteId: site.id,
        conversationId: id,
        packet: { reason: 'external_bot', intent: body.reason ?? 'unknown', matchedOrderId: null, tried: [], offHours: false, backAt: null },
        clientId: `api_handoff_${id}_${conversation.lastSeq}`,
        storePacket: true,
      });
    } catch (err) {
      // A person took it between the check and the commit.
      if (err instanceof RefusedError) throw new ApiError(409, 'not_with_bot', 'The conversation is not with the bot', { detail: err.message });
      throw err;
    }
    return c.json({ conversationId: id, status: 'queued' });
  });

  route({ method: 'post', path: '/webhooks', summary: 'Subscribe a URL to events; the signing secret is returned once', tag: 'Webhooks', body: S.WebhookBody, response: S.WebhookCreated, idempotent: true }, async (c) => {
    const body = validate(S.WebhookBody, await jsonBody(c));
    const target = await checkTarget(body.url, deps.allowPrivateTargets === true);
    if (target === 'private') {
      throw new ApiError(422, 'private_target', 'The body is not valid', { field: 'url', detail: 'url: resolves to a private or loopback address' });
    }
    if (target === 'unresolvable') throw new ApiError(422, 'unresolvable_target', 'The body is not valid', { field: 'url', detail: 'url: the host does not resolve' });
    const secret = `whsec_${newToken(24)}`;
    const hook = await deps.store.webhooks.create(c.get('site').id, { url: body.url, events: [...new Set(body.events)], secret }, deps.now());
    return c.json({ ...webhookOut(hook), secret }, 201);
  });

  route({ method: 'get', path: '/webhooks', summary: 'List webhooks (without secrets)', tag: 'Webhooks', response: S.WebhookList }, async (c) => c.json({ data: (await deps.store.webhooks.list(c.get('site').id)).map(webhookOut) }));

  route({ method: 'delete', path: '/webhooks/:id', summary: 'Delete a webhook and its delivery log', tag: 'Webhooks', response: S.Empty }, async (c) => {
    const deleted = await deps.store.webhooks.delete(c.get('site').id, c.req.param('id').slice(0, 64));
    return deleted ? c.body(null, 204) : apiProblem(c, 404, 'not_found', 'No such webhook');
  });

  route({ method: 'get', path: '/webhooks/:id/deliveries', summary: 'Recent deliveries of a webhook: status, attempts, last error', tag: 'Webhooks', response: S.DeliveryList }, async (c) => {
    const siteId = c.get('site').id;
    const id = c.req.param('id').slice(0, 64);
    if (!(await deps.store.webhooks.list(siteId)).some((w) => w.id === id)) return apiProblem(c, 404, 'not_found', 'No such webhook');
    const rows = await deps.store.webhooks.deliveries(siteId, id, 100);
    return c.json({
      data: rows.map((d) => ({
        id: d.id,
        event: d.event,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
        lastStatusCode: d.lastStatusCode,
        lastError: d.lastError,
        createdAt: iso(d.createdAt),
        deliveredAt: d.deliveredAt ? iso(d.deliveredAt) : null,
      })),
    });
  });

  return app;
}
