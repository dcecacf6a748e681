import { describe, expect, it } from 'vitest';
import {
  type ConversationEvent,
  type ConversationState,
  describeSystemEvent,
  HANDOFF_REASONS,
  handoffReasonLabel,
  initialConversationState,
  type SystemEvent,
  transition,
  type TransitionResult,
} from '../../../server/domain/lifecycle';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0); // joined the queue
const NOW = Date.UTC(2025, 0, 15, 9, 5, 0);

const BOT: ConversationState = { status: 'bot', assigneeId: null, waitingSince: null };
const QUEUED: ConversationState = { status: 'queued', assigneeId: null, waitingSince: T0 };
const WITH_ANA: ConversationState = { status: 'assigned', assigneeId: 'ana', waitingSince: T0 };
const RESOLVED: ConversationState = { status: 'resolved', assigneeId: null, waitingSince: null };

function ok(result: TransitionResult): { state: ConversationState; event: SystemEvent | null } {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result;
}

describe('initialConversationState', () => {
  it('starts with the bot when the site has one', () => {
    expect(initialConversationState(true, NOW)).toEqual(BOT);
  });
  it('starts queued, waiting from now, when the site has no bot', () => {
    expect(initialConversationState(false, NOW)).toEqual({ status: 'queued', assigneeId: null, waitingSince: NOW });
  });
});

describe('transition', () => {
  describe('legal transitions record a system event', () => {
    it.each<[string, ConversationState, ConversationEvent, ConversationState, SystemEvent]>([
      [
        'bot hands off to people',
        BOT,
        { type: 'bot_handoff', reason: 'asked_for_human' },
        { status: 'queued', assigneeId: null, waitingSince: NOW },
        { kind: 'handed_to_person', reason: 'asked_for_human' },
      ],
      [
        'an agent takes a queued chat',
        QUEUED,
        { type: 'assign', agentId: 'ana', agentName: 'Ana' },
        WITH_ANA,
        { kind: 'agent_joined', agentId: 'ana', agentName: 'Ana' },
      ],
      [
        'an agent takes over from the bot without a handoff',
        BOT,
        { type: 'assign', agentId: 'ana', agentName: 'Ana' },
        { status: 'assigned', assigneeId: 'ana', waitingSince: NOW },
        { kind: 'agent_joined', agentId: 'ana', agentName: 'Ana' },
      ],
      [
        'transfer to another agent',
        WITH_ANA,
        { type: 'transfer', toAgentId: 'luis', toAgentName: 'Luis' },
        { status: 'assigned', assigneeId: 'luis', waitingSince: T0 },
        { kind: 'transferred', fromAgentId: 'ana', toAgentId: 'luis', toAgentName: 'Luis' },
      ],
      ['resolve an assigned chat', WITH_ANA, { type: 'resolve', by: { kind: 'agent', agentId: 'ana' } }, RESOLVED, { kind: 'resolved', by: { kind: 'agent', agentId: 'ana' } }],
      ['resolve a bot chat', BOT, { type: 'resolve', by: { kind: 'visitor' } }, RESOLVED, { kind: 'resolved', by: { kind: 'visitor' } }],
      ['resolve a queued chat', QUEUED, { type: 'resolve', by: { kind: 'system' } }, RESOLVED, { kind: 'resolved', by: { kind: 'system' } }],
      ['shopper writes to a resolved chat: back to the bot', RESOLVED, { type: 'visitor_message' }, BOT, { kind: 'reopened', to: 'bot' }],
      [
        'shopper writes to a resolved chat on a people-only site: back to the queue',
        RESOLVED,
        { type: 'visitor_message', reopenTo: 'queued' },
        { status: 'queued', assigneeId: null, waitingSince: NOW },
        { kind: 'reopened', to: 'queued' },
      ],
      ['explicit reopen defaults to the bot', RESOLVED, { type: 'reopen' }, BOT, { kind: 'reopened', to: 'bot' }],
      [
        'explicit reopen to the queue',
        RESOLVED,
        { type: 'reopen', to: 'queued' },
        { status: 'queued', assigneeId: null, waitingSince: NOW },
        { kind: 'reopened', to: 'queued' },
      ],
      ['an agent hands the chat back to the bot', WITH_ANA, { type: 'return_to_bot', agentId: 'ana' }, BOT, { kind: 'returned_to_bot', agentId: 'ana' }],
      ['a queued chat goes back to the bot', QUEUED, { type: 'return_to_bot', agentId: null }, BOT, { kind: 'returned_to_bot', agentId: null }],
      [
        "the agent's grace period expires: back to the queue, keeping its place",
        WITH_ANA,
        { type: 'agent_disconnected_grace_expired', agentId: 'ana' },
        QUEUED,
        { kind: 'returned_to_queue', agentId: 'ana', reason: 'agent_disconnected' },
      ],
    ])('%s', (_name, from, event, expectedState, expectedEvent) => {
      expect(transition(from, event, NOW)).toEqual({ ok: true, state: expectedState, event: expectedEvent });
    });
  });

  describe('repeats whose outcome already holds change nothing and record nothing', () => {
    it.each<[string, ConversationState, ConversationEvent]>([
      ['a message to the bot', BOT, { type: 'visitor_message' }],
      ['a message while queued', QUEUED, { type: 'visitor_message' }],
      ['a message while assigned', WITH_ANA, { type: 'visitor_message', reopenTo: 'queued' }],
      ['a second handoff while queued', QUEUED, { type: 'bot_handoff', reason: 'complaint' }],
      ['assigning the current assignee again', WITH_ANA, { type: 'assign', agentId: 'ana', agentName: 'Ana' }],
      ['transferring to the current assignee', WITH_ANA, { type: 'transfer', toAgentId: 'ana', toAgentName: 'Ana' }],
      ['resolving twice', RESOLVED, { type: 'resolve', by: { kind: 'visitor' } }],
      ['returning a bot chat to the bot', BOT, { type: 'return_to_bot', agentId: 'ana' }],
      ['a stale grace timer after a transfer', { ...WITH_ANA, assigneeId: 'luis' }, { type: 'agent_disconnected_grace_expired', agentId: 'ana' }],
      ['a stale grace timer after resolve', RESOLVED, { type: 'agent_disconnected_grace_expired', agentId: 'ana' }],
      ['a stale grace timer while queued', QUEUED, { type: 'agent_disconnected_grace_expired', agentId: 'ana' }],
    ])('%s', (_name, from, event) => {
      const result = ok(transition(from, event, NOW));
      expect(result.event).toBeNull();
      expect(result.state).toBe(from);
    });
  });

  describe('illegal transitions return a typed error', () => {
    it.each<[string, ConversationState, ConversationEvent, string]>([
      ['assigning a chat another agent holds (the race loser)', WITH_ANA, { type: 'assign', agentId: 'luis', agentName: 'Luis' }, 'assigned_to_other_agent'],
      ['assigning a resolved chat', RESOLVED, { type: 'assign', agentId: 'ana', agentName: 'Ana' }, 'illegal_transition'],
      ['transferring a queued chat', QUEUED, { type: 'transfer', toAgentId: 'luis', toAgentName: 'Luis' }, 'illegal_transition'],
      ['transferring a bot chat', BOT, { type: 'transfer', toAgentId: 'luis', toAgentName: 'Luis' }, 'illegal_transition'],
      ['transferring a resolved chat', RESOLVED, { type: 'transfer', toAgentId: 'luis', toAgentName: 'Luis' }, 'illegal_transition'],
      ['a bot handoff while a person holds the chat', WITH_ANA, { type: 'bot_handoff', reason: 'not_understood' }, 'illegal_transition'],
      ['a bot handoff on a resolved chat', RESOLVED, { type: 'bot_handoff', reason: 'not_understood' }, 'illegal_transition'],
      ['reopening an open chat', QUEUED, { type: 'reopen' }, 'illegal_transition'],
      ['reopening a bot chat', BOT, { type: 'reopen', to: 'queued' }, 'illegal_transition'],
      ['returning a resolved chat to the bot', RESOLVED, { type: 'return_to_bot', agentId: 'ana' }, 'illegal_transition'],
    ])('%s', (_name, from, event, code) => {
      const result = transition(from, event, NOW);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({ code, from: from.status, event: event.type });
        expect(result.error.message.length).toBeGreaterThan(0);
      }
    });
  });

  it('keeps the original waiting time through assignment and a dropped connection', () => {
    const assigned = ok(transition(QUEUED, { type: 'assign', agentId: 'ana', agentName: 'Ana' }, NOW)).state;
    const requeued = ok(transition(assigned, { type: 'agent_disconnected_grace_expired', agentId: 'ana' }, NOW + 60_000)).state;
    expect(requeued.waitingSince).toBe(T0);
  });

  it('keeps assigneeId set exactly when the chat is assigned, through a whole life', () => {
    const events: ConversationEvent[] = [
      { type: 'visitor_message' },
      { type: 'bot_handoff', reason: 'asked_for_human' },
      { type: 'assign', agentId: 'ana', agentName: 'Ana' },
      { type: 'transfer', toAgentId: 'luis', toAgentName: 'Luis' },
      { type: 'agent_disconnected_grace_expired', agentId: 'luis' },
      { type: 'assign', agentId: 'ana', agentName: 'Ana' },
      { type: 'return_to_bot', agentId: 'ana' },
      { type: 'resolve', by: { kind: 'bot' } },
      { type: 'visitor_message', reopenTo: 'queued' },
      { type: 'assign', agentId: 'luis', agentName: 'Luis' },
      { type: 'resolve', by: { kind: 'agent', agentId: 'luis' } },
    ];
    let state = BOT;
    const kinds: (string | null)[] = [];
    for (const [i, event] of events.entries()) {
      const result = ok(transition(state, event, NOW + i * 1000));
      state = result.state;
      kinds.push(result.event?.kind ?? null);
      expect(state.assigneeId !== null).toBe(state.status === 'assigned');
    }
    expect(kinds).toEqual([
      null,
      'handed_to_person',
      'agent_joined',
      'transferred',
      'returned_to_queue',
      'agent_joined',
      'returned_to_bot',
      'resolved',
      'reopened',
      'agent_joined',
      'resolved',
    ]);
    expect(state).toEqual(RESOLVED);
  });

  it('lets only the first of two racing assignments win', () => {
    const first = transition(QUEUED, { type: 'assign', agentId: 'ana', agentName: 'Ana' }, NOW);
    const second = transition(ok(first).state, { type: 'assign', agentId: 'luis', agentName: 'Luis' }, NOW);
    expect(second).toMatchObject({ ok: false, error: { code: 'assigned_to_other_agent' } });
  });
});

describe('describeSystemEvent', () => {
  const names = (id: string): string | undefined => ({ ana: 'Ana', luis: 'Luis' })[id];

  it.each<[SystemEvent, string, string]>([
    [{ kind: 'agent_joined', agentId: 'ana', agentName: 'Ana' }, 'Ana joined', 'Ana se ha unido'],
    [{ kind: 'transferred', fromAgentId: 'ana', toAgentId: 'luis', toAgentName: 'Luis' }, 'Transferred to Luis', 'Transferido a Luis'],
    [{ kind: 'handed_to_person', reason: 'asked_for_human' }, 'Handed to a person: asked for a human', 'Pasado a una persona: pidió hablar con una persona'],
    [{ kind: 'handed_to_person', reason: 'complaint' }, 'Handed to a person: complaint', 'Pasado a una persona: queja'],
    [{ kind: 'resolved', by: { kind: 'visitor' } }, 'Conversation resolved', 'Conversación resuelta'],
    [{ kind: 'reopened', to: 'bot' }, 'Conversation reopened', 'Conversación reabierta'],
    [{ kind: 'returned_to_bot', agentId: 'ana' }, 'Ana handed the chat back to the assistant', 'Ana devolvió la conversación al asistente'],
    [{ kind: 'returned_to_bot', agentId: null }, 'Handed back to the assistant', 'Devuelta al asistente'],
    [{ kind: 'returned_to_queue', agentId: 'luis', reason: 'agent_disconnected' }, 'Back in the queue: Luis lost connection', 'De vuelta en la cola: Luis perdió la conexión'],
    [
      { kind: 'returned_to_queue', agentId: 'deleted', reason: 'agent_disconnected' },
      'Back in the queue: the agent lost connection',
      'De vuelta en la cola: el agente perdió la conexión',
    ],
  ])('%j → "%s" / "%s"', (event, en, es) => {
    expect(describeSystemEvent(event, 'en', names)).toBe(en);
    expect(describeSystemEvent(event, 'es', names)).toBe(es);
  });

  it('has a label for every handoff reason in both languages', () => {
    for (const reason of HANDOFF_REASONS) {
      expect(handoffReasonLabel(reason, 'en')).toMatch(/\S/);
      expect(handoffReasonLabel(reason, 'es')).toMatch(/\S/);
      expect(handoffReasonLabel(reason, 'es')).not.toBe(handoffReasonLabel(reason, 'en'));
    }
  });
});
