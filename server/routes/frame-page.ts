/**
 * The panel page (/widget/frame) as served: the built template with the site's widget
 * configuration inlined as inert JSON (not script), so opening the panel costs no extra round
 * trip. Proactive rules travel here too: the panel decides when to ask, the server decides
 * whether a rule may fire (see visitor-gateway `proactive`).
 */
import { pickLocale, WIDGET_STRINGS, type Locale } from '../../shared/i18n';
import type { ProactiveRule } from '../../shared/site-settings';
import type { SiteRecord } from '../store/types';

export type FrameSite = Pick<SiteRecord, 'name' | 'settings'>;

export interface FrameConfig {
  siteName: string;
  color?: string;
  livePreview: boolean;
  preChatForm: boolean;
  greeting: { es?: string; en?: string };
  logoUrl?: string;
  /** Which bottom corner the launcher sits in (settings.launcherPosition; else the snippet's data-position). */
  side?: 'left' | 'right';
  /** The panel's colours when the site fixed them (absent: `auto`, light or dark mode decides). */
  theme?: 'light' | 'dark';
  /** Enabled proactive rules, without who they are from (the server fills that in). */
  proactive: Omit<ProactiveRule, 'from'>[];
}

/** The site's logo when it is an https URL (anything else is not shown). */
export function logoUrl(settings: { logoUrl?: unknown }): string | null {
  const raw = settings.logoUrl;
  if (typeof raw !== 'string') return null;
  try {
    return new URL(raw).protocol === 'https:' ? raw : null;
  } catch {
    return null;
  }
}

export function frameConfig(site: FrameSite): FrameConfig {
  const s = site.settings;
  return {
    siteName: site.name,
    ...(s.brandColor ? { color: s.brandColor } : {}),
    livePreview: s.livePreview,
    preChatForm: s.preChatForm,
    greeting: s.greeting,
    ...(logoUrl(s) ? { logoUrl: logoUrl(s)! } : {}),
    ...(s.launcherPosition ? { side: s.launcherPosition } : {}),
    ...(s.theme !== 'auto' ? { theme: s.theme } : {}),
    proactive: s.proactive.rules
      .filter((r) => r.enabled && r.conditions.length > 0)
      .map(({ id, enabled, priority, conditions, message, onceEveryDays }) => ({ id, enabled, priority, conditions, message, onceEveryDays })),
  };
}

/**
 * The `site.updated` frame open widgets get when an admin saves settings: the same public
 * settings a new panel page is served with (proactive rules excepted: the server re-checks a
 * rule whenever the panel asks for it, so a disabled or deleted rule never fires).
 */
export function siteUpdatedFrame(site: FrameSite) {
  const c = frameConfig(site);
  return {
    type: 'site.updated',
    siteName: c.siteName,
    color: c.color ?? null,
    greeting: c.greeting,
    logoUrl: c.logoUrl ?? null,
    ...(c.side ? { side: c.side } : {}),
    ...(c.theme ? { theme: c.theme } : {}),
    livePreview: c.livePreview,
    preChatForm: c.preChatForm,
  } as const;
}

/**
 * The panel's language as the panel itself picks it: the `lang` the loader passes (the shop
 * page's), else the browser's (Accept-Language, as navigator.languages).
 */
export function frameLocale(lang: string | undefined, acceptLanguage: string | undefined): Locale {
  return pickLocale([lang, ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0])]);
}

/**
 * `email: false`: mail is not configured, so the panel must not promise an answer by e-mail.
 * `locale`: the panel's strings in that language travel in the page (the panel's script has none;
 * it imports the other language only if the shop switches to it).
 */
export function frameHtml(template: string, site: FrameSite, opts: { email?: boolean; locale?: Locale } = {}): string {
  const locale = opts.locale ?? 'en';
  const json = JSON.stringify({ ...frameConfig(site), ...(opts.email === false ? { noEmail: true } : {}), lang: locale, t: WIDGET_STRINGS[locale] }).replace(/</g, '\\u003c');
  return template.replace('</head>', `<script type="application/json" id="mostrador-config">${json}</script></head>`);
}

/**
 * The presence frame (/widget/presence), what a shop page loads on idle instead of the panel
 * (widget/presence.ts): the launcher's colour and side, and the proactive rules, so it can tell
 * when the panel has something to show. No strings, no styles: its script is /widget-presence.js.
 */
export function presenceHtml(site: FrameSite): string {
  const c = frameConfig(site);
  const json = JSON.stringify({ ...(c.color ? { color: c.color } : {}), ...(c.side ? { side: c.side } : {}), proactive: c.proactive }).replace(/</g, '\\u003c');
  return `<!doctype html><meta charset="utf-8"><script type="application/json" id="mostrador-config">${json}</script><script src="/widget-presence.js"></script>`;
}
