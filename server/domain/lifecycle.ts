/**
 * The conversation lifecycle: `bot → queued → assigned → resolved`, reopened when the shopper
 * writes again. `transition` is the only way a conversation's status changes; it returns the
 * new state plus the system event the transcript records ("Ana joined", "Transferred to Luis",
 * "Handed to a person: asked for a human").
 *
 * Three outcomes, on purpose:
 * - a legal change → new state + one system event;
 * - a repeat whose outcome already holds (assigning the current assignee, resolving a resolved
 *   chat, a stale grace-period timer) → same state, no event. Retries, double clicks and timers
 *   that race other events must not write duplicate transcript lines or fail loudly;
 * - a change that contradicts the current state → a typed error, state untouched. In particular
 *   assigning a chat another agent holds fails, which is what keeps concurrent assignments from
 *   giving one chat to two agents when the store applies transitions under a row lock.
 */
import type { Locale } from '../../shared/i18n';
import type { ConversationStatus } from '../../shared/protocol';

/** Why the bot (or the site) handed a conversation to people. */
/** `needs_person`: something only a person can do (cancel, change an order, a payment problem, a product question). */
export type HandoffReason = 'asked_for_human' | 'not_understood' | 'complaint' | 'vip' | 'verification_failed' | 'needs_person';

export const HANDOFF_REASONS: readonly HandoffReason[] = ['asked_for_human', 'not_understood', 'complaint', 'vip', 'verification_failed', 'needs_person'];

/** Where a resolved conversation goes when it reopens: the bot, or straight to the people queue. */
export type ReopenTarget = 'bot' | 'queued';

export interface ConversationState {
  status: ConversationStatus;
  /** The agent holding the chat; set exactly when `status` is `assigned`. */
  assigneeId: string | null;
  /**
   * When the chat joined the people queue in its current open spell (epoch ms). Routing serves
   * the oldest first. Kept while assigned so that a chat bounced back by a dropped connection
   * resumes its place instead of going to the back of the line; cleared when it leaves people.
   */
  waitingSince: number | null;
}

/** Who resolved a conversation. */
export type Actor = { kind: 'agent'; agentId: string } | { kind: 'visitor' } | { kind: 'bot' } | { kind: 'system' };

export type ConversationEvent =
  /** The shopper wrote. Reopens a resolved chat (to `reopenTo`, default the bot); otherwise no change. */
  | { type: 'visitor_message'; reopenTo?: ReopenTarget }
  | { type: 'bot_handoff'; reason: HandoffReason }
  | { type: 'assign'; agentId: string; agentName: string }
  | { type: 'transfer'; toAgentId: string; toAgentName: string }
  | { type: 'resolve'; by: Actor }
  | { type: 'reopen'; to?: ReopenTarget }
  | { type: 'return_to_bot'; agentId: string | null }
  | { type: 'agent_disconnected_grace_expired'; agentId: string };

export type ConversationEventType = ConversationEvent['type'];

/** A line in the transcript recording a transition. */
export type SystemEvent =
  | { kind: 'handed_to_person'; reason: HandoffReason }
  | { kind: 'agent_joined'; agentId: string; agentName: string }
  | { kind: 'transferred'; fromAgentId: string; toAgentId: string; toAgentName: string }
  | { kind: 'resolved'; by: Actor }
  | { kind: 'reopened'; to: ReopenTarget }
  | { kind: 'returned_to_bot'; agentId: string | null }
  | { kind: 'returned_to_queue'; agentId: string; reason: 'agent_disconnected' };

export type TransitionErrorCode =
  /** The event makes no sense in the current status (e.g. transfer a chat nobody holds). */
  | 'illegal_transition'
  /** Another agent already holds the chat: the losing side of an assignment race. */
  | 'assigned_to_other_agent';

export interface TransitionError {
  code: TransitionErrorCode;
  from: ConversationStatus;
  event: ConversationEventType;
  message: string;
}

export type TransitionResult =
  | { ok: true; state: ConversationState; event: SystemEvent | null }
  | { ok: false; error: TransitionError };

function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

/** The state of a brand-new conversation: with the bot, or queued when the site has no bot. */
export function initialConversationState(botEnabled: boolean, now: number): ConversationState {
  return botEnabled ? { status: 'bot', assigneeId: null, waitingSince: null } : { status: 'queued', assigneeId: null, waitingSince: now };
}

const unchanged = (state: ConversationState): TransitionResult => ({ ok: true, state, event: null });

const changed = (state: ConversationState, event: SystemEvent): TransitionResult => ({ ok: true, state, event });

function illegal(state: ConversationState, event: ConversationEvent, why: string): TransitionResult {
  return { ok: false, error: { code: 'illegal_transition', from: state.status, event: event.type, message: why } };
}

function reopened(to: ReopenTarget, now: number): TransitionResult {
  const state: ConversationState =
    to === 'bot' ? { status: 'bot', assigneeId: null, waitingSince: null } : { status: 'queued', assigneeId: null, waitingSince: now };
  return changed(state, { kind: 'reopened', to });
}

/** Applies `event` to `state` at time `now`: the new state and the system event to record, or a typed error. */
export function transition(state: ConversationState, event: ConversationEvent, now: number): TransitionResult {
  const { status } = state;
  switch (event.type) {
    case 'visitor_message':
      // Writing again is how a shopper reopens; in any open status a message changes nothing.
      return status === 'resolved' ? reopened(event.reopenTo ?? 'bot', now) : unchanged(state);

    case 'reopen':
      return status === 'resolved' ? reopened(event.to ?? 'bot', now) : illegal(state, event, 'only a resolved conversation can be reopened');

    case 'bot_handoff':
      if (status === 'bot') {
        return changed({ status: 'queued', assigneeId: null, waitingSince: now }, { kind: 'handed_to_person', reason: event.reason });
      }
      if (status === 'queued') return unchanged(state);
      return illegal(state, event, 'only the bot can hand a conversation to people');

    case 'assign':
      // From `bot` too: an agent may take over a chat the bot is handling, without waiting for a handoff.
      if (status === 'bot' || status === 'queued') {
        return changed(
          { status: 'assigned', assigneeId: event.agentId, waitingSince: state.waitingSince ?? now },
          { kind: 'agent_joined', agentId: event.agentId, agentName: event.agentName },
        );
      }
      if (status === 'assigned') {
        if (state.assigneeId === event.agentId) return unchanged(state);
        return {
          ok: false,
          error: { code: 'assigned_to_other_agent', from: status, event: event.type, message: 'another agent already holds this conversation' },
        };
      }
      return illegal(state, event, 'reopen a resolved conversation before assigning it');

    case 'transfer':
      if (status !== 'assigned' || state.assigneeId === null) return illegal(state, event, 'only an assigned conversation can be transferred');
      if (state.assigneeId === event.toAgentId) return unchanged(state);
      return changed(
        { ...state, assigneeId: event.toAgentId },
        { kind: 'transferred', fromAgentId: state.assigneeId, toAgentId: event.toAgentId, toAgentName: event.toAgentName },
      );

    case 'resolve':
      if (status === 'resolved') return unchanged(state);
      return changed({ status: 'resolved', assigneeId: null, waitingSince: null }, { kind: 'resolved', by: event.by });

    case 'return_to_bot':
      if (status === 'bot') return unchanged(state);
      if (status === 'resolved') return illegal(state, event, 'a resolved conversation cannot be handed to the bot');
      return changed({ status: 'bot', assigneeId: null, waitingSince: null }, { kind: 'returned_to_bot', agentId: event.agentId });

    case 'agent_disconnected_grace_expired':
      // A timer that lost the race (the agent resolved, transferred, or the chat moved on) is stale:
      // acting on it would yank a chat from whoever holds it now.
      if (status !== 'assigned' || state.assigneeId !== event.agentId) return unchanged(state);
      return changed(
        { status: 'queued', assigneeId: null, waitingSince: state.waitingSince ?? now },
        { kind: 'returned_to_queue', agentId: event.agentId, reason: 'agent_disconnected' },
      );

    default:
      return assertNever(event);
  }
}

const REASON_LABELS: Record<Locale, Record<HandoffReason, string>> = {
  en: {
    asked_for_human: 'asked for a human',
    not_understood: "the assistant didn't understand",
    complaint: 'complaint',
    vip: 'VIP customer',
    verification_failed: "couldn't verify the order",
    needs_person: 'needs a person (cancel, change, payment, product)',
  },
  es: {
    asked_for_human: 'pidió hablar con una persona',
    not_understood: 'el asistente no lo entendió',
    complaint: 'queja',
    vip: 'cliente VIP',
    verification_failed: 'no se pudo verificar el pedido',
    needs_person: 'necesita a una persona (anular, cambiar, pago, producto)',
  },
};

/** The localised handoff reason label ("asked for a human"). */
export function handoffReasonLabel(reason: HandoffReason, locale: Locale): string {
  return REASON_LABELS[locale][reason];
}

/**
 * The transcript line for a system event. `names` resolves agent ids to display names for events
 * that carry only ids (a deleted agent falls back to a neutral word).
 */
export function describeSystemEvent(event: SystemEvent, locale: Locale, names: (agentId: string) => string | undefined = () => undefined): string {
  const es = locale === 'es';
  // Mid-sentence, so lower case: "Back in the queue: the agent lost connection".
  const someone = es ? 'el agente' : 'the agent';
  switch (event.kind) {
    case 'handed_to_person':
      return `${es ? 'Pasado a una persona' : 'Handed to a person'}: ${handoffReasonLabel(event.reason, locale)}`;
    case 'agent_joined':
      return es ? `${event.agentName} se ha unido` : `${event.agentName} joined`;
    case 'transferred':
      return es ? `Transferido a ${event.toAgentName}` : `Transferred to ${event.toAgentName}`;
    case 'resolved':
      return es ? 'Conversación resuelta' : 'Conversation resolved';
    case 'reopened':
      return es ? 'Conversación reabierta' : 'Conversation reopened';
    case 'returned_to_bot': {
      const who = event.agentId === null ? undefined : names(event.agentId);
      if (who) return es ? `${who} devolvió la conversación al asistente` : `${who} handed the chat back to the assistant`;
      return es ? 'Devuelta al asistente' : 'Handed back to the assistant';
    }
    case 'returned_to_queue': {
      const who = names(event.agentId) ?? someone;
      return es ? `De vuelta en la cola: ${who} perdió la conexión` : `Back in the queue: ${who} lost connection`;
    }
    default:
      return assertNever(event);
  }
}
