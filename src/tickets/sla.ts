import { addBusinessTime, type BusinessCalendar } from '../calendar/index.js';
import type { Priority } from './schema.js';

const HOUR = 3_600_000;

/** Resolution targets: Critical runs around the clock; the others run in business time. */
export const SLA: Record<Priority, { ms: number; clock: 'wall' | 'business' }> = {
  critical: { ms: 4 * HOUR, clock: 'wall' },
  high: { ms: 24 * HOUR, clock: 'business' },
  medium: { ms: 48 * HOUR, clock: 'business' },
  low: { ms: 72 * HOUR, clock: 'business' },
};

export function slaDeadline(calendar: BusinessCalendar, priority: Priority, from: Date): Date {
  const rule = SLA[priority];
  if (rule.clock === 'wall') return new Date(from.getTime() + rule.ms);
  // An organisation with no business hours at all: fall back to wall-clock time rather than never.
  return addBusinessTime(calendar, from, rule.ms) ?? new Date(from.getTime() + rule.ms);
}

const RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };
/** The more urgent of two priorities. */
export const atLeast = (current: Priority, floor: Priority): Priority => (RANK[current] <= RANK[floor] ? current : floor);
