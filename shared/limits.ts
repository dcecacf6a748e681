/**
 * Protocol constants, apart from the schemas so that clients can import them without pulling
 * the schema library into their bundle (the widget pays for every byte). Re-exported by protocol.ts.
 */
export const PROTOCOL_VERSION = 1;

export const LIMITS = {
  /** Longest message text, in UTF-16 code units. */
  maxTextLength: 4000,
  /** Frames above this get `error frame_too_large`; the connection stays open. */
  maxFrameBytes: 32 * 1024,
  /** Frames above this are cut off by the transport with close code 1009. */
  hardMaxFrameBytes: 256 * 1024,
  /** Messages per `sync.result` page. */
  syncPageSize: 200,
  /** Conversations listed in an agent's `welcome`. */
  agentConversationList: 200,
  /** Live visitors in an agent's `welcome` and in each `visitors.page`; more are asked for. */
  visitorPage: 50,
  /** Conversations one agent socket may `watch` (have open) at once; chats it holds come on top. */
  agentWatch: 200,
  /** An agent's list updates for chats it neither holds nor has open come at most this often. */
  agentTouchMs: 250,
} as const;

/** Client heartbeat: send `ping` this often; treat the socket as dead after `deadAfterMs` of silence. */
export const HEARTBEAT = { intervalMs: 20_000, deadAfterMs: 45_000 } as const;
