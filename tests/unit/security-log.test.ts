import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SecurityLog } from '../../server/security-log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('SecurityLog', () => {
  it('logs an event once per key per interval, then says how many it suppressed', () => {
    const { lines, logger } = capture();
    let now = 0;
    const log = new SecurityLog(logger, { intervalMs: 1000, now: () => now });
    for (let i = 0; i < 100; i++) log.record('sign_in_failed', '1.2.3.4', { address: '1.2.3.4' }, 'sign-in refused');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'sign_in_failed', address: '1.2.3.4' });
    now = 1000;
    log.record('sign_in_failed', '1.2.3.4', { address: '1.2.3.4' }, 'sign-in refused');
    expect(lines[1]).toMatchObject({ event: 'sign_in_failed', suppressed: 99 });
  });

  it('caps the lines of one event across many keys, and reports the drop', () => {
    const { lines, logger } = capture();
    let now = 0;
    const log = new SecurityLog(logger, { intervalMs: 1000, maxPerInterval: 5, now: () => now });
    for (let i = 0; i < 1000; i++) log.record('origin_refused', `https://evil${i}.example`, {}, 'refused');
    expect(lines).toHaveLength(5);
    now = 1000;
    log.record('origin_refused', 'https://late.example', {}, 'refused');
    expect(lines.at(-2)).toMatchObject({ event: 'origin_refused', dropped: 995 });
    expect(lines).toHaveLength(7);
  });
});
