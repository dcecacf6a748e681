/**
 * `npm run bench -- --reports` — seeds a SQLite store with 100,000 conversations and 2,000,000
 * messages (event logs written by the real lifecycle, `decide` + the commit's `logRow`), then
 * times every report and the summary over a 90-day range, through the same code the REST API
 * calls (app/reports over the SqliteStore). Goal: each under 1 s.
 *
 *   npm run bench -- --reports [--conversations=100000] [--messages=2000000] [--days=120] [--runs=3]
 *
 * The conversations are spread over the last `days` days (default 120: the 90-day range holds
 * three quarters of them), weighted towards shop hours, in Europe/Madrid.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { backfillConversationFacts, openDb } from '../server/store/db';
import { seedDemo, DEMO } from '../server/store/seed';
import { SqliteStore } from '../server/store/sqlite-store';
import { decide, NO_CONVERSATION, type Actor, type AgentRef, type Command, type ConversationState } from '../server/domain/lifecycle';
import { logRow } from '../server/app/core';
import { report, reportSummary } from '../server/app/reports';
import { addDays, localDateTime } from '../server/domain/hours';
import { rangeBounds, REPORT_NAMES } from '../server/domain/reports';

interface Options {
  conversations: number;
  messages: number;
  days: number;
  runs: number;
}

function parse(argv: string[]): Options {
  const o: Options = { conversations: 100_000, messages: 2_000_000, days: 120, runs: 3 };
  for (const arg of argv) {
    const m = /^--([a-z]+)=(\d+)$/.exec(arg);
    if (arg === '--reports') continue;
    if (!m || !(m[1]! in o)) throw new Error(`unknown argument ${arg} (with --reports: --conversations=N --messages=N --days=N --runs=N)`);
    (o as unknown as Record<string, number>)[m[1]!] = Number(m[2]);
  }
  return o;
}

/** A small deterministic PRNG (mulberry32): the same data every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const REASONS = ['asked_for_human', 'not_understood', 'complaint', 'needs_person', 'vip'];

export async function runReportsBench(argv: string[]): Promise<void> {
  const opts = parse(argv);
  // REPORTS_BENCH_DIR: keep the seeded database there and reuse it on the next run (for profiling).
  const keep = process.env.REPORTS_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'mostrador-reports-bench-'));
  const now = Date.now();
  try {
    const opened = openDb(dir);
    const siteId = await seedDemo(opened.db, now);
    const sqlite = opened.sqlite;
    sqlite.prepare(`UPDATE sites SET settings = json_set(settings, '$.hours', json('{"timeZone":"Europe/Madrid","schedule":{"weekly":{}}}')) WHERE id = ?`).run(siteId);
    const agentRows = sqlite.prepare('SELECT id, name FROM agents WHERE site_id = ?').all(siteId) as AgentRef[];
    // Eight agents, as a mid-size shop has.
    const insertAgent = sqlite.prepare(
      `INSERT INTO agents (id, site_id, email, name, password_hash, role, disabled, capacity, languages, teams, created_at) VALUES (?, ?, ?, ?, 'x', 'agent', 0, 4, '[]', ?, ?)`,
    );
    for (let i = agentRows.length; i < 8; i++) {
      const a = { id: `agt_bench_${i}`, name: `Agente ${i}` };
      insertAgent.run(a.id, siteId, `agent${i}@bench.example`, a.name, i % 2 ? '["returns"]' : '[]', now);
      agentRows.push(a);
    }

    const already = (sqlite.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n > 0;
    if (!already) {
      const random = rng(42);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const t0 = performance.now();
      sqlite.pragma('synchronous = OFF');
      const ins = {
        customer: sqlite.prepare(`INSERT INTO customers (id, site_id, external_id, email, name, tags, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, '[]', ?, ?)`),
        visitor: sqlite.prepare(`INSERT INTO visitors (id, site_id, token_hash, customer_id, verified, locale, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
        conversation: sqlite.prepare(
          `INSERT INTO conversations (id, site_id, visitor_id, status, assignee_id, last_seq, last_visible_seq, locale, team, last_assignee_id, resolved_from, human_replied, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ),
        message: sqlite.prepare(`INSERT INTO messages (id, site_id, conversation_id, seq, author_kind, kind, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
        event: sqlite.prepare(`INSERT INTO conversation_events (site_id, conversation_id, type, actor_kind, actor_id, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
        rating: sqlite.prepare(
          `INSERT INTO conversation_ratings (id, site_id, conversation_id, resolved_event_id, score, comment, agent_id, team, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?)`,
        ),
        state: sqlite.prepare('UPDATE conversations SET status = ?, assignee_id = ?, last_assignee_id = ?, resolved_from = ?, human_replied = ?, updated_at = ? WHERE id = ?'),
        seqs: sqlite.prepare('UPDATE conversations SET last_seq = ?, last_visible_seq = ? WHERE id = ?'),
        order: sqlite.prepare(
          `INSERT INTO orders (id, site_id, external_id, customer_id, number, status, currency, total, items, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'paid', 'EUR', ?, '[]', ?, ?)`,
        ),
      };

      const CUSTOMERS = 20_000;
      const VISITORS = 60_000;
      let messagesLeft = opts.messages;
      let events = 0;
      let ratings = 0;
      let orders = 0;
      sqlite.transaction(() => {
        for (let i = 0; i < CUSTOMERS; i++) ins.customer.run(`cus_b${i}`, siteId, `ext_b${i}`, `Cliente ${i}`, now, now);
        for (let i = 0; i < VISITORS; i++) {
          const customer = i < CUSTOMERS ? `cus_b${i}` : null;
          ins.visitor.run(`vis_b${i}`, siteId, `hash_b${i}`, customer, customer ? 1 : 0, random() < 0.8 ? 'es' : 'en', now, now);
        }
        // Orders: about one per customer over the period.
        for (let i = 0; i < CUSTOMERS; i++) {
          const at = now - Math.floor(random() * opts.days * 86_400_000);
          ins.order.run(`ord_b${i}`, siteId, `ext_ord_b${i}`, `cus_b${i}`, `B${i}`, 1500 + Math.floor(random() * 10_000), at, at);
          orders++;
        }
      })();

      const write = sqlite.transaction((from: number, to: number) => {
        for (let n = from; n < to; n++) {
          const id = `cv_b${n}`;
          // Start time: a random day, an hour weighted to 9–21 h.
          const day = Math.floor(random() * opts.days);
          const hour = random() < 0.85 ? 9 + Math.floor(random() * 12) : Math.floor(random() * 24);
          let t = now - (day + 1) * 86_400_000 + hour * 3_600_000 + Math.floor(random() * 3_600_000);
          const visitorActor: Actor = { kind: 'visitor' };
          const sys: Actor = { kind: 'system' };
          const botActor: Actor = { kind: 'bot' };
          const agent = pick(agentRows);
          const as = (a: AgentRef): Actor => ({ kind: 'agent', ...a });
          const steps: [number, Actor, Command[]][] = [];
          const roll = random();
          const botOn = roll < 0.7;
          steps.push([t, visitorActor, [{ type: 'start', via: random() < 0.05 ? 'proactive' : 'shopper', botOn }, { type: 'shopper_message', botOn, lastAssignee: null }]]);
          if (roll < 0.4) {
            steps.push([(t += (1 + random() * 5) * MIN), botActor, [{ type: 'resolve', by: botActor }]]);
          } else {
            if (botOn) steps.push([(t += random() * 3 * MIN), botActor, [{ type: 'handoff', reason: pick(REASONS) }]]);
            if (roll > 0.95) {
              steps.push([(t += random() * 30 * MIN), sys, [{ type: 'resolve', by: sys }]]);
            } else {
              steps.push([(t += random() * 8 * MIN), sys, [{ type: 'route', agent }]]);
              steps.push([(t += random() * 3 * MIN), as(agent), [{ type: 'agent_message', agent }]]);
              let holder = agent;
              if (random() < 0.1) {
                const other = pick(agentRows.filter((a) => a.id !== agent.id));
                steps.push([(t += random() * 5 * MIN), as(agent), [{ type: 'transfer', by: agent, to: other }]]);
                holder = other;
              }
              steps.push([(t += (2 + random() * 25) * MIN), as(holder), [{ type: 'resolve', by: as(holder) }]]);
              if (random() < 0.08) {
                steps.push([(t += random() * 600 * MIN), visitorActor, [{ type: 'shopper_message', botOn, lastAssignee: random() < 0.5 ? holder : null }]]);
                steps.push([(t += random() * 10 * MIN), sys, [{ type: 'route', agent: holder }]]);
                steps.push([(t += random() * 3 * MIN), as(holder), [{ type: 'agent_message', agent: holder }]]);
                steps.push([(t += (2 + random() * 20) * MIN), as(holder), [{ type: 'resolve', by: as(holder) }]]);
              }
            }
          }
          let state: ConversationState = NO_CONVERSATION;
          const created = steps[0]![0];
          let lastResolvedEvent: number | null = null;
          for (const step of steps) step[0] = Math.round(step[0]);
        t = Math.round(t);
        for (const [at, actor, commands] of steps) {
            for (const command of commands) {
              const d = decide(state, command, at);
              if (!d.ok) continue;
              state = d.state;
              for (const e of d.events) {
                const row = logRow(e, actor);
                if (e.type === 'created') {
                  ins.conversation.run(id, siteId, `vis_b${n % VISITORS}`, state.status, null, 0, 0, random() < 0.8 ? 'es' : 'en', null, null, null, 0, created, created);
                }
                const r = ins.event.run(siteId, id, row.type, row.actor.kind, row.actor.id, JSON.stringify(row.data), at);
                events++;
                if (row.type === 'resolved') lastResolvedEvent = Number(r.lastInsertRowid);
              }
            }
          }
          ins.state.run(state.status, state.assigneeId, state.lastAssigneeId, state.resolvedFrom, state.humanReplied ? 1 : 0, t, id);
          if (lastResolvedEvent !== null && random() < 0.3) {
            ins.rating.run(`rat_b${n}`, siteId, id, lastResolvedEvent, 1 + Math.floor(random() * 5), state.lastAssigneeId, t + MIN);
            ratings++;
          }
          // Messages: the share left spread over the conversations left, between its start and end.
          const left = opts.conversations - n;
          const count = Math.max(2, Math.round((messagesLeft / left) * (0.5 + random())));
          const take = n === opts.conversations - 1 ? messagesLeft : Math.min(count, messagesLeft);
          const span = Math.max(MIN, t - created);
          for (let s = 1; s <= take; s++) {
            const kind = random();
            const author = kind < 0.45 ? 'visitor' : kind < 0.75 ? (roll < 0.4 ? 'bot' : 'agent') : kind < 0.9 ? 'bot' : 'system';
            ins.message.run(`msg_b${n}_${s}`, siteId, id, s, author, author === 'system' ? 'system' : 'text', 'x', created + Math.floor((span * s) / (take + 1)));
          }
          messagesLeft -= take;
          ins.seqs.run(take, take, id);
        }
      });
      const CHUNK = 5000;
      for (let from = 0; from < opts.conversations; from += CHUNK) {
        write(from, Math.min(opts.conversations, from + CHUNK));
        process.stdout.write(`\r[reports bench] seeding ${Math.min(opts.conversations, from + CHUNK).toLocaleString('en')} / ${opts.conversations.toLocaleString('en')} conversations`);
      }
      sqlite.pragma('synchronous = FULL');
      sqlite.exec('ANALYZE');
      const seeded = (performance.now() - t0) / 1000;
      const counts = sqlite.prepare('SELECT (SELECT count(*) FROM conversations) AS c, (SELECT count(*) FROM messages) AS m, (SELECT count(*) FROM conversation_events) AS e').get() as {
        c: number;
        m: number;
        e: number;
      };
      console.log(
        `\n[reports bench] seeded ${counts.c.toLocaleString('en')} conversations, ${counts.m.toLocaleString('en')} messages, ${counts.e.toLocaleString('en')} events, ${ratings.toLocaleString('en')} ratings, ${orders.toLocaleString('en')} orders over ${opts.days} days in ${seeded.toFixed(1)} s`,
      );
    }

    // The rows above were written around the store: their report facts come from the event log,
    // as the migration's backfill does for an existing database.
    const missing = (sqlite.prepare('SELECT count(*) AS n FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = c.id)').get() as { n: number }).n;
    if (missing > 0) {
      const b0 = performance.now();
      const written = backfillConversationFacts(sqlite, now);
      console.log(`[reports bench] backfilled the facts of ${written.toLocaleString('en')} conversations from the event log in ${((performance.now() - b0) / 1000).toFixed(1)} s`);
      sqlite.exec('ANALYZE');
    }

    const store = new SqliteStore(opened);
    const site = (await store.sites.byPublicKey(DEMO.publicKey))!;
    const today = localDateTime('Europe/Madrid', now).date;
    const range = { from: addDays(today, -90), to: addDays(today, -1), filter: {} };
    const bounds = rangeBounds({ from: range.from, to: range.to, timeZone: 'Europe/Madrid' });
    const inRange = (await store.reports.facts(site.id, bounds.start, bounds.end, {}, [])).length;
    console.log(`[reports bench] range ${range.from} … ${range.to} (90 days, Europe/Madrid): ${inRange.toLocaleString('en')} conversations in it; best and worst of ${opts.runs} runs`);
    const results: { name: string; best: number; worst: number; rows: number }[] = [];
    const time = async (name: string, fn: () => Promise<{ rows?: unknown[] } | object>, runs = opts.runs) => {
      const times: number[] = [];
      const cpu: number[] = [];
      let rows = 0;
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        const c = process.cpuUsage();
        const out = await fn();
        times.push(performance.now() - s);
        const used = process.cpuUsage(c);
        cpu.push((used.user + used.system) / 1000);
        rows = 'rows' in out && Array.isArray(out.rows) ? out.rows.length : 1;
      }
      results.push({ name, best: Math.min(...times), worst: Math.max(...times), rows });
      // CPU time of this process next to the wall time: on a shared machine the difference is waiting for a core.
      console.log(
        `  ${name.padEnd(16)} best ${Math.min(...times).toFixed(0).padStart(5)} ms   worst ${Math.max(...times).toFixed(0).padStart(5)} ms   cpu ${Math.min(...cpu).toFixed(0).padStart(5)}–${Math.max(...cpu).toFixed(0).padStart(5)} ms   ${rows} rows`,
      );
    };
    // The first report of a process reads the facts from a cold page cache and prepares its statements.
    await time('summary (cold)', () => reportSummary(store, site, range), 1);
    await time('summary', () => reportSummary(store, site, range));
    for (const name of REPORT_NAMES) await time(name, () => report(store, site, name, range, now));
    await time('summary team', () => reportSummary(store, site, { ...range, filter: { team: 'returns' } }));
    await time('volume language', () => report(store, site, 'volume', { ...range, filter: { language: 'en' } }, now));
    global.gc?.();
    console.log(`[reports bench] heap used after the reports: ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB`);
    const slowest = Math.max(...results.map((r) => r.worst));
    const load = (await import('node:os')).loadavg()[0]!;
    console.log(`[reports bench] slowest: ${slowest.toFixed(0)} ms — goal: each under 1,000 ms: ${slowest < 1000 ? 'met' : 'NOT met'} (load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`);
    opened.close();
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
