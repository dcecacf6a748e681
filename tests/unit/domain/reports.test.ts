/**
 * The report figures, table-tested against event logs produced by the real lifecycle
 * (`decide`) and written the way the commit writes them (`logRow`), with every expected figure
 * computed by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { decide, NO_CONVERSATION, type Actor, type AgentRef, type Command, type ConversationState } from '../../../server/domain/lifecycle';
import { logRow } from '../../../server/app/core';
import {
  bot,
  concurrency,
  csat,
  firstResponse,
  fromStored,
  heatmap,
  matches,
  percentile,
  queue,
  replay,
  reportTimeZone,
  resolution,
  sales,
  storedFacts,
  summary,
  toCsv,
  typicalReplyMinutes,
  volume,
  type EventRow,
  type RatingRow,
  type ReportConversation,
  type ReportRange,
} from '../../../server/domain/reports';

const ANA: AgentRef = { id: 'a1', name: 'Ana' };
const LUIS: AgentRef = { id: 'a2', name: 'Luis' };
const VISITOR: Actor = { kind: 'visitor' };
const BOT: Actor = { kind: 'bot' };
const SYSTEM: Actor = { kind: 'system' };
const as = (a: AgentRef): Actor => ({ kind: 'agent', ...a });

/** Madrid local time → epoch ms (the offsets are written out: CEST +02:00 until 2026-10-25 03:00, then CET +01:00). */
const at = (iso: string): number => Date.parse(iso);

type Step = [time: string, actor: Actor, ...commands: Command[]];

/** Runs the commands through the lifecycle and returns the rows the commit would have written. */
function log(id: string, steps: Step[]): EventRow[] {
  let state: ConversationState = NO_CONVERSATION;
  const rows: EventRow[] = [];
  for (const [time, actor, ...commands] of steps) {
    const now = at(time);
    for (const command of commands) {
      const d = decide(state, command, now);
      if (!d.ok) throw new Error(`${id} ${time} ${command.type}: ${d.refusal.message}`);
      state = d.state;
      for (const e of d.events) {
        const r = logRow(e, actor);
        rows.push({ conversationId: id, type: r.type, actorKind: r.actor.kind, actorId: r.actor.id, data: r.data, at: now });
      }
    }
  }
  return rows;
}

const conv = (rows: EventRow[], extra: Partial<ReportConversation> = {}): ReportConversation => ({
  ...replay(rows),
  locale: 'es',
  team: null,
  channel: 'chat',
  customerId: null,
  ...extra,
});

const shopperStarts = (botOn: boolean): Command[] => [
  { type: 'start', via: 'shopper', botOn },
  { type: 'shopper_message', botOn, lastAssignee: null },
];

// 1. Transfer. Bot off. Queued 10:00, routed to Ana 10:02 (queue wait 120 s), Ana answers 10:03
//    (first response 180 s), transfers to Luis 10:10, Luis resolves 10:20 (resolution 1,200 s).
const TRANSFER = log('c1', [
  ['2026-10-24T10:00:00+02:00', VISITOR, ...shopperStarts(false)],
  ['2026-10-24T10:02:00+02:00', SYSTEM, { type: 'route', agent: ANA }],
  ['2026-10-24T10:03:00+02:00', as(ANA), { type: 'agent_message', agent: ANA }],
  ['2026-10-24T10:10:00+02:00', as(ANA), { type: 'transfer', by: ANA, to: LUIS }],
  ['2026-10-24T10:20:00+02:00', as(LUIS), { type: 'resolve', by: as(LUIS) }],
]);

// 2. Reopen. Queued 11:00, Ana 11:01 (wait 60 s), answers 11:05 (300 s), resolves 11:10 (600 s).
//    The shopper writes again 12:00: back to Ana (no queue, no second first response); she
//    answers 12:01 and resolves 12:30 (second resolution 1,800 s, counted from the reopen).
const REOPEN = log('c2', [
  ['2026-10-24T11:00:00+02:00', VISITOR, ...shopperStarts(false)],
  ['2026-10-24T11:01:00+02:00', SYSTEM, { type: 'route', agent: ANA }],
  ['2026-10-24T11:05:00+02:00', as(ANA), { type: 'agent_message', agent: ANA }],
  ['2026-10-24T11:10:00+02:00', as(ANA), { type: 'resolve', by: as(ANA) }],
  ['2026-10-24T12:00:00+02:00', VISITOR, { type: 'shopper_message', botOn: false, lastAssignee: ANA }],
  ['2026-10-24T12:01:00+02:00', as(ANA), { type: 'agent_message', agent: ANA }],
  ['2026-10-24T12:30:00+02:00', as(ANA), { type: 'resolve', by: as(ANA) }],
]);

// 3. Hand-back to the bot. Bot on: the shopper writes 13:00, the bot hands off 13:01
//    (asked_for_human), Ana is routed 13:03 (wait 120 s) and answers 13:04: first response
//    180 s, counted from the hand-off (a person owed an answer from then), not from 13:00.
//    Ana hands back to the bot 13:06; the bot resolves 13:10 (600 s). Not "bot resolved": a person had it.
const HANDBACK = log('c3', [
  ['2026-10-24T13:00:00+02:00', VISITOR, ...shopperStarts(true)],
  ['2026-10-24T13:01:00+02:00', BOT, { type: 'handoff', reason: 'asked_for_human' }],
  ['2026-10-24T13:03:00+02:00', SYSTEM, { type: 'route', agent: ANA }],
  ['2026-10-24T13:04:00+02:00', as(ANA), { type: 'agent_message', agent: ANA }],
  ['2026-10-24T13:06:00+02:00', as(ANA), { type: 'return_to_bot', by: ANA }],
  ['2026-10-24T13:10:00+02:00', BOT, { type: 'resolve', by: BOT }],
]);

// 4. Across midnight in Madrid on the night summer time ends (2026-10-25 03:00 CEST → 02:00 CET).
//    Created Saturday 23:50 CEST (a Saturday-23h chat, on 2026-10-24), routed to Luis 00:20
//    (wait 1,800 s), answered 00:25 (2,100 s), resolved 02:30 CET: 3 h 40 min elapsed
//    (13,200 s) although the wall clock moved 2 h 40 min.
const MIDNIGHT_DST = log('c4', [
  ['2026-10-24T23:50:00+02:00', VISITOR, ...shopperStarts(false)],
  ['2026-10-25T00:20:00+02:00', SYSTEM, { type: 'route', agent: LUIS }],
  ['2026-10-25T00:25:00+02:00', as(LUIS), { type: 'agent_message', agent: LUIS }],
  ['2026-10-25T02:30:00+01:00', as(LUIS), { type: 'resolve', by: as(LUIS) }],
]);

// 5. The bot alone: writes 15:00, the bot resolves 15:02 (120 s). Bot resolved.
const BOT_ALONE = log('c5', [
  ['2026-10-24T15:00:00+02:00', VISITOR, ...shopperStarts(true)],
  ['2026-10-24T15:02:00+02:00', BOT, { type: 'resolve', by: BOT }],
]);

// 6. Left the queue unanswered: queued 16:00, closed by the system 16:30 (1,800 s), nobody took it.
const ABANDONED = log('c6', [
  ['2026-10-24T16:00:00+02:00', VISITOR, ...shopperStarts(false)],
  ['2026-10-24T16:30:00+02:00', SYSTEM, { type: 'resolve', by: SYSTEM }],
]);

const ALL = [conv(TRANSFER, { customerId: 'cu1' }), conv(REOPEN), conv(HANDBACK, { locale: 'en' }), conv(MIDNIGHT_DST), conv(BOT_ALONE), conv(ABANDONED)];
const SATURDAY: ReportRange = { from: '2026-10-24', to: '2026-10-24', timeZone: 'Europe/Madrid' };
const WEEKEND: ReportRange = { from: '2026-10-24', to: '2026-10-25', timeZone: 'Europe/Madrid' };

const RATINGS: RatingRow[] = [
  { conversationId: 'c1', score: 4, agentId: LUIS.id, team: null, createdAt: at('2026-10-24T10:21:00+02:00') },
  { conversationId: 'c2', score: 5, agentId: ANA.id, team: null, createdAt: at('2026-10-24T12:31:00+02:00') },
];

describe('replay: one conversation log', () => {
  it.each([
    // [name, log, first response s, queue waits s, resolutions s, agents, bot resolved, left unanswered, transfers, reopens, returns to bot]
    ['transfer', TRANSFER, 180, [120], [1200], ['a1', 'a2'], false, false, 1, 0, 0],
    ['reopen', REOPEN, 300, [60], [600, 1800], ['a1'], false, false, 0, 1, 0],
    ['hand-back to the bot', HANDBACK, 180, [120], [600], ['a1'], false, false, 0, 0, 1],
    ['across midnight on the DST night', MIDNIGHT_DST, 2100, [1800], [13200], ['a2'], false, false, 0, 0, 0],
    ['bot alone', BOT_ALONE, null, [], [120], [], true, false, 0, 0, 0],
    ['left the queue unanswered', ABANDONED, null, [], [1800], [], false, true, 0, 0, 0],
  ] as const)('%s', (_name, rows, frt, waits, resolved, agents, botResolved, left, transfers, reopens, returns) => {
    const f = replay(rows);
    expect(f.firstResponse?.seconds ?? null).toBe(frt);
    expect(f.queue.filter((s) => s.outcome === 'assigned').map((s) => (s.to! - s.from) / 1000)).toEqual(waits);
    expect(f.resolutions.map((r) => r.seconds)).toEqual(resolved);
    expect(f.agents).toEqual(agents);
    expect(f.botResolved).toBe(botResolved);
    expect(f.leftQueueUnanswered).toBe(left);
    expect([f.transfers, f.reopens, f.returnsToBot]).toEqual([transfers, reopens, returns]);
  });

  it('who answered first, who had it when resolved, and the hand-off reason', () => {
    expect(replay(TRANSFER).firstResponse?.agentId).toBe('a1');
    expect(replay(TRANSFER).resolutions[0]?.agentId).toBe('a2');
    expect(replay(HANDBACK).resolutions[0]).toMatchObject({ agentId: null, fromBot: true });
    expect(replay(HANDBACK).handoffReasons).toEqual(['asked_for_human']);
    expect(replay(TRANSFER).holdings).toEqual([
      { agentId: 'a1', from: at('2026-10-24T10:02:00+02:00'), to: at('2026-10-24T10:10:00+02:00') },
      { agentId: 'a2', from: at('2026-10-24T10:10:00+02:00'), to: at('2026-10-24T10:20:00+02:00') },
    ]);
  });

  it('a person stepping into the bot’s chat unasked gives no first-response sample', () => {
    const rows = log('c7', [
      ['2026-10-24T09:00:00+02:00', VISITOR, ...shopperStarts(true)],
      ['2026-10-24T09:05:00+02:00', as(ANA), { type: 'agent_message', agent: ANA }],
    ]);
    expect(replay(rows).firstResponse).toBeNull();
    expect(replay(rows).agents).toEqual(['a1']);
  });

  it('an agent-started chat has no first response (the person wrote first)', () => {
    const rows = log('c8', [['2026-10-24T09:00:00+02:00', as(ANA), { type: 'start', via: 'agent', botOn: false, agent: ANA }]]);
    expect(replay(rows).firstResponse).toBeNull();
  });
});

describe('report tables over the six logs', () => {
  it('summary: the headline figures', () => {
    // First responses 180, 300, 180, 2100 → sorted 180 180 300 2100: p50 = 2nd = 180, p90 = 4th = 2100.
    // Resolutions 1200; 600, 1800; 600; 13200; 120; 1800 → 120 600 600 1200 1800 1800 13200: p50 = 4th, p90 = 7th.
    // Bot resolved 1 of 6 = 0.1667. CSAT (4 + 5) / 2 = 4.5.
    expect(summary(WEEKEND, ALL, RATINGS)).toEqual({
      from: '2026-10-24',
      to: '2026-10-25',
      timeZone: 'Europe/Madrid',
      conversations: 6,
      firstResponseSeconds: { p50: 180, p90: 2100 },
      resolutionSeconds: { p50: 1200, p90: 13200 },
      botResolvedShare: 0.1667,
      csat: { average: 4.5, count: 2 },
    });
  });

  it('volume: conversations on the local day they started (the 23:50 chat is Saturday’s), messages as counted', () => {
    const t = volume(WEEKEND, ALL, [
      { day: 0, authorKind: 'visitor', count: 7 },
      { day: 0, authorKind: 'agent', count: 5 },
      { day: 1, authorKind: 'agent', count: 1 },
      { day: 1, authorKind: 'bot', count: 2 },
    ]);
    expect(t.rows).toEqual([
      { date: '2026-10-24', conversations: 6, messages: 12, shopperMessages: 7, agentMessages: 5, botMessages: 0 },
      { date: '2026-10-25', conversations: 0, messages: 3, shopperMessages: 0, agentMessages: 1, botMessages: 2 },
    ]);
  });

  it('heatmap: Saturday by local hour (10, 11, 13, 15, 16 and 23 CEST)', () => {
    const t = heatmap(WEEKEND, ALL);
    const sat = t.rows.find((r) => r.weekday === 'sat')!;
    const hot = Object.entries(sat).filter(([k, v]) => k !== 'weekday' && v !== 0);
    expect(hot).toEqual([['h10', 1], ['h11', 1], ['h13', 1], ['h15', 1], ['h16', 1], ['h23', 1]]);
    expect(t.rows.filter((r) => r.weekday !== 'sat').every((r) => Object.values(r).every((v) => v === 0 || typeof v === 'string'))).toBe(true);
  });

  it('first response per day and in total', () => {
    expect(firstResponse(WEEKEND, ALL).rows).toEqual([
      { date: '2026-10-24', answered: 4, p50: 180, p90: 2100 },
      { date: '2026-10-25', answered: 0, p50: null, p90: null },
      { date: 'total', answered: 4, p50: 180, p90: 2100 },
    ]);
  });

  it('queue: waits that ended with a person (60 120 120 1800), one chat left unanswered', () => {
    expect(queue(WEEKEND, ALL).rows.at(-1)).toEqual({ date: 'total', queued: 5, waitP50: 120, waitP90: 1800, leftUnanswered: 1, returnedToBot: 0 });
  });

  it('resolution: every resolve, a reopened chat twice', () => {
    expect(resolution(WEEKEND, ALL).rows.at(-1)).toEqual({ date: 'total', resolved: 7, p50: 1200, p90: 13200 });
  });

  it('bot: share resolved alone, hand-offs by reason', () => {
    expect(bot(ALL).rows).toEqual([
      { item: 'conversations', count: 6, share: null },
      { item: 'bot_resolved', count: 1, share: 0.1667 },
      { item: 'handoff:asked_for_human', count: 1, share: 1 },
    ]);
  });

  it('csat: average, distribution, response rate (2 ratings / 7 resolutions), per agent', () => {
    const names = (id: string) => (id === 'a1' ? 'Ana' : 'Luis');
    expect(csat(ALL, RATINGS, names).rows).toEqual([
      { item: 'all', agent: null, ratings: 2, average: 4.5, responseRate: 0.2857, s1: 0, s2: 0, s3: 0, s4: 1, s5: 1 },
      { item: 'agent', agent: 'Ana', ratings: 1, average: 5, responseRate: null, s1: 0, s2: 0, s3: 0, s4: 0, s5: 1 },
      { item: 'agent', agent: 'Luis', ratings: 1, average: 4, responseRate: null, s1: 0, s2: 0, s3: 0, s4: 1, s5: 0 },
    ]);
  });

  it('concurrency: time-weighted load per local hour against capacity', () => {
    // Saturday only. Ana: 10:02–10:10 (8 min), 11:01–11:10 (9), 12:00–12:30 (30), 13:03–13:06 (3).
    // Luis: 10:10–10:20 (10 min); his midnight chat starts on Sunday, outside the range.
    const t = concurrency(SATURDAY, ALL, [{ id: 'a1', name: 'Ana', capacity: 3 }, { id: 'a2', name: 'Luis', capacity: 2 }], at('2026-10-26T00:00:00+01:00'));
    expect(t.rows).toEqual([
      { agent: 'Ana', hour: 10, average: 0.13, peak: 1, capacity: 3 },
      { agent: 'Ana', hour: 11, average: 0.15, peak: 1, capacity: 3 },
      { agent: 'Ana', hour: 12, average: 0.5, peak: 1, capacity: 3 },
      { agent: 'Ana', hour: 13, average: 0.05, peak: 1, capacity: 3 },
      { agent: 'Luis', hour: 10, average: 0.17, peak: 1, capacity: 2 },
    ]);
  });

  it('concurrency across the 25-hour night: Luis 00:20 CEST → 02:30 CET, the repeated 02:00 hour counts twice', () => {
    const t = concurrency({ from: '2026-10-25', to: '2026-10-25', timeZone: 'Europe/Madrid' }, ALL, [{ id: 'a2', name: 'Luis', capacity: 2 }], at('2026-10-26T00:00:00+01:00'));
    // 00:20–01:00 (40 min), 01:00–02:00 (60), 02:00–03:00 CEST (60) + 02:00–02:30 CET (30) = 90 in local hour 2.
    expect(t.rows).toEqual([
      { agent: 'Luis', hour: 0, average: 0.67, peak: 1, capacity: 2 },
      { agent: 'Luis', hour: 1, average: 1, peak: 1, capacity: 2 },
      { agent: 'Luis', hour: 2, average: 1.5, peak: 1, capacity: 2 },
    ]);
  });

  it('filters: language, agent, team (transferred to it or held by a member), channel', () => {
    const teamsOf = (id: string) => (id === 'a2' ? ['returns'] : []);
    const ids = (f: Parameters<typeof matches>[1]) => ALL.filter((c) => matches(c, f, teamsOf)).map((c) => c.id);
    expect(ids({ language: 'en' })).toEqual(['c3']);
    expect(ids({ agentId: 'a2' })).toEqual(['c1', 'c4']);
    expect(ids({ team: 'returns' })).toEqual(['c1', 'c4']);
    expect(ids({ channel: 'chat' })).toHaveLength(6);
    expect(ids({ channel: 'email' })).toEqual([]);
  });
});

describe('stored facts (conversation_facts): what the commit keeps per conversation', () => {
  const stored = (rows: EventRow[]) => storedFacts(replay(rows), 'Europe/Madrid');

  it('a transfer: the first response stays the first agent’s, both agents held it', () => {
    expect(stored(TRANSFER)).toMatchObject({
      localDay: '2026-10-24',
      weekday: 5,
      hour: 10,
      firstResponseSeconds: 180,
      firstResponseAgent: ANA.id,
      queue: [[at('2026-10-24T10:00:00+02:00'), at('2026-10-24T10:02:00+02:00'), 'assigned']],
      resolutionSeconds: [1200],
      agents: '|a1|a2|',
      teams: '',
      transfers: 1,
      botResolved: false,
      status: 'resolved',
    });
  });

  it('a reopen: two resolutions (the second from the reopen), one first response, one queue stint', () => {
    expect(stored(REOPEN)).toMatchObject({ firstResponseSeconds: 300, resolutionSeconds: [600, 1800], reopens: 1, agents: '|a1|' });
    expect(stored(REOPEN).queue).toHaveLength(1);
  });

  it('across midnight on the night summer time ends (Madrid): Saturday 23 h, 13,200 s elapsed', () => {
    expect(stored(MIDNIGHT_DST)).toMatchObject({ timeZone: 'Europe/Madrid', localDay: '2026-10-24', weekday: 5, hour: 23, resolutionSeconds: [13200] });
    // The same instant in UTC is 21:50 on that Saturday.
    expect(storedFacts(replay(MIDNIGHT_DST), 'UTC')).toMatchObject({ localDay: '2026-10-24', hour: 21 });
    // The repeated hour: 02:30 CEST (00:30 UTC) and, an hour later, 02:30 CET (01:30 UTC) are both Sunday 2 h.
    for (const time of ['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00']) {
      expect(stored(log('c9', [[time, VISITOR, ...shopperStarts(true)]]))).toMatchObject({ localDay: '2026-10-25', weekday: 6, hour: 2 });
    }
    // Spring forward (2026-03-29, 02:00 CET → 03:00 CEST): 01:59 CET is hour 1, a minute later hour 3.
    expect(stored(log('c10', [['2026-03-29T01:59:00+01:00', VISITOR, ...shopperStarts(true)]]))).toMatchObject({ localDay: '2026-03-29', hour: 1 });
    expect(stored(log('c11', [['2026-03-29T03:00:00+02:00', VISITOR, ...shopperStarts(true)]]))).toMatchObject({ localDay: '2026-03-29', hour: 3 });
  });

  it('the bot alone, a hand-back, a chat left in the queue', () => {
    expect(stored(BOT_ALONE)).toMatchObject({ botResolved: true, agents: '', holdings: [], resolutionSeconds: [120] });
    expect(stored(HANDBACK)).toMatchObject({ botResolved: false, handoffReasons: ['asked_for_human'], firstResponseSeconds: 180 });
    expect(stored(ABANDONED)).toMatchObject({ leftUnanswered: true, firstResponseSeconds: null, queue: [[at('2026-10-24T16:00:00+02:00'), at('2026-10-24T16:30:00+02:00'), 'abandoned']] });
  });

  it('the tables read from stored facts equal those read from the replayed logs', () => {
    const logs = [TRANSFER, REOPEN, HANDBACK, MIDNIGHT_DST, BOT_ALONE, ABANDONED];
    const extras: Partial<ReportConversation>[] = [{ customerId: 'cu1' }, {}, { locale: 'en' }, {}, {}, {}];
    // Through JSON, as the store keeps them.
    const back = logs.map((rows, i) => {
      const f = JSON.parse(JSON.stringify(stored(rows))) as ReturnType<typeof stored>;
      return fromStored(rows[0]!.conversationId, { ...f, language: extras[i]!.locale ?? 'es', customerId: extras[i]!.customerId ?? null });
    });
    expect(summary(WEEKEND, back, RATINGS)).toEqual(summary(WEEKEND, ALL, RATINGS));
    for (const table of [firstResponse, queue, resolution, heatmap]) expect(table(WEEKEND, back)).toEqual(table(WEEKEND, ALL));
    expect(bot(back)).toEqual(bot(ALL));
    const agents = [{ id: ANA.id, name: 'Ana', capacity: 3 }, { id: LUIS.id, name: 'Luis', capacity: 2 }];
    const end = at('2026-10-26T00:00:00+01:00');
    expect(concurrency(WEEKEND, back, agents, end)).toEqual(concurrency(WEEKEND, ALL, agents, end));
    expect(csat(back, RATINGS, (id) => id)).toEqual(csat(ALL, RATINGS, (id) => id));
    const teamsOf = (id: string) => (id === LUIS.id ? ['returns'] : []);
    for (const f of [{ agentId: LUIS.id }, { team: 'returns' }, { language: 'en' }]) {
      expect(back.filter((c) => matches(c, f, teamsOf)).map((c) => c.id)).toEqual(ALL.filter((c) => matches(c, f, teamsOf)).map((c) => c.id));
    }
  });

  it('the report zone: business hours’, else the bot’s hours’, else UTC', () => {
    expect(reportTimeZone({ hours: { timeZone: 'Europe/Madrid' } })).toBe('Europe/Madrid');
    expect(reportTimeZone({ bot: { hours: { timeZone: 'Atlantic/Canary' } } })).toBe('Atlantic/Canary');
    expect(reportTimeZone({ hours: { timeZone: 'Mars/Olympus' } })).toBe('UTC');
  });
});

describe('sales after chat', () => {
  it('orders by the chat’s customer within 7 days after it started; proactive chats apart', () => {
    const proactive = log('p1', [
      ['2026-10-20T10:00:00+02:00', BOT, { type: 'start', via: 'proactive', botOn: true }],
      ['2026-10-20T10:01:00+02:00', VISITOR, { type: 'shopper_message', botOn: true, lastAssignee: null }],
    ]);
    const list = [conv(TRANSFER, { customerId: 'cu1' }), conv(proactive, { customerId: 'cu2' }), conv(BOT_ALONE)];
    const orders = [
      { customerId: 'cu1', createdAt: at('2026-10-23T10:00:00+02:00'), total: 9999, currency: 'EUR' }, // before the chat
      { customerId: 'cu1', createdAt: at('2026-10-26T10:00:00+01:00'), total: 5000, currency: 'EUR' }, // 2 days after
      { customerId: 'cu1', createdAt: at('2026-11-01T10:00:00+01:00'), total: 7000, currency: 'EUR' }, // 8 days after
      { customerId: 'cu2', createdAt: at('2026-10-21T10:00:00+02:00'), total: 2500, currency: 'EUR' },
    ];
    expect(sales(list, orders).rows).toEqual([
      { group: 'all', chats: 3, chatsWithOrder: 2, share: 0.6667, orders: 2, currency: 'EUR', total: 7500 },
      { group: 'proactive', chats: 1, chatsWithOrder: 1, share: 1, orders: 1, currency: 'EUR', total: 2500 },
    ]);
  });
});

describe('helpers', () => {
  it.each([
    [[], 50, null],
    [[5], 90, 5],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[10, 1, 5], 50, 5],
  ])('percentile(%j, %i) = %s (nearest rank)', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('CSV: quoted where needed, formulas defused', () => {
    expect(toCsv({ name: 'x', columns: ['a', 'b'], rows: [{ a: 'x,y', b: 1 }, { a: '=SUM(A1)', b: null }, { a: 'say "hi"', b: 2.5 }] })).toBe(
      'a,b\r\n"x,y",1\r\n\'=SUM(A1),\r\n"say ""hi""",2.5\r\n',
    );
  });
});

describe('typicalReplyMinutes (the widget\'s "We usually reply in X min")', () => {
  // The seconds are the stored first responses by a person of the chats created in the window
  // (app/reports.typicalReply reads them from conversation_facts).
  it('is the median first response by a person, in whole minutes rounded up, at least 1', () => {
    expect(typicalReplyMinutes([30, 400, 90])).toBe(2);
    expect(typicalReplyMinutes([5])).toBe(1);
    expect(typicalReplyMinutes([0])).toBe(1);
    // An even count takes the lower middle (nearest rank), as the reports do.
    expect(typicalReplyMinutes([60, 600, 61, 3600])).toBe(2);
    expect(typicalReplyMinutes([1200])).toBe(20);
  });

  it('is null with no answer to go by', () => {
    expect(typicalReplyMinutes([])).toBeNull();
  });
});
