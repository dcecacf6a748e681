/**
 * Snoozed chats wake at their time: one timer per snoozed chat, armed when a snooze is committed
 * and re-armed from the store (`snoozedUntil`) at start-up, so a restart loses none. Waking is a
 * lifecycle command (`wake`) committed with a guard: a timer for a snooze that changed or ended
 * since is refused, harmlessly.
 */
import { wakeSnoozed } from '../app/conversations';
import type { CoreDeps, SnoozeTimers } from '../app/deps';
import { RefusedError } from '../app/errors';
import { NotFoundError } from '../store/errors';

/** Longest timer Node keeps (about 24.8 days); a longer snooze re-arms when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Snoozer implements SnoozeTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private deps: CoreDeps | null = null;
  private stopped = false;

  /** The use cases' deps include the snoozer; they are attached after it is made. */
  attach(deps: CoreDeps): void {
    this.deps = deps;
  }

  /** Re-arms every stored snooze (a time already past wakes at once). */
  async start(): Promise<void> {
    const deps = this.deps;
    if (!deps) return;
    for (const s of await deps.store.conversations.snoozes()) this.arm(s.siteId, s.id, s.until);
  }

  private sweeper: NodeJS.Timeout | null = null;

  /**
   * With several nodes: re-arms from the store every `everyMs`, so a snooze armed by a node that
   * died still wakes (a node whose timer lost the race is refused by the lifecycle's guard).
   */
  sweep(everyMs: number): void {
    if (this.sweeper || this.stopped) return;
    this.sweeper = setInterval(() => void this.start().catch((err: unknown) => this.deps?.logger.warn({ err }, 'could not re-arm the snoozed conversations')), everyMs);
    this.sweeper.unref();
  }

  arm(siteId: string, conversationId: string, until: number): void {
    const deps = this.deps;
    if (!deps || this.stopped) return;
    const previous = this.timers.get(conversationId);
    if (previous) clearTimeout(previous);
    const left = Math.max(0, until - deps.now());
    const timer = setTimeout(() => {
      this.timers.delete(conversationId);
      if (deps.now() < until) return this.arm(siteId, conversationId, until);
      void this.wake(deps, siteId, conversationId, until);
    }, Math.min(left, MAX_TIMER_MS));
    timer.unref();
    this.timers.set(conversationId, timer);
  }

  private async wake(deps: CoreDeps, siteId: string, conversationId: string, until: number): Promise<void> {
    try {
      await wakeSnoozed(deps, { siteId, conversationId, until });
    } catch (err) {
      if (err instanceof RefusedError || err instanceof NotFoundError) return; // changed, ended or gone since
      deps.logger.error({ err, conversationId }, 'could not wake a snoozed conversation; retrying in a minute');
      if (!this.stopped) {
        const retry = setTimeout(() => void this.wake(deps, siteId, conversationId, until), 60_000);
        retry.unref();
        this.timers.set(conversationId, retry);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
