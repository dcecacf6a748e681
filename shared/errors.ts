/**
 * Error codes carried by `{type:'error', code}` frames and HTTP problem bodies, and the
 * WebSocket close codes the server uses. Clients switch on these, never on message text.
 */
export const ERROR_CODES = [
  'bad_json', // frame is not valid JSON
  'bad_frame', // JSON, but does not match the schema for its type
  'unknown_type', // `type` is not one this endpoint accepts
  'frame_too_large', // frame above LIMITS.maxFrameBytes (connection stays open)
  'binary_not_supported', // binary frames are not part of the protocol
  'not_ready', // a frame other than `hello` arrived before `welcome`
  'unsupported_version', // client speaks a protocol version this server does not
  'not_found', // the conversation does not exist for this caller (also used for "not yours")
  'identity_refused', // the site accepts only verified identities and the hash did not match
  'not_verified', // order data cannot be shared: the shopper's identity is not verified
  'bad_attachment', // an attachment is missing, not the sender's, or already used
  'conflict', // the conversation changed meanwhile (e.g. another agent took it): look again
  'not_allowed', // this action does not apply to the conversation in its current state
  'store_unavailable', // the write could not be committed; nothing was stored, resend later
  'rate_limited', // too many frames; retry after `retryAfterMs`
  'internal', // unexpected server fault; nothing about it is exposed
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Error codes after which resending the same frame later can succeed. */
export const RETRYABLE_ERRORS: readonly ErrorCode[] = ['store_unavailable', 'rate_limited', 'internal'];

/**
 * WebSocket close codes. 4xxx codes are fatal: the client must not reconnect blindly
 * (it must fix its credentials or reload). 1xxx codes are transport-level and retried.
 */
export const CLOSE_CODES = {
  /** Server is shutting down or restarting: reconnect with backoff. */
  goingAway: 1001,
  /** Several nodes: the link between them was lost and is back; reconnect (to any node) and catch up by seq. */
  catchUp: 1012,
  /** Frame above the hard transport limit (sent by `ws` itself). */
  messageTooBig: 1009,
  /** Heartbeat missed: the peer looked dead. */
  heartbeatTimeout: 4000,
  /** The agent's session ended (signed out, password changed, disabled). */
  sessionEnded: 4001,
  /** The visitor token is unknown or was revoked; start a new visitor. */
  invalidToken: 4003,
  /** The client must authenticate (agent socket without a valid session cookie). */
  unauthorized: 4401,
  /** The site key is unknown or disabled. */
  siteNotFound: 4404,
  /** The client's protocol version is not supported: reload to get a newer client. */
  unsupportedVersion: 4426,
} as const;

/** True when a close code means "do not reconnect with the same credentials". */
export function isFatalClose(code: number): boolean {
  return code >= 4001 && code < 5000;
}
