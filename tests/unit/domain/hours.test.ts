import { describe, expect, it } from 'vitest';
import {
  type BusinessSchedule,
  isOpen,
  isValidTimeZone,
  localDateTime,
  nextOpening,
  openingRanges,
  parseTimeOfDay,
  scheduleProblems,
} from '../../../server/domain/hours';

const at = (iso: string): number => Date.parse(iso);
const MADRID = 'Europe/Madrid';

/** A typical Spanish shop: split weekday hours, Saturday morning, closed Sunday. */
const SHOP: BusinessSchedule = {
  weekly: {
    mon: [['09:00', '14:00'], ['16:00', '19:00']],
    tue: [['09:00', '14:00'], ['16:00', '19:00']],
    wed: [['09:00', '14:00'], ['16:00', '19:00']],
    thu: [['09:00', '14:00'], ['16:00', '19:00']],
    fri: [['09:00', '14:00'], ['16:00', '19:00']],
    sat: [['10:00', '14:00']],
  },
  holidays: ['2025-12-08', '12-25'],
};

describe('parseTimeOfDay', () => {
  it.each([
    ['00:00', 0],
    ['09:30', 570],
    ['23:59', 1439],
    ['24:00', 1440],
    ['24:01', null],
    ['25:00', null],
    ['9:00', null],
    ['09:60', null],
    ['0900', null],
    ['', null],
  ])('%s → %s', (input, expected) => {
    expect(parseTimeOfDay(input)).toBe(expected);
  });
});

describe('localDateTime', () => {
  it('reads the wall clock in winter time (UTC+1)', () => {
    expect(localDateTime(MADRID, at('2025-01-15T08:30:15Z'))).toEqual({
      date: '2025-01-15',
      year: 2025,
      month: 1,
      day: 15,
      weekday: 'wed',
      hour: 9,
      minute: 30,
      secondOfDay: 9 * 3600 + 30 * 60 + 15,
    });
  });

  it('reads the wall clock in summer time (UTC+2)', () => {
    expect(localDateTime(MADRID, at('2025-07-01T08:30:00Z'))).toMatchObject({ hour: 10, minute: 30 });
  });

  it('gives midnight as hour 0 and the local (not UTC) date', () => {
    expect(localDateTime(MADRID, at('2025-12-07T23:00:00Z'))).toMatchObject({ date: '2025-12-08', weekday: 'mon', hour: 0 });
  });

  it('jumps from 01:59 to 03:00 on the spring-forward night', () => {
    expect(localDateTime(MADRID, at('2025-03-30T00:59:00Z'))).toMatchObject({ hour: 1, minute: 59 });
    expect(localDateTime(MADRID, at('2025-03-30T01:00:00Z'))).toMatchObject({ hour: 3, minute: 0 });
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Madrid', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('%s → %s', (tz, expected) => {
    expect(isValidTimeZone(tz)).toBe(expected);
  });
});

describe('isOpen', () => {
  it.each([
    // Winter (CET, UTC+1), Monday 24 March 2025
    ['2025-03-24T07:59:59Z', false, 'one second before opening'],
    ['2025-03-24T08:00:00Z', true, 'at opening (start inclusive)'],
    ['2025-03-24T08:30:00Z', true, 'mid-morning'],
    ['2025-03-24T12:59:59Z', true, 'last second of the morning'],
    ['2025-03-24T13:00:00Z', false, 'at closing (end exclusive)'],
    ['2025-03-24T14:30:00Z', false, 'lunch break'],
    ['2025-03-24T15:00:00Z', true, 'afternoon opening'],
    ['2025-03-24T18:00:00Z', false, '19:00 local'],
    ['2025-03-29T09:00:00Z', true, 'Saturday 10:00'],
    ['2025-03-29T13:30:00Z', false, 'Saturday 14:30'],
    ['2025-03-30T10:00:00Z', false, 'Sunday: no ranges'],
    // Summer (CEST, UTC+2) after the last Sunday of March: a fixed +1 offset would get these wrong
    ['2025-03-31T07:00:00Z', true, 'Monday after spring-forward, 09:00 CEST'],
    ['2025-03-31T06:59:00Z', false, 'Monday after spring-forward, 08:59 CEST'],
    ['2025-10-24T07:00:00Z', true, 'Friday before fall-back, 09:00 CEST'],
    // Back to winter after the last Sunday of October
    ['2025-10-27T07:30:00Z', false, 'Monday after fall-back, 08:30 CET'],
    ['2025-10-27T08:00:00Z', true, 'Monday after fall-back, 09:00 CET'],
    // Holidays
    ['2025-12-08T10:00:00Z', false, 'dated holiday (a Monday)'],
    ['2025-12-25T10:00:00Z', false, 'recurring holiday, 2025 (a Thursday)'],
    ['2026-12-25T10:00:00Z', false, 'recurring holiday, 2026 (a Friday)'],
    ['2025-12-09T10:00:00Z', true, 'the day after a holiday'],
  ])('%s → %s (%s)', (iso, expected) => {
    expect(isOpen(SHOP, MADRID, at(iso))).toBe(expected);
  });

  it('decides holidays by the local date, not the UTC date', () => {
    const allDay: BusinessSchedule = { weekly: { sun: [['00:00', '24:00']], mon: [['00:00', '24:00']] }, holidays: ['2025-12-08'] };
    expect(isOpen(allDay, MADRID, at('2025-12-07T22:30:00Z'))).toBe(true); // Sun 23:30 local
    expect(isOpen(allDay, MADRID, at('2025-12-07T23:30:00Z'))).toBe(false); // Mon 00:30 local, a holiday
  });

  it('treats "24:00" as open until midnight', () => {
    const late: BusinessSchedule = { weekly: { fri: [['20:00', '24:00']] } };
    expect(isOpen(late, MADRID, at('2025-01-17T22:59:59Z'))).toBe(true); // Fri 23:59:59
    expect(isOpen(late, MADRID, at('2025-01-17T23:00:00Z'))).toBe(false); // Sat 00:00
  });

  it('ignores malformed ranges instead of opening', () => {
    const broken: BusinessSchedule = { weekly: { wed: [['19:00', '09:00'], ['nine', 'five']] } };
    expect(isOpen(broken, MADRID, at('2025-01-15T10:00:00Z'))).toBe(false);
  });

  it('uses the site time zone, not the server one', () => {
    const nine2five: BusinessSchedule = { weekly: { wed: [['09:00', '17:00']] } };
    const instant = at('2025-01-15T15:00:00Z'); // 16:00 Madrid, 10:00 New York, 00:00 Thursday Tokyo
    expect(isOpen(nine2five, MADRID, instant)).toBe(true);
    expect(isOpen(nine2five, 'America/New_York', instant)).toBe(true);
    expect(isOpen(nine2five, 'Asia/Tokyo', instant)).toBe(false);
  });
});

describe('nextOpening', () => {
  it.each([
    ['2025-03-24T08:30:00Z', '2025-03-24T08:30:00Z', 'open now → now'],
    ['2025-03-24T06:00:00Z', '2025-03-24T08:00:00Z', 'early morning → 09:00 today'],
    ['2025-03-24T13:30:00Z', '2025-03-24T15:00:00Z', 'lunch → 16:00 today'],
    ['2025-03-28T18:30:00Z', '2025-03-29T09:00:00Z', 'Friday evening → Saturday 10:00'],
    ['2025-03-29T13:30:00Z', '2025-03-31T07:00:00Z', 'Saturday afternoon → Monday 09:00 CEST, across spring-forward'],
    ['2025-10-25T12:30:00Z', '2025-10-27T08:00:00Z', 'Saturday afternoon → Monday 09:00 CET, across fall-back'],
    ['2025-12-07T12:00:00Z', '2025-12-09T08:00:00Z', 'skips a holiday Monday'],
    ['2025-12-24T19:00:00Z', '2025-12-26T08:00:00Z', 'skips a recurring holiday'],
  ])('from %s → %s (%s)', (from, expected) => {
    expect(nextOpening(SHOP, MADRID, at(from))).toBe(at(expected));
  });

  it('opens at the end of the gap when the start time does not exist (02:30 on spring-forward night)', () => {
    const night: BusinessSchedule = { weekly: { sun: [['02:30', '05:00']] } };
    expect(nextOpening(night, MADRID, at('2025-03-29T12:00:00Z'))).toBe(at('2025-03-30T01:00:00Z')); // 03:00 CEST
  });

  it('skips a range that lies wholly inside the DST gap', () => {
    const inGap: BusinessSchedule = { weekly: { sun: [['02:00', '02:45']] } };
    expect(nextOpening(inGap, MADRID, at('2025-03-29T12:00:00Z'))).toBe(at('2025-04-06T00:00:00Z')); // next Sunday 02:00 CEST
  });

  it('takes the first of two 02:30s on fall-back night', () => {
    const night: BusinessSchedule = { weekly: { sun: [['02:30', '05:00']] } };
    expect(nextOpening(night, MADRID, at('2025-10-25T12:00:00Z'))).toBe(at('2025-10-26T00:30:00Z')); // 02:30 CEST
  });

  it('follows US daylight saving in New York', () => {
    const office: BusinessSchedule = { weekly: { mon: [['09:00', '17:00']], fri: [['09:00', '17:00']] } };
    // Friday 7 March 2025 17:30 EST → Monday 10 March 09:00 EDT (DST began on the Sunday)
    expect(nextOpening(office, 'America/New_York', at('2025-03-07T22:30:00Z'))).toBe(at('2025-03-10T13:00:00Z'));
  });

  it('finds an opening exactly 14 days away', () => {
    const mondays: BusinessSchedule = { weekly: { mon: [['09:00', '19:00']] }, holidays: ['2025-03-24', '2025-03-31'] };
    // Monday 24 March 08:00 CET → Monday 7 April 09:00 CEST, exactly 14 days later
    expect(nextOpening(mondays, MADRID, at('2025-03-24T07:00:00Z'))).toBe(at('2025-04-07T07:00:00Z'));
  });

  it('returns null past the 14-day horizon', () => {
    const mondays: BusinessSchedule = { weekly: { mon: [['09:00', '19:00']] }, holidays: ['2025-03-24', '2025-03-31'] };
    expect(nextOpening(mondays, MADRID, at('2025-03-23T12:00:00Z'))).toBeNull();
  });

  it('returns null for a schedule with no open day', () => {
    expect(nextOpening({ weekly: {} }, MADRID, at('2025-03-24T08:00:00Z'))).toBeNull();
    expect(nextOpening({ weekly: { mon: [] } }, MADRID, at('2025-03-24T08:00:00Z'))).toBeNull();
  });

  it('is consistent with isOpen: open at the result, closed just before it', () => {
    for (const from of ['2025-03-29T13:30:00Z', '2025-10-25T12:30:00Z', '2025-12-07T12:00:00Z', '2025-03-24T13:30:00Z']) {
      const next = nextOpening(SHOP, MADRID, at(from));
      expect(next).not.toBeNull();
      expect(isOpen(SHOP, MADRID, next!)).toBe(true);
      expect(isOpen(SHOP, MADRID, next! - 1000)).toBe(false);
    }
  });
});

describe('openingRanges', () => {
  it('lists valid ranges sorted by start and drops malformed ones', () => {
    const s: BusinessSchedule = { weekly: { mon: [['16:00', '19:00'], ['bad', '10:00'], ['09:00', '14:00']] } };
    expect(openingRanges(s, 'mon')).toEqual([
      ['09:00', '14:00'],
      ['16:00', '19:00'],
    ]);
    expect(openingRanges(s, 'tue')).toEqual([]);
  });
});

describe('scheduleProblems', () => {
  it('accepts a valid schedule', () => {
    expect(scheduleProblems(SHOP)).toEqual([]);
  });

  it.each<[string, BusinessSchedule, string]>([
    ['a range crossing midnight', { weekly: { fri: [['22:00', '02:00']] } }, 'fri: 22:00–02:00 ends before it starts (ranges cannot cross midnight)'],
    ['an empty range', { weekly: { fri: [['10:00', '10:00']] } }, 'fri: 10:00–10:00 ends before it starts (ranges cannot cross midnight)'],
    ['a bad start', { weekly: { mon: [['9am', '10:00']] } }, 'mon: bad start "9am"'],
    ['a start at 24:00', { weekly: { mon: [['24:00', '24:00']] } }, 'mon: bad start "24:00"'],
    ['a bad end', { weekly: { mon: [['09:00', '25:00']] } }, 'mon: bad end "25:00"'],
    ['an unknown day', { weekly: { funday: [['09:00', '10:00']] } as unknown as BusinessSchedule['weekly'] }, 'unknown day "funday"'],
    ['a bad holiday', { weekly: {}, holidays: ['2025-13-01'] }, 'bad holiday "2025-13-01"'],
  ])('reports %s', (_name, schedule, problem) => {
    expect(scheduleProblems(schedule)).toEqual([problem]);
  });
});
