import { z } from 'zod';
import { WEEKDAYS, dayWindows, isoDate, type Weekday } from '../fields.js';
import { countryCode } from './organization.js';

/** `business_hours:` (and `callback_hours:`) the windows of each weekday; a day left out is closed. */
export const businessHours = z
  .object(
    Object.fromEntries(WEEKDAYS.map((d) => [d, dayWindows.default(() => [])])) as Record<
      Weekday,
      z.ZodDefault<typeof dayWindows>
    >,
  )
  .strict();

export const weekendDays = z.array(z.enum(WEEKDAYS)).default((): Weekday[] => ['saturday', 'sunday']);

export const holidays = z.array(isoDate).default(() => []);

/** A country whose public holidays count as well. */
export const holidayCalendar = countryCode.optional();
