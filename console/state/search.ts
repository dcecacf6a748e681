/**
 * Message search (GET /api/agent/search): full text over the shop's messages. The answer names
 * the matched words as [start, end) ranges of the snippet, which the list shows as <mark>s
 * built from text — never markup from the server.
 */
import type { ConversationSummary } from '../../shared/protocol';

export interface MessageHit {
  conversationId: string;
  seq: number;
  authorKind: 'visitor' | 'agent' | 'bot' | 'system';
  kind: string;
  createdAt: string;
  snippet: string;
  marks: [number, number][];
}

export interface SearchAnswer {
  hits: MessageHit[];
  conversations: Map<string, ConversationSummary>;
}

/** Words worth asking the server for: at least one of two letters or digits. */
export function searchable(query: string): boolean {
  return (query.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).some((w) => w.length >= 2);
}

/** `filters.tag`: only chats with this tag; `filters.channel`: only messages that came or went that way. */
export async function searchMessages(
  query: string,
  signal?: AbortSignal,
  fetcher: typeof fetch = fetch,
  filters: { tag?: string; channel?: 'chat' | 'email' } = {},
): Promise<SearchAnswer> {
  const params = new URLSearchParams({ q: query, ...(filters.tag ? { tag: filters.tag } : {}), ...(filters.channel ? { channel: filters.channel } : {}) });
  const res = await fetcher(`/api/agent/search?${params}`, { signal: signal ?? null });
  if (!res.ok) throw new Error(`search failed: ${res.status}`);
  const body = (await res.json()) as { data: MessageHit[]; conversations: ConversationSummary[] };
  return { hits: body.data, conversations: new Map(body.conversations.map((c) => [c.id, c])) };
}

/** The snippet cut at its marks: text parts, every other one matched. */
export function markedParts(snippet: string, marks: [number, number][]): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const [start, end] of [...marks].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > snippet.length || end <= start) continue;
    if (start > at) parts.push({ text: snippet.slice(at, start), marked: false });
    parts.push({ text: snippet.slice(start, end), marked: true });
    at = end;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), marked: false });
  return parts;
}
