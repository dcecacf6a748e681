/**
 * Messages between the loader (on the shop's page) and the panel (our iframe), sent with
 * postMessage to an exact target origin. Both sides check `event.origin` and `event.source`
 * and ignore anything without `ns: 'mostrador'`.
 */
import type { Locale } from './i18n';

export const BRIDGE_NS = 'mostrador';

export type HostToFrame =
  | { ns: typeof BRIDGE_NS; type: 'open' }
  | { ns: typeof BRIDGE_NS; type: 'close' }
  | { ns: typeof BRIDGE_NS; type: 'locale'; locale: Locale }
  | { ns: typeof BRIDGE_NS; type: 'shutdown' }
  | { ns: typeof BRIDGE_NS; type: 'command'; name: 'identify' | 'cart' | 'page'; payload: unknown };

export type FrameToHost =
  | { ns: typeof BRIDGE_NS; type: 'ready'; color?: string }
  | { ns: typeof BRIDGE_NS; type: 'brand'; color: string }
  | { ns: typeof BRIDGE_NS; type: 'close' }
  | { ns: typeof BRIDGE_NS; type: 'unread'; count: number }
  | { ns: typeof BRIDGE_NS; type: 'message'; message: { text: string; authorKind: string; authorName?: string } };

export function isBridgeMessage(data: unknown): data is { ns: typeof BRIDGE_NS; type: string } {
  return typeof data === 'object' && data !== null && (data as { ns?: unknown }).ns === BRIDGE_NS && typeof (data as { type?: unknown }).type === 'string';
}
