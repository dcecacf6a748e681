/**
 * The store's interface: what the gateway and routes may ask of persistence. It returns
 * Promises even though SQLite answers synchronously: SqliteStore (sqlite-store.ts, the default)
 * and PgStore (pg/pg-store.ts, DATABASE_URL) implement it, and tests/integration/store-contract
 * runs the same cases against both. Every method that touches tenant data takes the site id.
 */
import type { SiteSettings } from '../domain/site-settings';
import type { Author, ConversationStatus, Message, MessageKind } from '../../shared/protocol';
import type { ConversationState } from '../domain/lifecycle';

export interface SiteRecord {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  /** Parsed once when the site is loaded (server/domain/site-settings.ts). */
  settings: SiteSettings;
}

export interface AgentRecord {
  id: string;
  siteId: string;
  email: string;
  name: string;
  role: 'admin' | 'supervisor' | 'agent';
  disabled: boolean;
  /** Concurrent chats; null: the site's default. */
  capacity: number | null;
  languages: string[];
  teams: string[];
}

/** One signed-in browser of an agent (the token itself is never stored; `tokenHash` is its SHA-256). */
export interface SessionRecord {
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  userAgent: string | null;
  address: string | null;
}

/** An invitation to join a site: a one-time link (only its token's SHA-256 is kept). */
export interface InviteRecord {
  id: string;
  siteId: string;
  email: string;
  role: 'admin' | 'agent';
  invitedBy: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface VisitorRecord {
  id: string;
  siteId: string;
  name: string | null;
  email: string | null;
  /** Set only for a verified identity. */
  customerId: string | null;
  /** The id the page claimed with identify(), verified or not. */
  externalId: string | null;
  verified: boolean;
  locale: string | null;
  /** When this visitor was first seen (epoch ms): returning-visitor rules and presence. */
  firstSeenAt: number;
}

export interface IdentifyInput {
  externalId: string;
  email: string | null;
  name: string | null;
  verified: boolean;
  now: number;
}

export interface ConversationRecord extends ConversationState {
  id: string;
  siteId: string;
  visitorId: string;
  lastSeq: number;
  /** The last seq the shopper can see (notes excluded). */
  lastVisibleSeq: number;
  visitorReadSeq: number;
  agentReadSeq: number;
  lastMessage: { text: string; authorKind: Author['kind']; createdAt: number } | null;
  /** The shopper's language when the conversation started. */
  locale: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ConversationListItem extends ConversationRecord {
  visitorName: string | null;
  visitorEmail: string | null;
  verified: boolean;
  /** A verified customer's recent order numbers (searchable by agents). */
  orderNumbers: string[];
  /** Some message of it came or went by e-mail. */
  viaEmail?: boolean;
  /** Its tags (contact reasons), sorted. */
  tags: string[];
}

export interface AttachmentRecord {
  id: string;
  siteId: string;
  uploaderKind: 'visitor' | 'agent';
  uploaderId: string;
  conversationId: string | null;
  fileName: string;
  contentType: string;
  size: number;
  createdAt: number;
}

/** A message a commit writes; the store gives it its id, seq and time. */
export interface MessageDraft {
  /** The sender's idempotency key (unique per conversation); null for server-made lines. */
  clientId: string | null;
  author: Author;
  kind: MessageKind;
  text: string;
  payload: Record<string, unknown> | null;
  /** What conversation lists preview; null leaves the preview as it is (system lines, notes). */
  preview: string | null;
  /** Absent: 'chat'. 'email': it came by e-mail (inbound) or the agent sent it by e-mail on purpose. */
  channel?: 'chat' | 'email';
}

/** A row of the append-only conversation event log (the source of every report). */
export interface ConversationEventDraft {
  type: string;
  actor: { kind: Author['kind']; id: string | null };
  data: Record<string, unknown>;
}

export interface ConversationEventRecord extends ConversationEventDraft {
  id: number;
  siteId: string;
  conversationId: string;
  at: number;
}

/** What a report filters the per-conversation facts by (docs/reports.md, Filters). */
export interface FactsFilter {
  team?: string | undefined;
  /** The team's members (agents whose current teams include it): their chats are the team's too. */
  teamMembers?: readonly string[] | undefined;
  agentId?: string | undefined;
  channel?: string | undefined;
  language?: string | undefined;
  /** Only chats with this tag now (normalised); null: a tag no chat can have (none match). */
  tag?: string | null | undefined;
  /** Only chats that have a first response, a queue stint, a holding, a resolve. */
  having?: 'firstResponse' | 'queue' | 'holdings' | 'resolutions' | undefined;
  /** Only rows whose local day and hour were written in this zone (or, `other`, in another). */
  timeZone?: { zone: string; other?: boolean } | undefined;
}

/** The stored facts a report may read (table `conversation_facts`; JSON columns as text). */
export interface FactColumns {
  createdAt: number;
  via: string;
  channel: string;
  language: string | null;
  team: string | null;
  timeZone: string;
  localDay: string;
  weekday: number;
  hour: number;
  firstResponseSeconds: number | null;
  queued: number;
  /** JSON [[from, to, outcome], …] */
  queue: string;
  leftUnanswered: number;
  resolutions: number;
  /** JSON [seconds, …] */
  resolutionSeconds: string;
  botResolved: number;
  /** JSON [reason, …] */
  handoffReasons: string;
  /** JSON [[agentId, from, to], …] */
  holdings: string;
  /** `|id|id|` */
  agents: string;
  teams: string;
  shopperMessages: number;
  agentMessages: number;
  botMessages: number;
  /** The chat's visitor's customer. */
  customerId: string | null;
}
export type FactColumn = keyof FactColumns;
export type FactRow<C extends FactColumn> = { id: string } & Pick<FactColumns, C>;

/** A rating as reports read it. */
export interface ReportRating {
  conversationId: string;
  score: number;
  agentId: string | null;
  team: string | null;
  createdAt: number;
}

/** A shopper's satisfaction rating of one resolution. */
export interface RatingRecord {
  id: string;
  conversationId: string;
  /** The `resolved` event it answers: one rating per resolution. */
  resolvedEventId: number;
  score: number;
  comment: string | null;
  agentId: string | null;
  team: string | null;
  createdAt: number;
}

/** What a commit's `decide` sees: the conversation as it is inside the transaction. */
export interface CommitSnapshot {
  /** Null: there is no such conversation (or the visitor has no open one). */
  conversation: ConversationRecord | null;
  /** The verified customer behind the conversation's visitor, if any. */
  ownerCustomerId: string | null;
  /** The files the commit asked for (`attachmentIds`) that exist on the site, in that order. */
  attachments: AttachmentRecord[];
}

/** Everything one commit writes, decided from the snapshot. */
export interface CommitPlan {
  /** Set when there was no conversation: create it for this visitor. */
  create?: { visitorId: string; locale: string | null };
  /** The conversation's lifecycle state after the commit. */
  state: ConversationState;
  messages: MessageDraft[];
  events: ConversationEventDraft[];
  /** Files the messages use: claimed by this conversation in the same transaction. */
  claimAttachments?: string[];
  /** The conversation's other facts that change with it: the assistant's memory and handoff packet, the shopper's language. */
  data?: ConversationDataPatch;
  /** What the commit learnt about the conversation's visitor: their language, an email they gave (kept only while unverified). */
  visitor?: VisitorPatch;
  /**
   * The shopper's rating of the conversation's latest resolution, stored in the same transaction
   * with the agent and team it had; a second rating of the same resolution fails the commit
   * (ConflictError) and nothing is written.
   */
  rating?: { score: number; comment: string | null };
  /** Mail to queue in the same transaction (the mail outbox), built from what was written. */
  mail?(written: { conversation: ConversationRecord; messages: Message[] }): MailDraft[];
  /** Webhook deliveries (the transactional outbox), built from what was written. */
  outbox?(written: { conversation: ConversationRecord; messages: Message[] }): { event: WebhookEvent; body: object }[];
}

export interface ConversationDataPatch {
  botState?: Record<string, unknown>;
  handoff?: Record<string, unknown> | null;
  locale?: string;
}

export interface VisitorPatch {
  id: string;
  locale?: string;
  email?: string;
}

/** A full-text search: `terms` are words (each may be the start of a word), all must match. */
export interface MessageSearch {
  terms: string[];
  status?: ConversationRecord['status'] | undefined;
  assigneeId?: string | undefined;
  /** Only conversations with this tag (normalised). */
  tag?: string | undefined;
  /** Only messages that came or went this way (`email`: by e-mail; `chat`: in the chat). */
  channel?: 'chat' | 'email' | undefined;
  /** Messages written at or after / before these times (Unix ms). */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

export interface MessageHit {
  conversationId: string;
  seq: number;
  authorKind: Message['author']['kind'];
  kind: Message['kind'];
  createdAt: number;
  /** Part of the message around the match; `marks` are [start, end) ranges of the matched words in it. */
  snippet: string;
  marks: [number, number][];
  conversation: { status: ConversationRecord['status']; assigneeId: string | null; visitorId: string; visitorName: string | null };
}

export interface CommitRequest {
  siteId: string;
  /** An existing conversation, or the visitor's open one (their verified customer's, across devices). */
  target: { conversationId: string } | { openFor: { visitorId: string; customerId: string | null } };
  /** When a message with this clientId is already in the conversation, nothing is written and it is returned. */
  clientId: string | null;
  attachmentIds?: string[];
  now: number;
  /**
   * Pure and synchronous, run inside the transaction on the row as it is: the plan, or a thrown
   * typed error (nothing is written).
   */
  decide(snapshot: CommitSnapshot): CommitPlan;
}

export interface CommitResult {
  /** The clientId was already stored: `messages` holds that message, nothing was written. */
  duplicate: boolean;
  /** Before the commit; null when it created the conversation. */
  previous: ConversationRecord | null;
  conversation: ConversationRecord;
  messages: Message[];
  events: ConversationEventDraft[];
  /** The verified customer behind the conversation's visitor (their other devices get the messages too). */
  ownerCustomerId: string | null;
}

/** Whom notes are about: a customer the shop knows, else the visitor. */
export interface ContactRef {
  kind: 'customer' | 'visitor';
  id: string;
}

export interface ContactNotesRecord {
  text: string;
  updatedBy: string | null;
  updatedAt: number;
}

export interface CustomerRecord {
  id: string;
  siteId: string;
  externalId: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export interface CustomerInput {
  email: string;
  name: string;
  phone?: string | null;
  tags?: string[];
  /** The shop platform's updated_at (integrations): a copy older than the one stored is not written. */
  sourceUpdatedAt?: number | null;
}

export interface OrderItemRecord {
  sku: string;
  name: string;
  quantity: number;
  price: number;
  imageUrl?: string;
}

export interface AddressRecord {
  name?: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode?: string;
  region?: string;
  country: string;
}

export interface ShipmentRecord {
  externalId: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string;
  status: string;
  events: { at: number; status: string; description: string }[];
  updatedAt: number;
}

export interface ReturnRecord {
  externalId: string;
  status: string;
  items: { sku: string; quantity: number }[];
  reason: string | null;
  updatedAt: number;
}

export type { OrderStatus } from '../../shared/cards';
import type { OrderStatus } from '../../shared/cards';

export interface OrderRecord {
  id: string;
  siteId: string;
  externalId: string;
  customerExternalId: string;
  number: string;
  status: OrderStatus;
  paymentStatus: string | null;
  currency: string;
  total: number;
  items: OrderItemRecord[];
  shippingAddress: AddressRecord | null;
  shipments: ShipmentRecord[];
  returns: ReturnRecord[];
  createdAt: number;
  updatedAt: number;
}

export interface OrderInput {
  customerExternalId: string;
  number: string;
  status: OrderStatus;
  paymentStatus?: string | null;
  currency: string;
  total: number;
  items: OrderItemRecord[];
  shippingAddress?: AddressRecord | null;
  createdAt: number;
  /** The shop platform's updated_at (integrations): a copy older than the one stored is not written. */
  sourceUpdatedAt?: number | null;
}

export interface ShipmentInput {
  carrier: string;
  trackingNumber: string;
  trackingUrl: string;
  status: string;
  events?: { at: number; status: string; description: string }[];
}

export interface ReturnInput {
  status: string;
  items?: { sku: string; quantity: number }[];
  reason?: string | null;
}

export interface Upserted<T> {
  record: T;
  created: boolean;
  /** Nothing was written: the stored copy is newer (`sourceUpdatedAt`). `record` is the stored one. */
  stale?: boolean;
}

export type IntegrationPlatform = 'shopify' | 'woocommerce' | 'prestashop';

/** An import's progress, kept so an interrupted import resumes where it stopped. */
export interface ImportState {
  status: 'running' | 'done' | 'failed';
  /** customers, then orders. */
  phase: 'customers' | 'orders';
  /** Where the current phase continues: the next page's URL (Shopify) or number (WooCommerce). */
  cursor: string | null;
  /** Orders and customers created or updated since the import date. */
  since: number;
  customers: number;
  orders: number;
  /** How many the platform says there are (null: it did not say), for the progress bar. */
  totals: { customers: number | null; orders: number | null };
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface IntegrationRecord {
  siteId: string;
  platform: IntegrationPlatform;
  settings: Record<string, string>;
  /** Sealed secrets: only server/integrations/secret-box.ts opens them. */
  sealedSecrets: string;
  secretNames: string[];
  lastEventAt: number | null;
  lastEventTopic: string | null;
  lastErrorAt: number | null;
  lastError: string | null;
  importState: ImportState | null;
  createdAt: number;
  updatedAt: number;
}

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: string;
}

export const WEBHOOK_EVENTS = ['conversation.created', 'conversation.handoff', 'conversation.assigned', 'message.created', 'conversation.resolved', 'conversation.rated', 'email.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRecord {
  id: string;
  siteId: string;
  url: string;
  events: WebhookEvent[];
  createdAt: number;
}

export interface DeliveryRecord {
  id: string;
  siteId: string;
  webhookId: string;
  event: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** A delivery the dispatcher is about to attempt, with where and how to sign it. */
export interface DueDelivery extends DeliveryRecord {
  url: string;
  secret: string;
}

export type MailKind = 'digest' | 'reply' | 'transcript' | 'offline_confirmation' | 'rating' | 'generic';

/** A mail to queue. Its content is composed when it is sent, except for `generic` mail (given here). */
export interface MailDraft {
  kind: MailKind;
  /** Not before (epoch ms). A digest waits for the shopper to stay away. */
  sendAfter: number;
  /** Null: the conversation's shopper address at send time. */
  toAddress?: string | null;
  /** The chat messages it carries (a `reply`), shown beside a failure. */
  messageIds?: string[];
  subject?: string;
  textBody?: string;
  htmlBody?: string;
}

export interface MailRecord {
  id: string;
  siteId: string;
  conversationId: string | null;
  kind: MailKind;
  toAddress: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** The local part of its Message-ID, fixed when queued: a resend after a crash carries the same one. */
  messageIdHeader: string;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
  messageIds: string[];
  transport: string | null;
  createdAt: number;
  sentAt: number | null;
}

export type MailOutcome =
  | { status: 'sent'; toAddress: string; subject: string; textBody: string; htmlBody: string; messageIds: string[]; transport: string }
  | { status: 'retry'; error: string; nextAttemptAt: number }
  /** Not sent yet, and not an attempt: looked at again at `nextAttemptAt` (a digest whose shopper is here). */
  | { status: 'defer'; nextAttemptAt: number }
  | { status: 'failed' | 'skipped'; error: string; messageIds?: string[]; toAddress?: string | null };

export interface Store {
  sites: {
    byPublicKey(publicKey: string): Promise<SiteRecord | null>;
    /**
     * Drops this store's cached copy of a site: another node changed it (REDIS_URL tells every
     * node), so the next read loads it from the database.
     */
    forget(siteId: string): void;
    byId(id: string): Promise<SiteRecord | null>;
    /** The site whose secret key — or previous key, while its overlap lasts — hashes to this (REST API authentication). */
    bySecretKeyHash(hash: string, now: number): Promise<SiteRecord | null>;
    /** The current secret key itself (identity verification and the demo need it). */
    secretKey(siteId: string): Promise<string | null>;
    /** The keys identity hashes are checked against: the current one, then the previous one while it overlaps. */
    secretKeys(siteId: string, now: number): Promise<string[]>;
    /** When the key was last rotated, and whether (until when; null: until retired) the previous one still works. */
    secretStatus(siteId: string, now: number): Promise<{ rotatedAt: number | null; previous: { expiresAt: number | null } | null }>;
    /** Ends the previous key's overlap now. False when there was none. */
    retirePreviousSecret(siteId: string): Promise<boolean>;
    /** `settings` replaces the stored settings whole (read, change, write); it is parsed again on the next load. */
    update(siteId: string, patch: { name?: string; allowedOrigins?: string[]; settings?: Record<string, unknown> }): Promise<SiteRecord>;
    /**
     * Replaces the secret key. The replaced key keeps working until `previousUntil` (null: until
     * retired; a time ≤ now: stops at once); a previous key from an earlier rotation ends.
     */
    rotateSecret(siteId: string, secretKey: string, secretKeyHash: string, opts: { now: number; previousUntil: number | null }): Promise<void>;
  };
  customers: {
    upsert(siteId: string, externalId: string, input: CustomerInput, now: number): Promise<Upserted<CustomerRecord>>;
    byExternalId(siteId: string, externalId: string): Promise<CustomerRecord | null>;
    byId(siteId: string, id: string): Promise<CustomerRecord | null>;
  };
  orders: {
    /** Throws NotFoundError('customer') when the customer does not exist on this site. */
    upsert(siteId: string, externalId: string, input: OrderInput, now: number): Promise<Upserted<OrderRecord>>;
    byExternalId(siteId: string, externalId: string): Promise<OrderRecord | null>;
    /** Throws NotFoundError('order') when the order does not exist on this site. */
    upsertShipment(siteId: string, orderExternalId: string, shipmentExternalId: string, input: ShipmentInput, now: number): Promise<Upserted<OrderRecord>>;
    upsertReturn(siteId: string, orderExternalId: string, returnExternalId: string, input: ReturnInput, now: number): Promise<Upserted<OrderRecord>>;
    /** An order by its number as shoppers write it, with the email of its customer (for the bot's check). */
    byNumber(siteId: string, number: string): Promise<(OrderRecord & { customerEmail: string | null }) | null>;
    /** A customer's most recent orders (by our customer id), newest first. */
    forCustomer(siteId: string, customerId: string, limit: number): Promise<OrderRecord[]>;
  };
  attachments: {
    create(input: Omit<AttachmentRecord, 'id' | 'conversationId'> & { id: string; sha256: string }): Promise<AttachmentRecord>;
    /** Any site: the caller has already proven access (a signed URL). */
    byId(id: string): Promise<AttachmentRecord | null>;
  };
  webhooks: {
    create(siteId: string, input: { url: string; events: WebhookEvent[]; secret: string }, now: number): Promise<WebhookRecord>;
    list(siteId: string): Promise<WebhookRecord[]>;
    /** Deletes the webhook and its delivery log. False when it does not exist on this site. */
    delete(siteId: string, id: string): Promise<boolean>;
    /** Queues `body` for every webhook of the site subscribed to `event`; returns how many. */
    enqueue(siteId: string, event: WebhookEvent, body: object, now: number): Promise<number>;
    /**
     * Pending deliveries whose time has come, oldest first (all sites: the dispatcher's view).
     * PostgreSQL (several nodes, several dispatchers) claims them: FOR UPDATE SKIP LOCKED, each
     * leased for a minute (its next attempt moved ahead) until recordAttempt settles it.
     */
    due(now: number, limit: number): Promise<DueDelivery[]>;
    /** Records an attempt: delivered, retry at `nextAttemptAt`, or (null) give up. */
    recordAttempt(id: string, outcome: { delivered: boolean; statusCode: number | null; error: string | null; nextAttemptAt: number | null }, now: number): Promise<void>;
    deliveries(siteId: string, webhookId: string, limit: number): Promise<DeliveryRecord[]>;
  };
  mail: {
    /** Queues a mail outside a conversation commit (account mail, a transcript asked for). */
    enqueue(siteId: string, conversationId: string | null, draft: MailDraft, now: number): Promise<MailRecord>;
    /**
     * Due mail (all sites: the dispatcher's view), marked as being sent and leased until
     * `now + MAIL_LEASE_MS`; a `sending` mail whose lease ran out is due again.
     */
    claimDue(now: number, limit: number): Promise<MailRecord[]>;
    /**
     * At start-up of the only process (SQLite): mail left `sending` by a crash goes back to the
     * queue at once. Returns how many. Never with several nodes: another node's claims are live
     * (their leases expire instead).
     */
    release(): Promise<number>;
    settle(id: string, outcome: MailOutcome, now: number): Promise<MailRecord | null>;
    /** The site's mail, newest first (the demo mailbox, the console). */
    list(siteId: string, opts: { limit: number; status?: MailRecord['status'] }): Promise<MailRecord[]>;
    byId(siteId: string, id: string): Promise<MailRecord | null>;
    forConversation(siteId: string, conversationId: string): Promise<MailRecord[]>;
    /** The conversation's reply token (reply+<token>@domain), created on first use. */
    thread(siteId: string, conversationId: string, now: number): Promise<string>;
    /** The shopper asked for no more mail about this conversation (List-Unsubscribe). */
    unsubscribe(siteId: string, conversationId: string, now: number): Promise<void>;
    unsubscribed(siteId: string, conversationId: string): Promise<boolean>;
    /** Which conversation a reply token belongs to (any site: the caller checks the site). */
    byReplyToken(token: string): Promise<{ siteId: string; conversationId: string } | null>;
  };
  integrations: {
    get(siteId: string, platform: IntegrationPlatform): Promise<IntegrationRecord | null>;
    list(siteId: string): Promise<IntegrationRecord[]>;
    /** Creates or replaces the settings and sealed secrets (the log and import state are kept). */
    save(siteId: string, platform: IntegrationPlatform, input: { settings: Record<string, string>; sealedSecrets: string; secretNames: string[] }, now: number): Promise<IntegrationRecord>;
    /** Records what last arrived (`topic`) or failed (`error`). */
    note(siteId: string, platform: IntegrationPlatform, what: { topic: string } | { error: string }, now: number): Promise<void>;
    /** Records a delivery id; false when it was already recorded (a replay). */
    claimDelivery(siteId: string, platform: IntegrationPlatform, deliveryId: string, now: number): Promise<boolean>;
    /** Forgets a delivery id whose processing failed, so the platform's retry is processed. */
    releaseDelivery(siteId: string, platform: IntegrationPlatform, deliveryId: string): Promise<void>;
    setImport(siteId: string, platform: IntegrationPlatform, state: ImportState, now: number): Promise<void>;
  };
  idempotency: {
    get(siteId: string, key: string): Promise<StoredResponse | null>;
    /** Keeps the first response stored for the key; returns the one that is stored. */
    put(siteId: string, key: string, response: StoredResponse, now: number): Promise<StoredResponse>;
  };
  agents: {
    /**
     * Every agent with this email, on any site (an email is unique per site only), with its
     * password hash and its site's public key and name: only the sign-in route uses this.
     */
    forSignIn(email: string): Promise<(AgentRecord & { passwordHash: string; site: { publicKey: string; name: string } })[]>;
    /** The agent with this email on this site. */
    byEmail(siteId: string, email: string): Promise<AgentRecord | null>;
    byId(siteId: string, id: string): Promise<AgentRecord | null>;
    create(input: { siteId: string; email: string; name: string; passwordHash: string; role: 'admin' | 'supervisor' | 'agent'; now: number; capacity?: number | null; languages?: string[]; teams?: string[] }): Promise<AgentRecord>;
    list(siteId: string): Promise<AgentRecord[]>;
    update(siteId: string, id: string, patch: { name?: string; role?: 'admin' | 'supervisor' | 'agent'; disabled?: boolean; passwordHash?: string; capacity?: number | null; languages?: string[]; teams?: string[] }): Promise<AgentRecord | null>;
  };
  sessions: {
    create(input: { tokenHash: string; agentId: string; siteId: string; now: number; ttlMs: number; userAgent?: string | null; address?: string | null }): Promise<void>;
    /** The live (unexpired) session's agent, or null. Disabled agents have no live sessions. */
    agentFor(tokenHash: string, now: number): Promise<AgentRecord | null>;
    /** Like agentFor, with the session's expiry (an agent socket closes itself then) and when it was last seen. */
    live(tokenHash: string, now: number): Promise<{ agent: AgentRecord; expiresAt: number; lastSeenAt: number } | null>;
    /** Records that the session was used now, from `address`. */
    touch(tokenHash: string, now: number, address: string | null): Promise<void>;
    /** The agent's live sessions, most recently seen first ("where you're signed in"). */
    listForAgent(agentId: string, now: number): Promise<SessionRecord[]>;
    delete(tokenHash: string): Promise<void>;
    /** Ends every session of an agent (password changed, disabled), but `except` if given; returns the ended hashes. */
    deleteForAgent(agentId: string, except?: string): Promise<string[]>;
  };
  passwordResets: {
    create(input: { agentId: string; siteId: string; tokenHash: string; now: number; ttlMs: number }): Promise<void>;
    /** The agent a usable (unused, unexpired) reset link is for, with their site's name. */
    byToken(tokenHash: string, now: number): Promise<{ agent: AgentRecord; siteName: string } | null>;
    /**
     * Uses the link once: in one transaction sets the agent's password, marks the link (and every
     * other link of theirs) used and ends all their sessions. Null when unknown, used or expired;
     * else the agent and the ended sessions' token hashes (their sockets must close).
     */
    use(tokenHash: string, now: number, passwordHash: string): Promise<{ agent: AgentRecord; endedSessions: string[] } | null>;
  };
  invites: {
    create(input: { siteId: string; email: string; role: 'admin' | 'agent'; invitedBy: string | null; tokenHash: string; now: number; ttlMs: number }): Promise<InviteRecord>;
    /** The site's invitations not used and not expired, newest first. */
    pending(siteId: string, now: number): Promise<InviteRecord[]>;
    /** The usable (unused, unexpired) invitation with this token, with its site's name. */
    byToken(tokenHash: string, now: number): Promise<(InviteRecord & { siteName: string }) | null>;
    /**
     * Uses the invitation once: in one transaction marks it used and creates the agent. Null when
     * it is unknown, used or expired; 'exists' when its email became an agent of the site meanwhile.
     */
    accept(tokenHash: string, now: number, agent: { name: string; passwordHash: string }): Promise<AgentRecord | 'exists' | null>;
    /** Withdraws a pending invitation; false when there was none. */
    revoke(siteId: string, id: string): Promise<boolean>;
  };
  visitors: {
    create(input: { siteId: string; tokenHash: string; locale: string | null; now: number }): Promise<VisitorRecord>;
    byToken(siteId: string, tokenHash: string): Promise<VisitorRecord | null>;
    touch(siteId: string, id: string, now: number): Promise<void>;
    /** Records who the visitor says they are; a verified identity links the customer (created if new). */
    identify(siteId: string, id: string, input: IdentifyInput): Promise<VisitorRecord>;
    /** Name and email the shopper typed (pre-chat form, offline mode); a verified identity is not overwritten. */
    /**
     * Atomically records that rule `ruleId` fired for this visitor, unless it fired within the
     * last `minGapMs` or the visitor already got `maxPerDay` proactive messages in 24 h; false then.
     */
    claimProactive(siteId: string, id: string, ruleId: string, now: number, caps: { minGapMs: number; maxPerDay: number }): Promise<boolean>;
    setProfile(siteId: string, id: string, profile: { name?: string; email?: string }): Promise<VisitorRecord | null>;
    byId(siteId: string, id: string): Promise<VisitorRecord | null>;
    /** The verified visitor (device) of a customer seen most recently, if any. */
    latestVerifiedForCustomer(siteId: string, customerId: string): Promise<VisitorRecord | null>;
    /** The language the shopper uses now (their widget's, or the one they write in). */
    setLocale(siteId: string, id: string, locale: string): Promise<void>;
  };
  conversations: {
    get(siteId: string, id: string): Promise<ConversationRecord | null>;
    /** The visitor's conversations; for a verified visitor, also those of the same customer on other devices. */
    listForVisitor(siteId: string, visitor: Pick<VisitorRecord, 'id' | 'customerId' | 'verified'>): Promise<ConversationRecord[]>;
    /** The conversation if this visitor may read it (own, or same verified customer), else null. */
    getForVisitor(siteId: string, id: string, visitor: Pick<VisitorRecord, 'id' | 'customerId' | 'verified'>): Promise<ConversationRecord | null>;
    listForSite(siteId: string, opts: { limit: number }): Promise<ConversationListItem[]>;
    /** Keyset pagination, newest activity first: pass the previous page's `next` to continue. */
    page(
      siteId: string,
      opts: { limit: number; status?: ConversationStatus; before?: { updatedAt: number; id: string } },
    ): Promise<{ items: ConversationListItem[]; next: { updatedAt: number; id: string } | null }>;
    /** Raises the read mark of one side (never lowers it, never past the last seq). Returns the new mark, or null if unknown. */
    markRead(siteId: string, id: string, side: 'visitor' | 'agent', seq: number): Promise<{ seq: number; changed: boolean } | null>;
    /** Conversations waiting for people (queued with a place in line), with what routing weighs (language, customer tags). */
    queue(siteId: string): Promise<{ id: string; visitorId: string; waitingSince: number; language: string | null; team: string | null; customerTags: string[] }[]>;
    /** The ids of the conversations an agent holds now. */
    assignedTo(siteId: string, agentId: string): Promise<string[]>;
    /** How many conversations each agent holds now (status `assigned`). */
    loads(siteId: string): Promise<Map<string, number>>;
    /** The bot's memory, the handoff packet and the conversation's language, with its status as it is now (one read for the assistant's turn). */
    botData(
      siteId: string,
      id: string,
    ): Promise<{ status: ConversationStatus; botState: Record<string, unknown> | null; handoff: Record<string, unknown> | null; locale: string | null } | null>;
    /** `locale`: the conversation's language, when the shopper switched to another. */
    saveBotData(siteId: string, id: string, data: { botState?: Record<string, unknown>; handoff?: Record<string, unknown> | null; locale?: string }): Promise<void>;
    /**
     * What the bot could not answer (its state's `unanswered` list), newest first, across the
     * site's most recently active conversations that have any.
     */
    unansweredQuestions(siteId: string, limit: number): Promise<{ conversationId: string; text: string; at: number; locale: string }[]>;
    /** The summary an agent list shows, with the visitor's display name. */
    listItem(siteId: string, id: string): Promise<ConversationListItem | null>;
    /**
     * The one write of the conversation core: messages, lifecycle state, event log and outbox
     * rows in one transaction, decided by `decide` on the row as it is. Idempotent on clientId;
     * seqs are taken from the row. Resolves after COMMIT.
     */
    commit(request: CommitRequest): Promise<CommitResult>;
    /** The conversation's event log, oldest first. */
    events(siteId: string, conversationId: string): Promise<ConversationEventRecord[]>;
    /**
     * Adds (`on`) or removes a tag (already normalised). Adding to a conversation that has `max`
     * tags already is refused ('full'); adding one it has, or removing one it has not, changes nothing.
     */
    setTag(siteId: string, id: string, tag: string, on: boolean, opts: { max: number; by: string | null; now: number }): Promise<'done' | 'full' | 'not_found'>;
    /** Every snoozed conversation with a wake time, on every site (the snooze timers are re-armed from it at start-up). */
    snoozes(): Promise<{ siteId: string; id: string; until: number }[]>;
    /** The site's tags in use, the most used first. */
    siteTags(siteId: string, limit: number): Promise<string[]>;
  };
  messages: {
    /** Messages with seq > afterSeq, ascending, at most `limit`; `visibleOnly` leaves out internal notes (for shoppers). */
    after(siteId: string, conversationId: string, afterSeq: number, limit: number, opts?: { visibleOnly?: boolean }): Promise<Message[]>;
    /** Messages with seq < beforeSeq, the newest `limit` of them, ascending. */
    before(siteId: string, conversationId: string, beforeSeq: number, limit: number, opts?: { visibleOnly?: boolean }): Promise<Message[]>;
    /** Full-text search over the site's messages (text and notes), best matches first. */
    search(siteId: string, query: MessageSearch): Promise<MessageHit[]>;
  };
  reports: {
    /** The named facts of the site's chats created in [start, end) that pass the filter. */
    facts<C extends FactColumn>(siteId: string, start: number, end: number, filter: FactsFilter, columns: readonly C[]): Promise<FactRow<C>[]>;
    /** How many chats, how many the bot resolved alone, how many resolves. */
    totals(siteId: string, start: number, end: number, filter: FactsFilter): Promise<{ conversations: number; botResolved: number; resolutions: number; proactive: number }>;
    /** [created at, proactive (1) or not (0), customer id] of the chats whose shopper is a customer. */
    customers(siteId: string, start: number, end: number, filter: FactsFilter): Promise<[number, number, string][]>;
    /** [chat created at, seconds]: each chat's first response, or each resolve. */
    pairs(siteId: string, start: number, end: number, filter: FactsFilter, what: 'firstResponse' | 'resolution'): Promise<[number, number][]>;
    /** Hand-offs per reason. */
    handoffs(siteId: string, start: number, end: number, filter: FactsFilter): Promise<[string, number][]>;
    /** Chats and their counted text and card messages per local day, of rows written in `timeZone`. */
    perDay(siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string): Promise<{ day: string; conversations: number; shopper: number; agent: number; bot: number }[]>;
    /** Incoming chats per local weekday (0 = Monday) and hour, of rows written in `timeZone`. */
    perWeekHour(siteId: string, start: number, end: number, filter: FactsFilter, timeZone: string): Promise<{ weekday: number; hour: number; n: number }[]>;
    /** Text and card messages written since a chat's last lifecycle event (not yet in its facts), per chat and author. */
    uncounted(siteId: string, start: number, end: number, filter: FactsFilter): Promise<{ createdAt: number; authorKind: 'visitor' | 'agent' | 'bot'; n: number }[]>;
    /** Ratings of the site's chats created in [start, end) that pass the filter. */
    ratings(siteId: string, start: number, end: number, filter: FactsFilter): Promise<ReportRating[]>;
    /** The site's conversations with this tag. */
    tagged(siteId: string, tag: string): Promise<string[]>;
    /** Orders (not cancelled) placed in [start, end). */
    orders(siteId: string, start: number, end: number): Promise<{ customerId: string; createdAt: number; total: number; currency: string }[]>;
  };
  /** Agents' notes about a contact, one per customer or visitor of the site. */
  contactNotes: {
    get(siteId: string, subject: ContactRef): Promise<ContactNotesRecord | null>;
    /** Replaces the notes (empty text deletes them). */
    save(siteId: string, subject: ContactRef, text: string, by: string | null, now: number): Promise<ContactNotesRecord | null>;
  };
  /** Ratings are written by a commit (CommitPlan.rating, app/conversations rateConversation), never alone. */
  ratings: {
    /** The conversation's ratings, oldest first. */
    of(siteId: string, conversationId: string): Promise<RatingRecord[]>;
    /** The latest resolution and whether it is rated; null when never resolved. */
    pending(siteId: string, conversationId: string): Promise<{ resolvedEventId: number; rated: boolean } | null>;
  };
  /**
   * Operators' figures across all sites (GET /metrics): chats waiting for a person, webhook
   * deliveries not yet delivered, and a monotonic count of messages ever stored.
   */
  stats(): Promise<{ queuedConversations: number; webhookBacklog: number; messagesStored: number }>;
  close(): Promise<void>;
}
