import { describe, expect, it } from 'vitest';
import { calendarOf, ratePeriodAt, splitByRatePeriod } from '../../src/calendar/index.js';
import { organisationFrom } from '../support/organisation.js';

const chicago = calendarOf(organisationFrom());
const at = (iso: string) => new Date(iso);
const minutes = (pieces: ReturnType<typeof splitByRatePeriod>) => pieces.map((p) => [p.period, p.ms / 60_000]);

describe('rate period of an instant (America/Chicago, split Monday windows)', () => {
  it('is business inside either of the day’s windows and after-hours between them', () => {
    expect(ratePeriodAt(chicago, at('2026-11-23T16:00:00Z'))).toBe('business'); // Mon 10:00 CST
    expect(ratePeriodAt(chicago, at('2026-11-23T19:00:00Z'))).toBe('after_hours'); // Mon 13:00, between windows
    expect(ratePeriodAt(chicago, at('2026-11-23T21:00:00Z'))).toBe('business'); // Mon 15:00, second window opens
    expect(ratePeriodAt(chicago, at('2026-11-23T23:00:00Z'))).toBe('after_hours'); // Mon 17:00, closed
  });

  it('is the weekend on Saturday and Sunday and a holiday on a listed date', () => {
    expect(ratePeriodAt(chicago, at('2026-11-28T18:00:00Z'))).toBe('weekend');
    expect(ratePeriodAt(chicago, at('2026-12-25T16:00:00Z'))).toBe('holiday'); // Friday 10:00, Christmas
  });

  it('lets a holiday win over a weekend', () => {
    const cal = calendarOf(organisationFrom(undefined, (d) => d.holidays.push('2026-12-26')));
    expect(ratePeriodAt(cal, at('2026-12-26T18:00:00Z'))).toBe('holiday'); // a Saturday
    expect(ratePeriodAt(cal, at('2026-12-27T18:00:00Z'))).toBe('weekend');
  });

  it('reads a country’s public holidays when holiday_calendar is set', () => {
    const cal = calendarOf(organisationFrom(undefined, (d) => (d.holiday_calendar = 'US')));
    expect(ratePeriodAt(cal, at('2026-11-26T16:00:00Z'))).toBe('holiday'); // Thanksgiving, Thursday 10:00
    expect(ratePeriodAt(chicago, at('2026-11-26T16:00:00Z'))).toBe('business'); // not without the calendar
  });

  it('follows the local clock across the spring-forward change', () => {
    // Monday 2026-03-09 is the first weekday on CDT (UTC-5): 09:00 local is 14:00Z, not 15:00Z.
    expect(ratePeriodAt(chicago, at('2026-03-09T13:59:00Z'))).toBe('after_hours');
    expect(ratePeriodAt(chicago, at('2026-03-09T14:00:00Z'))).toBe('business');
  });
});

describe('an interval cut into rate-period pieces', () => {
  it('splits 17:50–18:20 into 10 business and 20 after-hours minutes', () => {
    // Tuesday's window runs to 18:00 local (CST, UTC-6).
    expect(minutes(splitByRatePeriod(chicago, at('2026-11-24T23:50:00Z'), at('2026-11-25T00:20:00Z')))).toEqual([
      ['business', 10],
      ['after_hours', 20],
    ]);
  });

  it('splits the evening before a holiday into business, after-hours and holiday', () => {
    // Thursday 24 Dec 16:30 to Friday 25 Dec 01:00 local.
    expect(minutes(splitByRatePeriod(chicago, at('2026-12-24T22:30:00Z'), at('2026-12-25T07:00:00Z')))).toEqual([
      ['business', 30],
      ['after_hours', 420],
      ['holiday', 60],
    ]);
  });

  it('crosses the year boundary into a holiday', () => {
    // Thursday 31 Dec 23:30 to Friday 1 Jan 00:30 local; New Year's Day is listed.
    expect(minutes(splitByRatePeriod(chicago, at('2027-01-01T05:30:00Z'), at('2027-01-01T06:30:00Z')))).toEqual([
      ['after_hours', 30],
      ['holiday', 30],
    ]);
  });

  it('has a 23-hour Sunday on spring-forward and a 25-hour one on fall-back', () => {
    // Saturday 22:00 to Monday 10:00 local, both weekends.
    expect(minutes(splitByRatePeriod(chicago, at('2026-03-08T04:00:00Z'), at('2026-03-09T15:00:00Z')))).toEqual([
      ['weekend', (2 + 23) * 60],
      ['after_hours', 9 * 60],
      ['business', 60],
    ]);
    expect(minutes(splitByRatePeriod(chicago, at('2026-11-01T03:00:00Z'), at('2026-11-02T16:00:00Z')))).toEqual([
      ['weekend', (2 + 25) * 60],
      ['after_hours', 9 * 60],
      ['business', 60],
    ]);
  });

  it('is empty for an interval that ends before it starts', () => {
    expect(splitByRatePeriod(chicago, at('2026-11-24T12:00:00Z'), at('2026-11-24T11:00:00Z'))).toEqual([]);
  });
});
