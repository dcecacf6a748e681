/**
 * What an agent does to a conversation (take, take over, transfer, resolve, reopen, return to
 * the bot) and starting a chat with a live visitor, each answered by an ack or an error that
 * names its clientId. The connection is passed in: `send` a frame, `ready` once welcomed.
 */
import { signal } from '@preact/signals';
import { nanoid } from 'nanoid';
import type { AgentClientFrame, AgentServerFrame, ConversationSummary } from '../../shared/protocol';

export type ConversationAction = 'take' | 'take_over' | 'transfer' | 'resolve' | 'reopen' | 'return_to_bot' | 'snooze' | 'unsnooze';

export function createActions(conn: { send(frame: AgentClientFrame): void; ready(): boolean; newId?(): string }) {
  const newId = conn.newId ?? nanoid;
  /** The last action that failed, to show the agent why (`conflict`: someone else changed it first). */
  const actionError = signal<{ code: string; message: string } | null>(null);
  const pendingActions = new Set<string>();
  /** The last chat start that failed (live visitors). */
  const startError = signal<{ code: string; message: string } | null>(null);
  const pendingStarts = new Set<string>();
  /** The chat this agent started last (a new object each time: the workspace shows it). */
  const started = signal<{ conversationId: string } | null>(null);

  return {
    actionError,
    startError,
    started,

    /**
     * Acts on a conversation as the agent `seen` it: if another agent changed it first, the
     * server refuses instead of overriding. Transfers name an agent or a team, with an optional note.
     */
    act(conversation: Pick<ConversationSummary, 'id'> & Partial<Pick<ConversationSummary, 'status' | 'assigneeId'>>, action: ConversationAction, to?: { agentId?: string; team?: string; note?: string; until?: number }): void {
      if (!conn.ready()) return;
      const clientId = newId();
      pendingActions.add(clientId);
      actionError.value = null;
      const note = to?.note?.trim();
      conn.send({
        type: 'conversation.action',
        clientId,
        conversationId: conversation.id,
        action,
        ...(conversation.status ? { seen: { status: conversation.status, assigneeId: conversation.assigneeId ?? null } } : {}),
        ...(to?.agentId ? { agentId: to.agentId } : {}),
        ...(to?.team ? { team: to.team } : {}),
        ...(note ? { note } : {}),
        ...(to?.until !== undefined ? { until: to.until } : {}),
      });
    },

    /** Writes first to a shopper on the site now: their chat becomes this agent's. */
    startChat(visitorId: string, text: string): void {
      const trimmed = text.trim();
      if (!trimmed || !conn.ready()) return;
      const clientId = newId();
      pendingStarts.add(clientId);
      startError.value = null;
      conn.send({ type: 'visitor.chat', clientId, visitorId, text: trimmed });
    },

    /** An ack: true when it answered a chat start (the started chat is in `started`). */
    acked(frame: Extract<AgentServerFrame, { type: 'ack' }>): boolean {
      pendingActions.delete(frame.clientId);
      if (!pendingStarts.delete(frame.clientId)) return false;
      startError.value = null;
      started.value = { conversationId: frame.conversationId };
      return true;
    },

    /** An error: true when it answered an action or a chat start (then shown in its signal). */
    refused(frame: Extract<AgentServerFrame, { type: 'error' }>): boolean {
      const why = { code: frame.code, message: frame.message ?? frame.code };
      if (frame.ref && pendingActions.delete(frame.ref)) {
        actionError.value = why;
        return true;
      }
      if (frame.ref && pendingStarts.delete(frame.ref)) {
        startError.value = why;
        return true;
      }
      return false;
    },
  };
}
