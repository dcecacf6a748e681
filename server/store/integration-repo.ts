/** Connected shop platforms: their settings, sealed secrets, last event/error, import progress and received delivery ids. */
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from './db';
import * as t from './schema';
import type { ImportState, IntegrationPlatform, IntegrationRecord } from './types';

type Row = typeof t.integrations.$inferSelect;

/** Delivery ids are remembered this long: platforms retry for at most 48 h (Shopify), so a week is ample. */
export const DELIVERY_TTL_MS = 7 * 24 * 3600_000;

export function toRecord(row: Row): IntegrationRecord {
  return {
    siteId: row.siteId,
    platform: row.platform,
    settings: row.settings,
    sealedSecrets: row.secrets,
    secretNames: row.secretNames,
    lastEventAt: row.lastEventAt,
    lastEventTopic: row.lastEventTopic,
    lastErrorAt: row.lastErrorAt,
    lastError: row.lastError,
    importState: (row.importState as ImportState | null) ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export class IntegrationRepo {
  constructor(private readonly db: Db) {}

  private where(siteId: string, platform: IntegrationPlatform) {
    return and(eq(t.integrations.siteId, siteId), eq(t.integrations.platform, platform));
  }

  get(siteId: string, platform: IntegrationPlatform): IntegrationRecord | null {
    const row = this.db.select().from(t.integrations).where(this.where(siteId, platform)).get();
    return row ? toRecord(row) : null;
  }

  list(siteId: string): IntegrationRecord[] {
    return this.db.select().from(t.integrations).where(eq(t.integrations.siteId, siteId)).all().map(toRecord);
  }

  save(siteId: string, platform: IntegrationPlatform, input: { settings: Record<string, string>; sealedSecrets: string; secretNames: string[] }, now: number): IntegrationRecord {
    const values = { settings: input.settings, secrets: input.sealedSecrets, secretNames: input.secretNames, updatedAt: now };
    const row = this.db
      .insert(t.integrations)
      .values({ siteId, platform, createdAt: now, ...values })
      .onConflictDoUpdate({ target: [t.integrations.siteId, t.integrations.platform], set: values })
      .returning()
      .get();
    return toRecord(row);
  }

  note(siteId: string, platform: IntegrationPlatform, what: { topic: string } | { error: string }, now: number): void {
    const set = 'topic' in what ? { lastEventAt: now, lastEventTopic: what.topic.slice(0, 100) } : { lastErrorAt: now, lastError: what.error.slice(0, 500) };
    this.db.update(t.integrations).set(set).where(this.where(siteId, platform)).run();
  }

  claimDelivery(siteId: string, platform: IntegrationPlatform, deliveryId: string, now: number): boolean {
    // Old ids are forgotten lazily, a few at a time.
    this.db.delete(t.integrationDeliveries).where(lt(t.integrationDeliveries.receivedAt, now - DELIVERY_TTL_MS)).run();
    const inserted = this.db.insert(t.integrationDeliveries).values({ siteId, platform, deliveryId, receivedAt: now }).onConflictDoNothing().run();
    return inserted.changes === 1;
  }

  releaseDelivery(siteId: string, platform: IntegrationPlatform, deliveryId: string): void {
    this.db
      .delete(t.integrationDeliveries)
      .where(and(eq(t.integrationDeliveries.siteId, siteId), eq(t.integrationDeliveries.platform, platform), eq(t.integrationDeliveries.deliveryId, deliveryId)))
      .run();
  }

  setImport(siteId: string, platform: IntegrationPlatform, state: ImportState, now: number): void {
    this.db.update(t.integrations).set({ importState: state as unknown as Record<string, unknown>, updatedAt: now }).where(this.where(siteId, platform)).run();
  }
}
