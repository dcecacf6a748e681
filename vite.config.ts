/**
 * One config, six builds (`npm run build` runs them all):
 *  - default: the console SPA (console/index.html), hashed assets in dist/assets/;
 *  - `--mode panel`: the widget panel (widget/app/index.html), built on its own so it shares no
 *    chunk with the console: a shopper downloads only what the panel uses;
 *  - `--mode loader`: widget/loader.ts as one small IIFE, dist/widget.js, that merchants embed;
 *  - `--mode host`: widget/host.ts, dist/widget-host.js, the host-page half widget.js loads lazily;
 *  - `--mode presence`: widget/presence.ts, dist/widget-presence.js, the script of the hidden
 *    presence frame the host half adds until the shopper shows intent;
 *  - `--mode server`: the server and its commands as Node ES modules in dist-server/ (`npm start`
 *    runs dist-server/index.js; dependencies stay in node_modules, so `npm ci --omit=dev` suffices).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;
/**
 * Writes `.br` and `.gz` next to every built script and stylesheet, so the server sends them
 * compressed at no CPU cost per request (serve-static `precompressed`, and /widget*.js).
 */
const precompress = (): Plugin => ({
  name: 'mostrador:precompress',
  apply: 'build',
  writeBundle(options, bundle) {
    for (const name of Object.keys(bundle)) {
      if (!/\.(js|css)$/.test(name)) continue;
      const path = join(options.dir!, name);
      const data = readFileSync(path);
      writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
    }
  },
});

/**
 * The panel's lazily imported chunks (the rating) have no CSS and import only what the panel
 * already loaded, so Vite's preload wrapper around `import()` (~0.8 KB gzip of helper every
 * shopper would download) has nothing to do: the plain `import()` stays, and the helper goes.
 */
const plainDynamicImport = (): Plugin => ({
  name: 'mostrador:plain-dynamic-import',
  apply: 'build',
  renderChunk(code) {
    // `__vitePreload(() => import("./Rating-….js").then(…), __VITE_PRELOAD__)` → the import alone.
    const plain = code.replace(/__vitePreload\(\(\) => (import\("[^"\n]+"\)[^\n]*?), __VITE_PRELOAD__\)/g, '$1');
    return plain === code ? null : { code: plain, map: null };
  },
});

/**
 * The panel page without the template's indentation, nor `crossorigin` (its scripts and styles
 * are same-origin, where the attribute changes nothing): every shopper downloads it.
 */
const compactHtml = (): Plugin => ({
  name: 'mostrador:compact-html',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler: (html) => html.replace(/>\s+</g, '><').replace(/\s*\/>/g, '>').replace(/ crossorigin(?=[ >])/g, '').trim(),
  },
});

const jsx = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } };

export default defineConfig(({ mode }) => {
  if (mode === 'server') {
    return {
      publicDir: false,
      build: {
        ssr: true,
        outDir: resolve(root, 'dist-server'),
        emptyOutDir: true,
        target: 'node20',
        minify: false,
        sourcemap: true,
        rollupOptions: {
          input: {
            index: resolve(root, 'server/index.ts'),
            'create-admin': resolve(root, 'scripts/create-admin.ts'),
            'remove-demo': resolve(root, 'scripts/remove-demo.ts'),
          },
          output: { format: 'es' as const, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        },
      },
    };
  }
  if (mode === 'loader' || mode === 'host' || mode === 'presence') {
    const entry = { loader: ['widget/loader.ts', 'MostradorLoader', 'widget.js'], host: ['widget/host.ts', 'MostradorHost', 'widget-host.js'], presence: ['widget/presence.ts', 'MostradorPresence', 'widget-presence.js'] }[mode] as [string, string, string];
    return {
      oxc: jsx,
      publicDir: false,
      plugins: [precompress()],
      build: {
        outDir: resolve(root, 'dist'),
        emptyOutDir: false,
        // The presence frame runs in our own iframe, like the panel: a current browser.
        target: mode === 'presence' ? 'es2022' : 'es2020',
        minify: 'terser',
        terserOptions: { ecma: 2020, compress: { passes: 5 }, format: { comments: false } },
        sourcemap: false,
        lib: {
          entry: resolve(root, entry[0]),
          formats: ['iife'],
          name: entry[1],
          fileName: () => entry[2],
        },
      },
    };
  }
  const panel = mode === 'panel';
  return {
    oxc: jsx,
    publicDir: false,
    plugins: panel ? [plainDynamicImport(), compactHtml(), precompress()] : [precompress()],
    base: '/',
    build: {
      outDir: resolve(root, 'dist'),
      emptyOutDir: !panel,
      // Both run in our own pages (console, panel iframe), which need a current browser anyway.
      target: 'es2022',
      // The panel's CSS needs no downlevelling: a target that knows light-dark() spares every
      // shopper lightningcss's `--lightningcss-light/dark` shim for `color-scheme` (panel.css
      // uses no light-dark()).
      ...(panel ? { cssTarget: ['chrome123', 'edge123', 'firefox120', 'safari17.5'] } : {}),
      // Each is one chunk: the modulepreload polyfill would only add bytes.
      modulePreload: { polyfill: false },
      // The panel is paid for by shoppers: terser's extra passes save ~2% over the default.
      ...(panel ? { minify: 'terser' as const, terserOptions: { ecma: 2020, module: true, compress: { passes: 5 }, format: { comments: false } } } : {}),
      sourcemap: true,
      rollupOptions: {
        input: { [panel ? 'widget' : 'console']: resolve(root, panel ? 'widget/app/index.html' : 'console/index.html') } as Record<string, string>,
      },
    },
  };
});
