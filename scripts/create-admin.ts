/**
 * Creates the first admin agent (and, when the database has no site yet, the site).
 *
 *   npm run admin:create -- --email you@shop.example --name "Your Name" \
 *     [--site-name "My Shop"] [--origin https://shop.example]... [--site-key pk_…] [--remove-demo]
 *
 * The password is read from MOSTRADOR_ADMIN_PASSWORD or asked for on the terminal; it is never
 * taken from the command line (it would land in shell history and `ps`). Without either it fails
 * (exit 2) and creates nothing. Uses DATA_DIR, or the PostgreSQL database of DATABASE_URL
 * (and DATABASE_SCHEMA) when it is set.
 *
 * A data folder holding the demo shop is refused (its agents' passwords and keys are public)
 * unless `--remove-demo` is given, which deletes the demo site with all its data first (SQLite;
 * on PostgreSQL a database holding the demo is refused: use a new database or schema).
 * With an existing site, `--site-name` renames it and `--origin` adds to its allowed origins.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { and, eq } from 'drizzle-orm';
import * as v from 'valibot';
import { hashPassword } from '../server/auth';
import { loadConfig } from '../server/config';
import { isValidOriginPattern } from '../server/domain/origins';
import { hashToken, newId, newToken } from '../server/ids';
import type { Config } from '../server/config';
import { openDb } from '../server/store/db';
import * as t from '../server/store/schema';
import * as pgt from '../server/store/pg/schema';
import { openPg } from '../server/store/pg/db';
import { findDemoPg } from '../server/store/pg/seed';
import { demoRefusal, findDemo, hasDemo, removeDemo, type DemoPresence } from '../server/store/demo-data';
import { DEMO } from '../server/store/seed';

type SiteRow = typeof t.sites.$inferSelect;

/** What this command reads and writes, on SQLite (DATA_DIR) or PostgreSQL (DATABASE_URL). */
interface AdminDb {
  demo(): Promise<DemoPresence>;
  /** Deletes the demo site and its data; a refusal where that is not offered. */
  removeDemo(): Promise<void>;
  sites(): Promise<SiteRow[]>;
  agentExists(siteId: string, email: string): Promise<boolean>;
  insertSite(site: SiteRow): Promise<void>;
  updateSite(id: string, patch: { name: string; allowedOrigins: string[] }): Promise<void>;
  insertAgent(agent: typeof t.agents.$inferInsert): Promise<void>;
  close(): Promise<void>;
}

async function openAdminDb(config: Config): Promise<AdminDb> {
  if (config.databaseUrl) {
    const { db, close } = await openPg(config.databaseUrl, config.databaseSchema ? { schema: config.databaseSchema, max: 2 } : { max: 2 });
    return {
      demo: () => findDemoPg(db),
      removeDemo: async () => {
        throw new Refusal('This PostgreSQL database holds the demo shop, whose passwords and keys are public: use a new database (or schema, DATABASE_SCHEMA) for your shop.');
      },
      sites: () => db.select().from(pgt.sites),
      agentExists: async (siteId, email) => (await db.select({ id: pgt.agents.id }).from(pgt.agents).where(and(eq(pgt.agents.siteId, siteId), eq(pgt.agents.email, email)))).length > 0,
      insertSite: async (site) => void (await db.insert(pgt.sites).values(site)),
      updateSite: async (id, patch) => void (await db.update(pgt.sites).set(patch).where(eq(pgt.sites.id, id))),
      insertAgent: async (agent) => void (await db.insert(pgt.agents).values(agent)),
      close,
    };
  }
  const { db, sqlite, close } = openDb(config.dataDir);
  return {
    demo: async () => findDemo(sqlite),
    removeDemo: async () => void removeDemo(sqlite),
    sites: async () => db.select().from(t.sites).all(),
    agentExists: async (siteId, email) => db.select().from(t.agents).where(and(eq(t.agents.siteId, siteId), eq(t.agents.email, email))).get() !== undefined,
    insertSite: async (site) => void db.insert(t.sites).values(site).run(),
    updateSite: async (id, patch) => void db.update(t.sites).set(patch).where(eq(t.sites.id, id)).run(),
    insertAgent: async (agent) => void db.insert(t.agents).values(agent).run(),
    close: async () => close(),
  };
}

/** Thrown when the command must stop: printed without a stack, exits with `code`. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

/**
 * MOSTRADOR_ADMIN_PASSWORD, or asked on the terminal without echo. No terminal and no variable,
 * or the terminal closed before an answer: a refusal, never a silent exit that creates nothing.
 */
async function askPassword(): Promise<string> {
  if (process.env.MOSTRADOR_ADMIN_PASSWORD) return process.env.MOSTRADOR_ADMIN_PASSWORD;
  if (!process.stdin.isTTY) {
    throw new Refusal('No terminal to ask for the password: set MOSTRADOR_ADMIN_PASSWORD (e.g. from a secrets file) or run this in a terminal.', 2);
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  process.stdout.write('Password (12+ characters): ');
  muted = true;
  const password = await new Promise<string | null>((resolve) => {
    rl.question('', resolve);
    rl.once('close', () => resolve(null));
  });
  rl.close();
  process.stdout.write('\n');
  if (password === null) throw new Refusal('No password was entered; nothing was created.', 2);
  return password;
}

const USAGE =
  'Usage: npm run admin:create -- --email you@shop.example --name "Your Name" [--site-name "My Shop"] [--origin https://shop.example]... [--site-key pk_…] [--remove-demo]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'site-name': { type: 'string' },
      'site-key': { type: 'string' },
      origin: { type: 'string', multiple: true },
      'remove-demo': { type: 'boolean' },
    },
  });
  const email = values.email?.trim().toLowerCase();
  const name = values.name?.trim();
  // The same rule as the console's sign-in form, so the admin can sign in with it.
  if (!email || !v.is(v.pipe(v.string(), v.email(), v.maxLength(254)), email) || !name) throw new Refusal(USAGE, 2);
  const siteName = values['site-name']?.trim();
  if (siteName !== undefined && (siteName.length < 1 || siteName.length > 100)) throw new Refusal('--site-name must be 1–100 characters.', 2);
  const origins = (values.origin ?? []).map((o) => o.trim());
  const bad = origins.filter((o) => !isValidOriginPattern(o));
  if (bad.length) throw new Refusal(`Not a valid origin: ${bad.join(', ')} (expected e.g. https://shop.example or http://localhost:*)`, 2);

  const config = loadConfig();
  const db = await openAdminDb(config);
  try {
    // Refuse before asking for a password: nothing to type if the answer is no.
    const demo = await db.demo();
    if (hasDemo(demo) && config.databaseUrl) await db.removeDemo();
    if (hasDemo(demo) && !values['remove-demo']) {
      throw new Refusal(`${demoRefusal(demo)} Or run this command again with --remove-demo to remove them first.`);
    }
    // An email is unique per site (the same person may work for several shops): refuse a
    // duplicate on the site the admin is for (the demo shop, if any, is about to go).
    const kept = (await db.sites()).filter((x) => !(hasDemo(demo) && x.publicKey === DEMO.publicKey));
    const target = values['site-key'] ? kept.find((x) => x.publicKey === values['site-key']) : kept.length === 1 ? kept[0] : undefined;
    if (target && (await db.agentExists(target.id, email))) {
      throw new Refusal(`An agent with email ${email} already exists on "${target.name}".`);
    }
    const password = await askPassword();
    if (password.length < 12) throw new Refusal('The password must have at least 12 characters.', 2);

    if (hasDemo(demo)) {
      await db.removeDemo();
      console.log(`Removed the demo shop (${DEMO.publicKey}) and its agents${demo.agents.length ? ` (${demo.agents.join(', ')})` : ''}.`);
    }
    const sites = await db.sites();
    let site = values['site-key'] ? sites.find((s) => s.publicKey === values['site-key']) : sites.length === 1 ? sites[0] : undefined;
    if (values['site-key'] && !site) throw new Refusal(`No site with public key ${values['site-key']}.`);
    if (!site && sites.length > 1) throw new Refusal(`There are ${sites.length} sites; choose one with --site-key (${sites.map((s) => s.publicKey).join(', ')}).`);
    const now = Date.now();
    let createdKeys: { publicKey: string; secretKey: string } | null = null;
    if (!site) {
      createdKeys = { publicKey: `pk_${newToken(12)}`, secretKey: `sk_${newToken(32)}` };
      site = {
        id: newId('site'),
        name: siteName ?? 'My shop',
        publicKey: createdKeys.publicKey,
        secretKey: createdKeys.secretKey,
        secretKeyHash: hashToken(createdKeys.secretKey),
        allowedOrigins: [...new Set(origins)],
        settings: {},
        createdAt: now,
        previousSecretKey: null,
        previousSecretKeyHash: null,
        previousSecretExpiresAt: null,
        secretRotatedAt: null,
      };
      await db.insertSite(site);
    } else if (siteName !== undefined || origins.length > 0) {
      // The flags are honoured for an existing site too, never silently dropped.
      const allowedOrigins = [...new Set([...site.allowedOrigins, ...origins])];
      const renamed = siteName ?? site.name;
      await db.updateSite(site.id, { name: renamed, allowedOrigins });
      if (siteName !== undefined && siteName !== site.name) console.log(`Site renamed from "${site.name}" to "${renamed}".`);
      const added = allowedOrigins.filter((o) => !site!.allowedOrigins.includes(o));
      if (added.length) console.log(`Allowed origins added: ${added.join(', ')}.`);
      site = { ...site, name: renamed, allowedOrigins };
    }
    await db.insertAgent({ id: newId('ag'), siteId: site.id, email, name, role: 'admin', passwordHash: await hashPassword(password), createdAt: now });
    console.log(`Admin ${email} created for site "${site.name}".`);
    if (createdKeys) {
      console.log(`New site keys — the secret key is shown only now, keep it safe:`);
      console.log(`  public key (the embed snippet): ${createdKeys.publicKey}`);
      console.log(`  secret key (REST API, identity hashes): ${createdKeys.secretKey}`);
    } else {
      console.log(`  public key (the embed snippet): ${site.publicKey}`);
      console.log('  secret key: unchanged; an admin can rotate it in the console (Settings → API key).');
    }
    if (site.allowedOrigins.length === 0) console.log('No allowed origins yet: add your shop with --origin, or in the console (Settings → Embed).');
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof Refusal) {
    console.error(err.message);
    process.exit(err.code);
  }
  console.error(err);
  process.exit(1);
});
