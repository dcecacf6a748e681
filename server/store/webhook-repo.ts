/** Webhook subscriptions and their persisted delivery queue (survives restarts). */
import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import { newId } from '../ids';
import type { Db } from './db';
import * as t from './schema';
import type { DeliveryRecord, DueDelivery, WebhookEvent, WebhookRecord } from './types';

export function toWebhook(row: typeof t.webhooks.$inferSelect): WebhookRecord {
  return { id: row.id, siteId: row.siteId, url: row.url, events: row.events as WebhookEvent[], createdAt: row.createdAt };
}

export function toDelivery(row: typeof t.webhookDeliveries.$inferSelect): DeliveryRecord {
  return {
    id: row.id,
    siteId: row.siteId,
    webhookId: row.webhookId,
    event: row.event,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
  };
}

/** The exact JSON a delivery sends (and signs). */
export function deliveryBody(id: string, event: WebhookEvent, body: object, now: number): string {
  return JSON.stringify({ id, type: event, createdAt: new Date(now).toISOString(), data: body });
}

export class WebhookRepo {
  /** Sites known to have no webhooks skip the enqueue query on the message hot path. */
  private readonly sitesWithout = new Set<string>();

  constructor(private readonly db: Db) {}

  create(siteId: string, input: { url: string; events: WebhookEvent[]; secret: string }, now: number): WebhookRecord {
    const row = this.db
      .insert(t.webhooks)
      .values({ id: newId('wh'), siteId, url: input.url, events: input.events, secret: input.secret, createdAt: now })
      .returning()
      .get();
    this.sitesWithout.delete(siteId);
    return toWebhook(row);
  }

  list(siteId: string): WebhookRecord[] {
    return this.db.select().from(t.webhooks).where(eq(t.webhooks.siteId, siteId)).orderBy(asc(t.webhooks.createdAt)).all().map(toWebhook);
  }

  delete(siteId: string, id: string): boolean {
    return this.db.transaction(() => {
      const hook = this.db.select({ id: t.webhooks.id }).from(t.webhooks).where(and(eq(t.webhooks.siteId, siteId), eq(t.webhooks.id, id))).get();
      if (!hook) return false;
      this.db.delete(t.webhookDeliveries).where(eq(t.webhookDeliveries.webhookId, id)).run();
      this.db.delete(t.webhooks).where(eq(t.webhooks.id, id)).run();
      return true;
    });
  }

  /** True when the site certainly has no webhooks (the common case: nothing to queue). */
  knownEmpty(siteId: string): boolean {
    return this.sitesWithout.has(siteId);
  }

  enqueue(siteId: string, event: WebhookEvent, body: object, now: number): number {
    if (this.sitesWithout.has(siteId)) return 0;
    const hooks = this.db.select().from(t.webhooks).where(eq(t.webhooks.siteId, siteId)).all();
    if (hooks.length === 0) {
      this.sitesWithout.add(siteId);
      return 0;
    }
    const targets = hooks.filter((h) => (h.events as string[]).includes(event));
    if (targets.length === 0) return 0;
    // Runs inside the store's batched write transaction (see SqliteStore.flush).
    {
      for (const hook of targets) {
        const id = newId('dlv');
        const json = deliveryBody(id, event, body, now);
        this.db
          .insert(t.webhookDeliveries)
          .values({ id, siteId, webhookId: hook.id, event, body: json, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now })
          .run();
      }
    }
    return targets.length;
  }

  due(now: number, limit: number): DueDelivery[] {
    return this.db
      .select({ delivery: t.webhookDeliveries, url: t.webhooks.url, secret: t.webhooks.secret })
      .from(t.webhookDeliveries)
      .innerJoin(t.webhooks, eq(t.webhooks.id, t.webhookDeliveries.webhookId))
      .where(and(eq(t.webhookDeliveries.status, 'pending'), lte(t.webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(t.webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .all()
      .map((r) => ({ ...toDelivery(r.delivery), url: r.url, secret: r.secret }));
  }

  recordAttempt(
    id: string,
    outcome: { delivered: boolean; statusCode: number | null; error: string | null; nextAttemptAt: number | null },
    now: number,
  ): void {
    this.db
      .update(t.webhookDeliveries)
      .set({
        attempts: sql`${t.webhookDeliveries.attempts} + 1`,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        ...(outcome.delivered
          ? { status: 'delivered' as const, deliveredAt: now }
          : outcome.nextAttemptAt === null
            ? { status: 'failed' as const }
            : { nextAttemptAt: outcome.nextAttemptAt }),
      })
      .where(eq(t.webhookDeliveries.id, id))
      .run();
  }

  deliveries(siteId: string, webhookId: string, limit: number): DeliveryRecord[] {
    return this.db
      .select()
      .from(t.webhookDeliveries)
      .where(and(eq(t.webhookDeliveries.siteId, siteId), eq(t.webhookDeliveries.webhookId, webhookId)))
      .orderBy(desc(t.webhookDeliveries.createdAt))
      .limit(limit)
      .all()
      .map(toDelivery);
  }
}
