/**
 * The per-conversation report facts (`conversation_facts`) on PostgreSQL, as facts-repo.ts does
 * on SQLite: `refreshFacts` runs inside the transaction that wrote a lifecycle event (never for a
 * plain message) — it reads the conversation's log through its index, counts only the messages
 * written since the last refresh, and upserts the row (the row is computed by the shared
 * `factsValues`). `backfillFacts` fills the table for conversations that have none, in the
 * caller's transaction.
 */
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { reportTimeZone } from '../../domain/reports';
import { factsValues } from '../shared';
import * as t from './schema';

/** Any drizzle handle on the schema: the pool, a client or a transaction. */
type Q = Pick<NodePgDatabase<typeof t>, 'select' | 'insert' | 'execute'>;

/** Rewrites one conversation's facts from its log, in the site's report zone `timeZone`. */
export async function refreshFacts(
  q: Q,
  siteId: string,
  conversationId: string,
  timeZone: string,
  now: number,
  known?: { locale: string | null; team: string | null; lastSeq: number },
): Promise<void> {
  const c = t.conversations;
  const conversation =
    known ??
    (await q.select({ locale: c.locale, team: c.team, lastSeq: c.lastSeq }).from(c).where(and(eq(c.siteId, siteId), eq(c.id, conversationId))))[0];
  if (!conversation) return;
  const e = t.conversationEvents;
  const events = await q
    .select({ conversationId: e.conversationId, type: e.type, actorKind: e.actorKind, actorId: e.actorId, data: e.data, at: e.at })
    .from(e)
    .where(and(eq(e.siteId, siteId), eq(e.conversationId, conversationId)))
    .orderBy(asc(e.id));
  if (events.length === 0) return;
  const f = t.conversationFacts;
  const [previous] = await q
    .select({ countedSeq: f.countedSeq, shopper: f.shopperMessages, agent: f.agentMessages, bot: f.botMessages })
    .from(f)
    .where(and(eq(f.siteId, siteId), eq(f.conversationId, conversationId)));
  const from = previous?.countedSeq ?? 0;
  const m = t.messages;
  const countedSince =
    conversation.lastSeq > from
      ? (
          await q
            .select({ kind: m.authorKind, n: sql<number>`count(*)`.mapWith(Number) })
            .from(m)
            .where(
              and(
                eq(m.conversationId, conversationId),
                gt(m.seq, from),
                lte(m.seq, conversation.lastSeq),
                inArray(m.kind, ['text', 'card']),
                inArray(m.authorKind, ['visitor', 'agent', 'bot']),
              ),
            )
            .groupBy(m.authorKind)
        ).map((r) => [r.kind, r.n] as const)
      : [];
  const firstChannel = previous
    ? null
    : ((await q.select({ channel: m.channel }).from(m).where(eq(m.conversationId, conversationId)).orderBy(asc(m.seq)).limit(1))[0]?.channel ?? null);
  const v = factsValues({ siteId, conversationId, conversation, events, previous: previous ?? null, countedSince, firstChannel, timeZone, now });
  if (!v) return;
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  // The lists are stored as JSON text, as in SQLite.
  const row = { ...v, queue: JSON.stringify(v.queue), resolutionSeconds: JSON.stringify(v.resolutionSeconds), handoffReasons: JSON.stringify(v.handoffReasons), holdings: JSON.stringify(v.holdings) };
  await q
    .insert(f)
    .values(row)
    .onConflictDoUpdate({
      target: f.conversationId,
      set: {
        createdAt: excluded('created_at'),
        via: excluded('via'),
        // The language it started in is kept from the first write.
        language: sql`coalesce(${f.language}, excluded.language)`,
        team: excluded('team'),
        status: excluded('status'),
        timeZone: excluded('time_zone'),
        localDay: excluded('local_day'),
        weekday: excluded('weekday'),
        hour: excluded('hour'),
        firstResponseSeconds: excluded('first_response_seconds'),
        firstResponseAgent: excluded('first_response_agent'),
        queued: excluded('queued'),
        queue: excluded('queue'),
        leftUnanswered: excluded('left_unanswered'),
        resolutions: excluded('resolutions'),
        resolutionSeconds: excluded('resolution_seconds'),
        botResolved: excluded('bot_resolved'),
        handoffReasons: excluded('handoff_reasons'),
        holdings: excluded('holdings'),
        agents: excluded('agents'),
        teams: excluded('teams'),
        transfers: excluded('transfers'),
        reopens: excluded('reopens'),
        shopperMessages: excluded('shopper_messages'),
        agentMessages: excluded('agent_messages'),
        botMessages: excluded('bot_messages'),
        countedSeq: excluded('counted_seq'),
        updatedAt: excluded('updated_at'),
      },
    });
}

/** True when the facts table is empty while there are chats (it is new): fill it once. */
export async function needsFactsBackfill(q: Q): Promise<boolean> {
  const result = await q.execute<{ chats: boolean; facts: boolean }>(
    sql`SELECT EXISTS (SELECT 1 FROM conversations) AS chats, EXISTS (SELECT 1 FROM conversation_facts) AS facts`,
  );
  const row = result.rows[0];
  return !!row && row.chats && !row.facts;
}

/**
 * Writes the report facts of every conversation that has none, from its event log, in its site's
 * report time zone (call it in one transaction: a crash leaves none, and the next start begins
 * again). Returns how many were written.
 */
export async function backfillFacts(q: Q, now: number): Promise<number> {
  const zones = new Map<string, string>();
  for (const s of await q.select({ id: t.sites.id, settings: t.sites.settings }).from(t.sites)) zones.set(s.id, reportTimeZone(s.settings ?? {}));
  const missing = await q.execute<{ siteId: string; id: string }>(
    sql`SELECT c.site_id AS "siteId", c.id FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = c.id)`,
  );
  let written = 0;
  for (const c of missing.rows) {
    await refreshFacts(q, c.siteId, c.id, zones.get(c.siteId) ?? 'UTC', now);
    written++;
  }
  return written;
}
