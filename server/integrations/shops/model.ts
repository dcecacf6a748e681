/**
 * What a shop platform's payload becomes in our commerce model (the same records the REST API
 * writes): customers, orders, shipments, returns, and the order events to tell the shopper.
 * Mappers are pure; server/integrations/shops/apply.ts writes their output.
 */
import { createHash } from 'node:crypto';
import type { Bus } from '../../bus/bus';
import type { CoreDeps } from '../../app/deps';
import type { Logger } from '../../logger';
import type { CustomerInput, OrderRecord, ReturnInput, ShipmentInput, Store } from '../../store/types';
import type { SecretBox } from '../secret-box';

/** What the shop connectors (service, importer) run on. */
export interface ShopDeps {
  /** The use cases: order events reach chats through postOrderEvent, like POST /api/v1/events. */
  core: CoreDeps;
  store: Store;
  bus: Bus;
  logger: Logger;
  now: () => number;
  box: SecretBox;
  /** Imports may reach private and loopback addresses (development, tests). */
  allowPrivateTargets: boolean;
}

/** An order as a platform sends it: the stored order's own fields (server/store/types.ts), without what we keep ourselves. */
export type MappedOrder = Pick<OrderRecord, 'externalId' | 'customerExternalId' | 'number' | 'status' | 'paymentStatus' | 'currency' | 'total' | 'items' | 'shippingAddress' | 'createdAt'> & {
  /** The platform's updated_at: an older copy arriving later is not written. */
  sourceUpdatedAt: number | null;
};

export interface ShopChanges {
  /** `ifMissing`: only create it (an order's billing details must not overwrite the account's own). */
  customers: { externalId: string; input: CustomerInput; ifMissing?: boolean }[];
  orders: MappedOrder[];
  shipments: { orderExternalId: string; externalId: string; input: ShipmentInput }[];
  returns: { orderExternalId: string; externalId: string; input: ReturnInput }[];
  /** Told to the shopper once each (`key` makes a replay or a second platform event a no-op). */
  events: { type: 'order.shipped' | 'order.delivered'; orderExternalId: string; key: string }[];
  /** An order the platform deleted: kept, marked cancelled. */
  cancelled: string[];
}

export function emptyChanges(): ShopChanges {
  return { customers: [], orders: [], shipments: [], returns: [], events: [], cancelled: [] };
}

/** Trimmed, at most `max` characters; '' for anything that is not a string or number. */
export function text(value: unknown, max: number): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value).slice(0, max);
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/** Platforms' ids are numbers or digit strings; anything else is refused. */
export function platformId(value: unknown): string | null {
  const s = typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^[A-Za-z0-9_-]{1,64}$/.test(s) && s !== '0' ? s : null;
}

/** A decimal amount ("19.90", 19.9) in minor units of `currency` (its own decimals: JPY has none). */
export function toMinor(amount: unknown, currency: string): number {
  const n = typeof amount === 'number' ? amount : Number.parseFloat(typeof amount === 'string' ? amount : '');
  if (!Number.isFinite(n) || n < 0) return 0;
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    /* unknown code: cents */
  }
  return Math.min(1e12, Math.round(n * 10 ** digits));
}

export function currencyOf(value: unknown): string {
  const c = text(value, 3).toUpperCase();
  return /^[A-Z]{3}$/.test(c) ? c : 'EUR';
}

/** Epoch ms of an ISO time (or of epoch seconds); null when absent or malformed. */
export function timeOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || !value) return null;
  // WooCommerce's *_gmt fields have no zone: they are UTC.
  const t = Date.parse(/T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value}Z` : value);
  return Number.isFinite(t) ? t : null;
}

/** A guest (no account): one customer per email, so their orders stay together and the bot can check them. */
export function guestId(prefix: string, email: string): string {
  return `${prefix}:guest:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 24)}`;
}

export function countryCode(value: unknown): string | null {
  const c = text(value, 2).toUpperCase();
  return /^[A-Z]{2}$/.test(c) ? c : null;
}
