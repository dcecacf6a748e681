/**
 * The conversation lifecycle: the one place that decides who has a conversation, whether it
 * waits in the people queue and where, whose turn it is, and what reopening does.
 *
 *   bot ──handoff──► queued ──route/take──► assigned ──resolve──► resolved
 *    ▲                 ▲  ◄──requeue (grace)──┘   │                   │
 *    └──return_to_bot──┴──────────────────────────┘     shopper writes / reopen
 *
 * `decide(state, command, now)` is pure: it returns the new state and the events the change
 * produced (the conversation event log, webhooks and transcript lines are all derived from
 * them), or a typed refusal. The store runs it inside the transaction, on the row as it is at
 * commit time, so two agents racing for a chat cannot both win.
 *
 * Rules, as a careful product (Intercom-like) has them:
 * - taking a chat another agent holds needs an explicit `take_over`;
 * - resolving un-assigns the chat but remembers who had it (`lastAssigneeId`);
 * - a shopper writing into a resolved chat reopens it to the agent who had it if they are
 *   online with room, else by the site's routing: to the bot when the bot is on and the chat was
 *   the bot's, otherwise to the queue;
 * - a chat requeued because its agent's connection dropped keeps its place in the queue;
 * - the shopper is waiting ("their turn is over") from their first message no person has
 *   answered yet: bot, note, system and order-event messages do not answer;
 * - a chat with people (queued or assigned) can be snoozed until a time or until the shopper
 *   writes: it leaves the queue and "mine" views, routing does not hand it out, and it wakes when
 *   the time comes (`wake`, from a timer that is re-armed at start-up), when the shopper writes,
 *   or when someone moves it (take, transfer, resolve, back to the bot).
 */
import type { ConversationStatus } from '../../shared/protocol';

export interface ConversationState {
  status: ConversationStatus;
  /** The agent holding the chat; set exactly when `status` is `assigned`. */
  assigneeId: string | null;
  /** The agent who held it last, kept through resolve and requeue: a reopen goes back to them. */
  lastAssigneeId: string | null;
  /**
   * Its place in the people queue (epoch ms): routing serves the oldest first. Kept while
   * assigned, so a chat requeued by a dropped connection resumes its place. Null while the chat
   * does not wait for people (with the bot, resolved, or a proactive message not yet answered).
   */
  queuedAt: number | null;
  /** The team the chat was transferred to: routing gives it to that team's members. */
  team: string | null;
  /** Since when the shopper has been waiting for a person to answer; null when it is not their wait. */
  waitingSince: number | null;
  /** What held the chat when it was resolved: decides where a reopen goes when its agent cannot take it. */
  resolvedFrom: 'bot' | 'people' | null;
  /** A person has answered in this conversation at least once (the first-reply KPI is recorded once). */
  humanReplied: boolean;
  /** Since when the chat is snoozed; null: it is not. */
  snoozedAt: number | null;
  /** When a snoozed chat wakes up (epoch ms); null while snoozed: when the shopper writes. */
  snoozedUntil: number | null;
}

/** The longest snooze: a year. */
export const MAX_SNOOZE_MS = 366 * 24 * 60 * 60 * 1000;

/** Why the built-in bot hands a conversation to people (external bots and the API give their own). */
/** `needs_person`: something only a person can do (cancel, change an order, a payment problem, a product question). */
/** `sent_file`: a photo or file the bot cannot look at. */
export type HandoffReason = 'asked_for_human' | 'not_understood' | 'complaint' | 'vip' | 'verification_failed' | 'needs_person' | 'sent_file';

export interface AgentRef {
  id: string;
  name: string;
}

/** Who did something: the event log records it with every event. */
export type Actor = { kind: 'agent'; id: string; name: string } | { kind: 'visitor' } | { kind: 'bot' } | { kind: 'system' };

/** How a conversation came to be. */
export type StartVia = 'shopper' | 'agent' | 'proactive' | 'order_event';

export type Command =
  /** A new conversation. `agent` is required for `via: 'agent'` (the agent who writes first holds it). */
  | { type: 'start'; via: StartVia; botOn: boolean; agent?: AgentRef }
  /**
   * The shopper wrote. `lastAssignee`: the agent in `lastAssigneeId` when they are online with
   * room now, else null (the caller asks presence and loads; the rule lives here).
   */
  | { type: 'shopper_message'; botOn: boolean; lastAssignee: AgentRef | null }
  /** A person's visible reply (text, card). In a chat nobody holds, replying takes it. */
  | { type: 'agent_message'; agent: AgentRef }
  /** The bot (built-in, external or the API) hands the chat to people. */
  | { type: 'handoff'; reason: string }
  /** Routing gives a waiting chat to an agent. */
  | { type: 'route'; agent: AgentRef }
  | { type: 'take'; agent: AgentRef }
  | { type: 'take_over'; agent: AgentRef }
  | { type: 'transfer'; by: AgentRef; to: AgentRef }
  | { type: 'transfer_team'; by: AgentRef; team: string }
  | { type: 'return_to_bot'; by: AgentRef }
  | { type: 'resolve'; by: Actor }
  | { type: 'reopen'; by: AgentRef; lastAssignee: AgentRef | null }
  /** The agent's grace period after losing their connection ran out: their chat goes back to the queue. */
  | { type: 'requeue'; agentId: string }
  /** Snooze until `until` (epoch ms), or until the shopper writes (null). */
  | { type: 'snooze'; by: AgentRef; until: number | null }
  /** An agent wakes a snoozed chat by hand. */
  | { type: 'unsnooze'; by: AgentRef }
  /** A snooze's time came (`until`: the time the timer was armed for; a changed snooze makes it stale). */
  | { type: 'wake'; until: number };

export type CommandType = Command['type'];

/** What happened, for the event log, webhooks and the transcript. */
export type LifecycleEvent =
  | { type: 'created'; via: StartVia }
  | { type: 'handed_off'; reason: string }
  /** The chat joined the people queue (or rejoined it after a requeue, keeping its place). */
  | { type: 'queued'; since: number }
  /**
   * An agent got the chat. `rejoined`: they are the agent who had it just before (a requeue
   * or a reopen brought it back), so the shopper is not told "Ana joined" a second time.
   */
  | { type: 'assigned'; agent: AgentRef; via: 'route' | 'take' | 'take_over' | 'reply' | 'start' | 'reopen'; fromAgentId: string | null; rejoined: boolean }
  | { type: 'transferred'; fromAgentId: string | null; to: AgentRef }
  | { type: 'transferred_team'; fromAgentId: string | null; team: string }
  | { type: 'first_human_reply'; agentId: string; waitedMs: number | null }
  | { type: 'resolved' }
  | { type: 'reopened'; to: 'bot' | 'queued' | 'assigned' }
  | { type: 'returned_to_bot' }
  | { type: 'requeued'; agentId: string }
  | { type: 'snoozed'; until: number | null }
  /** The snooze ended: its time came, the shopper wrote, an agent woke it, or the chat moved. */
  | { type: 'unsnoozed'; reason: 'time' | 'shopper' | 'agent' | 'moved' };

export type LifecycleEventType = LifecycleEvent['type'];

export type RefusalCode =
  /** Another agent holds the chat: `take_over` to take it from them. */
  | 'held_by_other'
  /** The change already holds (take a chat you hold, resolve a resolved chat…). */
  | 'already'
  /** The command makes no sense in this status (transfer a resolved chat, hand off a chat a person has…). */
  | 'not_allowed';

export interface Refusal {
  code: RefusalCode;
  from: ConversationStatus;
  command: CommandType;
  message: string;
}

export type Decision = { ok: true; state: ConversationState; events: LifecycleEvent[] } | { ok: false; refusal: Refusal };

/** The state before a conversation exists; only `start` applies to it. */
export const NO_CONVERSATION: ConversationState = {
  status: 'resolved',
  assigneeId: null,
  lastAssigneeId: null,
  queuedAt: null,
  team: null,
  waitingSince: null,
  resolvedFrom: null,
  humanReplied: false,
  snoozedAt: null,
  snoozedUntil: null,
};

function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

const ok = (state: ConversationState, events: LifecycleEvent[]): Decision => ({ ok: true, state, events });

function refuse(state: ConversationState, command: Command, code: RefusalCode, message: string): Decision {
  return { ok: false, refusal: { code, from: state.status, command: command.type, message } };
}

/** Gives the chat to `agent`, from bot, queue or another agent. */
function assign(state: ConversationState, agent: AgentRef, via: Extract<LifecycleEvent, { type: 'assigned' }>['via'], now: number): Decision {
  const events: LifecycleEvent[] = [];
  const rejoined = state.status !== 'assigned' && state.lastAssigneeId === agent.id && (via === 'route' || via === 'reopen');
  events.push({ type: 'assigned', agent, via, fromAgentId: state.assigneeId, rejoined });
  return ok(
    {
      ...state,
      status: 'assigned',
      assigneeId: agent.id,
      lastAssigneeId: agent.id,
      // Keep its place: if the agent drops, it goes back where it was.
      queuedAt: state.queuedAt ?? now,
    },
    events,
  );
}

/** A person answered: the shopper's wait ends, and the first answer is recorded once. */
function answered(state: ConversationState, agentId: string, now: number): { state: ConversationState; events: LifecycleEvent[] } {
  const events: LifecycleEvent[] = state.humanReplied ? [] : [{ type: 'first_human_reply', agentId, waitedMs: state.waitingSince === null ? null : now - state.waitingSince }];
  return { state: { ...state, waitingSince: null, humanReplied: true }, events };
}

/** Where a resolved chat goes when it reopens: its agent if they can take it, else the site's routing. */
function reopen(state: ConversationState, botOn: boolean, lastAssignee: AgentRef | null, now: number): Decision {
  const base: ConversationState = { ...state, resolvedFrom: null, team: null };
  if (lastAssignee && state.lastAssigneeId === lastAssignee.id) {
    const back = assign({ ...base, queuedAt: null }, lastAssignee, 'reopen', now) as Extract<Decision, { ok: true }>;
    return ok(back.state, [{ type: 'reopened', to: 'assigned' }, ...back.events]);
  }
  if (botOn && state.resolvedFrom === 'bot') {
    return ok({ ...base, status: 'bot', assigneeId: null, queuedAt: null }, [{ type: 'reopened', to: 'bot' }]);
  }
  return ok({ ...base, status: 'queued', assigneeId: null, queuedAt: now }, [
    { type: 'reopened', to: 'queued' },
    { type: 'queued', since: now },
  ]);
}

/** A snoozed chat wakes (`reason`), or an awake one stays as it is: the state and its event. */
function awake(state: ConversationState, reason: Extract<LifecycleEvent, { type: 'unsnoozed' }>['reason']): { state: ConversationState; events: LifecycleEvent[] } {
  if (state.snoozedAt === null) return { state, events: [] };
  return { state: { ...state, snoozedAt: null, snoozedUntil: null }, events: [{ type: 'unsnoozed', reason }] };
}

/** Moves that wake a snoozed chat first (someone else handles it now, or nobody needs to). */
const WAKES: ReadonlySet<CommandType> = new Set<CommandType>(['take', 'take_over', 'transfer', 'transfer_team', 'return_to_bot', 'resolve']);

/** Applies `command` to `state` at `now`: the new state and its events, or a typed refusal. */
export function decide(state: ConversationState, command: Command, now: number): Decision {
  if (state.snoozedAt !== null && WAKES.has(command.type)) {
    const woken = awake(state, 'moved');
    const moved = decideAwake(woken.state, command, now);
    return moved.ok ? ok(moved.state, [...woken.events, ...moved.events]) : moved;
  }
  return decideAwake(state, command, now);
}

function decideAwake(state: ConversationState, command: Command, now: number): Decision {
  const { status } = state;
  const open = status !== 'resolved';
  switch (command.type) {
    case 'start': {
      const created: LifecycleEvent = { type: 'created', via: command.via };
      const fresh = { ...NO_CONVERSATION };
      if (command.via === 'agent') {
        if (!command.agent) return refuse(state, command, 'not_allowed', 'an agent start names the agent');
        // The agent who writes first holds it, and their message is the first human answer.
        return ok({ ...fresh, status: 'assigned', assigneeId: command.agent.id, lastAssigneeId: command.agent.id, humanReplied: true }, [
          created,
          { type: 'assigned', agent: command.agent, via: 'start', fromAgentId: null, rejoined: false },
        ]);
      }
      if (command.botOn) return ok({ ...fresh, status: 'bot' }, [created]);
      if (command.via === 'proactive') {
        // The shop spoke first: nobody is waiting until the shopper answers, so routing must not hand it out yet.
        return ok({ ...fresh, status: 'queued', queuedAt: null }, [created]);
      }
      return ok({ ...fresh, status: 'queued', queuedAt: now }, [created, { type: 'queued', since: now }]);
    }

    case 'shopper_message': {
      if (state.snoozedAt !== null) {
        // The shopper wrote: the chat is back where it was, and they are waiting.
        const woken = awake(state, 'shopper');
        const next = decideAwake(woken.state, command, now);
        return next.ok ? ok(next.state, [...woken.events, ...next.events]) : next;
      }
      const waiting = { ...state, waitingSince: state.waitingSince ?? now };
      if (status === 'resolved') {
        const reopened = reopen(state, command.botOn, command.lastAssignee, now);
        if (!reopened.ok) return reopened;
        return ok({ ...reopened.state, waitingSince: now }, reopened.events);
      }
      if (status === 'queued' && state.queuedAt === null) {
        // The shopper answered a proactive message: now they wait, and routing may serve them.
        return ok({ ...waiting, queuedAt: now }, [{ type: 'queued', since: now }]);
      }
      return ok(waiting, []);
    }

    case 'agent_message': {
      // A follow-up written into a resolved chat leaves it resolved (the shopper's answer reopens it).
      if (!open) return ok(state, []);
      if (status === 'bot' || status === 'queued') {
        // Replying to a chat nobody holds takes it: the bot falls silent, the shopper sees who joined.
        const taken = assign(state, command.agent, 'reply', now) as Extract<Decision, { ok: true }>;
        const reply = answered(taken.state, command.agent.id, now);
        return ok(reply.state, [...taken.events, ...reply.events]);
      }
      // Writing into a chat another agent holds is allowed (a colleague helping); it does not move it.
      const reply = answered(state, command.agent.id, now);
      return ok(reply.state, reply.events);
    }

    case 'handoff':
      if (status === 'bot') {
        return ok({ ...state, status: 'queued', queuedAt: state.queuedAt ?? now }, [
          { type: 'handed_off', reason: command.reason },
          { type: 'queued', since: state.queuedAt ?? now },
        ]);
      }
      if (status === 'queued') return refuse(state, command, 'already', 'the conversation is already with people');
      return refuse(state, command, 'not_allowed', 'only a conversation the bot holds can be handed off');

    case 'route':
      // Routing proposes from a snapshot; if someone got there first, it simply loses.
      if (status !== 'queued' || state.queuedAt === null) return refuse(state, command, 'not_allowed', 'the conversation is not waiting in the queue');
      if (state.snoozedAt !== null) return refuse(state, command, 'not_allowed', 'the conversation is snoozed');
      return assign(state, command.agent, 'route', now);

    case 'take':
      if (!open) return refuse(state, command, 'not_allowed', 'reopen the conversation first');
      if (status === 'assigned') {
        if (state.assigneeId === command.agent.id) return refuse(state, command, 'already', 'the conversation is already yours');
        return refuse(state, command, 'held_by_other', 'another agent holds this conversation; take it over to continue');
      }
      return assign(state, command.agent, 'take', now);

    case 'take_over':
      if (!open) return refuse(state, command, 'not_allowed', 'reopen the conversation first');
      if (state.assigneeId === command.agent.id) return refuse(state, command, 'already', 'the conversation is already yours');
      return assign(state, command.agent, status === 'assigned' ? 'take_over' : 'take', now);

    case 'transfer':
      if (!open) return refuse(state, command, 'not_allowed', 'reopen the conversation first');
      if (state.assigneeId === command.to.id) return refuse(state, command, 'already', 'the conversation is already theirs');
      return ok(
        { ...state, status: 'assigned', assigneeId: command.to.id, lastAssigneeId: command.to.id, queuedAt: state.queuedAt ?? now },
        [{ type: 'transferred', fromAgentId: state.assigneeId, to: command.to }],
      );

    case 'transfer_team': {
      if (!open) return refuse(state, command, 'not_allowed', 'reopen the conversation first');
      // Back to the queue for that team's members, keeping its place if it had one.
      const since = state.queuedAt ?? now;
      return ok({ ...state, status: 'queued', assigneeId: null, team: command.team, queuedAt: since }, [
        { type: 'transferred_team', fromAgentId: state.assigneeId, team: command.team },
        { type: 'queued', since },
      ]);
    }

    case 'return_to_bot':
      if (status === 'bot') return refuse(state, command, 'already', 'the bot already has it');
      if (!open) return refuse(state, command, 'not_allowed', 'reopen the conversation first');
      return ok({ ...state, status: 'bot', assigneeId: null, queuedAt: null, team: null, waitingSince: null }, [{ type: 'returned_to_bot' }]);

    case 'resolve':
      if (!open) return refuse(state, command, 'already', 'the conversation is already resolved');
      return ok(
        {
          ...state,
          status: 'resolved',
          assigneeId: null,
          lastAssigneeId: state.assigneeId ?? state.lastAssigneeId,
          queuedAt: null,
          waitingSince: null,
          resolvedFrom: status === 'bot' ? 'bot' : 'people',
        },
        [{ type: 'resolved' }],
      );

    case 'reopen':
      if (open) return refuse(state, command, 'already', 'the conversation is open');
      // An agent reopening wants people on it: never back to the bot.
      return reopen(state, false, command.lastAssignee, now);

    case 'requeue':
      // A timer that lost a race (the agent came back, resolved, transferred) is stale: nothing to do.
      if (status !== 'assigned' || state.assigneeId !== command.agentId) return refuse(state, command, 'already', 'the agent no longer holds this conversation');
      return ok({ ...state, status: 'queued', assigneeId: null, queuedAt: state.queuedAt ?? now }, [
        { type: 'requeued', agentId: command.agentId },
        { type: 'queued', since: state.queuedAt ?? now },
      ]);

    case 'snooze':
      if (!open) return refuse(state, command, 'not_allowed', 'reopen the conversation first');
      if (status === 'bot') return refuse(state, command, 'not_allowed', 'the assistant has this conversation');
      if (command.until !== null && (command.until <= now || command.until > now + MAX_SNOOZE_MS)) {
        return refuse(state, command, 'not_allowed', 'snooze until a time in the coming year');
      }
      if (state.snoozedAt !== null && state.snoozedUntil === command.until) return refuse(state, command, 'already', 'the conversation is already snoozed until then');
      return ok({ ...state, snoozedAt: now, snoozedUntil: command.until }, [{ type: 'snoozed', until: command.until }]);

    case 'unsnooze': {
      if (state.snoozedAt === null) return refuse(state, command, 'already', 'the conversation is not snoozed');
      const woken = awake(state, 'agent');
      return ok(woken.state, woken.events);
    }

    case 'wake': {
      // A timer armed for another snooze (changed or ended since) is stale: nothing to do.
      if (state.snoozedAt === null || state.snoozedUntil !== command.until) return refuse(state, command, 'already', 'the snooze changed or ended');
      if (now < command.until) return refuse(state, command, 'not_allowed', 'the snooze has not ended yet');
      const woken = awake(state, 'time');
      return ok(woken.state, woken.events);
    }

    default:
      return assertNever(command);
  }
}

/** True when routing may hand the conversation out now (a snoozed chat waits for its time). */
export function isWaitingForPeople(state: Pick<ConversationState, 'status' | 'queuedAt'> & { snoozedAt?: number | null }): boolean {
  return state.status === 'queued' && state.queuedAt !== null && (state.snoozedAt ?? null) === null;
}

/**
 * The transcript line (a system message) an event shows, as a payload the clients render in
 * their reader's language (shared/system-events.ts), or null for events the transcript does
 * not show. `names` resolves agent ids; `actor` is who caused the change.
 */
export function transcriptLine(
  event: LifecycleEvent,
  actor: Actor,
  names: (agentId: string) => string | undefined,
): { text: string; payload: Record<string, unknown> } | null {
  const actorName = actor.kind === 'agent' ? actor.name : '';
  switch (event.type) {
    case 'assigned': {
      if (event.rejoined) return null;
      const name = event.agent.name || names(event.agent.id) || '';
      return { text: `${name} joined`, payload: { event: 'agent_joined', agentName: name } };
    }
    case 'transferred': {
      const from = actorName || (event.fromAgentId ? (names(event.fromAgentId) ?? '') : '');
      return { text: `Transferred to ${event.to.name}`, payload: { event: 'transferred', fromName: from, toName: event.to.name } };
    }
    case 'transferred_team':
      return { text: `Transferred to team ${event.team}`, payload: { event: 'transferred_team', fromName: actorName, team: event.team } };
    case 'handed_off':
      return { text: 'Handed to a person', payload: { event: 'handoff', reason: event.reason } };
    case 'resolved':
      return { text: 'Conversation resolved', payload: { event: 'resolved', byName: actorName } };
    case 'reopened':
      return {
        text: 'Conversation reopened',
        payload: actor.kind === 'agent' ? { event: 'reopened', by: 'agent', byName: actorName } : { event: 'reopened', by: actor.kind },
      };
    case 'returned_to_bot':
      return { text: 'Handed back to the assistant', payload: { event: 'returned_to_bot', byName: actorName } };
    case 'requeued': {
      const name = names(event.agentId) ?? '';
      return { text: `${name} disconnected; back to the queue`, payload: { event: 'requeued', agentName: name } };
    }
    case 'created':
    case 'queued':
    case 'first_human_reply':
    // Snoozing is the team's business: the shopper's transcript never shows it.
    case 'snoozed':
    case 'unsnoozed':
      return null;
    default:
      return assertNever(event);
  }
}
