/**
 * Tags (contact reasons) on conversations: one spelling per site. A tag is lower-case words
 * joined by '-', letters (any script), digits and '_' only, at most `TAG_LIMITS.maxLength`
 * characters; a conversation has at most `TAG_LIMITS.perConversation`. The console and the
 * server normalise with the same function, so "Devolución " and "devolución" are one tag.
 */
export const TAG_LIMITS = { maxLength: 32, perConversation: 10 } as const;

/** The tag as stored, or null when nothing usable is left (empty, or longer than the limit). */
export function normaliseTag(raw: string): string | null {
  const tag = raw
    .normalize('NFC')
    .toLowerCase()
    .trim()
    .replace(/[\s-]+/gu, '-')
    .replace(/[^\p{L}\p{N}_-]/gu, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (!tag || [...tag].length > TAG_LIMITS.maxLength) return null;
  return tag;
}
