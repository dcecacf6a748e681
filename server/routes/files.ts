/**
 * Uploads (shoppers and agents) and downloads of attachments. Uploads are streamed to disk with
 * a hard 10 MB cap and recognised by their bytes; downloads need a signed URL and are served so
 * a browser can never run them: exact type, nosniff, a sandboxing CSP, and attachment disposition
 * for anything that is not an image.
 */
import { createHash } from 'node:crypto';
import { RateLimiter } from '../domain/rate-limit';
import { Hono, type Context } from 'hono';
import { agentFromRequest, csrfOk } from '../auth';
import { MAX_UPLOAD_BYTES, dispositionFor, safeFileName, sniffType, type AllowedType } from '../domain/files';
import { originAllowed } from '../domain/origins';
import type { FileUrls } from '../file-urls';
import type { FileStorage } from '../file-storage';
import { isSameOrigin, problem } from '../http';
import { hashToken, newId } from '../ids';
import type { Logger } from '../logger';
import type { Store } from '../store/types';

export interface FileDeps {
  store: Store;
  logger: Logger;
  fileUrls: FileUrls;
  /** Where the files' bytes are kept (file-storage.ts). */
  files: FileStorage;
  publicUrl: string;
  now: () => number;
  /** Uploads per uploader: sustained per second and burst (UPLOAD_BUDGET by default). */
  uploadBudget?: { rate: number; burst: number };
  /** With several nodes: shares a budget with the others under a name (cluster-node.ts). */
  share?: (name: string, limiter: RateLimiter) => RateLimiter;
}

/** Reads the request body up to `max` bytes; null when it is larger. */
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

/** Uploads per uploader (all their tabs): a file every 6 s sustained, bursts of 10 (defaults). */
export const UPLOAD_BUDGET = { rate: 1 / 6, burst: 10 };

export function fileRoutes(deps: FileDeps) {
  const app = new Hono();
  const share = deps.share ?? ((_name: string, limiter: RateLimiter) => limiter);
  const budget = share('uploads', new RateLimiter(deps.uploadBudget?.rate ?? UPLOAD_BUDGET.rate, deps.uploadBudget?.burst ?? UPLOAD_BUDGET.burst));

  /** 429 with Retry-After when this uploader is over budget, before the body is read. */
  function overBudget(c: Context, key: string): Response | null {
    const taken = budget.take(key, deps.now());
    if (taken.allowed) return null;
    c.header('Retry-After', String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))));
    return problem(c, 429, 'too many uploads; try again shortly', { code: 'rate_limited', retryAfterMs: taken.retryAfterMs });
  }

  async function store(c: Context, siteId: string, uploader: { kind: 'visitor' | 'agent'; id: string }) {
    const bytes = await readLimited(c, MAX_UPLOAD_BYTES);
    if (bytes === null) return problem(c, 413, 'files are limited to 10 MB', { code: 'too_large' });
    if (bytes.length === 0) return problem(c, 400, 'the file is empty', { code: 'empty' });
    const type: AllowedType | null = sniffType(bytes.subarray(0, 16));
    if (!type) return problem(c, 415, 'only PNG, JPEG, GIF, WebP images and PDF files are accepted', { code: 'unsupported_type' });
    let rawName = 'file';
    try {
      rawName = decodeURIComponent(c.req.header('x-file-name') ?? 'file');
    } catch {
      /* keep the default */
    }
    const id = newId('file');
    const name = safeFileName(rawName, type);
    await deps.files.put(id, bytes);
    try {
      await deps.store.attachments.create({
        id,
        siteId,
        uploaderKind: uploader.kind,
        uploaderId: uploader.id,
        fileName: name,
        contentType: type,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        createdAt: deps.now(),
      });
    } catch (err) {
      await deps.files.remove(id);
      throw err;
    }
    return c.json({ id, name, contentType: type, size: bytes.length, url: deps.fileUrls.sign(id, name, deps.now()) }, 201);
  }

  // Shoppers: the panel (our origin, or the shop's for direct clients) with their visitor token.
  app.post('/api/uploads/visitor', async (c) => {
    const site = await deps.store.sites.byPublicKey(c.req.query('site') ?? '');
    if (!site) return problem(c, 404, 'unknown site');
    const origin = c.req.header('origin');
    if (!isSameOrigin(c, origin, deps.publicUrl) && !originAllowed(origin, site.allowedOrigins)) return problem(c, 403, 'origin not allowed');
    const token = /^Bearer\s+(\S{16,128})$/.exec(c.req.header('authorization') ?? '')?.[1];
    const visitor = token ? await deps.store.visitors.byToken(site.id, hashToken(token)) : null;
    if (!visitor) return problem(c, 401, 'unknown visitor', { code: 'unauthorized' });
    const limited = overBudget(c, `v:${visitor.id}`);
    if (limited) return limited;
    return store(c, site.id, { kind: 'visitor', id: visitor.id });
  });

  // Agents: the console, same origin, with the session cookie.
  app.post('/api/uploads/agent', async (c) => {
    if (!isSameOrigin(c, c.req.header('origin'), deps.publicUrl)) return problem(c, 403, 'cross-origin request refused');
    const agent = await agentFromRequest(c, deps.store, deps.now());
    if (!agent) return problem(c, 401, 'not signed in', { code: 'unauthorized' });
    if (!csrfOk(c)) return problem(c, 403, 'missing or wrong CSRF token', { code: 'csrf' });
    const limited = overBudget(c, `a:${agent.id}`);
    if (limited) return limited;
    return store(c, agent.siteId, { kind: 'agent', id: agent.id });
  });

  app.get('/files/:id/:name', async (c) => {
    const id = c.req.param('id');
    if (!deps.fileUrls.verify(id, c.req.query('exp'), c.req.query('sig'), deps.now())) return c.text('Link expired or invalid.', 403);
    const file = await deps.store.attachments.byId(id);
    const content = file ? await deps.files.open(id) : null;
    if (!file || !content) return c.text('Not found.', 404);
    return c.body(content.stream, 200, {
      'Content-Type': file.contentType,
      'Content-Length': String(content.size),
      'Content-Disposition': dispositionFor(file.contentType as AllowedType, file.fileName),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; sandbox",
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'private, max-age=86400',
    });
  });

  return app;
}
