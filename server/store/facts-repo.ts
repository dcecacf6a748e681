/**
 * The per-conversation report facts (`conversation_facts`): one row per conversation, its event
 * log replayed (domain/reports `replay` → `storedFacts`) plus its text and card messages counted
 * by author. `refresh` runs inside the commit that wrote a lifecycle event (never for a plain
 * message): it reads that conversation's log through its index, counts only the messages
 * written since the last refresh, and upserts the row. `backfill` fills the table from the event
 * log for conversations that have no row (the table is new, or rows were seeded around the store).
 */
import type Database from 'better-sqlite3';
import type { EventRow } from '../domain/reports';
import { factsValues } from './shared';

type Raw = [string, number, string, string, string | null, string, number];

export class FactsRepo {
  private readonly eventsOf: Database.Statement;
  private readonly conversation: Database.Statement;
  private readonly previous: Database.Statement;
  private readonly countSince: Database.Statement;
  private readonly firstChannel: Database.Statement;
  private readonly upsert: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.eventsOf = sqlite.prepare(`SELECT conversation_id, id, type, actor_kind, actor_id, data, at FROM conversation_events WHERE conversation_id = ? ORDER BY id`).raw(true);
    this.conversation = sqlite.prepare(`SELECT locale, team, last_seq AS lastSeq FROM conversations WHERE site_id = ? AND id = ?`);
    this.previous = sqlite.prepare(
      `SELECT counted_seq AS countedSeq, shopper_messages AS shopper, agent_messages AS agent, bot_messages AS bot FROM conversation_facts WHERE conversation_id = ?`,
    );
    this.countSince = sqlite
      .prepare(
        `SELECT author_kind, count(*) FROM messages WHERE conversation_id = ? AND seq > ? AND seq <= ? AND kind IN ('text', 'card') AND author_kind IN ('visitor', 'agent', 'bot') GROUP BY author_kind`,
      )
      .raw(true);
    this.firstChannel = sqlite.prepare(`SELECT channel FROM messages WHERE conversation_id = ? ORDER BY seq LIMIT 1`).pluck();
    this.upsert = sqlite.prepare(
      `INSERT INTO conversation_facts (conversation_id, site_id, created_at, via, channel, language, team, status, time_zone, local_day, weekday, hour,
          first_response_seconds, first_response_agent, queued, queue, left_unanswered, resolutions, resolution_seconds, bot_resolved, handoff_reasons,
          holdings, agents, teams, transfers, reopens, shopper_messages, agent_messages, bot_messages, counted_seq, updated_at)
       VALUES (@conversationId, @siteId, @createdAt, @via, @channel, @language, @team, @status, @timeZone, @localDay, @weekday, @hour,
          @firstResponseSeconds, @firstResponseAgent, @queued, @queue, @leftUnanswered, @resolutions, @resolutionSeconds, @botResolved, @handoffReasons,
          @holdings, @agents, @teams, @transfers, @reopens, @shopper, @agent, @bot, @countedSeq, @now)
       ON CONFLICT (conversation_id) DO UPDATE SET created_at = excluded.created_at, via = excluded.via,
          language = coalesce(conversation_facts.language, excluded.language), team = excluded.team, status = excluded.status,
          time_zone = excluded.time_zone, local_day = excluded.local_day, weekday = excluded.weekday, hour = excluded.hour,
          first_response_seconds = excluded.first_response_seconds, first_response_agent = excluded.first_response_agent, queued = excluded.queued,
          queue = excluded.queue, left_unanswered = excluded.left_unanswered, resolutions = excluded.resolutions,
          resolution_seconds = excluded.resolution_seconds, bot_resolved = excluded.bot_resolved, handoff_reasons = excluded.handoff_reasons,
          holdings = excluded.holdings, agents = excluded.agents, teams = excluded.teams, transfers = excluded.transfers, reopens = excluded.reopens,
          shopper_messages = excluded.shopper_messages, agent_messages = excluded.agent_messages, bot_messages = excluded.bot_messages,
          counted_seq = excluded.counted_seq, updated_at = excluded.updated_at`,
    );
  }

  /** Rewrites one conversation's facts from its log (call inside the transaction that wrote its events). */
  refresh(siteId: string, conversationId: string, timeZone: string, now: number): void {
    const conversation = this.conversation.get(siteId, conversationId) as { locale: string | null; team: string | null; lastSeq: number } | undefined;
    if (!conversation) return;
    const events: EventRow[] = (this.eventsOf.all(conversationId) as Raw[]).map(([cid, , type, actorKind, actorId, data, at]) => ({
      conversationId: cid,
      type,
      actorKind,
      actorId,
      data: JSON.parse(data) as Record<string, unknown>,
      at,
    }));
    if (events.length === 0) return;
    const prev = (this.previous.get(conversationId) as { countedSeq: number; shopper: number; agent: number; bot: number } | undefined) ?? null;
    const from = prev?.countedSeq ?? 0;
    const v = factsValues({
      siteId,
      conversationId,
      conversation,
      events,
      previous: prev,
      countedSince: conversation.lastSeq > from ? (this.countSince.all(conversationId, from, conversation.lastSeq) as [string, number][]) : [],
      firstChannel: prev ? null : ((this.firstChannel.get(conversationId) as string | undefined) ?? null),
      timeZone,
      now,
    });
    if (!v) return;
    this.upsert.run({
      ...v,
      queue: JSON.stringify(v.queue),
      resolutionSeconds: JSON.stringify(v.resolutionSeconds),
      handoffReasons: JSON.stringify(v.handoffReasons),
      holdings: JSON.stringify(v.holdings),
      shopper: v.shopperMessages,
      agent: v.agentMessages,
      bot: v.botMessages,
      now: v.updatedAt,
    });
  }
}
