/**
 * Structured log lines for security-relevant events (sign-in failures, refused origins, bad
 * identity hashes, key rotation), each with a stable `event` field operators can alert on.
 * Rate-limited so an attacker cannot flood the log: one line per (event, key) per interval
 * carrying how many were suppressed since the last, and at most `maxPerInterval` lines per event.
 */
import type { Logger } from './logger';

export type SecurityEvent = 'password_reset' | 'sign_in_failed' | 'origin_refused' | 'identity_hash_invalid' | 'secret_key_rotated' | 'secret_key_retired' | 'api_request_refused' | 'api_client_error';

export class SecurityLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  private readonly perEvent = new Map<SecurityEvent, { windowStart: number; lines: number; dropped: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly opts: { intervalMs?: number; maxPerInterval?: number; now?: () => number } = {},
  ) {}

  /** Logs `event` about `key` (an address, an origin, a site) unless it was logged within the interval. */
  record(event: SecurityEvent, key: string, fields: Record<string, unknown>, msg: string, level: 'info' | 'warn' = 'warn'): void {
    const now = (this.opts.now ?? Date.now)();
    const interval = this.opts.intervalMs ?? 60_000;
    const id = `${event}\n${key}`;
    const seen = this.last.get(id);
    if (seen && now - seen.at < interval) {
      seen.suppressed++;
      return;
    }
    const budget = this.perEvent.get(event) ?? { windowStart: now, lines: 0, dropped: 0 };
    if (now - budget.windowStart >= interval) {
      if (budget.dropped > 0) this.logger.warn({ event, dropped: budget.dropped }, `${budget.dropped} more ${event} events were not logged in the last interval`);
      budget.windowStart = now;
      budget.lines = 0;
      budget.dropped = 0;
    }
    this.perEvent.set(event, budget);
    if (budget.lines >= (this.opts.maxPerInterval ?? 50)) {
      budget.dropped++;
      return;
    }
    budget.lines++;
    if (this.last.size > 10_000) this.prune(now, interval);
    this.last.set(id, { at: now, suppressed: 0 });
    this.logger[level]({ event, ...fields, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) }, msg);
  }

  private prune(now: number, interval: number): void {
    for (const [id, v] of this.last) if (now - v.at >= interval) this.last.delete(id);
  }
}
