/**
 * Tags on conversations in the console: the tag suggested for the assistant's topics (pure: the
 * rules are in shared/tags.ts), and tag changes on their way to the server with the last one it
 * refused (`createTagging`, the connection passed in).
 */
import { signal } from '@preact/signals';
import { normaliseTag } from '../../shared/tags';
import type { AgentClientFrame, AgentServerFrame } from '../../shared/protocol';

/** The tag suggested for an intent of the assistant, in the console's language (null: none). */
export function suggestedTag(intent: string | null | undefined, t: Record<string, string>): string | null {
  const word = intent ? t[`tagFor_${intent}`] : undefined;
  return word ? normaliseTag(word) : null;
}

export function createTagging(conn: { send(frame: AgentClientFrame): unknown; ready(): boolean; newId(): string }) {
  /** Tag changes on their way (by clientId). */
  const pending = new Set<string>();
  /** The last tag change refused (cleared by the next one, or when another chat is opened). */
  const tagError = signal<{ code: string; message: string } | null>(null);
  return {
    tagError,

    /** Adds (`on`) or removes a tag on a conversation; every agent sees the change (`conversation.updated`). */
    setTag(conversationId: string, name: string, on: boolean): void {
      if (!conn.ready() || !name.trim()) return;
      const clientId = conn.newId();
      pending.add(clientId);
      tagError.value = null;
      conn.send({ type: 'conversation.tag', clientId, conversationId, tag: name, on });
    },

    /** An error: true when it refused a tag change (then shown in `tagError`). */
    refused(frame: Extract<AgentServerFrame, { type: 'error' }>): boolean {
      if (!frame.ref || !pending.delete(frame.ref)) return false;
      tagError.value = { code: frame.code, message: frame.message ?? frame.code };
      return true;
    },
  };
}
