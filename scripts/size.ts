/**
 * What a shop page pays for the widget, against the budgets (fails above them; runs in
 * `npm test` after the build):
 *  - the loader, widget.js, on every page view: ≤ 1.5 KB gzip;
 *  - everything the browser downloads from our server until the open panel shows the
 *    conversation (loader + its lazy host half + panel page + scripts + styles): ≤ 25 KB gzip;
 *  - what a page view costs until the shopper shows intent (loader, host half, the hidden
 *    presence frame's page and script — widget/presence.ts): ≤ the presence budget gzip.
 * And what an agent's browser loads at the console's start (/console/): its index.html's scripts
 * and module preloads, ≤ the console's JS budget gzip (lazy chunks, loaded later, are not counted).
 * Each file is compressed on its own, as it is served (precompressed at build time). KB here is
 * 1,000 bytes, the stricter reading. Run after `npm run build`: `npm run size`.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { parseSiteSettings } from '../server/domain/site-settings';
import { frameHtml, presenceHtml } from '../server/routes/frame-page';
import { DEMO_SITE_SETTINGS } from '../server/store/seed';

const dist = resolve(import.meta.dirname, '../dist');
// consoleJsGzip: 56,460 B measured when the budget was set (issue 16), plus ~10 % headroom.
// presenceGzip: 7,801 B measured when the budget was set (issue 18), plus ~12 % headroom.
const BUDGET = { loaderGzip: 1_500, totalGzip: 25_000, presenceGzip: 8_800, consoleJsGzip: 62_000 };

try {
  statSync(join(dist, 'widget.js'));
} catch {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

function measure(name: string, data: Buffer) {
  return {
    name,
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const template = readFileSync(join(dist, 'widget/app/index.html'), 'utf8');
const refs = [...template.matchAll(/<(?:script|link)[^>]*(?:src|href)="\/(assets\/[^"]+)"[^>]*>/g)]
  .map((m) => m[1]!);
// The panel page as the server sends it: the template with the site's configuration inlined
// (the demo shop's, with its proactive rules), so the figure includes what a real site adds —
// and the panel's strings in one language, inlined: the larger of the two is counted.
const demoSite = { name: 'Café La Esquina', settings: parseSiteSettings(DEMO_SITE_SETTINGS).settings };
const page = (['es', 'en'] as const)
  .map((locale) => frameHtml(template, demoSite, { locale }))
  .reduce((a, b) => (gzipSync(b, { level: 9 }).length > gzipSync(a, { level: 9 }).length ? b : a));

const rows = [
  measure('widget.js (loader, every page view)', readFileSync(join(dist, 'widget.js'))),
  measure('widget-host.js (lazy)', readFileSync(join(dist, 'widget-host.js'))),
  measure('/widget/frame (panel page, demo config)', Buffer.from(page)),
  ...refs.map((r) => measure(r, readFileSync(join(dist, r)))),
];
// Until intent: the loader, the host half, the presence frame (demo config: its proactive rules).
const presenceRows = [
  rows[0]!,
  rows[1]!,
  measure('/widget/presence (presence page, demo config)', Buffer.from(presenceHtml(demoSite))),
  measure('widget-presence.js (presence frame)', readFileSync(join(dist, 'widget-presence.js'))),
];
const presenceTotal = presenceRows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });

// The console's first load: the scripts and module preloads its page references.
const consolePage = readFileSync(join(dist, 'console/index.html'), 'utf8');
const consoleJs = [...consolePage.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
if (consoleJs.length === 0) {
  console.error('dist/console/index.html references no script: has its build changed?');
  process.exit(1);
}
const consoleRows = consoleJs.map((r) => measure(r, readFileSync(join(dist, r))));
const consoleTotal = consoleRows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });

const kb = (n: number) => `${(n / 1000).toFixed(2)} KB`;
console.log('file'.padEnd(44), 'raw'.padStart(10), 'gzip'.padStart(10), 'brotli'.padStart(10));
for (const r of rows) console.log(r.name.padEnd(44), kb(r.raw).padStart(10), kb(r.gzip).padStart(10), kb(r.brotli).padStart(10));
console.log('total until the open panel shows the chat'.padEnd(44), kb(total.raw).padStart(10), kb(total.gzip).padStart(10), kb(total.brotli).padStart(10));
console.log();
console.log('until intent (idle page view)'.padEnd(44), 'raw'.padStart(10), 'gzip'.padStart(10), 'brotli'.padStart(10));
for (const r of presenceRows) console.log(r.name.padEnd(44), kb(r.raw).padStart(10), kb(r.gzip).padStart(10), kb(r.brotli).padStart(10));
console.log('total until intent'.padEnd(44), kb(presenceTotal.raw).padStart(10), kb(presenceTotal.gzip).padStart(10), kb(presenceTotal.brotli).padStart(10));
console.log();
console.log('console (/console/ at start)'.padEnd(44), 'raw'.padStart(10), 'gzip'.padStart(10), 'brotli'.padStart(10));
for (const r of consoleRows) console.log(r.name.padEnd(44), kb(r.raw).padStart(10), kb(r.gzip).padStart(10), kb(r.brotli).padStart(10));
console.log('console JS at start'.padEnd(44), kb(consoleTotal.raw).padStart(10), kb(consoleTotal.gzip).padStart(10), kb(consoleTotal.brotli).padStart(10));
console.log();
const loader = rows[0]!;
const checks = [
  { what: 'loader gzip', value: loader.gzip, budget: BUDGET.loaderGzip },
  { what: 'total gzip', value: total.gzip, budget: BUDGET.totalGzip },
  { what: 'until intent gzip', value: presenceTotal.gzip, budget: BUDGET.presenceGzip },
  { what: 'console JS at start gzip', value: consoleTotal.gzip, budget: BUDGET.consoleJsGzip },
];
let failed = false;
for (const c of checks) {
  const ok = c.value <= c.budget;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${c.what}: ${c.value} B of ${c.budget} B (${((100 * c.value) / c.budget).toFixed(0)}%)`);
}
if (failed) {
  console.error('\nOver a size budget (the widget’s, or the console’s first load).');
  process.exit(1);
}
