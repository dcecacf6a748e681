/**
 * What an agent's action does to a conversation: the next status and assignee, and the system
 * event the transcript records. Pure: state and actors come in, a decision comes out.
 */
import type { ConversationStatus } from '../../shared/protocol';

export type AgentAction = 'take' | 'transfer' | 'resolve' | 'reopen' | 'return_to_bot';

export interface ActionInput {
  action: AgentAction;
  conversation: { status: ConversationStatus; assigneeId: string | null };
  actor: { id: string; name: string };
  /** For `transfer`: the agent receiving the chat… */
  target?: { id: string; name: string } | undefined;
  /** …or the team whose members it goes to (back to the queue, routed to that team). */
  team?: string | undefined;
  /** For `transfer`: a note for whoever receives it, kept as an internal note. */
  note?: string | undefined;
}

export type SystemEvent =
  | { event: 'agent_joined'; agentName: string }
  | { event: 'transferred'; fromName: string; toName: string }
  | { event: 'transferred_team'; fromName: string; team: string }
  | { event: 'resolved'; byName: string }
  | { event: 'reopened'; byName: string }
  | { event: 'returned_to_bot'; byName: string };

export type ActionDecision =
  | {
      ok: true;
      status: ConversationStatus;
      assigneeId: string | null;
      system: SystemEvent;
      /** Plain-text fallback for clients that do not render the event. */
      text: string;
      webhook: 'conversation.assigned' | 'conversation.resolved' | null;
      /** Set the chat's routing team (undefined leaves it as it is). */
      team?: string | null;
      /** An internal note to record after the event (never reaches the shopper). */
      note?: string;
    }
  | { ok: false; reason: string };

/** Decides the outcome of an agent's action on a conversation in its current state. */
export function decideAction(input: ActionInput): ActionDecision {
  const { conversation: c, actor } = input;
  switch (input.action) {
    case 'take':
      if (c.status === 'assigned' && c.assigneeId === actor.id) return { ok: false, reason: 'already yours' };
      return {
        ok: true,
        status: 'assigned',
        assigneeId: actor.id,
        system: { event: 'agent_joined', agentName: actor.name },
        text: `${actor.name} joined`,
        webhook: 'conversation.assigned',
      };
    case 'transfer': {
      const target = input.target;
      const team = input.team?.trim();
      if (!target && !team) return { ok: false, reason: 'choose who receives the chat' };
      if (target && team) return { ok: false, reason: 'choose an agent or a team, not both' };
      if (c.status === 'resolved') return { ok: false, reason: 'reopen the conversation first' };
      const note = input.note?.trim();
      if (team) {
        // Back to the queue; routing gives it to a member of the team.
        return {
          ok: true,
          status: 'queued',
          assigneeId: null,
          team,
          system: { event: 'transferred_team', fromName: actor.name, team },
          text: `Transferred to team ${team}`,
          webhook: null,
          ...(note ? { note } : {}),
        };
      }
      if (target!.id === c.assigneeId) return { ok: false, reason: 'already assigned to them' };
      return {
        ok: true,
        status: 'assigned',
        assigneeId: target!.id,
        system: { event: 'transferred', fromName: actor.name, toName: target!.name },
        text: `Transferred to ${target!.name}`,
        webhook: 'conversation.assigned',
        ...(note ? { note } : {}),
      };
    }
    case 'resolve':
      if (c.status === 'resolved') return { ok: false, reason: 'already resolved' };
      return { ok: true, status: 'resolved', assigneeId: c.assigneeId, system: { event: 'resolved', byName: actor.name }, text: 'Conversation resolved', webhook: 'conversation.resolved' };
    case 'reopen':
      if (c.status !== 'resolved') return { ok: false, reason: 'the conversation is open' };
      return { ok: true, status: 'queued', assigneeId: null, system: { event: 'reopened', byName: actor.name }, text: 'Conversation reopened', webhook: null };
    case 'return_to_bot':
      if (c.status === 'bot') return { ok: false, reason: 'the bot already has it' };
      if (c.status === 'resolved') return { ok: false, reason: 'reopen the conversation first' };
      return { ok: true, status: 'bot', assigneeId: null, system: { event: 'returned_to_bot', byName: actor.name }, text: 'Handed back to the assistant', webhook: null };
  }
}

/** The teams a chat can be transferred to: every team an agent belongs to plus the site's `settings.teams`, deduplicated case-insensitively, sorted. */
export function siteTeams(agents: readonly { teams: readonly string[]; disabled?: boolean }[], settingsTeams: unknown): string[] {
  const names = new Map<string, string>();
  const add = (t: unknown) => {
    if (typeof t !== 'string' || !t.trim()) return;
    const name = t.trim();
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  };
  for (const a of agents) if (!a.disabled) a.teams.forEach(add);
  if (Array.isArray(settingsTeams)) settingsTeams.forEach(add);
  return [...names.values()].sort((a, b) => a.localeCompare(b));
}
