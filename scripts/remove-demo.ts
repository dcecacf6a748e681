/**
 * Removes the demo shop (site `pk_demo`, its agents, keys, customers, orders and chats) from the
 * database in DATA_DIR, so a data folder where the quick start ran can serve a real shop.
 *
 *   DATA_DIR=/var/lib/mostrador npm run demo:remove
 *
 * Stop the server first. Prints what it removed; does nothing when there is no demo data.
 */
import { loadConfig } from '../server/config';
import { openDb } from '../server/store/db';
import { hasDemo, removeDemo } from '../server/store/demo-data';
import { DEMO } from '../server/store/seed';

const config = loadConfig();
if (config.databaseUrl) {
  console.error('demo:remove works on the SQLite data folder; with DATABASE_URL (PostgreSQL), use a new database or schema (DATABASE_SCHEMA) for your shop.');
  process.exit(2);
}
const { sqlite, close } = openDb(config.dataDir);
try {
  const removed = removeDemo(sqlite);
  if (!hasDemo(removed)) console.log(`No demo data in ${config.dataDir}.`);
  else {
    const parts = [removed.siteId ? `the demo site (${DEMO.publicKey}) with its data` : '', removed.agents.length ? `agents ${removed.agents.join(', ')}` : ''].filter(Boolean);
    console.log(`Removed ${parts.join(' and ')} from ${config.dataDir}.`);
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  close();
}
