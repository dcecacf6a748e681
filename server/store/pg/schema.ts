/**
 * Drizzle schema for the PostgreSQL store: the same tables, columns, indexes and constraints as
 * the SQLite schema (server/store/schema.ts), with PostgreSQL types — times are Unix
 * milliseconds as `bigint` (read as numbers), JSON columns are `jsonb` except the exact webhook
 * body and idempotent response (`text`, replayed byte for byte), flags are `boolean`. Rows read
 * through it have the same TypeScript shapes as the SQLite schema's, so the record mappers are
 * shared. Migrations are generated from this file by drizzle-kit
 * (`npm run db:generate:pg`, drizzle-pg.config.ts) into server/store/migrations-pg and applied
 * at start-up (server/store/pg/db.ts). Full-text search over messages is a custom migration
 * (a generated tsvector column with unaccent; see 0001_messages_search.sql).
 *
 * Keep it in step with schema.ts: a column added there is added here, and both generate.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ORDER_STATUSES } from '../../../shared/cards';

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  publicKey: text('public_key').notNull().unique(),
  /** The REST API bearer secret; also the HMAC key for identity verification, so it is kept, not hashed. */
  secretKey: text('secret_key').notNull().unique(),
  /** SHA-256 (hex) of the secret key: API requests are looked up by this, not by the secret. */
  secretKeyHash: text('secret_key_hash').unique(),
  /**
   * After a rotation, the previous secret key keeps working (API and identity hashes) until an
   * admin retires it or until `previousSecretExpiresAt` (null: until retired).
   */
  previousSecretKey: text('previous_secret_key'),
  previousSecretKeyHash: text('previous_secret_key_hash').unique(),
  previousSecretExpiresAt: bigint('previous_secret_expires_at', { mode: 'number' }),
  secretRotatedAt: bigint('secret_rotated_at', { mode: 'number' }),
  /** JSON array of origin patterns, e.g. ["https://shop.example", "http://localhost:*"]. */
  allowedOrigins: jsonb('allowed_origins').$type<string[]>().notNull(),
  /** JSON object of per-site settings (branding, hours, …). */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** `supervisor`: an agent who also reads the reports (and, later, the live view of every chat). */
    role: text('role', { enum: ['admin', 'supervisor', 'agent'] }).notNull().default('agent'),
    disabled: boolean('disabled').notNull().default(false),
    /** Concurrent chats this agent takes; null means the site's default (routing.defaultCapacity, 5). */
    capacity: integer('capacity'),
    /** Languages the agent answers in (`es`, `en`); empty means any. */
    languages: jsonb('languages').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** Teams the agent belongs to (free-form names such as `returns`); chats with a team go to its members. */
    teams: jsonb('teams').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  // An email is unique per site: the same person may be an agent of several shops, and one shop's
  // admin cannot learn whether an address is an agent elsewhere.
  (t) => [uniqueIndex('agents_site_email_unique').on(t.siteId, t.email), index('agents_site_idx').on(t.siteId), index('agents_email_idx').on(t.email)],
);

export const agentSessions = pgTable(
  'agent_sessions',
  {
    /** SHA-256 (hex) of the cookie token: a stolen database does not yield live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    /** The browser's User-Agent when signing in (cut to 300 characters), for "where you're signed in". */
    userAgent: text('user_agent'),
    /** The client address when signing in, and the last one seen. */
    address: text('address'),
    /** When the session last made a request (updated at most once a minute). */
    lastSeenAt: bigint('last_seen_at', { mode: 'number' }),
  },
  (t) => [index('agent_sessions_agent_idx').on(t.agentId)],
);

/**
 * An invitation to join a site as an agent: a one-time link whose token only its SHA-256 is
 * kept; it expires, and is used at most once (`usedAt`).
 */
/** One-time password-reset links: only the token's SHA-256 is kept; used once, short-lived. */
export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    usedAt: bigint('used_at', { mode: 'number' }),
  },
  (t) => [index('password_resets_agent_idx').on(t.agentId)],
);

export const agentInvites = pgTable(
  'agent_invites',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'agent'] }).notNull().default('agent'),
    invitedBy: text('invited_by').references(() => agents.id),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    usedAt: bigint('used_at', { mode: 'number' }),
  },
  (t) => [index('agent_invites_site_idx').on(t.siteId)],
);

export const customers = pgTable(
  'customers',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    externalId: text('external_id').notNull(),
    email: text('email'),
    name: text('name'),
    phone: text('phone'),
    tags: jsonb('tags').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** The shop platform's own updated_at of the version stored (integrations): an older copy never overwrites it. */
    sourceUpdatedAt: bigint('source_updated_at', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('customers_site_external_unique').on(t.siteId, t.externalId)],
);

export const visitors = pgTable(
  'visitors',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** SHA-256 (hex) of the visitor token the widget holds. */
    tokenHash: text('token_hash').notNull().unique(),
    /** Linked only when the shopper's identity was verified (HMAC from the merchant). */
    customerId: text('customer_id').references(() => customers.id),
    /** The id the shop's page claimed in identify(); trusted only when `verified`. */
    externalId: text('external_id'),
    verified: boolean('verified').notNull().default(false),
    name: text('name'),
    email: text('email'),
    locale: text('locale'),
    /** Proactive messages this visitor was sent: rule id and when (frequency caps). */
    proactiveSent: jsonb('proactive_sent').$type<{ ruleId: string; at: number }[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    lastSeenAt: bigint('last_seen_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('visitors_site_idx').on(t.siteId), index('visitors_site_customer_idx').on(t.siteId, t.customerId)],
);

export type OrderItem = { sku: string; name: string; quantity: number; price: number; imageUrl?: string };
export type Address = { name?: string; line1: string; line2?: string; city: string; postalCode?: string; region?: string; country: string };
export type TrackingEvent = { at: number; status: string; description: string };

export const orders = pgTable(
  'orders',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    externalId: text('external_id').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    number: text('number').notNull(),
    status: text('status', {
      enum: ORDER_STATUSES,
    }).notNull(),
    paymentStatus: text('payment_status'),
    currency: text('currency').notNull(),
    /** Minor units (cents). */
    total: bigint('total', { mode: 'number' }).notNull(),
    items: jsonb('items').$type<OrderItem[]>().notNull(),
    shippingAddress: jsonb('shipping_address').$type<Address | null>(),
    /** The shop platform's own updated_at of the version stored (integrations): an older copy never overwrites it. */
    sourceUpdatedAt: bigint('source_updated_at', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('orders_site_external_unique').on(t.siteId, t.externalId),
    index('orders_site_customer_idx').on(t.siteId, t.customerId),
    index('orders_site_number_idx').on(t.siteId, t.number),
    // Order numbers are matched without regard to case (the assistant, console search).
    index('orders_site_number_lower_idx').on(t.siteId, sql`lower(${t.number})`),
  ],
);

export const shipments = pgTable(
  'shipments',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    externalId: text('external_id').notNull(),
    carrier: text('carrier').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    trackingUrl: text('tracking_url').notNull(),
    status: text('status').notNull(),
    events: jsonb('events').$type<TrackingEvent[]>().notNull().default(sql`'[]'::jsonb`),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('shipments_order_external_unique').on(t.orderId, t.externalId), index('shipments_site_idx').on(t.siteId)],
);

export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    visitorId: text('visitor_id')
      .notNull()
      .references(() => visitors.id),
    status: text('status', { enum: ['bot', 'queued', 'assigned', 'resolved'] }).notNull(),
    assigneeId: text('assignee_id').references(() => agents.id),
    /** The last `seq` handed out; the next message takes last_seq + 1 in the same transaction. */
    lastSeq: integer('last_seq').notNull().default(0),
    /** The last seq the shopper can see (internal notes are not visible to them). */
    lastVisibleSeq: integer('last_visible_seq').notNull().default(0),
    /** Read receipts: the highest seq each side has seen. */
    visitorReadSeq: integer('visitor_read_seq').notNull().default(0),
    agentReadSeq: integer('agent_read_seq').notNull().default(0),
    lastMessageText: text('last_message_text'),
    lastMessageAuthor: text('last_message_author'),
    lastMessageAt: bigint('last_message_at', { mode: 'number' }),
    /** The built-in bot's memory of this conversation (domain/bot BotState). */
    botState: jsonb('bot_state').$type<Record<string, unknown>>(),
    /** What the bot handed over to people: reason, intent, matched order, what it tried. */
    handoff: jsonb('handoff').$type<Record<string, unknown>>(),
    /** The shopper's language when the conversation started. */
    locale: text('locale'),
    /** The team the chat was transferred to (routing gives it to that team's members). */
    team: text('team'),
    /** Its place in the people queue (domain/lifecycle); null while it does not wait for people. */
    queuedAt: bigint('queued_at', { mode: 'number' }),
    /** The agent who held it last (kept through resolve): a reopen goes back to them. */
    lastAssigneeId: text('last_assignee_id'),
    /** Since when the shopper has waited for a person's answer (whose turn). */
    waitingSince: bigint('waiting_since', { mode: 'number' }),
    /** What held the chat when it was resolved ('bot' | 'people'). */
    resolvedFrom: text('resolved_from', { enum: ['bot', 'people'] }),
    /** A person has answered at least once. */
    humanReplied: boolean('human_replied').notNull().default(false),
    /** Since when the chat is snoozed (domain/lifecycle); null: it is not. */
    snoozedAt: bigint('snoozed_at', { mode: 'number' }),
    /** When a snoozed chat wakes; null while snoozed: when the shopper writes. Timers are re-armed from it at start-up. */
    snoozedUntil: bigint('snoozed_until', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('conversations_site_updated_idx').on(t.siteId, t.updatedAt),
    index('conversations_visitor_idx').on(t.siteId, t.visitorId, t.status),
    // Reports select a site's chats by the day they started.
    index('conversations_site_created_idx').on(t.siteId, t.createdAt),
    // Snoozes to re-arm at start-up.
    index('conversations_snoozed_until_idx').on(t.snoozedUntil),
  ],
);

/**
 * Tags (contact reasons) on conversations, normalised (shared/tags.ts): who added each and when.
 * Agents filter the list and search by them; the site's tags are the distinct values here.
 */
export const conversationTags = pgTable(
  'conversation_tags',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    tag: text('tag').notNull(),
    addedBy: text('added_by'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.tag] }), index('conversation_tags_site_tag_idx').on(t.siteId, t.tag)],
);

/**
 * An agent's notes about a contact — a customer the shop knows, else the visitor (issue 16):
 * plain text, one per contact, shown and edited beside their chats.
 */
export const contactNotes = pgTable(
  'contact_notes',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    subjectKind: text('subject_kind', { enum: ['customer', 'visitor'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    text: text('text').notNull(),
    updatedBy: text('updated_by'),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.subjectKind, t.subjectId] })],
);

export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    seq: integer('seq').notNull(),
    /** The sender's idempotency key; NULL for server-originated messages. */
    clientId: text('client_id'),
    authorKind: text('author_kind', { enum: ['visitor', 'agent', 'bot', 'system'] }).notNull(),
    /** text, note (agents only), system (lifecycle events), card (structured payload). */
    kind: text('kind', { enum: ['text', 'note', 'system', 'card'] }).notNull().default('text'),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    /** The seq of the previous shopper-visible message, so shoppers can check continuity across hidden notes. */
    prevVisibleSeq: integer('prev_visible_seq'),
    authorId: text('author_id'),
    authorName: text('author_name'),
    text: text('text').notNull(),
    /** How it came or went: the chat, or e-mail (issue 13). */
    channel: text('channel', { enum: ['chat', 'email'] }).notNull().default('chat'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    /** PostgreSQL's stand-in for SQLite's rowid: only grows, so its maximum counts the messages ever stored (GET /metrics). */
    serialNo: bigserial('serial_no', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('messages_serial_no_unique').on(t.serialNo),
    uniqueIndex('messages_conversation_seq_unique').on(t.conversationId, t.seq),
    uniqueIndex('messages_conversation_client_unique').on(t.conversationId, t.clientId),
    // The console's "came or went by e-mail" flag asks for one such message; chat messages stay out of it.
    index('messages_email_idx').on(t.conversationId).where(sql`${t.channel} = 'email'`),
  ],
);

/**
 * The append-only conversation event log: created, handed off, queued, assigned, transferred,
 * first human reply, resolved, reopened… each with its time and actor, written in the same
 * transaction as the change it records. Reports are computed from it.
 */
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    type: text('type').notNull(),
    actorKind: text('actor_kind', { enum: ['visitor', 'agent', 'bot', 'system'] }).notNull(),
    actorId: text('actor_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('conversation_events_conversation_idx').on(t.conversationId, t.id), index('conversation_events_site_at_idx').on(t.siteId, t.at)],
);

/**
 * What reports read: one row per conversation, its replayed event log (domain/reports
 * `storedFacts`) plus its message counts, rewritten in the same transaction as every lifecycle
 * event of the conversation (never for a plain message). Backfilled from the event log when the
 * table is empty while there are chats (pg/db.ts, pg/facts.ts). Times in ms, durations in seconds.
 */
export const conversationFacts = pgTable(
  'conversation_facts',
  {
    conversationId: text('conversation_id')
      .primaryKey()
      .references(() => conversations.id),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    /** How it started: shopper, proactive, agent, order_event. */
    via: text('via').notNull(),
    /** The channel of its first message (chat, email). */
    channel: text('channel').notNull(),
    /** The shopper's language when it started (two letters), kept from the first write. */
    language: text('language'),
    /** Its current team. */
    team: text('team'),
    status: text('status').notNull(),
    /** The zone `localDay`, `weekday` (0 = Monday) and `hour` were computed in (the site's, when written). */
    timeZone: text('time_zone').notNull(),
    localDay: text('local_day').notNull(),
    weekday: integer('weekday').notNull(),
    hour: integer('hour').notNull(),
    firstResponseSeconds: doublePrecision('first_response_seconds'),
    firstResponseAgent: text('first_response_agent'),
    /** Number of queue stints, and the stints as JSON [[from, to, outcome], …]. */
    queued: integer('queued').notNull(),
    queue: text('queue').notNull(),
    leftUnanswered: integer('left_unanswered').notNull(),
    /** Number of resolves, and each one's seconds as a JSON array. */
    resolutions: integer('resolutions').notNull(),
    resolutionSeconds: text('resolution_seconds').notNull(),
    botResolved: integer('bot_resolved').notNull(),
    /** JSON arrays: hand-off reasons; holdings [[agentId, from, to], …]. */
    handoffReasons: text('handoff_reasons').notNull(),
    holdings: text('holdings').notNull(),
    /** `|id|id|`: agents who held it, teams it was transferred to. */
    agents: text('agents').notNull(),
    teams: text('teams').notNull(),
    transfers: integer('transfers').notNull(),
    reopens: integer('reopens').notNull(),
    /** Text and card messages up to `countedSeq`, by author. */
    shopperMessages: integer('shopper_messages').notNull(),
    agentMessages: integer('agent_messages').notNull(),
    botMessages: integer('bot_messages').notNull(),
    countedSeq: integer('counted_seq').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('conversation_facts_site_created_idx').on(t.siteId, t.createdAt)],
);

/**
 * Satisfaction: the shopper's answer to "¿Qué tal te hemos atendido?" after a resolve, one per
 * resolution (`resolvedEventId`, the `resolved` row of the event log it answers), stored with
 * the agent and team that had the chat.
 */
export const conversationRatings = pgTable(
  'conversation_ratings',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    resolvedEventId: bigint('resolved_event_id', { mode: 'number' }).notNull(),
    /** 1–5. */
    score: integer('score').notNull(),
    comment: text('comment'),
    agentId: text('agent_id'),
    team: text('team'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('conversation_ratings_resolution_unique').on(t.conversationId, t.resolvedEventId), index('conversation_ratings_site_idx').on(t.siteId, t.createdAt)],
);

export const returns = pgTable(
  'returns',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    externalId: text('external_id').notNull(),
    status: text('status').notNull(),
    items: jsonb('items').$type<{ sku: string; quantity: number }[]>().notNull().default(sql`'[]'::jsonb`),
    reason: text('reason'),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('returns_order_external_unique').on(t.orderId, t.externalId), index('returns_site_idx').on(t.siteId)],
);

/** Responses to POSTs carrying an Idempotency-Key, replayed for 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    key: text('key').notNull(),
    /** SHA-256 of method + path + body: the same key with another request is a conflict. */
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('idempotency_site_key_unique').on(t.siteId, t.key), index('idempotency_created_idx').on(t.createdAt)],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    url: text('url').notNull(),
    events: jsonb('events').$type<string[]>().notNull(),
    /** HMAC key for the signature header; shown to the merchant once, at creation. */
    secret: text('secret').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('webhooks_site_idx').on(t.siteId)],
);

/** The outgoing queue and its log: a row per event per webhook, retried until delivered or given up. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** The exact JSON body sent (signed as is). */
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    deliveredAt: bigint('delivered_at', { mode: 'number' }),
  },
  (t) => [index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt), index('webhook_deliveries_hook_idx').on(t.webhookId, t.createdAt)],
);

/** Files shoppers and agents attach to messages. The bytes live on disk under DATA_DIR/uploads. */
export const attachments = pgTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** Who uploaded it: only they can attach it to a message. */
    uploaderKind: text('uploader_kind', { enum: ['visitor', 'agent'] }).notNull(),
    uploaderId: text('uploader_id').notNull(),
    /** Set when a message uses it; an attachment is used once. */
    conversationId: text('conversation_id').references(() => conversations.id),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('attachments_site_idx').on(t.siteId, t.createdAt)],
);

/**
 * A shop platform connected to a site (Shopify, WooCommerce, PrestaShop): the settings pasted in,
 * the secrets sealed (AES-256-GCM, server/integrations/secret-box.ts: never stored in clear), what
 * last arrived or failed, and the import's progress so an interrupted import resumes.
 */
export const integrations = pgTable(
  'integrations',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    platform: text('platform', { enum: ['shopify', 'woocommerce', 'prestashop'] }).notNull(),
    /** Non-secret settings (shop domain, store URL). */
    settings: jsonb('settings').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    /** The sealed JSON object of secrets (webhook secret, API tokens). */
    secrets: text('secrets').notNull(),
    /** Names of the secrets that are set (shown as "set" without the value). */
    secretNames: jsonb('secret_names').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    lastEventAt: bigint('last_event_at', { mode: 'number' }),
    lastEventTopic: text('last_event_topic'),
    lastErrorAt: bigint('last_error_at', { mode: 'number' }),
    lastError: text('last_error'),
    /** The import's progress (status, phase, cursor, counts): see server/integrations/importer.ts. */
    importState: jsonb('import_state').$type<Record<string, unknown>>(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('integrations_site_platform_unique').on(t.siteId, t.platform)],
);

/** Webhook deliveries received from a platform, by its delivery id: a replay is recognised and ignored. */
export const integrationDeliveries = pgTable(
  'integration_deliveries',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    platform: text('platform').notNull(),
    deliveryId: text('delivery_id').notNull(),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('integration_deliveries_unique').on(t.siteId, t.platform, t.deliveryId), index('integration_deliveries_received_idx').on(t.receivedAt)],
);

/**
 * The mail outbox (issue 13): written in the same transaction as the change that asks for it
 * (an agent's reply to a shopper who is away, a transcript, an offline confirmation), sent by
 * server/mail/dispatcher.ts with retries and back-off across restarts. A digest row collects
 * every unread reply of its conversation when it is sent: one pending digest per conversation.
 * Sent rows keep what was sent (the demo mailbox lists them; agents see failures).
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** Null for mail about no conversation (sendMail: account e-mails). */
    conversationId: text('conversation_id').references(() => conversations.id),
    kind: text('kind', { enum: ['digest', 'reply', 'transcript', 'offline_confirmation', 'rating', 'generic'] }).notNull(),
    /** Null: the conversation's shopper address, looked up when it is sent. */
    toAddress: text('to_address'),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    lastError: text('last_error'),
    /** The RFC 5322 Message-ID, fixed when the row is written: a resend after a crash carries the same one. */
    messageIdHeader: text('message_id_header').notNull(),
    /** What a `generic` mail says, or what was sent (filled when sent). */
    subject: text('subject'),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    /** The chat messages the mail carried (a failure is shown beside them). */
    messageIds: jsonb('message_ids').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** 'smtp', or 'demo' (kept in the database: the demo mailbox). */
    transport: text('transport'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    sentAt: bigint('sent_at', { mode: 'number' }),
  },
  (t) => [index('mail_outbox_due_idx').on(t.status, t.nextAttemptAt), index('mail_outbox_site_idx').on(t.siteId, t.createdAt), index('mail_outbox_conversation_idx').on(t.conversationId, t.status)],
);

/** A conversation's reply address token: replies to reply+<token>@MAIL_REPLY_DOMAIN continue it. */
export const mailThreads = pgTable('mail_threads', {
  conversationId: text('conversation_id')
    .primaryKey()
    .references(() => conversations.id),
  siteId: text('site_id')
    .notNull()
    .references(() => sites.id),
  /** Random, lowercase (local parts are often case-folded), unguessable. */
  replyToken: text('reply_token').notNull().unique(),
  /** The shopper asked for no more e-mail about this conversation (List-Unsubscribe). */
  unsubscribedAt: bigint('unsubscribed_at', { mode: 'number' }),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});
