/**
 * Delivers queued webhook events: signed with HMAC-SHA256 over "timestamp.body", retried with
 * exponential backoff from the persisted queue (a restart loses nothing), given up after
 * MAX_ATTEMPTS. Runs in the server process; one tick at a time.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../logger';
import type { DueDelivery, Store } from '../store/types';
import { DELIVERY_ERRORS, publicDeliveryError, safeRequest } from './safe-request';

export const MAX_ATTEMPTS = 10;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` — see docs/webhooks.md. */
export function signatureHeader(secret: string, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
  return `t=${timestampSec},v1=${mac}`;
}

/** Delay before retry number `attempt` (1-based): 10 s, 20 s, 40 s … capped at 6 h. */
export function retryDelayMs(attempt: number): number {
  return Math.min(6 * 60 * 60 * 1000, 10_000 * 2 ** Math.max(0, attempt - 1));
}

export interface DispatcherOptions {
  store: Store;
  logger: Logger;
  allowPrivate: boolean;
  now?: () => number;
  intervalMs?: number;
  timeoutMs?: number;
  batch?: number;
}

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Attempts every due delivery once; returns how many were attempted. */
  tick(): Promise<number> {
    this.running ??= this.runOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(): Promise<number> {
    let due: DueDelivery[];
    try {
      due = await this.opts.store.webhooks.due(this.now(), this.opts.batch ?? 20);
    } catch (err) {
      this.opts.logger.error({ err }, 'webhook queue unavailable');
      return 0;
    }
    await Promise.all(due.map((d) => this.attempt(d)));
    return due.length;
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const timestamp = Math.floor(this.now() / 1000);
    let statusCode: number | null = null;
    // What the merchant sees (the deliveries log) and what only the operator sees (the log).
    let error: string | null = null;
    let detail: string | null = null;
    try {
      const res = await safeRequest(
        'POST',
        d.url,
        { 'Mostrador-Signature': signatureHeader(d.secret, timestamp, d.body), 'Mostrador-Event': d.event, 'Mostrador-Delivery': d.id },
        { body: d.body, timeoutMs: this.opts.timeoutMs ?? 10_000, allowPrivate: this.opts.allowPrivate },
      );
      if (res.status >= 200 && res.status < 300) statusCode = res.status;
      else {
        error = DELIVERY_ERRORS.failed;
        detail = `HTTP ${res.status}`;
      }
    } catch (err) {
      error = publicDeliveryError(err);
      detail = err instanceof Error ? err.message : String(err);
    }
    const delivered = error === null;
    const attempts = d.attempts + 1;
    const nextAttemptAt = delivered || attempts >= MAX_ATTEMPTS ? null : this.now() + retryDelayMs(attempts);
    if (!delivered) this.opts.logger.warn({ delivery: d.id, webhook: d.webhookId, attempts, error: detail }, 'webhook delivery failed');
    // A refused port, a timeout and a 404 look the same to the merchant: no port scanning through us.
    await this.opts.store.webhooks.recordAttempt(d.id, { delivered, statusCode, error, nextAttemptAt }, this.now());
  }
}
