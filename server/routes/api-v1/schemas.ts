/**
 * Request and response schemas of the merchant REST API. The same schemas validate requests
 * and generate the OpenAPI document (openapi.ts), so the two cannot drift apart.
 */
import * as v from 'valibot';
import { LIMITS } from '../../../shared/protocol';

export { ORDER_STATUSES } from '../../../shared/cards';
import { ORDER_STATUSES } from '../../../shared/cards';
export const RETURN_STATUSES = ['requested', 'accepted', 'in_transit', 'received', 'refunded', 'rejected'] as const;

export const ExternalId = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1–128 characters of A–Z, a–z, 0–9, _ . : -'),
  v.description('Your own identifier'),
);

const HttpUrl = v.pipe(
  v.string(),
  v.maxLength(2048),
  v.url('must be a URL'),
  v.check((s) => /^https?:\/\//i.test(s), 'must be an http(s) URL'),
);
const IsoTime = v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 timestamp, e.g. 2026-11-24T10:00:00Z'));
const Money = v.pipe(v.number(), v.integer('must be an integer in minor units (cents)'), v.minValue(0), v.maxValue(1e12));
const ShortText = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max));

export const CustomerBody = v.object({
  email: v.pipe(v.string(), v.trim(), v.email('must be an email address'), v.maxLength(254)),
  name: ShortText(200),
  phone: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(40)))),
  tags: v.optional(v.pipe(v.array(ShortText(40)), v.maxLength(50))),
});

export const OrderItem = v.object({
  sku: ShortText(64),
  name: ShortText(200),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
  price: Money,
  imageUrl: v.optional(HttpUrl),
});

export const Address = v.object({
  name: v.optional(ShortText(200)),
  line1: ShortText(200),
  line2: v.optional(v.pipe(v.string(), v.maxLength(200))),
  city: ShortText(100),
  postalCode: v.optional(v.pipe(v.string(), v.maxLength(20))),
  region: v.optional(v.pipe(v.string(), v.maxLength(100))),
  country: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. ES')),
});

export const OrderBody = v.object({
  customerId: ExternalId,
  number: ShortText(64),
  status: v.picklist(ORDER_STATUSES),
  paymentStatus: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(40)))),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. EUR')),
  total: Money,
  items: v.pipe(v.array(OrderItem), v.maxLength(500)),
  shippingAddress: v.optional(v.nullable(Address)),
  createdAt: IsoTime,
});

export const ShipmentBody = v.object({
  carrier: ShortText(100),
  trackingNumber: ShortText(100),
  /** Left out: built from the number for Correos, Correos Express, SEUR, MRW, GLS, Nacex, CTT, DHL and UPS. */
  trackingUrl: v.optional(HttpUrl),
  status: ShortText(40),
  events: v.optional(v.pipe(v.array(v.object({ at: IsoTime, status: ShortText(40), description: ShortText(500) })), v.maxLength(200))),
});

export const ReturnBody = v.object({
  status: v.picklist(RETURN_STATUSES),
  items: v.optional(v.pipe(v.array(v.object({ sku: ShortText(64), quantity: v.pipe(v.number(), v.integer(), v.minValue(1)) })), v.maxLength(500))),
  reason: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000)))),
});

export const MessageBody = v.object({
  text: v.pipe(v.string(), v.maxLength(LIMITS.maxTextLength), v.check((s) => s.trim().length > 0, 'must not be empty')),
  author: v.optional(
    v.variant('kind', [
      v.object({ kind: v.literal('bot'), name: v.optional(ShortText(80)) }),
      v.object({ kind: v.literal('agent'), email: v.pipe(v.string(), v.email()) }),
    ]),
  ),
  /** Makes retries safe even without an Idempotency-Key: the same clientId is stored once. */
  clientId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/))),
});

export const ConversationsQuery = v.object({
  status: v.optional(v.picklist(['bot', 'queued', 'assigned', 'resolved'])),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.number(), v.minValue(1), v.maxValue(100))),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

export const TranscriptQuery = v.object({
  afterSeq: v.optional(v.pipe(v.string(), v.regex(/^\d{1,9}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.number(), v.minValue(1), v.maxValue(1000))),
});

export const OrderEventBody = v.object({
  type: v.picklist(['order.shipped', 'order.delayed', 'order.delivered', 'return.accepted']),
  orderId: ExternalId,
  /** Your own words instead of the built-in message (both languages are yours to choose). */
  message: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.maxTextLength))),
  /** order.delayed: the new expected date (YYYY-MM-DD). return.accepted: refund in cents. */
  estimatedDelivery: v.optional(v.pipe(v.string(), v.isoDate('must be a date like 2026-12-01'))),
  refundAmount: v.optional(Money),
});

export const OrderEventOut = v.object({ delivered: v.boolean(), conversationId: v.nullable(v.string()), messageId: v.nullable(v.string()) });

export const WEBHOOK_EVENT_NAMES = ['conversation.created', 'conversation.handoff', 'conversation.assigned', 'message.created', 'conversation.resolved', 'conversation.rated', 'email.failed'] as const;

export const WebhookBody = v.object({
  url: HttpUrl,
  events: v.pipe(v.array(v.picklist(WEBHOOK_EVENT_NAMES)), v.minLength(1, 'choose at least one event')),
});

// ---- responses (documented in OpenAPI; built by the handlers) ----

const WebhookOut = v.object({ id: v.string(), url: v.string(), events: v.array(v.string()), createdAt: v.string() });
export const WebhookCreated = v.object({ ...WebhookOut.entries, secret: v.string() });
export const WebhookList = v.object({ data: v.array(WebhookOut) });
export const DeliveryList = v.object({
  data: v.array(
    v.object({
      id: v.string(),
      event: v.string(),
      status: v.picklist(['pending', 'delivered', 'failed']),
      attempts: v.number(),
      nextAttemptAt: v.nullable(v.string()),
      lastStatusCode: v.nullable(v.number()),
      lastError: v.nullable(v.string()),
      createdAt: v.string(),
      deliveredAt: v.nullable(v.string()),
    }),
  ),
});
export const Empty = v.object({});

export const CustomerOut = v.object({
  id: v.string(),
  email: v.nullable(v.string()),
  name: v.nullable(v.string()),
  phone: v.nullable(v.string()),
  tags: v.array(v.string()),
  createdAt: v.string(),
  updatedAt: v.string(),
});

export const OrderOut = v.object({
  id: v.string(),
  customerId: v.string(),
  number: v.string(),
  status: v.picklist(ORDER_STATUSES),
  paymentStatus: v.nullable(v.string()),
  currency: v.string(),
  total: v.number(),
  items: v.array(OrderItem),
  shippingAddress: v.nullable(Address),
  shipments: v.array(
    v.object({
      id: v.string(),
      carrier: v.string(),
      trackingNumber: v.string(),
      trackingUrl: v.string(),
      status: v.string(),
      events: v.array(v.object({ at: v.string(), status: v.string(), description: v.string() })),
      updatedAt: v.string(),
    }),
  ),
  returns: v.array(v.object({ id: v.string(), status: v.string(), items: v.array(v.object({ sku: v.string(), quantity: v.number() })), reason: v.nullable(v.string()), updatedAt: v.string() })),
  createdAt: v.string(),
  updatedAt: v.string(),
});

export const MessageOut = v.object({
  id: v.string(),
  conversationId: v.string(),
  seq: v.number(),
  author: v.object({ kind: v.picklist(['visitor', 'agent', 'bot', 'system']), id: v.optional(v.string()), name: v.optional(v.string()) }),
  text: v.string(),
  /** How it came or went: the chat, or e-mail. */
  channel: v.picklist(['chat', 'email']),
  createdAt: v.string(),
});

export const ConversationOut = v.object({
  id: v.string(),
  status: v.picklist(['bot', 'queued', 'assigned', 'resolved']),
  visitorId: v.string(),
  visitorName: v.nullable(v.string()),
  assigneeId: v.nullable(v.string()),
  lastSeq: v.number(),
  lastMessage: v.nullable(v.object({ text: v.string(), authorKind: v.string(), createdAt: v.string() })),
  createdAt: v.string(),
  updatedAt: v.string(),
});

export const ConversationPage = v.object({ data: v.array(ConversationOut), nextCursor: v.nullable(v.string()) });
export const Transcript = v.object({ conversation: ConversationOut, messages: v.array(MessageOut), hasMore: v.boolean() });

export const Problem = v.object({
  type: v.string(),
  title: v.string(),
  status: v.number(),
  code: v.string(),
  detail: v.optional(v.string()),
  field: v.optional(v.string()),
});

// ---- the merchant's own bot ----

export const BotBody = v.object({
  /** null removes the bot: the built-in one answers again. */
  url: v.nullable(HttpUrl),
  fallback: v.optional(v.picklist(['builtin', 'handoff'])),
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(15_000))),
  /** Issue a new signing secret (the old one stops working at once). */
  rotateSecret: v.optional(v.boolean()),
});

export const BotOut = v.object({
  url: v.nullable(v.string()),
  fallback: v.picklist(['builtin', 'handoff']),
  timeoutMs: v.number(),
  /** Only when a secret was just issued (first URL, or rotateSecret): store it, it is not shown again. */
  secret: v.optional(v.string()),
});

export const HandoffBody = v.object({
  reason: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

export const HandoffOut = v.object({ conversationId: v.string(), status: v.string() });

// ---- shop platforms ----

/** The union of the platforms' fields (each platform accepts only its own; see docs/integrations.md). */
export const IntegrationBody = v.object({
  shopDomain: v.optional(v.string()),
  storeUrl: v.optional(v.string()),
  webhookSecret: v.optional(v.string()),
  accessToken: v.optional(v.string()),
  consumerKey: v.optional(v.string()),
  consumerSecret: v.optional(v.string()),
});

export const IntegrationOut = v.object({
  platform: v.picklist(['shopify', 'woocommerce', 'prestashop']),
  connected: v.boolean(),
  settings: v.record(v.string(), v.string()),
  secretsSet: v.array(v.string()),
  webhookUrl: v.string(),
  proxyUrl: v.optional(v.string()),
  lastEvent: v.nullable(v.object({ at: v.string(), topic: v.string() })),
  lastError: v.nullable(v.object({ at: v.string(), message: v.string() })),
  import: v.nullable(
    v.object({
      status: v.picklist(['running', 'done', 'failed']),
      phase: v.picklist(['customers', 'orders']),
      cursor: v.nullable(v.string()),
      since: v.string(),
      customers: v.number(),
      orders: v.number(),
      totals: v.object({ customers: v.nullable(v.number()), orders: v.nullable(v.number()) }),
      error: v.nullable(v.string()),
      startedAt: v.string(),
      finishedAt: v.nullable(v.string()),
    }),
  ),
});

export const IntegrationList = v.object({ data: v.array(IntegrationOut) });

// ---- reports ----

const LocalDate = v.pipe(
  v.string(),
  v.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date like 2026-11-24'),
  v.check((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real date'),
);

export const ReportQueryFields = v.object({
    from: v.pipe(LocalDate, v.description("First day, in the site's time zone")),
    to: v.pipe(LocalDate, v.description('Last day (inclusive)')),
    team: v.optional(v.pipe(v.string(), v.maxLength(60))),
    agent: v.optional(v.pipe(v.string(), v.maxLength(64), v.description('An agent id'))),
    channel: v.optional(v.picklist(['chat', 'email'])),
    language: v.optional(v.picklist(['es', 'en'])),
    tag: v.optional(v.pipe(v.string(), v.maxLength(100), v.description('A conversation tag (contact reason)'))),
    format: v.optional(v.picklist(['json', 'csv'])),
});

export const ReportQuery = v.pipe(
  ReportQueryFields,
  v.check((q) => q.from <= q.to, 'from must not be after to'),
  v.check((q) => (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / 86_400_000 < 367, 'the range is at most 367 days'),
);

const Percentiles = v.object({ p50: v.nullable(v.number()), p90: v.nullable(v.number()) });

export const ReportSummary = v.object({
  from: v.string(),
  to: v.string(),
  timeZone: v.string(),
  conversations: v.number(),
  firstResponseSeconds: Percentiles,
  resolutionSeconds: Percentiles,
  botResolvedShare: v.nullable(v.number()),
  csat: v.object({ average: v.nullable(v.number()), count: v.number() }),
});

export const ReportTableOut = v.object({
  name: v.string(),
  from: v.string(),
  to: v.string(),
  timeZone: v.string(),
  columns: v.array(v.string()),
  rows: v.array(v.record(v.string(), v.nullable(v.union([v.string(), v.number()])))),
});
