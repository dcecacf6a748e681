/**
 * Serves the built front ends: the loader (/widget.js), the panel page the loader frames
 * (/widget/frame), the console SPA (/console/), hashed assets (/assets/), and the demo shop
 * (/demo/). Each HTML page gets a Content-Security-Policy; the panel's frame-ancestors is the
 * site's allowed origins, so no other page can frame a shop's chat.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { frameAncestors, originAllowed } from '../domain/origins';
import { isSameOrigin } from '../http';
import type { SecurityLog } from '../security-log';
import { refusedFrame } from './refused-frame';
import { DEMO_DIR } from '../paths';
import type { Store } from '../store/types';
import { frameHtml, frameLocale, presenceHtml } from './frame-page';
import { consoleAppRoutes } from './console-app';


export interface StaticDeps {
  store: Store;
  distDir: string;
  /** The demo shop is served (SEED_DEMO): `/` opens it. Otherwise `/` is a plain status page. */
  demo?: boolean;
  /** PUBLIC_URL (our own pages may frame the panel, e.g. previews). */
  publicUrl?: string;
  /** Where a refused embedding origin is reported (rate-limited). */
  securityLog?: SecurityLog;
  /** False: e-mail is not configured (the panel does not offer to answer by e-mail). */
  email?: boolean;
}

/** The origin of a Referer header, or null. */
function originOf(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    const url = new URL(referer);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** What `/` shows on a real deployment: that it runs, and where the console is (no site data). */
const STATUS_PAGE = `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Mostrador</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>Mostrador</h1>
<p>El servidor de chat está funcionando. <a href="/console/">Abrir la consola</a></p>
<p lang="en">The chat server is running. <a href="/console/">Open the console</a></p>
</body></html>`;

async function readBytesOrNull(path: string): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

function missingBuild(c: Context) {
  return c.text('The front ends are not built. Run `npm run build` (npm start does it for you).', 503);
}

function wsSources(c: Context): string {
  const host = c.req.header('host');
  return host ? `ws://${host} wss://${host}` : '';
}

export function staticRoutes(deps: StaticDeps) {
  const app = new Hono();

  /**
   * The embedding page's origin (browsers send it as the Referer of a cross-origin frame) when
   * the site does not allow it, recorded in the security log; null when the frame may show.
   */
  const refusedEmbedder = (c: Context, site: { publicKey: string; allowedOrigins: readonly string[] }): string | null => {
    const embedder = originOf(c.req.header('referer'));
    if (!embedder || c.req.header('sec-fetch-dest') === 'document' || isSameOrigin(c, embedder, deps.publicUrl ?? '') || originAllowed(embedder, site.allowedOrigins)) return null;
    deps.securityLog?.record(
      'origin_refused',
      `${site.publicKey} ${embedder}`,
      { site: site.publicKey, origin: embedder, where: 'widget' },
      `widget refused on ${embedder}: not an allowed origin of ${site.publicKey}; add it in the console (Settings → Embed → Allowed origins)`,
    );
    return embedder;
  };

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  /**
   * The loader (/widget.js), its lazy host half (/widget-host.js) and the presence frame's
   * script (/widget-presence.js), brotli or gzip when the browser takes it (precompressed at
   * build time).
   */
  for (const name of ['widget.js', 'widget-host.js', 'widget-presence.js']) {
    app.get(`/${name}`, async (c) => {
      const accept = c.req.header('accept-encoding') ?? '';
      const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
      const path = join(deps.distDir, name);
      const body = (encoding && (await readBytesOrNull(`${path}.${encoding === 'br' ? 'br' : 'gz'}`))) || null;
      const plain = body ? null : await readBytesOrNull(path);
      if (!body && !plain) return missingBuild(c);
      return c.body((body ?? plain)!, 200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        // Short: merchants never change their snippet, so a new release must reach them soon.
        'Cache-Control': 'public, max-age=300',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        Vary: 'Accept-Encoding',
        ...(body ? { 'Content-Encoding': encoding! } : {}),
      });
    });
  }

  /**
   * The presence frame: hidden, loaded on idle by widget-host.js (see widget/presence.ts). On a
   * page whose origin is not allowed it is an empty page (the panel explains why on intent).
   */
  app.get('/widget/presence', async (c) => {
    const key = c.req.query('site') ?? '';
    const site = key ? await deps.store.sites.byPublicKey(key) : null;
    if (!site) return c.text('Unknown site key.', 404);
    const csp = (script: string) =>
      ["default-src 'none'", `connect-src 'self' ${wsSources(c)}`, `script-src ${script}`, "base-uri 'none'", "form-action 'none'", frameAncestors(site.allowedOrigins)].join('; ');
    if (refusedEmbedder(c, site)) return c.html('<!doctype html>', 200, { 'Content-Security-Policy': csp("'none'"), 'Cache-Control': 'no-store' });
    return c.html(presenceHtml(site), 200, { 'Content-Security-Policy': csp("'self'"), 'Cache-Control': 'no-cache' });
  });

  app.get('/widget/frame', async (c) => {
    const key = c.req.query('site') ?? '';
    const site = key ? await deps.store.sites.byPublicKey(key) : null;
    if (!site) return c.text('Unknown site key.', 404);
    // Not allowed: a friendly panel instead of the browser's broken frame, and a hint for the
    // merchant. Without a Referer the CSP's frame-ancestors below still keeps the panel off that page.
    const embedder = refusedEmbedder(c, site);
    if (embedder) {
      const refused = refusedFrame(embedder, site.publicKey, c.req.query('lang'));
      return c.html(refused.html, 200, { 'Content-Security-Policy': refused.csp, 'Cache-Control': 'no-store' });
    }
    const template = await readOrNull(join(deps.distDir, 'widget', 'app', 'index.html'));
    if (template === null) return missingBuild(c);
    const html = frameHtml(template, site, { email: deps.email !== false, locale: frameLocale(c.req.query('lang'), c.req.header('accept-language')) });
    return c.html(html, 200, {
      'Content-Security-Policy': [
        "default-src 'self'",
        `connect-src 'self' ${wsSources(c)}`,
        "img-src 'self' data: https:",
        "style-src 'self'",
        "script-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        frameAncestors(site.allowedOrigins),
      ].join('; '),
      'Cache-Control': 'no-cache',
    });
  });

  app.get('/console', (c) => c.redirect('/console/'));
  // The installable console: manifest, icons, service worker (before the page's catch-all).
  consoleAppRoutes(app, deps.distDir);
  app.get('/console/*', async (c) => {
    const html = await readOrNull(join(deps.distDir, 'console', 'index.html'));
    if (html === null) return missingBuild(c);
    return c.html(html, 200, {
      'Content-Security-Policy': [
        "default-src 'self'",
        `connect-src 'self' ${wsSources(c)}`,
        "img-src 'self' data: https:",
        "style-src 'self'",
        "script-src 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      'Cache-Control': 'no-cache',
      'X-Frame-Options': 'DENY',
    });
  });

  app.use(
    '/assets/*',
    serveStatic({
      root: deps.distDir,
      precompressed: true,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
        c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    }),
  );

  if (!deps.demo) {
    app.get('/', (c) => c.html(STATUS_PAGE, 200, { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'", 'Cache-Control': 'no-cache' }));
    return app;
  }
  app.get('/', (c) => c.redirect('/demo/'));
  app.get('/demo', (c) => c.redirect('/demo/'));
  app.use(
    '/demo/*',
    serveStatic({
      root: DEMO_DIR,
      rewriteRequestPath: (path) => path.replace(/^\/demo/, ''),
      onFound: (_path, c) => {
        c.header('Cache-Control', 'no-cache');
      },
    }),
  );

  return app;
}
