import { DateTime } from 'luxon';
import { WEEKDAYS, type Organisation } from '../config/index.js';

export interface Shift {
  staffId: string;
  /** The hand-off that began this shift and the one that ends it. */
  from: Date;
  until: Date;
}

/**
 * The rotation's shift at an instant. Shifts are counted in local calendar days from `start`, so a
 * hand-off stays at its local time (09:00 Chicago) on both sides of a daylight-saving change.
 */
export function rotationShiftAt(onCall: Organisation['onCall'], zone: string, at: Date): Shift {
  const now = DateTime.fromJSDate(at, { zone });
  const step = onCall.shift === 'daily' ? { days: 1 } : { weeks: 1 };
  const hour = Math.floor(onCall.handoff.minutes / 60);
  const minute = onCall.handoff.minutes % 60;
  let handoff = now.set({ hour, minute, second: 0, millisecond: 0 });
  if (onCall.shift === 'weekly') {
    const target = WEEKDAYS.indexOf(onCall.handoff.weekday ?? 'monday') + 1;
    handoff = handoff.minus({ days: (handoff.weekday - target + 7) % 7 });
  }
  if (handoff > now) handoff = handoff.minus(step);
  const epoch = DateTime.fromISO(onCall.start, { zone: 'UTC' });
  const days = Math.round(DateTime.fromISO(handoff.toISODate()!, { zone: 'UTC' }).diff(epoch, 'days').days);
  const index = Math.floor(days / (onCall.shift === 'daily' ? 1 : 7));
  const n = onCall.rotation.length;
  return {
    staffId: onCall.rotation[((index % n) + n) % n]!,
    from: handoff.toJSDate(),
    until: handoff.plus(step).toJSDate(),
  };
}
