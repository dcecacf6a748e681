/**
 * Creates the first admin agent (and, when the database has no site yet, the site).
 *
 *   npm run admin:create -- --email you@shop.example --name "Your Name" \
 *     [--site-name "My Shop"] [--origin https://shop.example]... [--site-key pk_…]
 *
 * The password is read from MOSTRADOR_ADMIN_PASSWORD or asked for on the terminal; it is never
 * taken from the command line (it would land in shell history and `ps`). Uses DATA_DIR.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { hashPassword } from '../server/auth';
import { loadConfig } from '../server/config';
import { isValidOriginPattern } from '../server/domain/origins';
import { hashToken, newId, newToken } from '../server/ids';
import { openDb } from '../server/store/db';
import * as t from '../server/store/schema';

async function askPassword(): Promise<string> {
  if (process.env.MOSTRADOR_ADMIN_PASSWORD) return process.env.MOSTRADOR_ADMIN_PASSWORD;
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY ?? false });
  process.stdout.write('Password (12+ characters): ');
  muted = true;
  const password = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return password;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'site-name': { type: 'string' },
      'site-key': { type: 'string' },
      origin: { type: 'string', multiple: true },
    },
  });
  const email = values.email?.trim().toLowerCase();
  const name = values.name?.trim();
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email) || !name) {
    console.error('Usage: npm run admin:create -- --email you@shop.example --name "Your Name" [--site-name "My Shop"] [--origin https://shop.example] [--site-key pk_…]');
    process.exit(2);
  }
  const origins = values.origin ?? [];
  const bad = origins.filter((o) => !isValidOriginPattern(o));
  if (bad.length) {
    console.error(`Not a valid origin: ${bad.join(', ')} (expected e.g. https://shop.example or http://localhost:*)`);
    process.exit(2);
  }
  const password = await askPassword();
  if (password.length < 12) {
    console.error('The password must have at least 12 characters.');
    process.exit(2);
  }

  const config = loadConfig();
  const { db, close } = openDb(config.dataDir);
  try {
    const sites = db.select().from(t.sites).all();
    let site = values['site-key'] ? sites.find((s) => s.publicKey === values['site-key']) : sites.length === 1 ? sites[0] : undefined;
    if (values['site-key'] && !site) {
      console.error(`No site with public key ${values['site-key']}.`);
      process.exit(1);
    }
    if (!site && sites.length > 1) {
      console.error(`There are ${sites.length} sites; choose one with --site-key (${sites.map((s) => s.publicKey).join(', ')}).`);
      process.exit(1);
    }
    // An email is unique per site (the same person may work for several shops).
    if (site && db.select().from(t.agents).where(and(eq(t.agents.siteId, site.id), eq(t.agents.email, email))).get()) {
      console.error(`An agent with email ${email} already exists on ${site.name}.`);
      process.exit(1);
    }
    const now = Date.now();
    let createdKeys: { publicKey: string; secretKey: string } | null = null;
    if (!site) {
      createdKeys = { publicKey: `pk_${newToken(12)}`, secretKey: `sk_${newToken(32)}` };
      site = {
        id: newId('site'),
        name: values['site-name'] ?? 'My shop',
        publicKey: createdKeys.publicKey,
        secretKey: createdKeys.secretKey,
        secretKeyHash: hashToken(createdKeys.secretKey),
        allowedOrigins: origins,
        settings: {},
        createdAt: now,
      };
      db.insert(t.sites).values(site).run();
    }
    db.insert(t.agents)
      .values({ id: newId('ag'), siteId: site.id, email, name, role: 'admin', passwordHash: await hashPassword(password), createdAt: now })
      .run();
    console.log(`Admin ${email} created for site "${site.name}" (${site.publicKey}).`);
    if (createdKeys) {
      console.log(`New site keys — the secret key is shown only now, keep it safe:`);
      console.log(`  public key: ${createdKeys.publicKey}`);
      console.log(`  secret key: ${createdKeys.secretKey}`);
      if (origins.length === 0) console.log('No allowed origins yet: add your shop with --origin when creating, or in settings.');
    }
  } finally {
    close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
