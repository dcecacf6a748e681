/**
 * The settings a merchant pastes to connect a shop platform (console Settings → Integrations and
 * PUT /api/v1/integrations/{platform}): validated, secrets sealed before they are stored, and
 * never returned once set (only which are set).
 */
import * as v from 'valibot';
import type { ImportState, IntegrationPlatform, IntegrationRecord } from '../../store/types';

export const PLATFORMS = ['shopify', 'woocommerce', 'prestashop'] as const satisfies readonly IntegrationPlatform[];

const Secret = v.pipe(v.string(), v.trim(), v.minLength(8, 'must be at least 8 characters'), v.maxLength(300), v.regex(/^[\x21-\x7e]+$/, 'must be visible ASCII, without spaces'));
const HttpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(300),
  v.url('must be a URL, e.g. https://tienda.example'),
  v.check((s) => /^https?:\/\//i.test(s), 'must be an http(s) URL'),
  v.transform((s) => s.replace(/\/+$/, '')),
);
/** `mi-tienda.myshopify.com`, or the origin of a shop that answers Shopify's Admin API (tests, proxies). */
const ShopDomain = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(300),
  v.check((s) => /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(s) || /^https?:\/\/[^/\s]+$/.test(s), 'must be your-shop.myshopify.com'),
);

export const SETTINGS_SCHEMAS = {
  shopify: v.strictObject({
    shopDomain: v.optional(ShopDomain),
    /** The app's API secret key: signs webhooks and app proxy requests. */
    webhookSecret: v.optional(Secret),
    /** Admin API access token (read_orders, read_customers, read_fulfillments): the import. */
    accessToken: v.optional(Secret),
  }),
  woocommerce: v.strictObject({
    storeUrl: v.optional(HttpUrl),
    /** The secret typed into each WooCommerce webhook. */
    webhookSecret: v.optional(Secret),
    /** REST API key (read): the import. */
    consumerKey: v.optional(Secret),
    consumerSecret: v.optional(Secret),
  }),
  prestashop: v.strictObject({
    storeUrl: v.optional(HttpUrl),
  }),
} as const;

export const SECRET_FIELDS: Record<IntegrationPlatform, readonly string[]> = {
  shopify: ['webhookSecret', 'accessToken'],
  woocommerce: ['webhookSecret', 'consumerKey', 'consumerSecret'],
  prestashop: [],
};

export type SettingsInput = Record<string, string | undefined>;

/** Splits a validated body into plain settings and secrets, over what is stored (omitted fields keep their value). */
export function mergeSettings(
  platform: IntegrationPlatform,
  body: SettingsInput,
  current: { settings: Record<string, string>; secrets: Record<string, string> },
): { settings: Record<string, string>; secrets: Record<string, string> } {
  const settings = { ...current.settings };
  const secrets = { ...current.secrets };
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (SECRET_FIELDS[platform].includes(key)) secrets[key] = value;
    else settings[key] = value;
  }
  return { settings, secrets };
}

export interface IntegrationOut {
  platform: IntegrationPlatform;
  connected: boolean;
  settings: Record<string, string>;
  /** Names of the secrets that are set; their values are never returned. */
  secretsSet: string[];
  webhookUrl: string;
  /** Shopify: the app proxy URL to paste (subpath prefix "apps", subpath "mostrador"). */
  proxyUrl?: string;
  lastEvent: { at: string; topic: string } | null;
  lastError: { at: string; message: string } | null;
  import: (Omit<ImportState, 'since' | 'startedAt' | 'finishedAt'> & { since: string; startedAt: string; finishedAt: string | null }) | null;
}

/** What the console and the API show: never a secret. */
export function integrationOut(platform: IntegrationPlatform, record: IntegrationRecord | null, base: string, publicKey: string): IntegrationOut {
  const iso = (t: number) => new Date(t).toISOString();
  const state = record?.importState ?? null;
  const connected = !!record && (platform === 'prestashop' ? true : record.secretNames.includes('webhookSecret'));
  return {
    platform,
    connected,
    settings: record?.settings ?? {},
    secretsSet: record?.secretNames ?? [],
    webhookUrl: platform === 'prestashop' ? `${base}/api/v1` : `${base}/integrations/${platform}/webhooks/${publicKey}`,
    ...(platform === 'shopify' ? { proxyUrl: `${base}/integrations/shopify/proxy/${publicKey}` } : {}),
    lastEvent: record?.lastEventAt && record.lastEventTopic ? { at: iso(record.lastEventAt), topic: record.lastEventTopic } : null,
    lastError: record?.lastErrorAt && record.lastError ? { at: iso(record.lastErrorAt), message: record.lastError } : null,
    import: state ? { ...state, since: iso(state.since), startedAt: iso(state.startedAt), finishedAt: state.finishedAt ? iso(state.finishedAt) : null } : null,
  };
}
