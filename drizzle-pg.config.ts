import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL store's migrations (DATABASE_URL=postgres://…): `npm run db:generate:pg`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/store/pg/schema.ts',
  out: './server/store/migrations-pg',
});
