/**
 * Connected shops, end to end: saving a platform's settings (secrets sealed), receiving its
 * webhooks (signature checked in constant time over the raw body, each delivery id processed
 * once), answering the Shopify app proxy's identity request, and running imports.
 */
import * as v from 'valibot';
import { identityHash } from '../../domain/identity';
import type { IntegrationPlatform, IntegrationRecord, SiteRecord } from '../../store/types';
import { applyShopChanges, type Applied } from './apply';
import { Importer } from './importer';
import { mergeSettings, SECRET_FIELDS, SETTINGS_SCHEMAS, type SettingsInput } from './settings';
import { mapShopifyWebhook, shopifyCustomerId } from './shopify';
import { verifyAppProxy, verifyBodyHmac } from './signatures';
import { mapWooWebhook } from './woocommerce';

export type { ShopDeps } from './model';
import type { ShopDeps } from './model';

export type WebhookOutcome =
  | { status: 200; result: 'processed'; applied: Applied }
  | { status: 200; result: 'duplicate' | 'ignored' | 'ping' }
  | { status: 401; result: 'bad_signature' }
  | { status: 404; result: 'not_connected' }
  | { status: 400; result: 'invalid_json' | 'missing_headers' };

/** App proxy requests older (or newer) than this are refused: a leaked URL stops working. */
const PROXY_MAX_SKEW_MS = 5 * 60_000;

const context = (siteId: string, platform: IntegrationPlatform) => `${siteId}/${platform}`;

export class ShopIntegrations {
  readonly importer: Importer;
  /** When a bad signature was last recorded per site and platform: at most one write a minute, whatever is sent. */
  private readonly badNoted = new Map<string, number>();

  constructor(private readonly deps: ShopDeps) {
    this.importer = new Importer(deps, (record) => this.secrets(record));
  }

  secrets(record: IntegrationRecord): Record<string, string> {
    return this.deps.box.open(record.sealedSecrets, context(record.siteId, record.platform));
  }

  /** Validates and saves settings; a secret left out keeps its stored value. */
  async configure(site: SiteRecord, platform: IntegrationPlatform, body: unknown): Promise<{ ok: true; record: IntegrationRecord } | { ok: false; field?: string; detail: string }> {
    const parsed = v.safeParse(SETTINGS_SCHEMAS[platform], body);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const field = issue.path?.map((p) => String(p.key)).join('.');
      return { ok: false, ...(field ? { field } : {}), detail: field ? `${field}: ${issue.message}` : issue.message };
    }
    const existing = await this.deps.store.integrations.get(site.id, platform);
    const merged = mergeSettings(platform, parsed.output as SettingsInput, {
      settings: existing?.settings ?? {},
      secrets: existing ? this.secrets(existing) : {},
    });
    const record = await this.deps.store.integrations.save(
      site.id,
      platform,
      {
        settings: merged.settings,
        sealedSecrets: this.deps.box.seal(merged.secrets, context(site.id, platform)),
        secretNames: SECRET_FIELDS[platform].filter((k) => merged.secrets[k]),
      },
      this.deps.now(),
    );
    return { ok: true, record };
  }

  /** A webhook from Shopify or WooCommerce for the site whose public key is `siteKey`. */
  async webhook(platform: 'shopify' | 'woocommerce', siteKey: string, header: (name: string) => string | undefined, raw: Buffer): Promise<WebhookOutcome> {
    const site = siteKey.length <= 64 ? await this.deps.store.sites.byPublicKey(siteKey) : null;
    const record = site ? await this.deps.store.integrations.get(site.id, platform) : null;
    const secret = record ? this.secrets(record).webhookSecret : undefined;
    if (!site || !record || !secret) return { status: 404, result: 'not_connected' };
    const log = this.deps.logger;
    const signature = header(platform === 'shopify' ? 'x-shopify-hmac-sha256' : 'x-wc-webhook-signature');
    const topic = (platform === 'shopify' ? header('x-shopify-topic') : header('x-wc-webhook-topic')) ?? '';

    // WooCommerce pings a new webhook with `webhook_id=N` (form-encoded, no topic) and disables it unless it gets a 2xx.
    if (platform === 'woocommerce' && !topic && /^webhook_id=\d+$/.test(raw.toString('utf8').trim())) {
      // Unsigned: nothing is written for it (anyone could send one), it is only logged.
      log.info({ site: site.id, platform }, 'shop webhook ping');
      return { status: 200, result: 'ping' };
    }
    if (!verifyBodyHmac(raw, secret, signature)) {
      // Nothing it says is stored. The merchant sees that one arrived (a wrong secret pasted is the usual cause).
      log.warn({ site: site.id, platform, topic: topic.slice(0, 60) }, 'shop webhook refused: bad signature');
      const key = context(site.id, platform);
      const now = this.deps.now();
      if (now - (this.badNoted.get(key) ?? 0) > 60_000) {
        this.badNoted.set(key, now);
        await this.deps.store.integrations.note(site.id, platform, { error: 'a webhook was refused: its signature does not match the webhook secret saved here' }, now);
      }
      return { status: 401, result: 'bad_signature' };
    }
    const deliveryId = (platform === 'shopify' ? (header('x-shopify-webhook-id') ?? header('x-shopify-event-id')) : header('x-wc-webhook-delivery-id'))?.trim();
    if (!deliveryId || deliveryId.length > 128 || !topic) return { status: 400, result: 'missing_headers' };
    let body: Record<string, unknown>;
    try {
      const parsed = JSON.parse(raw.toString('utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      await this.deps.store.integrations.note(site.id, platform, { error: `${topic}: the body is not a JSON object` }, this.deps.now());
      return { status: 400, result: 'invalid_json' };
    }
    const changes = platform === 'shopify' ? mapShopifyWebhook(topic, body) : mapWooWebhook(topic, body);
    if (!changes) {
      log.info({ site: site.id, platform, topic: topic.slice(0, 60), deliveryId }, 'shop webhook ignored: unknown topic');
      return { status: 200, result: 'ignored' };
    }
    if (!(await this.deps.store.integrations.claimDelivery(site.id, platform, deliveryId, this.deps.now()))) {
      log.info({ site: site.id, platform, topic, deliveryId }, 'shop webhook replay ignored');
      return { status: 200, result: 'duplicate' };
    }
    try {
      const applied = await applyShopChanges(this.deps, site, changes, { tell: true });
      await this.deps.store.integrations.note(site.id, platform, { topic }, this.deps.now());
      log.info({ site: site.id, platform, topic, deliveryId, ...applied }, 'shop webhook processed');
      return { status: 200, result: 'processed', applied };
    } catch (err) {
      // Let the platform's retry run it again.
      await this.deps.store.integrations.releaseDelivery(site.id, platform, deliveryId).catch(() => undefined);
      await this.deps.store.integrations.note(site.id, platform, { error: `${topic}: could not be stored; the shop will retry` }, this.deps.now()).catch(() => undefined);
      throw err;
    }
  }

  /**
   * The Shopify app proxy's identity request: with a valid signature, the identify payload for
   * the logged-in customer (`{}` for a guest); null when refused.
   */
  async appProxyIdentity(siteKey: string, query: URLSearchParams): Promise<{ status: 200; body: Record<string, unknown> } | { status: 401 | 404 }> {
    const site = siteKey.length <= 64 ? await this.deps.store.sites.byPublicKey(siteKey) : null;
    const record = site ? await this.deps.store.integrations.get(site.id, 'shopify') : null;
    const secret = record ? this.secrets(record).webhookSecret : undefined;
    if (!site || !record || !secret) return { status: 404 };
    const timestamp = Number(query.get('timestamp'));
    if (!verifyAppProxy(query, secret) || !Number.isFinite(timestamp) || Math.abs(this.deps.now() - timestamp * 1000) > PROXY_MAX_SKEW_MS) {
      this.deps.logger.warn({ site: site.id }, 'app proxy request refused: bad or stale signature');
      return { status: 401 };
    }
    const domain = record.settings.shopDomain;
    if (domain && /\.myshopify\.com$/.test(domain) && query.get('shop') !== domain) return { status: 401 };
    const customerId = (query.get('logged_in_customer_id') ?? '').trim();
    if (!/^\d{1,20}$/.test(customerId)) return { status: 200, body: {} };
    const id = shopifyCustomerId(customerId);
    const secretKey = await this.deps.store.sites.secretKey(site.id);
    if (!secretKey) return { status: 404 };
    const customer = await this.deps.store.customers.byExternalId(site.id, id);
    return {
      status: 200,
      body: { id, hash: identityHash(id, secretKey), ...(customer?.email ? { email: customer.email } : {}), ...(customer?.name ? { name: customer.name } : {}) },
    };
  }
}
