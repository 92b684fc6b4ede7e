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
export function calendarOf(
  org: Pick<Organisation, 'timezone' | 'businessHours' | 'weekendDays' | 'holidays' | 'holidayCalendar'>,
): BusinessCalendar {
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
  return day
    .startOf('day')
    .plus({ days: Math.floor(minutes / 1440) })
    .set({ hour: Math.floor((minutes % 1440) / 60), minute: minutes % 60 });
}

/** The windows of one local day, empty on a holiday. */
function windowsOn(cal: BusinessCalendar, day: DateTime): Window[] {
  return cal.holidayOn(day.toISODate()!) ? [] : cal.hours[weekdayOf(day)];
}

/** A stretch of one rate period, in epoch milliseconds [start, end). */
interface Segment {
  start: number;
  end: number;
  period: RatePeriod;
}

const DAY_MS = 86_400_000;

/**
 * The rate-period segments of one local day (midnight to midnight, 23 or 25 hours on a clock change):
 * a holiday is one segment; otherwise the windows are business and the gaps after-hours or weekend.
 */
function segmentsOf(cal: BusinessCalendar, day: DateTime): Segment[] {
  const start = day.toMillis();
  const end = day.plus({ days: 1 }).toMillis();
  if (cal.holidayOn(day.toISODate()!)) return [{ start, end, period: 'holiday' }];
  const off: RatePeriod = cal.weekendDays.has(weekdayOf(day)) ? 'weekend' : 'after_hours';
  const segments: Segment[] = [];
  let at = start;
  for (const w of cal.hours[weekdayOf(day)]) {
    const open = Math.max(instantOn(day, w.start).toMillis(), at);
    const close = Math.min(instantOn(day, w.end).toMillis(), end);
    if (close <= open) continue;
    if (open > at) segments.push({ start: at, end: open, period: off });
    segments.push({ start: open, end: close, period: 'business' });
    at = close;
  }
  if (at < end) segments.push({ start: at, end, period: off });
  return segments;
}

/**
 * Local days are worked out once (time zones and holidays are the slow part) and kept by the UTC
 * day they overlap, so billing thousands of events, or asking about any instant, is a lookup.
 */
const dayCache = new WeakMap<BusinessCalendar, Map<number, Segment[]>>();
const MAX_CACHED_DAYS = 4000;

/** The segments of every local day that overlaps one UTC day, in order. */
function segmentsAround(cal: BusinessCalendar, utcDay: number): Segment[] {
  let cache = dayCache.get(cal);
  if (!cache) dayCache.set(cal, (cache = new Map()));
  let segments = cache.get(utcDay);
  if (!segments) {
    segments = [];
    const until = (utcDay + 1) * DAY_MS;
    for (
      let day = local(cal, new Date(utcDay * DAY_MS)).startOf('day');
      day.toMillis() < until;
      day = day.plus({ days: 1 })
    )
      segments.push(...segmentsOf(cal, day));
    if (cache.size >= MAX_CACHED_DAYS) cache.clear();
    cache.set(utcDay, segments);
  }
  return segments;
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
  const t = at.getTime();
  const period = segmentsAround(cal, Math.floor(t / DAY_MS)).find((seg) => t >= seg.start && t < seg.end)!.period;
  lastMinute.set(cal, { minute, period });
  return period;
}

export interface RatePiece {
  period: RatePeriod;
  start: Date;
  end: Date;
  ms: number;
}

/** An interval cut where its rate period changes: 17:50–18:20 is 10 business and 20 after-hours minutes. */
export function splitByRatePeriod(cal: BusinessCalendar, start: Date, end: Date): RatePiece[] {
  const from = start.getTime();
  const to = end.getTime();
  if (to <= from) return [];
  const pieces: RatePiece[] = [];
  let covered = from;
  const lastDay = Math.floor(to / DAY_MS) + 1;
  for (let utcDay = Math.floor(from / DAY_MS); covered < to && utcDay <= lastDay; utcDay++) {
    for (const seg of segmentsAround(cal, utcDay)) {
      // A local day spanning two UTC days is listed under both: take each stretch once.
      if (seg.end <= covered || seg.start >= to) continue;
      const s = Math.max(seg.start, covered);
      const e = Math.min(seg.end, to);
      const last = pieces[pieces.length - 1];
      if (last && last.period === seg.period) {
        last.end = new Date(e);
        last.ms += e - s;
      } else pieces.push({ period: seg.period, start: new Date(s), end: new Date(e), ms: e - s });
      covered = e;
    }
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

/**
 * The instant `ms` of business time after `start`; undefined if the calendar has no business hours. Walks
 * the cached rate-period segments (every ticket's SLA deadline asks this, twice).
 */
export function addBusinessTime(cal: BusinessCalendar, start: Date, ms: number): Date | undefined {
  let remaining = ms;
  let covered = start.getTime();
  const firstDay = Math.floor(covered / DAY_MS);
  for (let utcDay = firstDay; utcDay < firstDay + SEARCH_DAYS * 4; utcDay++) {
    for (const seg of segmentsAround(cal, utcDay)) {
      // A local day spanning two UTC days is listed under both: take each stretch once.
      if (seg.end <= covered) continue;
      const s = Math.max(seg.start, covered);
      covered = seg.end;
      if (seg.period !== 'business') continue;
      if (seg.end - s >= remaining) return new Date(s + remaining);
      remaining -= seg.end - s;
    }
  }
  return undefined;
}
