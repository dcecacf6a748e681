/**
 * Prints what a shop page pays for the widget: the loader (on every page view) and the panel
 * (loaded lazily), raw and compressed. Run after `npm run build`: `npm run size`.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const dist = resolve(import.meta.dirname, '../dist');

function sizes(files: string[]) {
  const buf = Buffer.concat(files.map((f) => readFileSync(join(dist, f))));
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotliCompressSync(buf).length };
}

function panelFiles(): string[] {
  const html = readFileSync(join(dist, 'widget/app/index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  return ['widget/app/index.html', ...refs];
}

try {
  statSync(join(dist, 'widget.js'));
} catch {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

const rows = [
  { part: 'loader (widget.js, every page view)', ...sizes(['widget.js']) },
  { part: 'panel (iframe, lazy: html + js + css)', ...sizes(panelFiles()) },
];
const kb = (n: number) => `${(n / 1024).toFixed(2)} KiB`;
console.log('part'.padEnd(42), 'raw'.padStart(11), 'gzip'.padStart(11), 'brotli'.padStart(11));
for (const r of rows) console.log(r.part.padEnd(42), kb(r.raw).padStart(11), kb(r.gzip).padStart(11), kb(r.brotli).padStart(11));
