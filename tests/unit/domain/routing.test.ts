import { describe, expect, it } from 'vitest';
import {
  type AgentLoad,
  canTakeChat,
  DEFAULT_ROUTING_SETTINGS,
  estimateWaitMs,
  isPriorityCustomer,
  matchesSkills,
  nextAssignments,
  pickAgent,
  type QueuedChat,
  queueOrder,
  queuePosition,
  queuePositions,
  type RoutingSettings,
} from '../../../server/domain/routing';

const NOW = Date.UTC(2025, 0, 15, 10, 0, 0);
const MIN = 60_000;
const S = DEFAULT_ROUTING_SETTINGS;

function agent(id: string, over: Partial<AgentLoad> = {}): AgentLoad {
  return { id, presence: 'online', activeChats: 0, lastAssignedAt: NOW - 30 * MIN, ...over };
}

function chat(id: string, minutesWaiting: number, over: Partial<QueuedChat> = {}): QueuedChat {
  return { id, waitingSince: NOW - minutesWaiting * MIN, ...over };
}

const settings = (over: Partial<RoutingSettings> = {}): RoutingSettings => ({ ...S, ...over });

describe('canTakeChat', () => {
  it.each<[string, AgentLoad, boolean]>([
    ['an online agent below the default limit of 5', agent('a', { activeChats: 4 }), true],
    ['an agent at the default limit', agent('a', { activeChats: 5 }), false],
    ['an agent over the limit (e.g. after manual picks)', agent('a', { activeChats: 7 }), false],
    ['an agent with a custom capacity of 2, holding 1', agent('a', { capacity: 2, activeChats: 1 }), true],
    ['an agent with a custom capacity of 2, holding 2', agent('a', { capacity: 2, activeChats: 2 }), false],
    ['an agent with capacity 0', agent('a', { capacity: 0 }), false],
    ['an away agent', agent('a', { presence: 'away' }), false],
    ['an offline agent', agent('a', { presence: 'offline' }), false],
  ])('%s → %s', (_name, a, expected) => {
    expect(canTakeChat(a, S)).toBe(expected);
  });
});

describe('matchesSkills', () => {
  it.each<[string, Partial<AgentLoad>, Partial<QueuedChat>, boolean]>([
    ['no language or team asked', { languages: ['es'] }, {}, true],
    ['same language', { languages: ['es', 'en'] }, { language: 'es' }, true],
    ['other language', { languages: ['en'] }, { language: 'es' }, false],
    ['regional variant matches the base language', { languages: ['es'] }, { language: 'es-MX' }, true],
    ['agent regional variant matches too', { languages: ['es-ES'] }, { language: 'es' }, true],
    ['language case does not matter', { languages: ['EN'] }, { language: 'en-gb' }, true],
    ['an agent with no languages listed serves any language', {}, { language: 'es' }, true],
    ['an agent with an empty list serves any language', { languages: [] }, { language: 'es' }, true],
    ['team member', { teams: ['wholesale'] }, { team: 'wholesale' }, true],
    ['team name case does not matter', { teams: ['Wholesale'] }, { team: 'wholesale' }, true],
    ['not a team member', { teams: ['retail'] }, { team: 'wholesale' }, false],
    ['an agent with no teams does not get team chats', {}, { team: 'wholesale' }, false],
    ['both required: language ok, team wrong', { languages: ['es'], teams: ['retail'] }, { language: 'es', team: 'wholesale' }, false],
    ['both required and both match', { languages: ['es'], teams: ['wholesale'] }, { language: 'es', team: 'wholesale' }, true],
  ])('%s → %s', (_name, a, c, expected) => {
    expect(matchesSkills(agent('a', a), c)).toBe(expected);
  });
});

describe('isPriorityCustomer', () => {
  it.each<[string, { customerTags?: string[]; lifetimeValue?: number | null }, Partial<RoutingSettings>, boolean]>([
    ['no tags, no threshold', {}, {}, false],
    ['tagged vip', { customerTags: ['vip'] }, {}, true],
    ['tag case does not matter', { customerTags: ['VIP'] }, {}, true],
    ['a custom VIP tag', { customerTags: ['gold'] }, { vipTag: 'gold' }, true],
    ['other tags only', { customerTags: ['newsletter'] }, {}, false],
    ['lifetime value at the threshold', { lifetimeValue: 50_000 }, { vipLifetimeValue: 50_000 }, true],
    ['lifetime value below the threshold', { lifetimeValue: 49_999 }, { vipLifetimeValue: 50_000 }, false],
    ['lifetime value unknown', { lifetimeValue: null }, { vipLifetimeValue: 50_000 }, false],
    ['lifetime value but the site sets no threshold', { lifetimeValue: 10_000_000 }, { vipLifetimeValue: null }, false],
  ])('%s → %s', (_name, customer, over, expected) => {
    expect(isPriorityCustomer(customer, settings(over))).toBe(expected);
  });
});

describe('pickAgent', () => {
  it('skips agents at their chat limit', () => {
    const picked = pickAgent({}, [agent('full', { activeChats: 5 }), agent('free', { activeChats: 4 })], S);
    expect(picked?.id).toBe('free');
  });

  it('skips agents who are away or offline', () => {
    const picked = pickAgent({}, [agent('away', { presence: 'away' }), agent('off', { presence: 'offline' }), agent('on', { activeChats: 3 })], S);
    expect(picked?.id).toBe('on');
  });

  it('chooses the least busy agent', () => {
    const picked = pickAgent({}, [agent('a', { activeChats: 3 }), agent('b', { activeChats: 1 }), agent('c', { activeChats: 2 })], S);
    expect(picked?.id).toBe('b');
  });

  it('breaks ties by who has been idle longest', () => {
    const picked = pickAgent(
      {},
      [agent('recent', { activeChats: 1, lastAssignedAt: NOW - MIN }), agent('idle', { activeChats: 1, lastAssignedAt: NOW - 20 * MIN })],
      S,
    );
    expect(picked?.id).toBe('idle');
  });

  it('treats an agent never assigned as idle longest', () => {
    const picked = pickAgent({}, [agent('old', { lastAssignedAt: 0 }), agent('never', { lastAssignedAt: null })], S);
    expect(picked?.id).toBe('never');
  });

  it('breaks a full tie by agent id, so the result is deterministic', () => {
    expect(pickAgent({}, [agent('b'), agent('a'), agent('c')], S)?.id).toBe('a');
  });

  it('prefers a matching language over a less busy agent', () => {
    const picked = pickAgent({ language: 'es' }, [agent('en', { languages: ['en'] }), agent('es', { languages: ['es'], activeChats: 3 })], S);
    expect(picked?.id).toBe('es');
  });

  it('leaves the chat waiting when nobody matching is free', () => {
    const agents = [agent('en', { languages: ['en'] }), agent('es', { languages: ['es'], activeChats: 5 })];
    expect(pickAgent({ language: 'es' }, agents, S)).toBeNull();
  });

  it('falls back to any free agent only when the site says so', () => {
    const agents = [agent('en', { languages: ['en'] }), agent('es', { languages: ['es'], activeChats: 5 })];
    expect(pickAgent({ language: 'es' }, agents, settings({ fallbackToAnyAgent: true }))?.id).toBe('en');
  });

  it('does not fall back to agents who are away, even with fallback on', () => {
    const agents = [agent('en', { languages: ['en'], presence: 'away' })];
    expect(pickAgent({ language: 'es' }, agents, settings({ fallbackToAnyAgent: true }))).toBeNull();
  });

  it('routes a team chat to the team', () => {
    const agents = [agent('generalist'), agent('wholesaler', { teams: ['wholesale'], activeChats: 4 })];
    expect(pickAgent({ team: 'wholesale' }, agents, S)?.id).toBe('wholesaler');
  });

  it('returns null with no agents', () => {
    expect(pickAgent({}, [], S)).toBeNull();
  });
});

describe('queueOrder', () => {
  it('serves priority customers first, then the longest waiting', () => {
    const queue = [chat('new', 1), chat('old', 10), chat('vip-new', 0, { customerTags: ['vip'] }), chat('big-spender', 2, { lifetimeValue: 90_000 }), chat('mid', 5)];
    expect(queueOrder(queue, settings({ vipLifetimeValue: 50_000 })).map((c) => c.id)).toEqual(['big-spender', 'vip-new', 'old', 'mid', 'new']);
  });

  it('orders equal waits by id and drops duplicates', () => {
    const queue = [chat('b', 3), chat('a', 3), chat('b', 3)];
    expect(queueOrder(queue, S).map((c) => c.id)).toEqual(['a', 'b']);
  });
});

describe('nextAssignments', () => {
  it('assigns nothing in manual mode: agents pick from the queue', () => {
    expect(nextAssignments([chat('c1', 5)], [agent('ana')], settings({ mode: 'manual' }), NOW)).toEqual([]);
  });

  it('assigns the longest-waiting chat first when capacity is scarce', () => {
    const result = nextAssignments([chat('new', 1), chat('old', 9), chat('mid', 4)], [agent('ana', { activeChats: 4 })], S, NOW);
    expect(result).toEqual([{ conversationId: 'old', agentId: 'ana' }]);
  });

  it('serves a VIP before chats that waited longer', () => {
    const result = nextAssignments([chat('old', 9), chat('vip', 0, { customerTags: ['vip'] })], [agent('ana', { activeChats: 4 })], S, NOW);
    expect(result).toEqual([{ conversationId: 'vip', agentId: 'ana' }]);
  });

  it('serves a customer above the lifetime-value threshold first', () => {
    const queue = [chat('old', 9), chat('loyal', 0, { lifetimeValue: 120_000 })];
    const result = nextAssignments(queue, [agent('ana', { activeChats: 4 })], settings({ vipLifetimeValue: 100_000 }), NOW);
    expect(result).toEqual([{ conversationId: 'loyal', agentId: 'ana' }]);
  });

  it('never pushes an agent over capacity within one batch', () => {
    const queue = Array.from({ length: 10 }, (_, i) => chat(`c${i}`, 10 - i));
    const result = nextAssignments(queue, [agent('ana', { capacity: 2 }), agent('luis', { capacity: 3, activeChats: 1 })], S, NOW);
    expect(result).toHaveLength(4);
    expect(result.filter((a) => a.agentId === 'ana')).toHaveLength(2);
    expect(result.filter((a) => a.agentId === 'luis')).toHaveLength(2);
    // and it is the four longest waiting that got served
    expect(result.map((a) => a.conversationId).sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
  });

  it('never gives one chat to two agents, even when it is listed twice', () => {
    const result = nextAssignments([chat('c1', 5), chat('c1', 5)], [agent('ana'), agent('luis')], S, NOW);
    expect(result).toEqual([{ conversationId: 'c1', agentId: 'ana' }]);
  });

  it('counts an agent listed twice once (first entry wins)', () => {
    const result = nextAssignments([chat('c1', 3), chat('c2', 2)], [agent('ana', { activeChats: 4 }), agent('ana', { activeChats: 0 })], S, NOW);
    expect(result).toEqual([{ conversationId: 'c1', agentId: 'ana' }]);
  });

  it('spreads a batch across equally loaded agents in turn', () => {
    const agents = [agent('ana', { lastAssignedAt: NOW - 10 * MIN }), agent('luis', { lastAssignedAt: NOW - 20 * MIN }), agent('eva', { lastAssignedAt: NOW - 5 * MIN })];
    const result = nextAssignments([chat('c1', 6), chat('c2', 5), chat('c3', 4), chat('c4', 3)], agents, S, NOW);
    expect(result.map((a) => a.agentId)).toEqual(['luis', 'ana', 'eva', 'luis']);
  });

  it('does not let a chat nobody can serve block the chats behind it', () => {
    const queue = [chat('es-chat', 10, { language: 'es' }), chat('en-chat', 2, { language: 'en' })];
    const result = nextAssignments(queue, [agent('mary', { languages: ['en'] })], S, NOW);
    expect(result).toEqual([{ conversationId: 'en-chat', agentId: 'mary' }]);
  });

  it('matches each chat to a speaker of its language', () => {
    const queue = [chat('es-chat', 10, { language: 'es' }), chat('en-chat', 9, { language: 'en' })];
    const result = nextAssignments(queue, [agent('mary', { languages: ['en'] }), agent('pepa', { languages: ['es'], activeChats: 2 })], S, NOW);
    expect(result).toEqual([
      { conversationId: 'es-chat', agentId: 'pepa' },
      { conversationId: 'en-chat', agentId: 'mary' },
    ]);
  });

  it('backfills when an agent comes online: oldest first', () => {
    const queue = [chat('c3', 1), chat('c1', 8), chat('c2', 4)];
    const agents = [agent('ana', { activeChats: 5 }), agent('luis', { presence: 'offline' })];
    expect(nextAssignments(queue, agents, S, NOW)).toEqual([]);
    const online = [agent('ana', { activeChats: 5 }), agent('luis', { capacity: 2 })];
    expect(nextAssignments(queue, online, S, NOW)).toEqual([
      { conversationId: 'c1', agentId: 'luis' },
      { conversationId: 'c2', agentId: 'luis' },
    ]);
  });

  it('returns nothing when the queue is empty or nobody is free', () => {
    expect(nextAssignments([], [agent('ana')], S, NOW)).toEqual([]);
    expect(nextAssignments([chat('c1', 1)], [], S, NOW)).toEqual([]);
    expect(nextAssignments([chat('c1', 1)], [agent('ana', { presence: 'away' })], S, NOW)).toEqual([]);
  });

  it('keeps its invariants on many generated batches', () => {
    // Deterministic pseudo-random inputs (LCG): no Math.random in tests either.
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const langs = ['es', 'en', null] as const;
    for (let round = 0; round < 200; round++) {
      const agents = Array.from({ length: rand(5) }, (_, i) =>
        agent(`a${rand(4)}-${i}`, {
          presence: (['online', 'online', 'away', 'offline'] as const)[rand(4)],
          activeChats: rand(7),
          capacity: rand(3) === 0 ? rand(4) : undefined,
          languages: rand(2) === 0 ? ['es'] : [],
          lastAssignedAt: rand(2) === 0 ? null : NOW - rand(100) * MIN,
        }),
      );
      const queue = Array.from({ length: rand(12) }, () => chat(`c${rand(8)}`, rand(30), { language: langs[rand(3)] ?? null }));
      const s = settings({ fallbackToAnyAgent: rand(2) === 0 });
      const result = nextAssignments(queue, agents, s, NOW);

      const ids = result.map((a) => a.conversationId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const a of result) expect(queue.some((c) => c.id === a.conversationId)).toBe(true);
      for (const ag of agents) {
        const given = result.filter((a) => a.agentId === ag.id).length;
        if (given === 0) continue;
        const first = agents.find((x) => x.id === ag.id)!;
        expect(first.presence).toBe('online');
        expect(first.activeChats + given).toBeLessThanOrEqual(first.capacity ?? s.defaultCapacity);
      }
    }
  });
});

describe('queuePosition', () => {
  const queue = [chat('a', 10), chat('b', 5), chat('vip', 1, { customerTags: ['vip'] })];
  it.each([
    ['vip', 1],
    ['a', 2],
    ['b', 3],
    ['missing', null],
  ])('%s → %s', (id, expected) => {
    expect(queuePosition(queue, id, S)).toBe(expected);
  });
});

describe('estimateWaitMs', () => {
  const AHT = 10 * MIN;
  it.each<[string, number, AgentLoad[], number | null]>([
    ['nobody online → unknown', 1, [agent('a', { presence: 'away' })], null],
    ['no agents → unknown', 1, [], null],
    ['a free seat now → no wait', 1, [agent('a', { activeChats: 4 })], 0],
    ['as many free seats as the position → no wait', 3, [agent('a', { activeChats: 3 }), agent('b', { activeChats: 4 })], 0],
    // 1 agent, 5 seats, all busy: seats free every 10 min / 5 = 2 min
    ['first in line, all 5 seats busy → AHT / 5', 1, [agent('a', { activeChats: 5 })], 2 * MIN],
    ['third in line, all 5 seats busy → 3 · AHT / 5', 3, [agent('a', { activeChats: 5 })], 6 * MIN],
    // 2 agents, 10 seats, 1 free: position 4 needs 3 more seats → 3 · 10 / 10
    ['position 4 with 1 free of 10 seats → 3 · AHT / 10', 4, [agent('a', { activeChats: 5 }), agent('b', { activeChats: 4 })], 3 * MIN],
    ['away agents count neither as seats nor as free', 1, [agent('a', { activeChats: 5 }), agent('b', { presence: 'away' })], 2 * MIN],
    ['custom capacity counts', 2, [agent('a', { capacity: 2, activeChats: 2 })], 10 * MIN],
  ])('%s', (_name, position, agents, expected) => {
    expect(estimateWaitMs(position, agents, S, AHT)).toBe(expected);
  });

  it('rounds up to a whole millisecond', () => {
    expect(estimateWaitMs(1, [agent('a', { capacity: 3, activeChats: 3 })], S, 1000)).toBe(334);
  });
});


describe('queuePositions', () => {
  it('gives every queued chat the place queuePosition gives it, ordering the queue once', () => {
    const queue = Array.from({ length: 40 }, (_, i) => chat(`c${i}`, 1000 - (i % 7) * 10 + i, i % 9 === 0 ? { customerTags: ['vip'] } : {}));
    const positions = queuePositions(queue, S);
    for (const c of queue) expect(positions.get(c.id)).toBe(queuePosition(queue, c.id, S));
    expect([...positions.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
