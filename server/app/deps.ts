/** What the use cases need from the rest of the server, as interfaces: no transport in here. */
import type { Bus } from '../bus/bus';
import type { FileUrls } from '../file-urls';
import type { Logger } from '../logger';
import type { AgentRef } from '../domain/lifecycle';
import type { Store } from '../store/types';
import type { LookupGuard } from '../domain/rate-limit';

/** Routing as the use cases see it (engine/router implements it). */
export interface Routing {
  /** Routes the site's waiting chats soon. */
  schedule(siteId: string): Promise<void> | void;
  /** The agent, if they are online now with room for one more chat. */
  agentWithRoom(siteId: string, agentId: string): Promise<AgentRef | null>;
}

/** The snooze timers as the use cases see them (engine/snoozer implements it). */
export interface SnoozeTimers {
  /** Wakes the chat at `until` (a timer that lost a race is refused by the lifecycle, harmlessly). */
  arm(siteId: string, conversationId: string, until: number): void;
}

export interface CoreDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  now: () => number;
  routing: Routing;
  fileUrls?: FileUrls | undefined;
  /** Merchant URLs (the external bot) may resolve to private addresses: development and tests only. */
  allowPrivateTargets?: boolean | undefined;
  /** Failed order lookups per email, client address and site, across conversations (issue 11). */
  lookups?: LookupGuard | undefined;
  /** Is anyone of the team online now: a bot hand-off must not promise a person "shortly" when nobody is. */
  teamAvailable?: ((siteId: string, now: number) => boolean) | undefined;
  /** Snoozed chats wake at their time; absent: nothing is armed (tools, some tests). */
  snoozes?: SnoozeTimers | undefined;
  /** E-mail to shoppers (issue 13); absent: mail is not configured (no SMTP_URL, not the demo). */
  mail?: MailSettings | undefined;
}

export interface MailSettings {
  /** How long an agent's reply stays unread before it is e-mailed to the shopper. */
  awayMs: number;
  /** How long after a resolve the rating question goes by e-mail (a shopper still in the chat answers the widget's). */
  ratingDelayMs?: number;
}
