/** DATABASE_URL chooses the store: unset is SQLite in DATA_DIR; a postgres:// URL is PostgreSQL; anything else is refused at start. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { isPgUnavailable } from '../../server/store/pg/pg-store';

describe('DATABASE_URL', () => {
  it('is empty by default: SQLite, nothing else needed', () => {
    expect(loadConfig({}).databaseUrl).toBe('');
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBe('');
  });

  it('takes postgres:// and postgresql:// URLs, with an optional schema', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/mostrador' }).databaseUrl).toBe('postgres://u:p@db:5432/mostrador');
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/m', DATABASE_SCHEMA: 'chat_1' })).toMatchObject({ databaseUrl: 'postgresql://db/m', databaseSchema: 'chat_1' });
  });

  it('refuses other databases and odd schema names at start', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/m' })).toThrow(/postgres:\/\//);
    expect(() => loadConfig({ DATABASE_URL: './data/mostrador.db' })).toThrow(/postgres:\/\//);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/m', DATABASE_SCHEMA: 'x"; DROP' })).toThrow(/DATABASE_SCHEMA/);
  });
});

describe('PostgreSQL errors that mean "try again later"', () => {
  it('are connection failures and server shutdowns, not bad rows', () => {
    expect(isPgUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isPgUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // drizzle wraps the driver's error: the code is on its cause.
    expect(isPgUnavailable(Object.assign(new Error('Failed query: …'), { cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }) }))).toBe(true);
    expect(isPgUnavailable(Object.assign(new Error('Failed query: …'), { cause: Object.assign(new Error('too many connections'), { code: '53300' }) }))).toBe(true);
    expect(isPgUnavailable(Object.assign(new Error('Failed query: …'), { cause: Object.assign(new Error('duplicate key'), { code: '23505' }) }))).toBe(false);
    expect(isPgUnavailable(new Error('boom'))).toBe(false);
  });
});

describe('REDIS_URL', () => {
  it('joins nodes on PostgreSQL; refuses a non-redis URL and SQLite (one process)', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: '', redisPrefix: 'mostrador:' });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/m', REDIS_URL: 'redis://cache:6379/2', REDIS_PREFIX: 'tienda:' })).toMatchObject({ redisUrl: 'redis://cache:6379/2', redisPrefix: 'tienda:' });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/m', REDIS_URL: 'rediss://cache:6380' })).toMatchObject({ redisUrl: 'rediss://cache:6380' });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/m', REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: 'redis://cache:6379' })).toThrow(/DATABASE_URL/);
  });
});
