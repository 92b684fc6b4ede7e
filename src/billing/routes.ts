import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Database } from '../db/index.js';
import { parseInput } from '../http/json.js';
import { billingCsv } from './csv.js';
import { billableEvents, syncLedger } from './events.js';

/** A local date of the organisation, as billing ranges are given. */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-01');

export const rangeQuery = z
  .object({
    from: day,
    to: day,
    client: z.coerce.number().int().positive('must be a client id').optional(),
    format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json'),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' });

/** Local days of the organisation, both included, as instants; undefined for an impossible date. */
export function dayRange(cal: BusinessCalendar, from: string, to: string): { from: Date; to: Date } | undefined {
  const start = DateTime.fromISO(from, { zone: cal.zone });
  const end = DateTime.fromISO(to, { zone: cal.zone }).plus({ days: 1 });
  return start.isValid && end.isValid ? { from: start.toJSDate(), to: end.toJSDate() } : undefined;
}

export interface BillingDeps {
  db: Database;
  calendar: BusinessCalendar;
  clock: Clock;
}

/** GET /api/billing/events?from&to[&client][&format=csv]: dates are local days of the organisation, both included. */
export function billingRoutes(deps: BillingDeps): Router {
  const router = Router();
  router.get('/billing/events', async (req, res) => {
    const q = parseInput(rangeQuery, req.query, res);
    if (!q) return;
    const range = dayRange(deps.calendar, q.from, q.to);
    if (!range) {
      res.status(400).json({
        error: {
          code: 'invalid_input',
          message: 'from and to must be real dates',
          fields: { from: 'must be a real date' },
        },
      });
      return;
    }
    await syncLedger(deps.db, deps.calendar, deps.clock.now());
    const events = await billableEvents(deps.db.q, { ...range, clientId: q.client });
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`billing-${q.from}-to-${q.to}.csv`).send(billingCsv(events));
    } else res.json(events);
  });
  return router;
}
