import { z } from 'zod';
import { WEEKDAYS, isoDate, parseClock, type Weekday } from '../fields.js';

export const SHIFTS = ['daily', 'weekly'] as const;

/** "monday 09:00" (a weekly hand-off) or "09:00" (a daily one). */
const handoff = z.string().transform((text, ctx): { weekday?: Weekday; minutes: number } => {
  const parts = text.trim().toLowerCase().split(/\s+/);
  const clock = parts.length === 2 ? parts[1]! : parts[0]!;
  const day = parts.length === 2 ? parts[0] : undefined;
  const minutes = parseClock(clock, false);
  if (
    parts.length > 2 ||
    minutes === undefined ||
    (day !== undefined && !(WEEKDAYS as readonly string[]).includes(day))
  ) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a hand-off like "monday 09:00" (weekly) or "09:00" (daily)`,
    });
    return z.NEVER;
  }
  return { weekday: day as Weekday | undefined, minutes };
});

/**
 * `on_call:` (the organisation's, and each service line's) who takes the shifts, in order. Whether
 * the ids are staff, and a weekly shift names a day, is checked with the rest of the file.
 */
export const rotation = z
  .object({
    rotation: z.array(z.string()).min(1, 'must name at least one staff id'),
    shift: z.enum(SHIFTS, { message: `must be one of ${SHIFTS.join(', ')}` }).default('weekly'),
    handoff: handoff.default(() => ({ weekday: 'monday' as const, minutes: 9 * 60 })),
    /** The local date on which rotation[0] takes the first shift. */
    start: isoDate.default('2024-01-01'),
  })
  .strict();

export type OnCallRotation = z.output<typeof rotation>;
