/**
 * docs/deploy.md's systemd unit, as written, passes `systemd-analyze verify` (unknown keys, a
 * missing ExecStart binary or a bad setting fail it). Skipped with a warning where systemd is
 * not installed; under CI=true it fails instead (.ci/run installs it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docBlock } from '../helpers/nginx';

const ANALYZE = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!ANALYZE && !process.env.CI) console.warn('systemd-analyze is not installed: the test of docs/deploy.md\'s systemd unit is skipped (apt-get install -y systemd)');

function verify(unit: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mostrador-unit-'));
  try {
    writeFileSync(join(dir, 'mostrador.service'), unit);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'mostrador.service')], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(ANALYZE || process.env.CI)('the systemd unit in docs/deploy.md', () => {
  const documented = docBlock('deploy.md', 'ini', 'mostrador.service');
  // The unit names Debian's /usr/bin/node; where node lives elsewhere, point it there.
  const unit = existsSync('/usr/bin/node') ? documented : documented.replace('/usr/bin/node', process.execPath);

  it('passes systemd-analyze verify without a warning', () => {
    expect(documented).toContain('ExecStart=/usr/bin/node dist-server/index.js');
    expect(verify(unit)).toEqual({ status: 0, output: '' });
  });

  it('is checked for real: a misspelt key or a missing binary fails it', () => {
    expect(verify(unit.replace('ExecStart=', 'ExecStrat=')).status).not.toBe(0);
    const missing = verify(unit.replace(/ExecStart=\S+/, 'ExecStart=/usr/bin/no-such-node'));
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain('no-such-node');
  });
});
