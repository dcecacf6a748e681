/**
 * The panel's reading of what its own server sends. The server validates everything it stores
 * and builds every frame from typed records, so the panel does not carry the full schema library
 * (valibot and the protocol schemas cost a shopper ~5 KB gzip on every first open): it checks that
 * a frame is a JSON object with a string `type` (unknown types fall through the panel's switch);
 * cards are checked field by field before rendering (shared/cards.ts `parseCard`, no schema
 * library), since a card's shape decides what is drawn. Nothing here ever becomes HTML.
 */
import type { ParseResult, VisitorServerFrame } from '../../../shared/protocol';

/** Cards are checked by the one check all parts share. */
export { parseCard as cardOf } from '../../../shared/cards';

export function parseServerFrame(raw: unknown): ParseResult<VisitorServerFrame> {
  if (typeof raw !== 'string') return { ok: false, error: { code: 'binary_not_supported', message: 'frames must be JSON text' } };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: { code: 'bad_json', message: 'not JSON' } };
  }
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  // Unknown types fall through the panel's switch untouched (a newer server may send more).
  if (typeof type !== 'string') return { ok: false, error: { code: 'unknown_type', message: 'frame without a type' } };
  return { ok: true, frame: data as VisitorServerFrame };
}
