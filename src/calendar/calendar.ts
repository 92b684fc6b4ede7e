import { DateTime } from 'luxon';
import { createRequire } from 'node:module';
import type HolidaysType from 'date-holidays';
import { WEEKDAYS, type Organisation, type Weekday, type Window } from '../config/index.js';

/** The rate periods every billable event falls in; a holiday wins over a weekend, a weekend over after-hours. */
export const RATE_PERIODS = ['business', 'after_hours', 'weekend', 'holiday'] as const;
export type RatePeriod = (typeof RATE_PERIODS)[number];

export interface BusinessCalendar {
  zone: string;
  hours: Record<Weekday, Window[]>;
  weekendDays: ReadonlySet<Weekday>;
  /** Whether a local date (YYYY-MM-DD) is a holiday, and its name when known. */
  holidayOn(localDate: string): string | undefined;
}

/** Builds the calendar of an organisation: its zone, weekly windows, weekend and holidays. */
export function calendarOf(org: Pick<Organisation, 'timezone' | 'businessHours' | 'weekendDays' | 'holidays' | 'holidayCalendar'>): BusinessCalendar {
  const explicit = new Set(org.holidays);
  const publicHolidays = org.holidayCalendar ? publicHolidaysOf(org.holidayCalendar) : undefined;
  const hours = Object.fromEntries(
    WEEKDAYS.map((d) => [d, [...(org.businessHours[d] ?? [])].sort((a, b) => a.start - b.start)]),
  ) as Record<Weekday, Window[]>;
  return {
    zone: org.timezone,
    hours,
    weekendDays: new Set(org.weekendDays),
    holidayOn: (date) => (explicit.has(date) ? 'holiday' : publicHolidays?.(date)),
  };
}

/** A country's public holidays by local date, computed once per year asked about. */
function publicHolidaysOf(country: string): (date: string) => string | undefined {
  // Loaded only by organisations that ask for it: the library carries every country's rules (~20 MB).
  const Holidays = createRequire(import.meta.url)('date-holidays') as typeof HolidaysType;
  const calendar = new Holidays(country);
  const byYear = new Map<number, Map<string, string>>();
  return (date) => {
    const year = Number(date.slice(0, 4));
    let days = byYear.get(year);
    if (!days) {
      days = new Map();
      for (const h of calendar.getHolidays(year) || []) {
        if (h.type === 'public') days.set(h.date.slice(0, 10), h.name);
      }
      byYear.set(year, days);
    }
    return days.get(date);
  };
}

function local(cal: BusinessCalendar, at: Date): DateTime {
  return DateTime.fromJSDate(at, { zone: cal.zone });
}

function weekdayOf(day: DateTime): Weekday {
  return WEEKDAYS[day.weekday - 1]!;
}

/** The instant a local date's clock shows `minutes` after midnight (24:00 is the next midnight). */
function instantOn(day: DateTime, minutes: number): DateTime {
  return day.startOf('day').plus({ days: Math.floor(minutes / 1440) }).set({ hour: Math.floor((minutes % 1440) / 60), minute: minutes % 60 });
}

/** The windows of one local day, empty on a holiday. */
function windowsOn(cal: BusinessCalendar, day: DateTime): Window[] {
  return cal.holidayOn(day.toISODate()!) ? [] : cal.hours[weekdayOf(day)];
}

/**
 * Every edge of a rate period (a window's start or end, a local midnight) falls on a whole minute,
 * so the answer for one minute holds for all of it: remember the last minute asked about, since every
 * incoming call asks about "now".
 */
const lastMinute = new WeakMap<BusinessCalendar, { minute: number; period: RatePeriod }>();

export function ratePeriodAt(cal: BusinessCalendar, at: Date): RatePeriod {
  const minute = Math.floor(at.getTime() / 60_000);
  const memo = lastMinute.get(cal);
  if (memo?.minute === minute) return memo.period;
  const period = computeRatePeriod(cal, at);
  lastMinute.set(cal, { minute, period });
  return period;
}

function computeRatePeriod(cal: BusinessCalendar, at: Date): RatePeriod {
  const t = local(cal, at);
  if (cal.holidayOn(t.toISODate()!)) return 'holiday';
  const minutes = t.hour * 60 + t.minute;
  if (cal.hours[weekdayOf(t)].some((w) => minutes >= w.start && minutes < w.end)) return 'business';
  return cal.weekendDays.has(weekdayOf(t)) ? 'weekend' : 'after_hours';
}

export interface RatePiece {
  period: RatePeriod;
  start: Date;
  end: Date;
  ms: number;
}

/** An interval cut where its rate period changes: 17:50–18:20 is 10 business and 20 after-hours minutes. */
export function splitByRatePeriod(cal: BusinessCalendar, start: Date, end: Date): RatePiece[] {
  if (end.getTime() <= start.getTime()) return [];
  const from = start.getTime();
  const to = end.getTime();
  const cuts = new Set<number>([from, to]);
  for (let day = local(cal, start).startOf('day'); day.toMillis() < to; day = day.plus({ days: 1 })) {
    const edges = [0, ...cal.hours[weekdayOf(day)].flatMap((w) => [w.start, w.end])];
    for (const minutes of edges) {
      const t = instantOn(day, minutes).toMillis();
      if (t > from && t < to) cuts.add(t);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const pieces: RatePiece[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const s = sorted[i]!;
    const e = sorted[i + 1]!;
    const period = ratePeriodAt(cal, new Date(s));
    const last = pieces[pieces.length - 1];
    if (last && last.period === period) {
      last.end = new Date(e);
      last.ms += e - s;
    } else pieces.push({ period, start: new Date(s), end: new Date(e), ms: e - s });
  }
  return pieces;
}

const SEARCH_DAYS = 800;

/** `at` itself in business hours, else the next time business hours open; undefined if they never do. */
export function nextOpening(cal: BusinessCalendar, at: Date): Date | undefined {
  if (ratePeriodAt(cal, at) === 'business') return at;
  let day = local(cal, at).startOf('day');
  for (let i = 0; i < SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const w of windowsOn(cal, day)) {
      const open = instantOn(day, w.start);
      if (open.toMillis() > at.getTime()) return open.toJSDate();
    }
  }
  return undefined;
}

/** Business time between two instants, in milliseconds (for SLA clocks and callback ageing). */
export function businessMsBetween(cal: BusinessCalendar, start: Date, end: Date): number {
  return splitByRatePeriod(cal, start, end)
    .filter((p) => p.period === 'business')
    .reduce((sum, p) => sum + p.ms, 0);
}

/** The instant `ms` of business time after `start`; undefined if the calendar has no business hours. */
export function addBusinessTime(cal: BusinessCalendar, start: Date, ms: number): Date | undefined {
  let remaining = ms;
  let day = local(cal, start).startOf('day');
  for (let i = 0; i < SEARCH_DAYS * 4; i++, day = day.plus({ days: 1 })) {
    for (const w of windowsOn(cal, day)) {
      const s = Math.max(instantOn(day, w.start).toMillis(), start.getTime());
      const e = instantOn(day, w.end).toMillis();
      if (e <= s) continue;
      if (e - s >= remaining) return new Date(s + remaining);
      remaining -= e - s;
    }
  }
  return undefined;
}

