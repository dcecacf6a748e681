import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TeamPresence, siteHours } from '../../server/presence';
import { parseSiteSettings } from '../../server/domain/site-settings';
import type { BusinessHours } from '../../shared/site-settings';

const NINE_TO_FIVE: BusinessHours = { timeZone: 'Europe/Madrid', schedule: { weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] } } };
// Monday 2026-03-02, Madrid is UTC+1.
const MON_0830 = Date.UTC(2026, 2, 2, 7, 30);
const MON_0900 = Date.UTC(2026, 2, 2, 8, 0);

describe('TeamPresence.availability with business hours', () => {
  let team: TeamPresence;
  beforeEach(() => {
    team = new TeamPresence();
    team.connected('s1', { id: 'a1', name: 'Ana López' });
  });
  afterEach(() => {
    team.close();
    vi.useRealTimers();
  });

  it('says who is online when no hours are set', () => {
    expect(team.availability('s1', MON_0830)).toEqual({ available: true, names: ['Ana'] });
  });

  it("says nobody is available while closed, and when the counter opens (with the hours' time zone, the clock the widget states it on)", () => {
    team.setHours('s1', NINE_TO_FIVE);
    expect(team.availability('s1', MON_0830)).toEqual({ available: false, names: [], backAt: MON_0900, timeZone: NINE_TO_FIVE.timeZone });
    expect(team.availability('s1', MON_0900)).toEqual({ available: true, names: ['Ana'] });
    team.setHours('s1', null);
    expect(team.availability('s1', MON_0830)).toEqual({ available: true, names: ['Ana'] });
  });

  it('calls back when the counter opens, once', () => {
    vi.useFakeTimers();
    vi.setSystemTime(MON_0830);
    const flips = vi.fn();
    team.setHours('s1', NINE_TO_FIVE, flips);
    // A later hello with the same hours keeps the same watcher.
    team.setHours('s1', structuredClone(NINE_TO_FIVE), flips);
    vi.advanceTimersByTime(29 * 60_000);
    expect(flips).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2 * 60_000);
    expect(flips).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * 60_000);
    expect(flips).toHaveBeenCalledTimes(1);
  });
});

describe('siteHours', () => {
  // Settings as the store hands them out: parsed from the stored JSON (server/domain/site-settings).
  const site = (stored: Record<string, unknown>) => ({ settings: parseSiteSettings(stored).settings });
  it('reads settings.hours, else the older settings.bot.hours, else none', () => {
    expect(siteHours(site({ hours: NINE_TO_FIVE, bot: { hours: { timeZone: 'UTC', schedule: { weekly: {} } } } }))).toEqual(NINE_TO_FIVE);
    expect(siteHours(site({ bot: { hours: NINE_TO_FIVE } }))).toEqual(NINE_TO_FIVE);
    expect(siteHours(site({ hours: 'always' }))).toBeNull();
    expect(siteHours(site({}))).toBeNull();
  });
});
