/**
 * The panel page (/widget/frame) as served: the built template with the site's widget
 * configuration inlined as inert JSON (not script), so opening the panel costs no extra round
 * trip. Proactive rules travel here too: the panel decides when to ask, the server decides
 * whether a rule may fire (see visitor-gateway `proactive`).
 */
import { proactiveRules } from '../app/site';
import type { ProactiveRule } from '../../shared/site-settings';

export interface FrameSite {
  name: string;
  settings: Record<string, unknown>;
}

export interface FrameConfig {
  siteName: string;
  color?: string;
  livePreview: boolean;
  preChatForm: boolean;
  greeting: { es?: string; en?: string };
  logoUrl?: string;
  /** Which bottom corner the launcher sits in (settings.launcherPosition; else the snippet's data-position). */
  side?: 'left' | 'right';
  /** Enabled proactive rules, without who they are from (the server fills that in). */
  proactive: Omit<ProactiveRule, 'from'>[];
}

/** The site's logo when it is an https URL (anything else is not shown). */
export function logoUrl(settings: Record<string, unknown>): string | null {
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
    ...(typeof s.brandColor === 'string' ? { color: s.brandColor } : {}),
    livePreview: s.livePreview === true,
    preChatForm: s.preChatForm === true,
    greeting: (s.greeting as { es?: string; en?: string } | undefined) ?? {},
    ...(logoUrl(s) ? { logoUrl: logoUrl(s)! } : {}),
    ...(s.launcherPosition === 'left' || s.launcherPosition === 'right' ? { side: s.launcherPosition } : {}),
    proactive: proactiveRules(s)
      .filter((r) => r.enabled && r.conditions.length > 0)
      .map(({ id, enabled, priority, conditions, message, onceEveryDays }) => ({ id, enabled, priority, conditions, message, onceEveryDays })),
  };
}

/** `email: false`: mail is not configured, so the panel must not promise an answer by e-mail. */
export function frameHtml(template: string, site: FrameSite, opts: { email?: boolean } = {}): string {
  const json = JSON.stringify({ ...frameConfig(site), ...(opts.email === false ? { noEmail: true } : {}) }).replace(/</g, '\\u003c');
  return template.replace('</head>', `<script type="application/json" id="mostrador-config">${json}</script></head>`);
}
