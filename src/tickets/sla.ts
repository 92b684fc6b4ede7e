import { addBusinessTime, type BusinessCalendar } from '../calendar/index.js';
import { supportLevelOf, type Organisation } from '../config/index.js';
import { clientById } from '../clients/index.js';
import type { ReadQ } from '../db/index.js';
import type { Priority } from './schema.js';

/** Critical runs around the clock; High, Medium and Low run in business time. */
export const SLA_CLOCK: Record<Priority, 'wall' | 'business'> = {
  critical: 'wall',
  high: 'business',
  medium: 'business',
  low: 'business',
};

/** The share of the SLA time after which the assignee is warned. */
export const WARN_AT = 0.75;

function after(calendar: BusinessCalendar, priority: Priority, from: Date, ms: number): Date {
  if (SLA_CLOCK[priority] === 'wall') return new Date(from.getTime() + ms);
  // An organisation with no business hours at all: fall back to wall-clock time rather than never.
  return addBusinessTime(calendar, from, ms) ?? new Date(from.getTime() + ms);
}

/** The resolution deadline of a ticket opened at `from`, and when its assignee is warned (75% of the way). */
export function slaClock(
  calendar: BusinessCalendar,
  sla: Organisation['sla'],
  priority: Priority,
  from: Date,
): { slaDueAt: Date; slaWarnAt: Date } {
  const ms = sla[priority];
  return {
    slaDueAt: after(calendar, priority, from, ms),
    slaWarnAt: after(calendar, priority, from, Math.round(ms * WARN_AT)),
  };
}

const RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };
/** The more urgent of two priorities. */
export const atLeast = (current: Priority, floor: Priority): Priority =>
  RANK[current] <= RANK[floor] ? current : floor;

/**
 * The SLA targets of a client's contract: its support level's (a level's missing targets are the
 * organisation's), the first level's for a client without one or an unidentified caller, and the
 * organisation's when no levels are defined.
 */
export async function slaTargetsFor(
  q: ReadQ,
  org: Organisation,
  clientId: number | null | undefined,
): Promise<Organisation['sla']> {
  if (org.supportLevels.length === 0) return org.sla;
  const named = clientId ? (await clientById(q, clientId))?.level : undefined;
  return supportLevelOf(org.supportLevels, named)!.sla;
}
