import { describe, expect, it } from 'vitest';
import { decide, isWaitingForPeople, MAX_SNOOZE_MS, NO_CONVERSATION, transcriptLine, type Command, type ConversationState, type Decision } from '../../../server/domain/lifecycle';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const NOW = Date.UTC(2025, 0, 15, 9, 5, 0);
/** A snooze that ended two minutes ago, and one an hour from now. */
const WAKE = Date.UTC(2025, 0, 15, 9, 3, 0);
const TEN = Date.UTC(2025, 0, 15, 10, 0, 0);
const ANA = { id: 'ana', name: 'Ana' };
const LUIS = { id: 'luis', name: 'Luis' };

const base: ConversationState = { ...NO_CONVERSATION };
const STATES: Record<string, ConversationState> = {
  bot: { ...base, status: 'bot', waitingSince: T0 },
  queued: { ...base, status: 'queued', queuedAt: T0, waitingSince: T0 },
  'queued (proactive, not waiting)': { ...base, status: 'queued', queuedAt: null },
  'assigned to Ana': { ...base, status: 'assigned', assigneeId: 'ana', lastAssigneeId: 'ana', queuedAt: T0, waitingSince: T0 },
  'resolved (Ana had it)': { ...base, status: 'resolved', lastAssigneeId: 'ana', resolvedFrom: 'people', humanReplied: true },
  'resolved (from the bot)': { ...base, status: 'resolved', resolvedFrom: 'bot' },
  'queued, snoozed until the shopper writes': { ...base, status: 'queued', queuedAt: T0, waitingSince: T0, snoozedAt: T0, snoozedUntil: null },
  'assigned to Ana, snoozed until 9:03': { ...base, status: 'assigned', assigneeId: 'ana', lastAssigneeId: 'ana', queuedAt: T0, waitingSince: T0, snoozedAt: T0, snoozedUntil: WAKE },
};

const COMMANDS: Record<string, Command> = {
  'shopper writes (bot on, Ana available)': { type: 'shopper_message', botOn: true, lastAssignee: ANA },
  'shopper writes (bot on, Ana away)': { type: 'shopper_message', botOn: true, lastAssignee: null },
  'shopper writes (bot off, nobody)': { type: 'shopper_message', botOn: false, lastAssignee: null },
  'Luis replies': { type: 'agent_message', agent: LUIS },
  handoff: { type: 'handoff', reason: 'asked_for_human' },
  'route to Luis': { type: 'route', agent: LUIS },
  'Luis takes': { type: 'take', agent: LUIS },
  'Luis takes over': { type: 'take_over', agent: LUIS },
  'transfer to Luis': { type: 'transfer', by: ANA, to: LUIS },
  'transfer to team': { type: 'transfer_team', by: ANA, team: 'Ventas' },
  'return to bot': { type: 'return_to_bot', by: ANA },
  resolve: { type: 'resolve', by: { kind: 'agent', ...ANA } },
  'Luis reopens (Ana available)': { type: 'reopen', by: LUIS, lastAssignee: ANA },
  'Luis reopens (Ana away)': { type: 'reopen', by: LUIS, lastAssignee: null },
  "Ana's grace runs out": { type: 'requeue', agentId: 'ana' },
  'Ana snoozes until 10:00': { type: 'snooze', by: ANA, until: TEN },
  'Ana snoozes until the shopper writes': { type: 'snooze', by: ANA, until: null },
  'Ana wakes it': { type: 'unsnooze', by: ANA },
  'the 9:03 timer fires': { type: 'wake', until: WAKE },
};

/** The outcome as one line: "status/assignee [events]" ("status/assignee snoozed [events]" while snoozed) or "refused: code". */
function outcome(d: Decision): string {
  if (!d.ok) return `refused: ${d.refusal.code}`;
  const who = d.state.assigneeId ? `/${d.state.assigneeId}` : '';
  return `${d.state.status}${who}${d.state.snoozedAt !== null ? ' snoozed' : ''} [${d.events.map((e) => e.type).join(',')}]`;
}

// Every state × every command: the whole table, reviewed as a product rule.
const TABLE: Record<string, Record<string, string>> = {
  bot: {
    'shopper writes (bot on, Ana available)': 'bot []',
    'shopper writes (bot on, Ana away)': 'bot []',
    'shopper writes (bot off, nobody)': 'bot []',
    'Luis replies': 'assigned/luis [assigned,first_human_reply]',
    handoff: 'queued [handed_off,queued]',
    'route to Luis': 'refused: not_allowed',
    'Luis takes': 'assigned/luis [assigned]',
    'Luis takes over': 'assigned/luis [assigned]',
    'transfer to Luis': 'assigned/luis [transferred]',
    'transfer to team': 'queued [transferred_team,queued]',
    'return to bot': 'refused: already',
    resolve: 'resolved [resolved]',
    'Luis reopens (Ana available)': 'refused: already',
    'Luis reopens (Ana away)': 'refused: already',
    "Ana's grace runs out": 'refused: already',
    'Ana snoozes until 10:00': 'refused: not_allowed',
    'Ana snoozes until the shopper writes': 'refused: not_allowed',
    'Ana wakes it': 'refused: already',
    'the 9:03 timer fires': 'refused: already',
  },
  queued: {
    'shopper writes (bot on, Ana available)': 'queued []',
    'shopper writes (bot on, Ana away)': 'queued []',
    'shopper writes (bot off, nobody)': 'queued []',
    'Luis replies': 'assigned/luis [assigned,first_human_reply]',
    handoff: 'refused: already',
    'route to Luis': 'assigned/luis [assigned]',
    'Luis takes': 'assigned/luis [assigned]',
    'Luis takes over': 'assigned/luis [assigned]',
    'transfer to Luis': 'assigned/luis [transferred]',
    'transfer to team': 'queued [transferred_team,queued]',
    'return to bot': 'bot [returned_to_bot]',
    resolve: 'resolved [resolved]',
    'Luis reopens (Ana available)': 'refused: already',
    'Luis reopens (Ana away)': 'refused: already',
    "Ana's grace runs out": 'refused: already',
    'Ana snoozes until 10:00': 'queued snoozed [snoozed]',
    'Ana snoozes until the shopper writes': 'queued snoozed [snoozed]',
    'Ana wakes it': 'refused: already',
    'the 9:03 timer fires': 'refused: already',
  },
  'queued (proactive, not waiting)': {
    'shopper writes (bot on, Ana available)': 'queued [queued]',
    'shopper writes (bot on, Ana away)': 'queued [queued]',
    'shopper writes (bot off, nobody)': 'queued [queued]',
    'Luis replies': 'assigned/luis [assigned,first_human_reply]',
    handoff: 'refused: already',
    'route to Luis': 'refused: not_allowed',
    'Luis takes': 'assigned/luis [assigned]',
    'Luis takes over': 'assigned/luis [assigned]',
    'transfer to Luis': 'assigned/luis [transferred]',
    'transfer to team': 'queued [transferred_team,queued]',
    'return to bot': 'bot [returned_to_bot]',
    resolve: 'resolved [resolved]',
    'Luis reopens (Ana available)': 'refused: already',
    'Luis reopens (Ana away)': 'refused: already',
    "Ana's grace runs out": 'refused: already',
    'Ana snoozes until 10:00': 'queued snoozed [snoozed]',
    'Ana snoozes until the shopper writes': 'queued snoozed [snoozed]',
    'Ana wakes it': 'refused: already',
    'the 9:03 timer fires': 'refused: already',
  },
  'assigned to Ana': {
    'shopper writes (bot on, Ana available)': 'assigned/ana []',
    'shopper writes (bot on, Ana away)': 'assigned/ana []',
    'shopper writes (bot off, nobody)': 'assigned/ana []',
    'Luis replies': 'assigned/ana [first_human_reply]',
    handoff: 'refused: not_allowed',
    'route to Luis': 'refused: not_allowed',
    'Luis takes': 'refused: held_by_other',
    'Luis takes over': 'assigned/luis [assigned]',
    'transfer to Luis': 'assigned/luis [transferred]',
    'transfer to team': 'queued [transferred_team,queued]',
    'return to bot': 'bot [returned_to_bot]',
    resolve: 'resolved [resolved]',
    'Luis reopens (Ana available)': 'refused: already',
    'Luis reopens (Ana away)': 'refused: already',
    "Ana's grace runs out": 'queued [requeued,queued]',
    'Ana snoozes until 10:00': 'assigned/ana snoozed [snoozed]',
    'Ana snoozes until the shopper writes': 'assigned/ana snoozed [snoozed]',
    'Ana wakes it': 'refused: already',
    'the 9:03 timer fires': 'refused: already',
  },
  'resolved (Ana had it)': {
    'shopper writes (bot on, Ana available)': 'assigned/ana [reopened,assigned]',
    'shopper writes (bot on, Ana away)': 'queued [reopened,queued]',
    'shopper writes (bot off, nobody)': 'queued [reopened,queued]',
    'Luis replies': 'resolved []',
    handoff: 'refused: not_allowed',
    'route to Luis': 'refused: not_allowed',
    'Luis takes': 'refused: not_allowed',
    'Luis takes over': 'refused: not_allowed',
    'transfer to Luis': 'refused: not_allowed',
    'transfer to team': 'refused: not_allowed',
    'return to bot': 'refused: not_allowed',
    resolve: 'refused: already',
    'Luis reopens (Ana available)': 'assigned/ana [reopened,assigned]',
    'Luis reopens (Ana away)': 'queued [reopened,queued]',
    "Ana's grace runs out": 'refused: already',
    'Ana snoozes until 10:00': 'refused: not_allowed',
    'Ana snoozes until the shopper writes': 'refused: not_allowed',
    'Ana wakes it': 'refused: already',
    'the 9:03 timer fires': 'refused: already',
  },
  'resolved (from the bot)': {
    'shopper writes (bot on, Ana available)': 'bot [reopened]',
    'shopper writes (bot on, Ana away)': 'bot [reopened]',
    'shopper writes (bot off, nobody)': 'queued [reopened,queued]',
    'Luis replies': 'resolved []',
    handoff: 'refused: not_allowed',
    'route to Luis': 'refused: not_allowed',
    'Luis takes': 'refused: not_allowed',
    'Luis takes over': 'refused: not_allowed',
    'transfer to Luis': 'refused: not_allowed',
    'transfer to team': 'refused: not_allowed',
    'return to bot': 'refused: not_allowed',
    resolve: 'refused: already',
    'Luis reopens (Ana available)': 'queued [reopened,queued]',
    'Luis reopens (Ana away)': 'queued [reopened,queued]',
    "Ana's grace runs out": 'refused: already',
    'Ana snoozes until 10:00': 'refused: not_allowed',
    'Ana snoozes until the shopper writes': 'refused: not_allowed',
    'Ana wakes it': 'refused: already',
    'the 9:03 timer fires': 'refused: already',
  },
  'queued, snoozed until the shopper writes': {
    'shopper writes (bot on, Ana available)': 'queued [unsnoozed]',
    'shopper writes (bot on, Ana away)': 'queued [unsnoozed]',
    'shopper writes (bot off, nobody)': 'queued [unsnoozed]',
    'Luis replies': 'assigned/luis snoozed [assigned,first_human_reply]',
    handoff: 'refused: already',
    'route to Luis': 'refused: not_allowed',
    'Luis takes': 'assigned/luis [unsnoozed,assigned]',
    'Luis takes over': 'assigned/luis [unsnoozed,assigned]',
    'transfer to Luis': 'assigned/luis [unsnoozed,transferred]',
    'transfer to team': 'queued [unsnoozed,transferred_team,queued]',
    'return to bot': 'bot [unsnoozed,returned_to_bot]',
    resolve: 'resolved [unsnoozed,resolved]',
    'Luis reopens (Ana available)': 'refused: already',
    'Luis reopens (Ana away)': 'refused: already',
    "Ana's grace runs out": 'refused: already',
    'Ana snoozes until 10:00': 'queued snoozed [snoozed]',
    'Ana snoozes until the shopper writes': 'refused: already',
    'Ana wakes it': 'queued [unsnoozed]',
    'the 9:03 timer fires': 'refused: already',
  },
  'assigned to Ana, snoozed until 9:03': {
    'shopper writes (bot on, Ana available)': 'assigned/ana [unsnoozed]',
    'shopper writes (bot on, Ana away)': 'assigned/ana [unsnoozed]',
    'shopper writes (bot off, nobody)': 'assigned/ana [unsnoozed]',
    'Luis replies': 'assigned/ana snoozed [first_human_reply]',
    handoff: 'refused: not_allowed',
    'route to Luis': 'refused: not_allowed',
    'Luis takes': 'refused: held_by_other',
    'Luis takes over': 'assigned/luis [unsnoozed,assigned]',
    'transfer to Luis': 'assigned/luis [unsnoozed,transferred]',
    'transfer to team': 'queued [unsnoozed,transferred_team,queued]',
    'return to bot': 'bot [unsnoozed,returned_to_bot]',
    resolve: 'resolved [unsnoozed,resolved]',
    'Luis reopens (Ana available)': 'refused: already',
    'Luis reopens (Ana away)': 'refused: already',
    "Ana's grace runs out": 'queued snoozed [requeued,queued]',
    'Ana snoozes until 10:00': 'assigned/ana snoozed [snoozed]',
    'Ana snoozes until the shopper writes': 'assigned/ana snoozed [snoozed]',
    'Ana wakes it': 'assigned/ana [unsnoozed]',
    'the 9:03 timer fires': 'assigned/ana [unsnoozed]',
  },
};

describe('decide: every state × every command', () => {
  for (const [stateName, state] of Object.entries(STATES)) {
    describe(`from ${stateName}`, () => {
      it.each(Object.keys(COMMANDS))('%s', (commandName) => {
        expect(outcome(decide(state, COMMANDS[commandName]!, NOW))).toBe(TABLE[stateName]![commandName]);
      });
    });
  }
});

describe('decide: start', () => {
  it('a shopper starts with the bot when it is on', () => {
    expect(outcome(decide(NO_CONVERSATION, { type: 'start', via: 'shopper', botOn: true }, NOW))).toBe('bot [created]');
  });
  it('a shopper starts in the queue, waiting from now, when the bot is off', () => {
    const d = decide(NO_CONVERSATION, { type: 'start', via: 'shopper', botOn: false }, NOW);
    expect(outcome(d)).toBe('queued [created,queued]');
    expect(d.ok && d.state.queuedAt).toBe(NOW);
  });
  it('a proactive message with the bot off does not wait for people until the shopper answers', () => {
    const d = decide(NO_CONVERSATION, { type: 'start', via: 'proactive', botOn: false }, NOW);
    expect(outcome(d)).toBe('queued [created]');
    expect(d.ok && d.state.queuedAt).toBeNull();
  });
  it('an order event with the bot off waits for people (routing serves it)', () => {
    const d = decide(NO_CONVERSATION, { type: 'start', via: 'order_event', botOn: false }, NOW);
    expect(outcome(d)).toBe('queued [created,queued]');
  });
  it('an agent who writes first holds the chat', () => {
    expect(outcome(decide(NO_CONVERSATION, { type: 'start', via: 'agent', botOn: true, agent: ANA }, NOW))).toBe('assigned/ana [created,assigned]');
  });
});

describe('decide: the rules behind the table', () => {
  const ok = (d: Decision) => {
    if (!d.ok) throw new Error(d.refusal.message);
    return d;
  };
  it('resolve un-assigns the chat but remembers who had it', () => {
    const d = ok(decide(STATES['assigned to Ana']!, { type: 'resolve', by: { kind: 'agent', ...ANA } }, NOW));
    expect(d.state).toMatchObject({ status: 'resolved', assigneeId: null, lastAssigneeId: 'ana', resolvedFrom: 'people', queuedAt: null });
  });
  it('a requeued chat keeps its place in the queue', () => {
    const d = ok(decide(STATES['assigned to Ana']!, { type: 'requeue', agentId: 'ana' }, NOW));
    expect(d.state.queuedAt).toBe(T0);
  });
  it('going back to the agent who had it is not announced as a new join', () => {
    const requeued = ok(decide(STATES['assigned to Ana']!, { type: 'requeue', agentId: 'ana' }, NOW));
    const back = ok(decide(requeued.state, { type: 'route', agent: ANA }, NOW));
    expect(back.events).toEqual([{ type: 'assigned', agent: ANA, via: 'route', fromAgentId: null, rejoined: true }]);
    expect(transcriptLine(back.events[0]!, { kind: 'system' }, () => undefined)).toBeNull();
  });
  it('the shopper waits from their first unanswered message; only a person answers', () => {
    let s = ok(decide(NO_CONVERSATION, { type: 'start', via: 'shopper', botOn: false }, T0)).state;
    s = ok(decide(s, { type: 'shopper_message', botOn: false, lastAssignee: null }, T0)).state;
    s = ok(decide(s, { type: 'shopper_message', botOn: false, lastAssignee: null }, NOW)).state;
    expect(s.waitingSince).toBe(T0);
    const answered = ok(decide(s, { type: 'agent_message', agent: ANA }, NOW));
    expect(answered.state.waitingSince).toBeNull();
    expect(answered.events).toContainEqual({ type: 'first_human_reply', agentId: 'ana', waitedMs: NOW - T0 });
    const again = ok(decide(answered.state, { type: 'agent_message', agent: ANA }, NOW));
    expect(again.events).toEqual([]);
  });
  it('a shopper reopening goes back to the agent only if that is the agent who had it', () => {
    expect(outcome(decide(STATES['resolved (Ana had it)']!, { type: 'shopper_message', botOn: false, lastAssignee: LUIS }, NOW))).toBe('queued [reopened,queued]');
  });
});

describe('decide: snooze', () => {
  const ok = (d: Decision) => {
    if (!d.ok) throw new Error(d.refusal.message);
    return d;
  };
  it('keeps when it was snoozed and until when', () => {
    expect(ok(decide(STATES['assigned to Ana']!, { type: 'snooze', by: ANA, until: TEN }, NOW)).state).toMatchObject({ snoozedAt: NOW, snoozedUntil: TEN });
    expect(ok(decide(STATES['assigned to Ana']!, { type: 'snooze', by: ANA, until: null }, NOW)).state).toMatchObject({ snoozedAt: NOW, snoozedUntil: null });
  });
  it('snoozes only until a time in the coming year', () => {
    for (const until of [NOW, NOW - 1, NOW + MAX_SNOOZE_MS + 1]) {
      const d = decide(STATES['assigned to Ana']!, { type: 'snooze', by: ANA, until }, NOW);
      expect(d.ok ? 'ok' : d.refusal.code).toBe('not_allowed');
    }
    expect(decide(STATES['assigned to Ana']!, { type: 'snooze', by: ANA, until: NOW + MAX_SNOOZE_MS }, NOW).ok).toBe(true);
  });
  it('a timer that fires early, or for a snooze that changed, wakes nothing', () => {
    const early = decide(STATES['assigned to Ana, snoozed until 9:03']!, { type: 'wake', until: WAKE }, WAKE - 1);
    expect(early.ok ? 'ok' : early.refusal.code).toBe('not_allowed');
    const resnoozed = ok(decide(STATES['assigned to Ana, snoozed until 9:03']!, { type: 'snooze', by: ANA, until: TEN }, NOW)).state;
    const stale = decide(resnoozed, { type: 'wake', until: WAKE }, NOW);
    expect(stale.ok ? 'ok' : stale.refusal.code).toBe('already');
  });
  it('a snoozed chat in the queue does not wait for routing; woken, it is back in its place', () => {
    const snoozed = STATES['queued, snoozed until the shopper writes']!;
    expect(isWaitingForPeople(snoozed)).toBe(false);
    const woken = ok(decide(snoozed, { type: 'shopper_message', botOn: false, lastAssignee: null }, NOW)).state;
    expect(isWaitingForPeople(woken)).toBe(true);
    expect(woken.queuedAt).toBe(T0);
  });
  it('the shopper writing into a snoozed chat wakes it and starts their wait', () => {
    const answered: ConversationState = { ...STATES['assigned to Ana, snoozed until 9:03']!, waitingSince: null, snoozedUntil: null };
    const d = ok(decide(answered, { type: 'shopper_message', botOn: true, lastAssignee: null }, NOW));
    expect(d.state).toMatchObject({ status: 'assigned', assigneeId: 'ana', snoozedAt: null, snoozedUntil: null, waitingSince: NOW });
    expect(d.events).toEqual([{ type: 'unsnoozed', reason: 'shopper' }]);
  });
  it('the shopper never sees a snooze in the transcript', () => {
    expect(transcriptLine({ type: 'snoozed', until: TEN }, { kind: 'agent', ...ANA }, () => undefined)).toBeNull();
    expect(transcriptLine({ type: 'unsnoozed', reason: 'time' }, { kind: 'system' }, () => undefined)).toBeNull();
  });
});
