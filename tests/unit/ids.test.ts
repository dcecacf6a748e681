import { describe, expect, it, vi, afterEach } from 'vitest';
import { newId, newSortableId } from '../../server/ids';

describe('ids', () => {
  afterEach(() => vi.useRealTimers());

  it('newId: prefix and 18 random characters', () => {
    expect(newId('cv')).toMatch(/^cv_[0-9a-zA-Z]{18}$/);
  });

  it('newSortableId: prefix, 8 characters of time and 12 random ones; unique', () => {
    const ids = Array.from({ length: 10_000 }, () => newSortableId('msg'));
    for (const id of ids.slice(0, 10)) expect(id).toMatch(/^msg_[0-9A-Za-z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('newSortableId: a later millisecond sorts after, as text (the index stays in time order)', () => {
    vi.useFakeTimers();
    const times = [0, 61, 62, 3_843, 3_844, Date.UTC(2026, 10, 29), Date.UTC(2026, 10, 29) + 1, Date.UTC(3000, 0, 1)];
    const ids = times.map((t) => {
      vi.setSystemTime(t);
      return newSortableId('msg');
    });
    // Byte order, as SQLite's BINARY collation compares text.
    const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted).toEqual(ids);
    expect(ids[0]!.slice(4, 12)).toBe('00000000');
    expect(ids[2]!.slice(4, 12)).toBe('00000010');
  });
});
