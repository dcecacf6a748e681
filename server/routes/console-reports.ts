/**
 * The console's reports, for admins and supervisors (signed-in session): the same figures as
 * GET /api/v1/reports/… (docs/reports.md), as JSON or CSV.
 */
import { Hono } from 'hono';
import * as v from 'valibot';
import { agentFromRequest } from '../auth';
import { problem } from '../http';
import { report, reportSummary, reportTimeZone } from '../app/reports';
import { localDateTime } from '../domain/hours';
import { siteTeams } from '../domain/teams';
import { DEFAULT_CAPACITY } from '../domain/routing';
import { REPORT_NAMES, toCsv, type ReportName } from '../domain/reports';
import type { AgentRecord, Store } from '../store/types';
import { ReportQuery } from './api-v1/schemas';
import { normaliseTag } from '../../shared/tags';

export function consoleReportRoutes(deps: { store: Store; now: () => number }) {
  const app = new Hono<{ Variables: { agent: AgentRecord } }>();
  app.use('*', async (c, next) => {
    const agent = await agentFromRequest(c, deps.store, deps.now());
    if (!agent) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    if (agent.role !== 'admin' && agent.role !== 'supervisor') return problem(c, 403, 'admins and supervisors only', { code: 'forbidden' });
    c.set('agent', agent);
    c.header('Cache-Control', 'no-store');
    return next();
  });

  const request = (query: Record<string, string>) => {
    const parsed = v.safeParse(ReportQuery, query);
    if (!parsed.success) return null;
    const q = parsed.output;
    return { q, req: { from: q.from, to: q.to, filter: { team: q.team, agentId: q.agent, channel: q.channel, language: q.language, tag: q.tag === undefined ? undefined : normaliseTag(q.tag) } } };
  };

  app.get('/summary', async (c) => {
    const r = request(c.req.query());
    if (!r) return problem(c, 422, 'the range is not valid (from, to: YYYY-MM-DD, at most 367 days)', { code: 'validation_failed' });
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    if (!site) return problem(c, 404, 'no such site', { code: 'not_found' });
    return c.json(await reportSummary(deps.store, site, r.req));
  });

  // What the page's filters offer: the site's zone and today in it (the default range), its agents
  // (with their capacity: the supervisor view's load against it) and teams.
  app.get('/options', async (c) => {
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    if (!site) return problem(c, 404, 'no such site', { code: 'not_found' });
    const agents = await deps.store.agents.list(site.id);
    const timeZone = reportTimeZone(site);
    const routing = site.settings.routing as { defaultCapacity?: unknown } | undefined;
    const fallback = typeof routing?.defaultCapacity === 'number' ? routing.defaultCapacity : DEFAULT_CAPACITY;
    return c.json({
      timeZone,
      today: localDateTime(timeZone, deps.now()).date,
      agents: agents.map((a) => ({ id: a.id, name: a.name, capacity: a.capacity ?? fallback, disabled: a.disabled })).sort((x, y) => x.name.localeCompare(y.name)),
      teams: siteTeams(agents, site.settings.teams ?? []),
      channels: ['chat', 'email'],
      languages: ['es', 'en'],
    });
  });

  app.get('/:name', async (c) => {
    const name = c.req.param('name');
    if (!(REPORT_NAMES as readonly string[]).includes(name)) return problem(c, 404, 'no such report', { code: 'not_found' });
    const r = request(c.req.query());
    if (!r) return problem(c, 422, 'the range is not valid (from, to: YYYY-MM-DD, at most 367 days)', { code: 'validation_failed' });
    const site = await deps.store.sites.byId(c.get('agent').siteId);
    if (!site) return problem(c, 404, 'no such site', { code: 'not_found' });
    const table = await report(deps.store, site, name as ReportName, r.req, deps.now());
    if (r.q.format === 'csv') {
      return c.body(toCsv(table), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}-${r.q.from}-${r.q.to}.csv"` });
    }
    return c.json(table);
  });
  return app;
}
