/** The site's settings as the use cases read them (typed once by the store: server/domain/site-settings.ts). */
import type { Locale } from '../../shared/i18n';
import type { SiteRecord } from '../store/types';

/** Who the assistant's messages are from: the name the site gave it, else "Asistente"/"Assistant". */
export function botAuthor(site: SiteRecord, locale: Locale): { kind: 'bot'; name: string } {
  return { kind: 'bot', name: site.settings.bot.name ?? (locale === 'es' ? 'Asistente' : 'Assistant') };
}

/** New conversations start with the bot unless the site turned it off. */
export function botEnabled(site: SiteRecord): boolean {
  return site.settings.bot.enabled;
}
