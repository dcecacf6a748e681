/**
 * One config, two builds (`npm run build` runs both):
 *  - default: the widget panel (widget/app/index.html) and the console SPA (console/index.html),
 *    with hashed assets in dist/assets/;
 *  - `--mode loader`: widget/loader.ts as one small IIFE, dist/widget.js, that merchants embed.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
const jsx = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } };

export default defineConfig(({ mode }) => {
  if (mode === 'loader') {
    return {
      oxc: jsx,
      publicDir: false,
      build: {
        outDir: resolve(root, 'dist'),
        emptyOutDir: false,
        target: 'es2019',
        minify: true,
        sourcemap: false,
        lib: {
          entry: resolve(root, 'widget/loader.ts'),
          formats: ['iife'],
          name: 'MostradorLoader',
          fileName: () => 'widget.js',
        },
      },
    };
  }
  return {
    oxc: jsx,
    publicDir: false,
    base: '/',
    build: {
      outDir: resolve(root, 'dist'),
      emptyOutDir: true,
      target: 'es2020',
      sourcemap: true,
      rollupOptions: {
        input: {
          widget: resolve(root, 'widget/app/index.html'),
          console: resolve(root, 'console/index.html'),
        },
      },
    },
  };
});
