/**
 * The pieces every /api/v1 route shares: problem+json errors, secret-key authentication, rate
 * limits, body/query validation that names the failing field, and Idempotency-Key handling.
 */
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { RateLimiter } from '../../domain/rate-limit';
import { clientAddress, problem, Problem, type ProblemStatus } from '../../http';
import { hashToken } from '../../ids';
import type { SiteRecord, Store } from '../../store/types';

export type ApiEnv = { Variables: { site: SiteRecord } };

/** An RFC 9457 problem with its `code` first (server/http.ts `problem`: the one shape of every error). */
export function apiProblem(c: Context, status: ProblemStatus, code: string, title: string, extra: { detail?: string; field?: string } = {}) {
  return problem(c, status, title, { code, ...extra });
}

/** A thrown API problem: a `Problem` with its code first (answered by the app's onError). */
export class ApiError extends Problem {
  constructor(status: ProblemStatus, code: string, title: string, extra: { detail?: string; field?: string } = {}) {
    super(status, title, { code, ...extra });
  }
}

function issueField(issue: v.BaseIssue<unknown>): string | undefined {
  const path = issue.path?.map((p) => String(p.key)).join('.');
  return path || undefined;
}

/** Validates `data` against `schema` or throws a 422 ApiError naming the first bad field. */
export function validate<S extends v.GenericSchema>(schema: S, data: unknown, where: 'body' | 'query' = 'body'): v.InferOutput<S> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issueField(issue);
  const what = field ? `${field}: ${issue.message}` : issue.message;
  throw new ApiError(422, 'validation_failed', `The ${where} is not valid`, { detail: what, ...(field ? { field } : {}) });
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body (≤ 1 MiB) or throws a typed ApiError. */
export async function jsonBody(c: Context): Promise<unknown> {
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json');
  }
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ApiError(413, 'body_too_large', 'The body is larger than 1 MiB');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON');
  }
}

/** `Authorization: Bearer <secret key>`; the site is looked up by the key's SHA-256. */
export function secretKeyAuth(store: Store, addressLimiter: RateLimiter, now: () => number): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S{8,200})$/i.exec(header);
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer realm="mostrador"');
      return apiProblem(c, 401, 'unauthorized', 'Send your secret key as Authorization: Bearer sk_…');
    }
    const site = await store.sites.bySecretKeyHash(hashToken(match[1]!), now());
    if (!site) {
      // Slow down key guessing per address.
      const address = remoteAddress(c);
      const taken = addressLimiter.take(`badkey:${address}`, now());
      if (!taken.allowed) return tooMany(c, taken.retryAfterMs);
      c.header('WWW-Authenticate', 'Bearer realm="mostrador", error="invalid_token"');
      return apiProblem(c, 401, 'unauthorized', 'The secret key is not valid');
    }
    c.set('site', site);
    return next();
  };
}

/** The client's address (behind TRUST_PROXY, the one the proxy vouches for). */
export const remoteAddress = clientAddress;

export function tooMany(c: Context, retryAfterMs: number) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return apiProblem(c, 429, 'rate_limited', 'Too many requests', { detail: `Retry after ${Math.ceil(retryAfterMs / 1000)} s` });
}

/** Per-site token bucket; answers 429 with Retry-After when empty. */
export function siteRateLimit(limiter: RateLimiter, now: () => number): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const taken = limiter.take(c.get('site').id, now());
    c.header('RateLimit-Policy', `${limiter.burst};w=${Math.round(limiter.burst / limiter.rate)}`);
    if (!taken.allowed) return tooMany(c, taken.retryAfterMs);
    return next();
  };
}

/**
 * Runs a POST at most once per Idempotency-Key: a retry with the same key and the same request
 * gets the stored response (`Idempotency-Replayed: true`); the same key with a different request
 * is refused; a retry while the first is still running gets 409.
 */
export function idempotent(store: Store, now: () => number): MiddlewareHandler<ApiEnv> {
  const inFlight = new Set<string>();
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      return apiProblem(c, 400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters');
    }
    const site = c.get('site');
    const body = await c.req.raw.clone().text();
    const requestHash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n${body}`).digest('hex');
    const stored = await store.idempotency.get(site.id, key);
    if (stored) {
      if (stored.requestHash !== requestHash) {
        return apiProblem(c, 422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request');
      }
      return c.body(stored.body, stored.status as 200, { 'Content-Type': 'application/json', 'Idempotency-Replayed': 'true' });
    }
    const lock = `${site.id}\n${key}`;
    if (inFlight.has(lock)) return apiProblem(c, 409, 'request_in_progress', 'A request with this Idempotency-Key is still being processed');
    inFlight.add(lock);
    try {
      await next();
      const status = c.res.status;
      // Server faults are not remembered: the retry should really run again.
      if (status < 500 && status !== 429) {
        const responseBody = await c.res.clone().text();
        await store.idempotency.put(site.id, key, { requestHash, status, body: responseBody }, now());
      }
    } finally {
      inFlight.delete(lock);
    }
  };
}

export { iso } from '../shapes';
