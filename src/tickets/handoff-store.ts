import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ReadQ } from '../db/index.js';
import { OPEN_STATUSES, tickets } from './schema.js';

/** The emergencies still open (on a service line, or every one), lowest number first; twenty at most. */
export const openEmergencies = (q: ReadQ, line: string | null) =>
  q
    .select({ number: tickets.number })
    .from(tickets)
    .where(
      and(
        eq(tickets.emergency, true),
        inArray(tickets.status, [...OPEN_STATUSES]),
        ...(line ? [eq(tickets.line, line)] : []),
      ),
    )
    .orderBy(asc(tickets.number))
    .limit(20);
