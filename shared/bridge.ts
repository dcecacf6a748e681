/**
 * Messages between the loader (on the shop's page) and the panel (our iframe), sent with
 * postMessage to an exact target origin. Both sides check `event.origin` and `event.source`
 * and ignore anything without `ns: 'mostrador'`.
 */
import type { Locale } from './i18n';

export const BRIDGE_NS = 'mostrador';

type Ns = { ns: typeof BRIDGE_NS };

/** What the loader tells the panel (without the namespace tag). */
export type HostCommand =
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'locale'; locale: Locale }
  | { type: 'shutdown' }
  /** Desktop exit intent: the pointer left the page towards the browser chrome. */
  | { type: 'exit' }
  | { type: 'command'; name: 'identify' | 'cart' | 'page'; payload: unknown };

export type HostToFrame = HostCommand & Ns;

export type FrameToHost = Ns &
  (
    | { type: 'ready'; color?: string; side?: 'left' | 'right' }
    | { type: 'brand'; color?: string; side?: 'left' | 'right' }
    /** The shopper asked to open (from the teaser) or to close (from the panel). */
    | { type: 'open' }
    | { type: 'close' }
    /** Show or hide the proactive teaser strip above the launcher. */
    | { type: 'teaser'; show: boolean }
    | { type: 'unread'; count: number }
    | { type: 'message'; message: { text: string; authorKind: string; authorName?: string } }
    /** The presence frame: the panel is needed now (a message for the shopper, unread replies, a proactive rule holds). */
    | { type: 'boot'; reason: 'message' | 'unread' | 'proactive' }
    /** The panel: its socket is welcomed, so the presence frame can go (one socket hands over to the other). */
    | { type: 'live' }
  );

export function isBridgeMessage(data: unknown): data is { ns: typeof BRIDGE_NS; type: string } {
  return typeof data === 'object' && data !== null && (data as { ns?: unknown }).ns === BRIDGE_NS && typeof (data as { type?: unknown }).type === 'string';
}
