/**
 * The demo data on PostgreSQL: the same rows as the SQLite seed (server/store/seed.ts), and the
 * same check that a production server (SEED_DEMO=0) holds none of the demo's public keys and
 * passwords. Several nodes starting at once seed once (the site's unique public key decides).
 */
import { eq, inArray, or } from 'drizzle-orm';
import { hashPassword } from '../../auth';
import type { DemoPresence } from '../demo-data';
import { DEMO, demoRows } from '../seed';
import type { PgDb } from './db';
import * as t from './schema';

/** Creates the demo site and its data if it does not exist yet. Returns the site id. */
export async function seedDemoPg(db: PgDb, now: number): Promise<string> {
  const existing = async () => (await db.select({ id: t.sites.id }).from(t.sites).where(eq(t.sites.publicKey, DEMO.publicKey)))[0]?.id ?? null;
  const found = await existing();
  if (found) return found;
  const rows = demoRows(now, await hashPassword(DEMO.password));
  const created = await db.transaction(async (tx) => {
    const inserted = await tx.insert(t.sites).values(rows.site).onConflictDoNothing().returning({ id: t.sites.id });
    if (inserted.length === 0) return false; // another node seeded it meanwhile
    await tx.insert(t.agents).values(rows.agents);
    await tx.insert(t.customers).values(rows.customers);
    await tx.insert(t.orders).values(rows.orders);
    if (rows.shipments.length > 0) await tx.insert(t.shipments).values(rows.shipments);
    return true;
  });
  return created ? rows.siteId : ((await existing()) ?? rows.siteId);
}

/** What of the demo is present in this database (see demo-data.ts findDemo). */
export async function findDemoPg(db: PgDb): Promise<DemoPresence> {
  const [site] = await db
    .select({ id: t.sites.id })
    .from(t.sites)
    .where(or(eq(t.sites.publicKey, DEMO.publicKey), eq(t.sites.secretKey, DEMO.secretKey)));
  const emails = DEMO.agents.map((a) => a.email);
  const agents = await db
    .select({ email: t.agents.email })
    .from(t.agents)
    .where(or(eq(t.agents.siteId, site?.id ?? ''), inArray(t.agents.email, emails)))
    .orderBy(t.agents.email);
  return { siteId: site?.id ?? null, agents: agents.map((a) => a.email), keys: site !== undefined };
}
