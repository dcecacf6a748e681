/**
 * The Mostrador wire protocol: every WebSocket frame, in both directions, for visitors and
 * agents. Schemas are validated at runtime (valibot); TypeScript types are inferred from them.
 * No other module calls JSON.parse on socket data: use the parse functions below.
 *
 * Delivery rules (see docs/protocol.md):
 * - Client-sent messages carry a `clientId`; the server stores it UNIQUE per conversation, so a
 *   resend returns the same `ack` (same `seq`) and stores nothing new.
 * - Every conversation has a gap-free `seq` starting at 1. `ack` is sent only after commit.
 * - After a reconnect the client sends `sync {conversationId, afterSeq}` with the last `seq`
 *   it holds and receives every later message, in order, in pages (`hasMore`).
 */
import * as v from 'valibot';
import { ERROR_CODES } from './errors';

import { LIMITS } from './limits';

export { HEARTBEAT, LIMITS, PROTOCOL_VERSION } from './limits';

// ---------- building blocks ----------

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const ClientId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId must be 8–64 url-safe characters'));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0));
const Text = v.pipe(
  v.string(),
  v.maxLength(LIMITS.maxTextLength, `text is longer than ${LIMITS.maxTextLength} characters`),
  v.check((s) => s.trim().length > 0, 'text is empty'),
);
const Locale = v.picklist(['es', 'en']);
const Timestamp = v.pipe(v.number(), v.integer(), v.minValue(0));

export const AuthorSchema = v.object({
  kind: v.picklist(['visitor', 'agent', 'bot', 'system']),
  id: v.optional(v.string()),
  name: v.optional(v.string()),
});

export const MessageKindSchema = v.picklist(['text', 'note', 'system', 'card']);

export { ORDER_STATUSES, parseCard, type CardPayload, type OrderStatus } from './cards';

export const MessageSchema = v.object({
  id: Id,
  conversationId: Id,
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /**
   * Shoppers only: the seq of the previous message they can see. Internal notes take seqs the
   * shopper never receives, so continuity is checked against this, not `seq - 1`.
   */
  prevSeq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  clientId: v.nullable(v.string()),
  author: AuthorSchema,
  /** `note`: internal, agents only. `system`: a lifecycle event. `card`: structured payload. */
  kind: MessageKindSchema,
  /** The plain-text rendering (fallback for cards and system events). */
  text: v.string(),
  payload: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  /** How it came or went; absent: the chat. `email`: a reply by e-mail, or sent to the shopper by e-mail. */
  channel: v.optional(v.picklist(['chat', 'email'])),
  createdAt: Timestamp,
});

export const ConversationStatusSchema = v.picklist(['bot', 'queued', 'assigned', 'resolved']);

/** What a visitor learns about their own conversations. */
export const VisitorConversationSchema = v.object({
  id: Id,
  status: ConversationStatusSchema,
  /** The last seq the shopper can see. */
  lastSeq: Seq,
  /** How far the team has read (read receipts). */
  readSeq: Seq,
  /** How far the shopper has read: what is after it counts as unread on their next visit. */
  seenSeq: v.optional(Seq),
  updatedAt: Timestamp,
  /** The start of its last message the shopper can see (for the list of their conversations). */
  preview: v.optional(v.pipe(v.string(), v.maxLength(80))),
});

/** What an agent sees in the conversation list. */
export const ConversationSummarySchema = v.object({
  id: Id,
  status: ConversationStatusSchema,
  lastSeq: Seq,
  visitorId: Id,
  visitorName: v.string(),
  visitorEmail: v.nullable(v.string()),
  /** The shopper's identity was verified by the shop (identify with a valid hash). */
  verified: v.boolean(),
  assigneeId: v.nullable(v.string()),
  /** How far the shopper has read (read receipts). */
  visitorReadSeq: Seq,
  lastMessage: v.nullable(v.object({ text: v.string(), authorKind: AuthorSchema.entries.kind, createdAt: Timestamp })),
  /** When it joined the queue (the queue view's order and waiting time). */
  queuedAt: v.optional(v.nullable(Timestamp)),
  /** Since when the shopper has waited for a person's answer (their first unanswered message); null: not their wait. */
  waitingSince: v.optional(v.nullable(Timestamp)),
  /** The team it was transferred to, if any (routing gives it to that team's members). */
  team: v.optional(v.nullable(v.string())),
  /** A verified customer's recent order numbers: agents search chats by them. */
  orderNumbers: v.optional(v.array(v.string())),
  /** Some message came or went by e-mail (the console filters by channel). */
  viaEmail: v.optional(v.boolean()),
  /** Its tags (contact reasons), normalised (shared/tags.ts). */
  tags: v.optional(v.array(v.string())),
  /** Snoozed since then (absent: not snoozed); it wakes at `snoozedUntil`, or (null) when the shopper writes. */
  snoozedAt: v.optional(Timestamp),
  snoozedUntil: v.optional(v.nullable(Timestamp)),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

// ---------- client → server ----------

const VisitorHello = v.object({
  type: v.literal('hello'),
  v: v.pipe(v.number(), v.integer()),
  /** The token a previous `welcome` issued; absent for a new visitor. */
  token: v.optional(v.pipe(v.string(), v.maxLength(128))),
  locale: v.optional(Locale),
});

const AgentHello = v.object({
  type: v.literal('hello'),
  v: v.pipe(v.number(), v.integer()),
});

/** Ids from POST /api/uploads/*: files the sender uploaded and attaches to this message. */
const AttachmentIds = v.optional(v.pipe(v.array(Id), v.maxLength(5, 'at most 5 attachments')));
const TextOrEmpty = v.pipe(v.string(), v.maxLength(LIMITS.maxTextLength, `text is longer than ${LIMITS.maxTextLength} characters`));
const hasContent = (o: { text: string; attachments?: string[] | undefined }) => o.text.trim().length > 0 || (o.attachments?.length ?? 0) > 0;

const VisitorMessageSend = v.pipe(
  v.object({
    type: v.literal('message.send'),
    clientId: ClientId,
    /** Absent: the visitor's open conversation, created on first message. */
    conversationId: v.optional(Id),
    text: TextOrEmpty,
    attachments: AttachmentIds,
    /** The widget's language when the site changed it (`Mostrador('locale', …)`): the conversation follows it. */
    locale: v.optional(Locale),
  }),
  v.check((o) => hasContent(o), 'text is empty'),
);

const AgentMessageSend = v.pipe(
  v.object({
    type: v.literal('message.send'),
    clientId: ClientId,
    conversationId: Id,
    text: TextOrEmpty,
    attachments: AttachmentIds,
    /** `note` is internal: it never reaches the shopper. */
    kind: v.optional(v.picklist(['text', 'note'])),
    /** Also e-mail it to the shopper now (issue 13): the message's channel is `email`. */
    byEmail: v.optional(v.boolean()),
  }),
  v.check((o) => hasContent(o), 'text is empty'),
);

/** Shares one of the verified customer's orders as a card; the server builds it from its own data. */
const OrderShare = v.object({
  type: v.literal('order.share'),
  clientId: ClientId,
  conversationId: Id,
  /** The shop's order id (as pushed through the REST API). */
  orderId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
});

const Typing = v.object({
  type: v.literal('typing'),
  conversationId: Id,
  on: v.boolean(),
  /** Shoppers only: what they are typing, shown to agents only if the site enables live preview. */
  preview: v.optional(v.pipe(v.string(), v.maxLength(1000))),
});

const Read = v.object({
  type: v.literal('read'),
  conversationId: Id,
  /** The highest seq the reader has seen. */
  seq: Seq,
});

const Money = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e12));

const VisitorContext = v.object({
  type: v.literal('context'),
  url: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  title: v.optional(v.pipe(v.string(), v.maxLength(300))),
  /** The shopper's IANA time zone (from their browser): agents see their local time. */
  timeZone: v.optional(v.pipe(v.string(), v.maxLength(64), v.regex(/^[A-Za-z0-9_+\-/]+$/, 'must be an IANA time zone'))),
  cart: v.optional(
    v.nullable(
      v.object({
        items: v.pipe(
          v.array(
            v.object({
              sku: v.optional(v.pipe(v.string(), v.maxLength(64))),
              name: v.pipe(v.string(), v.maxLength(200)),
              quantity: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)),
              price: Money,
            }),
          ),
          v.maxLength(100),
        ),
        total: Money,
        currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
      }),
    ),
  ),
});

const Identify = v.object({
  type: v.literal('identify'),
  /** The shop's own customer id. */
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'id must be 1–128 characters of A–Z, a–z, 0–9, _ . : -')),
  email: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('email is not valid'))),
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  /** hex(HMAC-SHA256(site secret key, id)), computed by the shop's backend. */
  hash: v.optional(v.pipe(v.string(), v.maxLength(128))),
});

/** What the shopper tells us in the pre-chat form or offline mode (never verified). */
const Profile = v.object({
  type: v.literal('profile'),
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  email: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('email is not valid'))),
});

/** Take, transfer, resolve, reopen or hand a conversation back to the bot. */
const ConversationAction = v.object({
  type: v.literal('conversation.action'),
  clientId: ClientId,
  conversationId: Id,
  action: v.picklist(['take', 'take_over', 'transfer', 'resolve', 'reopen', 'return_to_bot', 'snooze', 'unsnooze']),
  /** For `snooze`: until when (epoch ms); absent: until the shopper writes. */
  until: v.optional(Timestamp),
  /** For `transfer`: the agent who receives the chat… */
  agentId: v.optional(Id),
  /** …or the team (back to the queue, routed to that team's members). */
  team: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60))),
  /** For `transfer`: kept as an internal note; the shopper never sees it. */
  note: v.optional(v.pipe(v.string(), v.maxLength(500))),
  /** For `resolve`: also e-mail the shopper the conversation (when they left an address and e-mail is configured). */
  transcript: v.optional(v.boolean()),
  /**
   * The state the agent acted on. If the conversation has changed since (another agent took it
   * a moment earlier), the action is refused with `conflict` instead of overriding them.
   */
  seen: v.optional(v.object({ status: ConversationStatusSchema, assigneeId: v.nullable(Id) })),
});

/**
 * Adds or removes a tag (contact reason) on a conversation; the server normalises it
 * (shared/tags.ts). Every agent of the site gets `conversation.updated` with the new tags; a
 * refusal (`not_allowed`: too many tags or not a usable tag) is an `error` naming the clientId.
 */
const ConversationTag = v.object({
  type: v.literal('conversation.tag'),
  clientId: ClientId,
  conversationId: Id,
  tag: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  on: v.boolean(),
});

/**
 * An agent starts a chat with a shopper on the site now (live visitors): the visitor's open
 * conversation (created if none) is assigned to the agent and `text` is its first message.
 * Answered with `ack` (its `conversationId` is the chat).
 */
const VisitorChat = v.object({
  type: v.literal('visitor.chat'),
  clientId: ClientId,
  visitorId: Id,
  text: Text,
});

const AgentStatusFrame = v.object({ type: v.literal('status'), status: v.picklist(['online', 'away']) });

/** Where a page of the live visitors list resumes: the last entry the agent has (list order). */
const VisitorCursor = v.object({ online: v.boolean(), since: Timestamp, visitorId: Id });

/** The next page of live visitors (online first, then longest on the site), after `after`. */
const VisitorsList = v.object({
  type: v.literal('visitors.list'),
  after: v.optional(VisitorCursor),
});

/** One shopper's pages this visit and cart, for the panel beside a chat: answered `visitor.detail`. */
const VisitorGet = v.object({ type: v.literal('visitor.get'), visitorId: Id });

const Sync = v.object({
  type: v.literal('sync'),
  conversationId: Id,
  afterSeq: Seq,
});

/** Older messages, newest page first: everything with seq < beforeSeq, up to `limit`. */
const History = v.object({
  type: v.literal('history'),
  conversationId: Id,
  beforeSeq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.syncPageSize))),
});

const Ping = v.object({ type: v.literal('ping'), t: v.optional(v.number()) });

/**
 * The conversations an agent has open (replaces the previous set). Their messages, and those of
 * the chats the agent holds, arrive as `message.created`; the others' as `conversations.touched`.
 */
const Watch = v.object({
  type: v.literal('watch'),
  conversationIds: v.pipe(v.array(Id), v.maxLength(LIMITS.agentWatch)),
});

/**
 * The panel saw a proactive rule's conditions hold on this page view and asks for its message.
 * The server re-checks what it can know itself (page and time on it, cart, language, identity,
 * tags, returning) plus the caps, and answers `proactive` with whether it fired.
 */
const VisitorProactive = v.object({
  type: v.literal('proactive'),
  ruleId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  /**
   * Only the page sees these, so they are taken on trust (they only unlock a greeting): the
   * pointer left towards the browser chrome, and how long the shopper has been on this page (the
   * panel's socket often connects only when it asks, long after the page opened).
   */
  exitIntent: v.optional(v.boolean()),
  onPageMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400_000))),
  device: v.optional(v.picklist(['desktop', 'tablet', 'mobile'])),
});

/** The shopper's answer to "¿Qué tal te hemos atendido?" after a resolve: 1–5 and optional words. Once per resolution. */
const VisitorRate = v.object({
  type: v.literal('conversation.rate'),
  clientId: ClientId,
  conversationId: Id,
  score: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
  comment: v.optional(v.pipe(v.string(), v.maxLength(1000))),
});

/** The shopper asks for the conversation by e-mail (to the address they left, or their verified customer's). */
const TranscriptRequest = v.object({ type: v.literal('transcript'), conversationId: Id });

export const VisitorClientFrameSchema = v.variant('type', [VisitorHello, VisitorMessageSend, Identify, Profile, VisitorContext, VisitorProactive, Typing, Read, Sync, History, Ping, VisitorRate, TranscriptRequest]);
export const AgentClientFrameSchema = v.variant('type', [AgentHello, AgentMessageSend, OrderShare, ConversationAction, ConversationTag, VisitorChat, AgentStatusFrame, VisitorsList, VisitorGet, Typing, Read, Sync, History, Ping, Watch]);

export type VisitorContextFrame = v.InferOutput<typeof VisitorContext>;
export type Cart = NonNullable<VisitorContextFrame['cart']>;

export type VisitorClientFrame = v.InferOutput<typeof VisitorClientFrameSchema>;
export type AgentClientFrame = v.InferOutput<typeof AgentClientFrameSchema>;

// ---------- server → client ----------

/** Whether anyone of the team is online now (the widget's header and offline mode). */
export const AvailabilitySchema = v.object({
  available: v.boolean(),
  names: v.array(v.string()),
  /** Outside business hours: when people are back (epoch ms); null or absent when unknown or open. */
  backAt: v.optional(v.nullable(v.number())),
  /** With `backAt`: the IANA time zone of the shop's hours, so the widget states the time as the shop (and its assistant) does. */
  timeZone: v.optional(v.pipe(v.string(), v.maxLength(64))),
});
export type Availability = v.InferOutput<typeof AvailabilitySchema>;

const VisitorWelcome = v.object({
  type: v.literal('welcome'),
  v: v.number(),
  token: v.string(),
  visitorId: Id,
  conversations: v.array(VisitorConversationSchema),
  availability: AvailabilitySchema,
  /** What the shopper told us (pre-chat form, offline email), to prefill forms. */
  profile: v.object({ name: v.nullable(v.string()), email: v.nullable(v.string()) }),
  /** "We usually reply in X min": the last 7 days' median first response by a person; absent when there was none. */
  replyMin: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

/** Where the shopper's conversation stands in the queue, and the expected wait. */
const QueueFrame = v.object({
  type: v.literal('queue'),
  conversationId: Id,
  position: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** null: nobody is online to estimate from. */
  estimatedWaitMs: v.nullable(v.number()),
});

const AvailabilityFrame = v.object({ type: v.literal('availability'), ...AvailabilitySchema.entries });

export const AgentStatusSchema = v.picklist(['online', 'away', 'offline']);
export type AgentStatus = v.InferOutput<typeof AgentStatusSchema>;
const TeamFrame = v.object({
  type: v.literal('team'),
  agents: v.array(v.object({ id: Id, name: v.string(), status: AgentStatusSchema })),
});

/** Agents: a mail about a conversation was given up (shown beside the messages it carried). */
const EmailFailedFrame = v.object({
  type: v.literal('email.failed'),
  conversationId: Id,
  mailId: Id,
  messageIds: v.array(Id),
  error: v.string(),
});
export type EmailFailedEvent = v.InferOutput<typeof EmailFailedFrame>;

const AgentWelcome = v.object({
  type: v.literal('welcome'),
  v: v.number(),
  agent: v.object({ id: Id, name: v.string(), email: v.string(), role: v.picklist(['admin', 'supervisor', 'agent']) }),
  conversations: v.array(ConversationSummarySchema),
  /**
   * The first page of shoppers on the site now (and those who left in the last minutes), online
   * first; `visitorsMore` when the list goes on (`visitors.list`). Changes follow as `visitors.delta`.
   */
  visitors: v.array(v.lazy(() => VisitorSummarySchema)),
  visitorsMore: v.boolean(),
  /** How many shoppers are listed in all, and how many of them are online. */
  visitorCounts: v.lazy(() => VisitorCounts),
  team: v.array(v.object({ id: Id, name: v.string(), status: AgentStatusSchema })),
  /** This agent's own status (kept across reconnects). */
  status: v.picklist(['online', 'away']),
  /** False: the server sends no e-mail (no SMTP_URL): the console says so. */
  email: v.optional(v.boolean()),
});

const Ack = v.object({
  type: v.literal('ack'),
  clientId: v.string(),
  conversationId: Id,
  messageId: Id,
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  createdAt: Timestamp,
  /** True when this clientId had already been stored: nothing new was written. */
  duplicate: v.boolean(),
});

const Identified = v.object({
  type: v.literal('identified'),
  verified: v.boolean(),
  /** The visitor's conversations after identifying (a verified customer's include other devices'). */
  conversations: v.array(VisitorConversationSchema),
});

const MessageCreated = v.object({ type: v.literal('message.created'), message: MessageSchema });

const SyncResult = v.object({
  type: v.literal('sync.result'),
  conversationId: Id,
  messages: v.array(MessageSchema),
  /** More messages exist after the last one in this page: send `sync` again. */
  hasMore: v.boolean(),
});

const HistoryResult = v.object({
  type: v.literal('history.result'),
  conversationId: Id,
  /** Ascending; the page just before the requested seq. */
  messages: v.array(MessageSchema),
  /** Even older messages exist. */
  hasMore: v.boolean(),
});

const ConversationUpdated = v.object({ type: v.literal('conversation.updated'), conversation: ConversationSummarySchema });

/**
 * New messages in chats the agent neither holds nor has open, coalesced (at most every
 * LIMITS.agentTouchMs): per conversation its newest seq and message, and how many of the new
 * ones the shopper wrote (unread counts, notifications).
 */
const ConversationsTouched = v.object({
  type: v.literal('conversations.touched'),
  items: v.array(
    v.object({
      conversationId: Id,
      lastSeq: Seq,
      updatedAt: Timestamp,
      lastMessage: v.object({ text: v.string(), authorKind: AuthorSchema.entries.kind, createdAt: Timestamp }),
      visitorMessages: v.pipe(v.number(), v.integer(), v.minValue(0)),
    }),
  ),
});
const VisitorConversationUpdated = v.object({
  type: v.literal('conversation.updated'),
  conversation: VisitorConversationSchema,
});

const Pong = v.object({ type: v.literal('pong'), t: v.optional(v.number()) });

/** The answer to a visitor's `proactive`: fired (its message follows as `message.created`) or why not. */
const ProactiveResult = v.object({
  type: v.literal('proactive'),
  ruleId: v.string(),
  fired: v.boolean(),
  reason: v.optional(v.picklist(['unknown_rule', 'conditions', 'capped', 'chat_active'])),
});

const TypingEvent = v.object({
  type: v.literal('typing'),
  conversationId: Id,
  who: v.object({ kind: v.picklist(['visitor', 'agent']), name: v.optional(v.string()) }),
  on: v.boolean(),
  preview: v.optional(v.string()),
});

const ReadEvent = v.object({
  type: v.literal('read'),
  conversationId: Id,
  by: v.picklist(['visitor', 'agent']),
  seq: Seq,
});

const VisitorCounts = v.object({ online: v.pipe(v.number(), v.integer()), total: v.pipe(v.number(), v.integer()) });

/** One row of the live visitors list: small, so a busy shop's changes stay cheap to send. */
export const VisitorSummarySchema = v.object({
  visitorId: Id,
  online: v.boolean(),
  url: v.nullable(v.string()),
  title: v.nullable(v.string()),
  since: Timestamp,
  /** Pages seen this visit. */
  pageCount: v.pipe(v.number(), v.integer()),
  /** The cart in figures: items (lines), total, currency. */
  cart: v.nullable(v.object({ count: v.pipe(v.number(), v.integer()), total: v.number(), currency: v.string() })),
  name: v.nullable(v.string()),
  identified: v.boolean(),
  verified: v.boolean(),
  returning: v.boolean(),
  /** A verified customer's orders (counted up to 100): a customer who has bought, not a new visitor. */
  orders: v.optional(v.pipe(v.number(), v.integer())),
  timeZone: v.nullable(v.string()),
});
export type VisitorSummary = v.InferOutput<typeof VisitorSummarySchema>;

/**
 * Live visitors that changed since the last delta (their rows as they are now) and those no
 * longer listed. Coalesced and capped per agent socket: at most one a second, of bounded size;
 * what did not fit follows in the next one.
 */
const VisitorsDelta = v.object({
  type: v.literal('visitors.delta'),
  visitors: v.array(VisitorSummarySchema),
  gone: v.array(Id),
  counts: VisitorCounts,
});

const VisitorsPage = v.object({
  type: v.literal('visitors.page'),
  visitors: v.array(VisitorSummarySchema),
  hasMore: v.boolean(),
  counts: VisitorCounts,
});

/** What the shopper is doing now (pages this visit, cart lines): the answer to `visitor.get`. */
const VisitorDetail = v.object({
  type: v.literal('visitor.detail'),
  visitorId: Id,
  online: v.boolean(),
  url: v.nullable(v.string()),
  title: v.nullable(v.string()),
  pages: v.array(v.object({ url: v.string(), title: v.string(), at: Timestamp })),
  cart: v.nullable(VisitorContext.entries.cart.wrapped.wrapped),
  since: Timestamp,
  /** The name the shopper gave or the shop identified them with, when known. */
  name: v.optional(v.nullable(v.string())),
  /** The shop identified them (`identify`); `verified` when with a valid hash. */
  identified: v.optional(v.boolean()),
  verified: v.optional(v.boolean()),
  /** First seen on an earlier visit. */
  returning: v.optional(v.boolean()),
  /** A verified customer's orders (counted up to 100): a customer who has bought, not a new visitor. */
  orders: v.optional(v.number()),
  /** The shopper's time zone, when their browser told us. */
  timeZone: v.optional(v.nullable(v.string())),
});

const ErrorFrame = v.object({
  type: v.literal('error'),
  code: v.picklist(ERROR_CODES),
  /** The `clientId` (or other reference) of the frame that failed, when it had one. */
  ref: v.optional(v.string()),
  message: v.optional(v.string()),
  retryAfterMs: v.optional(v.number()),
});

const SiteUpdated = v.object({
  type: v.literal('site.updated'),
  siteName: v.string(),
  color: v.nullable(v.string()),
  greeting: v.object({ es: v.optional(v.string()), en: v.optional(v.string()) }),
  /** The shop's logo (https), shown in the panel header. */
  logoUrl: v.optional(v.nullable(v.string())),
  /** Which bottom corner the launcher sits in. */
  side: v.optional(v.picklist(['left', 'right'])),
  /** The panel's colours when the site fixed them (absent: light or dark mode decides). */
  theme: v.optional(v.picklist(['light', 'dark'])),
  /** What the shopper types reaches agents as they type (the panel sends previews only then). */
  livePreview: v.optional(v.boolean()),
  /** Ask for a name and email before the first message. */
  preChatForm: v.optional(v.boolean()),
});

export const VisitorServerFrameSchema = v.variant('type', [
  ProactiveResult,
  QueueFrame,
  HistoryResult,
  SiteUpdated,
  AvailabilityFrame,
  v.object({ type: v.literal('profile.saved'), name: v.nullable(v.string()), email: v.nullable(v.string()) }),
  VisitorWelcome,
  Identified,
  Ack,
  MessageCreated,
  SyncResult,
  VisitorConversationUpdated,
  TypingEvent,
  ReadEvent,
  Pong,
  ErrorFrame,
]);
export const AgentServerFrameSchema = v.variant('type', [
  HistoryResult,
  AgentWelcome,
  Ack,
  MessageCreated,
  SyncResult,
  ConversationUpdated,
  ConversationsTouched,
  TypingEvent,
  ReadEvent,
  VisitorDetail,
  VisitorsDelta,
  VisitorsPage,
  TeamFrame,
  EmailFailedFrame,
  Pong,
  ErrorFrame,
]);

export type VisitorDetailFrame = v.InferOutput<typeof VisitorDetail>;
export type VisitorsDeltaFrame = v.InferOutput<typeof VisitorsDelta>;
export type VisitorCounts = v.InferOutput<typeof VisitorCounts>;

export type Message = v.InferOutput<typeof MessageSchema>;
export type Author = v.InferOutput<typeof AuthorSchema>;
export type MessageKind = v.InferOutput<typeof MessageKindSchema>;
export type ConversationStatus = v.InferOutput<typeof ConversationStatusSchema>;
export type VisitorConversation = v.InferOutput<typeof VisitorConversationSchema>;
export type ConversationSummary = v.InferOutput<typeof ConversationSummarySchema>;
export type VisitorServerFrame = v.InferOutput<typeof VisitorServerFrameSchema>;
export type AgentServerFrame = v.InferOutput<typeof AgentServerFrameSchema>;
/** Any frame the server sends, to either kind of client. */
export type ServerFrame = VisitorServerFrame | AgentServerFrame;
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;
export type AckFrame = v.InferOutput<typeof Ack>;

// ---------- parsing ----------

export type ParseResult<T> =
  | { ok: true; frame: T }
  | { ok: false; error: Pick<ErrorFrame, 'code' | 'message' | 'ref'> };

type FrameSchema = typeof VisitorClientFrameSchema | typeof AgentClientFrameSchema | typeof VisitorServerFrameSchema | typeof AgentServerFrameSchema;

function knownTypes(schema: FrameSchema): Set<string> {
  return new Set(schema.options.map((o) => o.entries.type.literal as string));
}

function exceeds(s: string, maxBytes: number): boolean {
  // Fast paths: UTF-8 needs between 1 and 3 bytes per UTF-16 code unit.
  if (s.length * 3 <= maxBytes) return false;
  if (s.length > maxBytes) return true;
  return new TextEncoder().encode(s).length > maxBytes;
}

function makeParser<S extends FrameSchema>(schema: S, maxBytes: number) {
  const types = knownTypes(schema);
  return (raw: unknown): ParseResult<v.InferOutput<S>> => {
    if (typeof raw !== 'string') return { ok: false, error: { code: 'binary_not_supported', message: 'frames must be JSON text' } };
    if (exceeds(raw, maxBytes)) {
      return { ok: false, error: { code: 'frame_too_large', message: `frames are limited to ${LIMITS.maxFrameBytes} bytes` } };
    }
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return { ok: false, error: { code: 'bad_json', message: 'frame is not valid JSON' } };
    }
    const ref = refOf(data);
    const type = data !== null && typeof data === 'object' ? (data as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !types.has(type)) {
      return { ok: false, error: { code: 'unknown_type', message: `unknown frame type`, ...(ref ? { ref } : {}) } };
    }
    const result = v.safeParse(schema, data);
    if (!result.success) {
      const issue = result.issues[0];
      const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      return {
        ok: false,
        error: { code: 'bad_frame', message: path ? `${path}: ${issue.message}` : issue.message, ...(ref ? { ref } : {}) },
      };
    }
    return { ok: true, frame: result.output as v.InferOutput<S> };
  };
}

function refOf(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const id = (data as { clientId?: unknown }).clientId;
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}

/** Parses a frame a visitor sent to the server. */
export const parseVisitorClientFrame = /* @__PURE__ */ makeParser(VisitorClientFrameSchema, LIMITS.maxFrameBytes);
/** Parses a frame an agent sent to the server. */
export const parseAgentClientFrame = /* @__PURE__ */ makeParser(AgentClientFrameSchema, LIMITS.maxFrameBytes);
/** Parses a frame the server sent to a visitor (server frames may be large: sync pages). */
export const parseVisitorServerFrame = /* @__PURE__ */ makeParser(VisitorServerFrameSchema, Infinity);
/** Parses a frame the server sent to an agent. */
export const parseAgentServerFrame = /* @__PURE__ */ makeParser(AgentServerFrameSchema, Infinity);
