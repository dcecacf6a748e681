/** The installable console's server side: which files are the shell, the worker's rules, the icon. */
import { describe, expect, it } from 'vitest';
import { consoleIcon, serviceWorkerSource, shellAssets } from '../../server/routes/console-app';

describe('console app shell', () => {
  it('takes the page’s own scripts, styles and preloads, once each', () => {
    const html = `<script type="module" crossorigin src="/assets/console-A.js"></script>
      <link rel="modulepreload" href="/assets/chunk-B.js"><link rel="stylesheet" crossorigin href="/assets/console-C.css">
      <link rel="icon" href="/console/icon-192.png"><script src="/assets/console-A.js"></script>`;
    expect(shellAssets(html)).toEqual(['/assets/console-A.js', '/assets/chunk-B.js', '/assets/console-C.css']);
  });

  it('the worker names its cache after the build and leaves API, files and sockets to the network', () => {
    const sw = serviceWorkerSource(['/console/', '/assets/console-A.js'], 'abc123');
    expect(sw).toContain("const CACHE = 'mostrador-console-abc123'");
    expect(sw).toContain('const SHELL = ["/console/","/assets/console-A.js"]');
    // Only GETs of our origin, and only the console page, /assets/ and the shell's own files are handled.
    expect(sw).toContain("if (request.method !== 'GET') return;");
    expect(sw).not.toMatch(/\/api\/'|startsWith\('\/api|startsWith\('\/files|startsWith\('\/ws/);
    expect(() => new Function(sw)).not.toThrow();
  });

  it('draws a square PNG icon of the asked size', () => {
    const png = consoleIcon(192);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([192, 192]);
  });
});
