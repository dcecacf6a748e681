/**
 * GET /metrics in Prometheus text format (prom-client): open sockets, messages stored (a counter:
 * messages/s is `rate(mostrador_messages_stored_total[1m])`), chats waiting for a person, the
 * webhook backlog, and Node's own metrics including event-loop lag. Off unless METRICS_TOKEN is
 * set; then it answers only `Authorization: Bearer <METRICS_TOKEN>` (the figures reveal traffic).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from './store/types';

export interface MetricsSources {
  store: Store;
  /** Open WebSocket connections (shoppers and agents). */
  sockets: () => number;
}

export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  new Gauge({ name: 'mostrador_websocket_connections', help: 'Open WebSocket connections (shoppers and agents)', registers: [registry], collect() {
    this.set(sources.sockets());
  } });
  let stats: Awaited<ReturnType<Store['stats']>> | null = null;
  const messages = new Counter({ name: 'mostrador_messages_stored_total', help: 'Messages stored since the database was created', registers: [registry] });
  const queued = new Gauge({ name: 'mostrador_queue_length', help: 'Conversations waiting for a person', registers: [registry] });
  const backlog = new Gauge({ name: 'mostrador_webhook_backlog', help: 'Webhook deliveries not yet delivered (pending or retrying)', registers: [registry] });
  let counted = 0;
  return {
    contentType: registry.contentType,
    async render(): Promise<string> {
      stats = await sources.store.stats();
      if (stats.messagesStored > counted) {
        messages.inc(stats.messagesStored - counted);
        counted = stats.messagesStored;
      }
      queued.set(stats.queuedConversations);
      backlog.set(stats.webhookBacklog);
      return registry.metrics();
    },
    stop(): void {
      registry.clear();
    },
  };
}

/** True when the request carries the metrics token (constant-time). */
export function metricsAuthorized(c: Context, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
