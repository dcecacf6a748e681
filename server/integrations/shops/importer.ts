/**
 * Imports the last 60 days of customers and orders from a shop's API, page by page: Shopify's
 * Admin API (cursor pagination in the `Link` header) and WooCommerce's REST API v3
 * (`page`, `X-WP-TotalPages`). Progress is stored after every page, so an import that stops
 * (an error, a restart) resumes at the page it had not finished; pages are upserts by the
 * platform's ids, so a page done twice writes no duplicates. Imports tell shoppers nothing.
 */
import type { IntegrationPlatform, IntegrationRecord, ImportState, SiteRecord } from '../../store/types';
import { safeRequest } from '../safe-request';
import { applyShopChanges } from './apply';
import { emptyChanges, type ShopChanges } from './model';
import { mapShopifyCustomer, mapShopifyOrder } from './shopify';
import { mapWooCustomer, mapWooOrder } from './woocommerce';
import type { ShopDeps } from './model';

export const IMPORT_DAYS = 60;
export const SHOPIFY_API_VERSION = '2025-01';
const SHOPIFY_PAGE = 250;
const WOO_PAGE = 100;
const MAX_PAGE_BYTES = 25 * 1024 * 1024;

interface Page {
  changes: ShopChanges;
  /** Items on the page. */
  count: number;
  next: string | null;
  total: number | null;
}

/** Why an import cannot start: the platform pushes its own data, nothing saved, settings missing, or the server is stopping. */
export type ImportRefusal = 'push_only' | 'not_saved' | 'incomplete' | 'shutting_down';

export class ImportError extends Error {}

function nextLink(link: string | string[] | undefined, origin: string): string | null {
  const header = Array.isArray(link) ? link.join(',') : (link ?? '');
  const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(header);
  if (!match) return null;
  const url = new URL(match[1]!);
  // Only ever follow the shop's own API.
  if (url.origin !== origin) throw new ImportError(`the next page is on another host (${url.host})`);
  return url.href;
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ImportError(`${what}: the answer is not JSON`);
  }
}

export class Importer {
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly deps: ShopDeps,
    private readonly secrets: (record: IntegrationRecord) => Record<string, string>,
  ) {}

  /** Starts (or resumes) an import; refused when the platform is not set up for one. */
  async start(site: SiteRecord, platform: IntegrationPlatform): Promise<{ ok: true; state: ImportState } | { ok: false; reason: ImportRefusal; detail: string }> {
    const record = await this.deps.store.integrations.get(site.id, platform);
    const missing = this.missing(platform, record);
    if (missing) return { ok: false, ...missing };
    if (this.stopped) return { ok: false, reason: 'shutting_down', detail: 'the server is shutting down' };
    const key = `${site.id}/${platform}`;
    let previous = record!.importState;
    const pending = this.running.get(key);
    if (pending && previous?.status === 'running') return { ok: true, state: previous };
    if (pending) {
      // It has written its last state (failed or done) and is letting go: a start now resumes
      // after it, instead of being taken for the run that just ended.
      await pending;
      const again = (await this.deps.store.integrations.get(site.id, platform))?.importState ?? null;
      if (this.running.has(key) && again) return { ok: true, state: again };
      previous = again;
    }
    const now = this.deps.now();
    // A failed or interrupted import resumes where it stopped; a finished one starts again.
    const state: ImportState =
      previous && previous.status !== 'done'
        ? { ...previous, status: 'running', error: null, finishedAt: null }
        : { status: 'running', phase: 'customers', cursor: null, since: now - IMPORT_DAYS * 86_400_000, customers: 0, orders: 0, totals: { customers: null, orders: null }, error: null, startedAt: now, finishedAt: null };
    await this.deps.store.integrations.setImport(site.id, platform, state, now);
    const run = this.run(site, platform, record!, state).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return { ok: true, state };
  }

  /** Shutdown: running imports stop after their current page (they resume on the next start). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when every running import has stopped (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private missing(platform: IntegrationPlatform, record: IntegrationRecord | null): { reason: ImportRefusal; detail: string } | null {
    if (platform === 'prestashop') return { reason: 'push_only', detail: 'PrestaShop sends its orders itself (the module); there is nothing to import from here' };
    if (!record) return { reason: 'not_saved', detail: 'save the settings first' };
    const s = this.secrets(record);
    const incomplete = (detail: string) => ({ reason: 'incomplete' as const, detail });
    if (platform === 'shopify') return record.settings.shopDomain && s.accessToken ? null : incomplete('the shop domain and the Admin API access token are needed');
    return record.settings.storeUrl && s.consumerKey && s.consumerSecret ? null : incomplete('the store URL and the REST API key and secret are needed');
  }

  private async run(site: SiteRecord, platform: IntegrationPlatform, record: IntegrationRecord, start: ImportState): Promise<void> {
    let state = start;
    const log = this.deps.logger;
    try {
      for (;;) {
        if (this.stopped) return;
        const page = platform === 'shopify' ? await this.shopifyPage(record, state) : await this.wooPage(record, state);
        await applyShopChanges(this.deps, site, page.changes, { tell: false });
        const totals = page.total === null || state.cursor !== null ? state.totals : { ...state.totals, [state.phase]: page.total };
        state = { ...state, totals, [state.phase]: state[state.phase] + page.count, cursor: page.next };
        if (!page.next) {
          if (state.phase === 'orders') {
            state = { ...state, status: 'done', finishedAt: this.deps.now() };
            await this.deps.store.integrations.setImport(site.id, platform, state, this.deps.now());
            log.info({ site: site.id, platform, customers: state.customers, orders: state.orders }, 'shop import done');
            return;
          }
          state = { ...state, phase: 'orders', cursor: null };
        }
        await this.deps.store.integrations.setImport(site.id, platform, state, this.deps.now());
      }
    } catch (err) {
      const message = err instanceof ImportError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : 'failed';
      log.warn({ site: site.id, platform, err }, 'shop import stopped');
      const failed: ImportState = { ...state, status: 'failed', error: message.slice(0, 300), finishedAt: this.deps.now() };
      // Asked for together, they land in one transaction: nobody reads a failed import without its error.
      await Promise.all([
        this.deps.store.integrations.setImport(site.id, platform, failed, this.deps.now()).catch(() => undefined),
        this.deps.store.integrations.note(site.id, platform, { error: `import: ${message}` }, this.deps.now()).catch(() => undefined),
      ]);
    }
  }

  private async get(url: string, headers: Record<string, string>) {
    const res = await safeRequest('GET', url, headers, { timeoutMs: 30_000, allowPrivate: this.deps.allowPrivateTargets, maxBodyBytes: MAX_PAGE_BYTES, overLimit: 'fail' });
    if (res.status === 401 || res.status === 403) throw new ImportError(`the shop refused the credentials (HTTP ${res.status})`);
    if (res.status !== 200) throw new ImportError(`the shop answered HTTP ${res.status}`);
    return res;
  }

  private async shopifyPage(record: IntegrationRecord, state: ImportState): Promise<Page> {
    const domain = record.settings.shopDomain!;
    const origin = domain.startsWith('http') ? new URL(domain).origin : `https://${domain}`;
    const headers = { 'X-Shopify-Access-Token': this.secrets(record).accessToken! };
    const since = new Date(state.since).toISOString();
    const base = `${origin}/admin/api/${SHOPIFY_API_VERSION}`;
    const filter = state.phase === 'customers' ? `updated_at_min=${encodeURIComponent(since)}` : `status=any&created_at_min=${encodeURIComponent(since)}`;
    let total: number | null = null;
    if (!state.cursor) {
      const count = await this.get(`${base}/${state.phase}/count.json?${filter}`, headers).catch(() => null);
      const n = count ? (parseJson(count.body, 'count') as { count?: unknown }).count : null;
      total = typeof n === 'number' ? n : null;
    }
    const url = state.cursor ?? `${base}/${state.phase}.json?limit=${SHOPIFY_PAGE}&${filter}`;
    const res = await this.get(url, headers);
    const body = parseJson(res.body, state.phase) as Record<string, unknown>;
    const items = Array.isArray(body[state.phase]) ? (body[state.phase] as Record<string, unknown>[]) : null;
    if (!items) throw new ImportError(`${state.phase}: the answer has no "${state.phase}" list`);
    const changes = emptyChanges();
    for (const item of items) {
      if (state.phase === 'orders') mapShopifyOrder(item, changes);
      else mapShopifyCustomer(item, changes);
    }
    return { changes, count: items.length, next: nextLink(res.headers.link, origin), total };
  }

  private async wooPage(record: IntegrationRecord, state: ImportState): Promise<Page> {
    const secrets = this.secrets(record);
    const headers = { Authorization: `Basic ${Buffer.from(`${secrets.consumerKey}:${secrets.consumerSecret}`).toString('base64')}` };
    const page = Number(state.cursor ?? '1');
    const base = `${record.settings.storeUrl}/wp-json/wc/v3`;
    const since = new Date(state.since).toISOString().replace(/\.\d+Z$/, '');
    const url =
      state.phase === 'customers'
        ? `${base}/customers?per_page=${WOO_PAGE}&page=${page}&orderby=registered_date&order=desc&role=all`
        : `${base}/orders?per_page=${WOO_PAGE}&page=${page}&after=${encodeURIComponent(since)}&orderby=date&order=asc`;
    const res = await this.get(url, headers);
    const items = parseJson(res.body, state.phase);
    if (!Array.isArray(items)) throw new ImportError(`${state.phase}: the answer is not a list`);
    const changes = emptyChanges();
    let oldReached = false;
    for (const item of items as Record<string, unknown>[]) {
      if (state.phase === 'orders') mapWooOrder(item, changes);
      else {
        // Newest registrations first: older customers come in with their recent orders instead.
        const created = Date.parse(`${String(item.date_created_gmt ?? '')}Z`);
        if (Number.isFinite(created) && created < state.since) {
          oldReached = true;
          continue;
        }
        mapWooCustomer(item, changes);
      }
    }
    const pages = Number(String(res.headers['x-wp-totalpages'] ?? ''));
    const total = Number(String(res.headers['x-wp-total'] ?? ''));
    const more = Number.isInteger(pages) ? page < pages : items.length === WOO_PAGE;
    return {
      changes,
      count: state.phase === 'customers' ? changes.customers.length : items.length,
      next: more && !oldReached ? String(page + 1) : null,
      total: state.phase === 'orders' && Number.isInteger(total) ? total : null,
    };
  }
}
