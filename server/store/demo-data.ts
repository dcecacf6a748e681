/**
 * Demo and production never mix: finds the demo shop's site, agents and keys in a database, and
 * removes them (every row of every table that belongs to the demo site). Used by the server
 * started with SEED_DEMO=0 (it refuses to start while they exist), by `npm run demo:remove` and
 * by `npm run admin:create -- --remove-demo`.
 */
import type Database from 'better-sqlite3';
import { DEMO } from './seed';

/** The command an operator runs to remove the demo data (named in refusals). */
export const REMOVE_DEMO_COMMAND = 'npm run demo:remove';

export interface DemoPresence {
  /** The demo site's id, when the demo site exists. */
  siteId: string | null;
  /** Emails of demo agents (the demo site's, or any agent with a demo email) that exist. */
  agents: string[];
  /** The demo's public or secret key is in use. */
  keys: boolean;
}

/** What of the demo is present in this database. */
export function findDemo(sqlite: Database.Database): DemoPresence {
  const site = sqlite.prepare('SELECT id FROM sites WHERE public_key = ? OR secret_key = ?').get(DEMO.publicKey, DEMO.secretKey) as { id: string } | undefined;
  const emails = DEMO.agents.map((a) => a.email);
  const agents = sqlite
    .prepare(`SELECT email FROM agents WHERE site_id = ? OR email IN (${emails.map(() => '?').join(',')}) ORDER BY email`)
    .all(site?.id ?? '', ...emails) as { email: string }[];
  return { siteId: site?.id ?? null, agents: agents.map((a) => a.email), keys: site !== undefined };
}

/** True when anything of the demo is in the database. */
export function hasDemo(presence: DemoPresence): boolean {
  return presence.siteId !== null || presence.agents.length > 0 || presence.keys;
}

/** One sentence for an operator: what demo data is there and how to remove it. */
export function demoRefusal(presence: DemoPresence): string {
  const what = [presence.siteId ? `the demo site (${DEMO.publicKey}, secret key ${DEMO.secretKey.slice(0, 5)}…)` : '', presence.agents.length ? `demo agents (${presence.agents.join(', ')})` : '']
    .filter(Boolean)
    .join(' and ');
  return `This data folder holds ${what}, whose passwords and keys are public. Remove them with \`${REMOVE_DEMO_COMMAND}\` (same DATA_DIR), or use a new data folder.`;
}

/**
 * Deletes the demo site with every row that belongs to it (all tables with a `site_id`), and
 * demo-email agents of other sites with their sessions, in one transaction. Returns what it removed.
 */
export function removeDemo(sqlite: Database.Database): DemoPresence {
  const presence = findDemo(sqlite);
  if (!hasDemo(presence)) return presence;
  const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as { name: string }[])
    .map((t) => t.name)
    .filter((name) => (sqlite.pragma(`table_info("${name}")`) as { name: string }[]).some((c) => c.name === 'site_id'));
  const emails = DEMO.agents.map((a) => a.email);
  // Foreign keys are checked once at the end instead of ordering deletes by dependency.
  sqlite.pragma('foreign_keys = OFF');
  try {
    sqlite.transaction(() => {
      const strays = sqlite.prepare(`SELECT id FROM agents WHERE email IN (${emails.map(() => '?').join(',')})`).all(...emails) as { id: string }[];
      for (const { id } of strays) {
        if (tables.includes('agent_sessions')) sqlite.prepare('DELETE FROM agent_sessions WHERE agent_id = ?').run(id);
        sqlite.prepare('UPDATE conversations SET assignee_id = NULL WHERE assignee_id = ?').run(id);
        sqlite.prepare('DELETE FROM agents WHERE id = ?').run(id);
      }
      if (presence.siteId) {
        for (const table of tables) sqlite.prepare(`DELETE FROM "${table}" WHERE site_id = ?`).run(presence.siteId);
        sqlite.prepare('DELETE FROM sites WHERE id = ?').run(presence.siteId);
      }
      const dangling = sqlite.pragma('foreign_key_check') as unknown[];
      if (dangling.length > 0) throw new Error(`removing the demo would leave ${dangling.length} dangling rows: ${JSON.stringify(dangling.slice(0, 3))}`);
    })();
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
  return presence;
}
