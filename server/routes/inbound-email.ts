/**
 * POST /api/v1/inbound-email: a raw MIME message (Content-Type message/rfc822), for mail
 * providers that forward inbound mail over HTTP. Authenticated with the site's secret key: a
 * reply token of another site is unknown here. Parses, calls one use case, answers.
 */
import { Hono, type Context } from 'hono';
import { InboundRefused, receiveEmail, type InboundDeps } from '../app/inbound-email';
import { RateLimiter } from '../domain/rate-limit';
import { apiProblem, secretKeyAuth, type ApiEnv } from './api-v1/kit';

const STATUS = { too_large: 413, malformed: 400, unknown_recipient: 404, empty: 422 } as const;

async function readLimited(c: Context, max: number): Promise<Buffer | null> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) return null;
  const body = c.req.raw.body;
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) return null;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export function inboundEmailRoutes(deps: InboundDeps) {
  const app = new Hono<ApiEnv>();
  app.use('*', secretKeyAuth(deps.store, (deps.share ?? ((_n: string, l: RateLimiter) => l))('inbound.badkey', new RateLimiter(5, 20)), deps.now));
  app.post('/', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'message/rfc822' && type !== 'text/plain' && type !== 'application/octet-stream') {
      return apiProblem(c, 415, 'unsupported_media_type', 'Send the raw message as Content-Type: message/rfc822');
    }
    const raw = await readLimited(c, deps.maxBytes);
    if (raw === null) return apiProblem(c, 413, 'too_large', `The message is larger than ${Math.floor(deps.maxBytes / (1024 * 1024))} MB; nothing was stored`);
    try {
      const outcome = await receiveEmail(deps, { raw, siteId: c.get('site').id });
      if (outcome.status === 'dropped') return c.json({ status: 'dropped', reason: outcome.reason }, 202);
      return c.json(outcome, outcome.duplicate ? 200 : 201);
    } catch (err) {
      if (err instanceof InboundRefused) return apiProblem(c, STATUS[err.code], err.code, `${err.message}; nothing was stored`);
      throw err;
    }
  });
  return app;
}
