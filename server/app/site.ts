/** The site's settings as the use cases read them. */
import type { Locale } from '../../shared/i18n';
import type { FaqEntry } from '../domain/bot';
import type { BusinessSchedule } from '../domain/hours';
import type { SiteRecord } from '../store/types';

/** Site settings the bot reads (`settings.bot`). */
export interface BotSettings {
  enabled?: boolean;
  name?: string;
  faqs?: FaqEntry[];
  policies?: { es?: { shipping?: string; returns?: string }; en?: { shipping?: string; returns?: string } };
  /** Superseded by `settings.hours` (BusinessHours); still read when that is absent. */
  hours?: { schedule: BusinessSchedule; timeZone: string } | null;
  /** The merchant's own bot (app/external-bot.ts); as stored, checked when read. */
  webhook?: { url?: unknown; secret?: unknown; fallback?: unknown; timeoutMs?: unknown };
}

export function botSettings(site: SiteRecord): BotSettings {
  const s = site.settings.bot;
  return typeof s === 'object' && s !== null ? (s as BotSettings) : {};
}

/** Who the assistant's messages are from: the name the site gave it, else "Asistente"/"Assistant". */
export function botAuthor(site: SiteRecord, locale: Locale): { kind: 'bot'; name: string } {
  return { kind: 'bot', name: botSettings(site).name ?? (locale === 'es' ? 'Asistente' : 'Assistant') };
}

/** New conversations start with the bot unless the site turned it off. */
export function botEnabled(site: SiteRecord): boolean {
  return botSettings(site).enabled !== false;
}

