import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessMsBetween,
  calendarOf,
  nextOpening,
  ratePeriodAt,
  splitByRatePeriod,
} from '../../src/calendar/index.js';
import { organisationFrom } from '../support/organisation.js';

const chicago = calendarOf(organisationFrom());
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('next business opening', () => {
  it('is the instant itself during business hours', () => {
    expect(nextOpening(chicago, at('2026-11-23T16:00:00Z'))?.toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('is the afternoon window when asked over Monday lunch', () => {
    expect(nextOpening(chicago, at('2026-11-23T19:00:00Z'))?.toISOString()).toBe('2026-11-23T21:00:00.000Z'); // 15:00 CST
  });

  it('skips a holiday and the weekend after it', () => {
    // Thursday 24 Dec 17:30 local: Friday is Christmas, then the weekend, so Monday 28 Dec 09:00 CST.
    expect(nextOpening(chicago, at('2026-12-24T23:30:00Z'))?.toISOString()).toBe('2026-12-28T15:00:00.000Z');
  });

  it('is undefined for an organisation with no business hours at all', () => {
    const never = calendarOf(organisationFrom(undefined, (d) => (d.business_hours = {})));
    expect(nextOpening(never, at('2026-11-23T16:00:00Z'))).toBeUndefined();
  });
});

describe('business time elapsed and added', () => {
  it('counts only business hours across a holiday and a weekend', () => {
    // Thursday 24 Dec 16:00 CST to Monday 28 Dec 10:00 CST: one hour each side.
    expect(businessMsBetween(chicago, at('2026-12-24T22:00:00Z'), at('2026-12-28T16:00:00Z'))).toBe(2 * HOUR);
  });

  it('adds 24 business hours across a holiday, a weekend and split windows', () => {
    // Thu 1h, Mon 3.5h + 2h, Tue 9h, Wed 8h = 23.5h; the last half hour is Thursday 31 Dec 09:00–09:30 CST.
    expect(addBusinessTime(chicago, at('2026-12-24T22:00:00Z'), 24 * HOUR)?.toISOString()).toBe(
      '2026-12-31T15:30:00.000Z',
    );
  });
});

describe('Europe/Rome with windows that touch midnight', () => {
  const rome = calendarOf(
    organisationFrom(undefined, (d) => {
      d.organization.timezone = 'Europe/Rome';
      d.business_hours = { friday: ['18:00-24:00'], saturday: ['00:00-02:00'], sunday: ['00:00-06:00'] };
      d.holidays = [];
    }),
  );

  it('runs one business stretch across midnight', () => {
    // Friday 2026-11-27 23:00 to Saturday 01:00 local (CET, UTC+1).
    const pieces = splitByRatePeriod(rome, at('2026-11-27T22:00:00Z'), at('2026-11-28T00:00:00Z'));
    expect(pieces.map((p) => [p.period, p.ms / HOUR])).toEqual([['business', 2]]);
    expect(ratePeriodAt(rome, at('2026-11-27T23:00:00Z'))).toBe('business'); // Saturday 00:00 exactly
    expect(ratePeriodAt(rome, at('2026-11-28T01:00:00Z'))).toBe('weekend'); // Saturday 02:00, closed
  });

  it('counts a Sunday night window as five real hours on spring-forward and seven on fall-back', () => {
    expect(businessMsBetween(rome, at('2026-03-28T23:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(5 * HOUR);
    expect(businessMsBetween(rome, at('2026-10-24T22:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(7 * HOUR);
  });

  it('keeps Friday’s opening time local on both sides of the fall-back change', () => {
    // Friday 2026-10-23 (CEST, UTC+2) and Friday 2026-10-30 (CET, UTC+1) both open at 18:00 local.
    expect(ratePeriodAt(rome, at('2026-10-23T16:00:00Z'))).toBe('business');
    expect(ratePeriodAt(rome, at('2026-10-30T16:00:00Z'))).toBe('after_hours');
    expect(ratePeriodAt(rome, at('2026-10-30T17:00:00Z'))).toBe('business');
  });
});
