import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { calendarOf, ratePeriodAt, splitByRatePeriod, type RatePeriod } from '../../src/calendar/index.js';
import { WEEKDAYS } from '../../src/config/index.js';
import { organisationFrom } from '../support/organisation.js';

/** The definition, read off a local wall clock minute by minute: the slow way the calendar must agree with. */
function byWallClock(org: ReturnType<typeof organisationFrom>, at: Date): RatePeriod {
  const t = DateTime.fromJSDate(at, { zone: org.timezone });
  if (org.holidays.includes(t.toISODate()!)) return 'holiday';
  const day = WEEKDAYS[t.weekday - 1]!;
  const minutes = t.hour * 60 + t.minute;
  if (org.businessHours[day].some((w) => minutes >= w.start && minutes < w.end)) return 'business';
  return org.weekendDays.includes(day) ? 'weekend' : 'after_hours';
}

describe('rate periods from cached day segments', () => {
  for (const zone of ['America/Chicago', 'Europe/Rome', 'Australia/Lord_Howe']) {
    it(`agrees with the wall clock at 20,000 random minutes over two years in ${zone}, clock changes included`, () => {
      const org = organisationFrom(undefined, (doc) => {
        doc.organization.timezone = zone;
        doc.business_hours.saturday = ['00:00-02:30', '22:00-24:00'];
        doc.holidays.push('2027-03-28', '2027-10-31');
      });
      const cal = calendarOf(org);
      let seed = 7;
      const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      const from = Date.parse('2026-01-01T00:00:00Z');
      for (let i = 0; i < 20_000; i++) {
        const at = new Date(Math.floor((from + rand() * 730 * 86_400_000) / 60_000) * 60_000);
        expect([at.toISOString(), ratePeriodAt(cal, at)]).toEqual([at.toISOString(), byWallClock(org, at)]);
      }
    });
  }

  it('splits a long interval into pieces that cover it exactly, each of one period, across DST', () => {
    const org = organisationFrom(undefined, (doc) => (doc.organization.timezone = 'Europe/Rome'));
    const cal = calendarOf(org);
    const start = new Date('2026-10-20T13:17:00Z');
    const end = new Date('2026-11-03T08:41:00Z'); // spans the end of summer time on 25 October
    const pieces = splitByRatePeriod(cal, start, end);
    expect(pieces[0]!.start).toEqual(start);
    expect(pieces.at(-1)!.end).toEqual(end);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i > 0) expect(p.start).toEqual(pieces[i - 1]!.end);
      expect(p.ms).toBe(p.end.getTime() - p.start.getTime());
      if (i > 0) expect(p.period).not.toBe(pieces[i - 1]!.period);
      for (let t = p.start.getTime(); t < p.end.getTime(); t += 15 * 60_000)
        expect(byWallClock(org, new Date(t))).toBe(p.period);
    }
  });
});
