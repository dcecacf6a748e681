/**
 * The PHP of the WordPress/WooCommerce plugin and the PrestaShop module under Debian's php-cli:
 * every file passes `php -l`, and each plugin's own unit test (a plain PHP script that exits
 * non-zero on failure) passes. Skipped locally without php; under CI=true a missing php is a
 * failure (.ci/run installs php-cli).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../integrations');
const hasPhp = spawnSync('php', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasPhp && process.env.CI === 'true') {
  throw new Error('php not found; CI must install it (apt-get install -y php-cli, see .ci/run).');
}
if (!hasPhp) console.warn('php-cli is not installed here: the PHP plugin tests are skipped (apt-get install -y php-cli to run them).');

function phpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? phpFiles(path) : name.endsWith('.php') ? [path] : [];
  });
}

describe.skipIf(!hasPhp)('shop plugins (PHP)', () => {
  const files = phpFiles(ROOT);

  it('finds the plugin, the module and their tests', () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toEqual(
      expect.arrayContaining([
        'woocommerce/mostrador/mostrador.php',
        'woocommerce/mostrador/includes/identity.php',
        'woocommerce/tests/identity-test.php',
        'prestashop/mostrador/mostrador.php',
        'prestashop/mostrador/classes/MostradorLogic.php',
        'prestashop/tests/logic-test.php',
      ]),
    );
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('php -l %s', (_name, file) => {
    const lint = spawnSync('php', ['-l', file], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toContain('No syntax errors detected');
    expect(lint.status).toBe(0);
  });

  it.each([['woocommerce/tests/identity-test.php'], ['prestashop/tests/logic-test.php']])('%s passes', (script) => {
    const run = spawnSync('php', [join(ROOT, script)], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('ok: ');
    expect(run.status).toBe(0);
  });
});
