import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { BusinessCalendar } from '../calendar/index.js';
import type { Db } from '../db/index.js';
import { parseInput } from '../http/json.js';
import { billingCsv } from './csv.js';
import { billableEvents } from './events.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-01');

const query = z
  .object({
    from: day,
    to: day,
    client: z.coerce.number().int().positive('must be a client id').optional(),
    format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json'),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' });

/** GET /api/billing/events?from&to[&client][&format=csv]: dates are local days of the organisation, both included. */
export function billingRoutes(deps: { db: Db; calendar: BusinessCalendar }): Router {
  const router = Router();
  router.get('/billing/events', (req, res) => {
    const q = parseInput(query, req.query, res);
    if (!q) return;
    const from = DateTime.fromISO(q.from, { zone: deps.calendar.zone });
    const to = DateTime.fromISO(q.to, { zone: deps.calendar.zone }).plus({ days: 1 });
    if (!from.isValid || !to.isValid) {
      res.status(400).json({ error: { code: 'invalid_input', message: 'from and to must be real dates', fields: { from: 'must be a real date' } } });
      return;
    }
    const events = billableEvents(deps.db, deps.calendar, from.toJSDate(), to.toJSDate(), q.client);
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`billing-${q.from}-to-${q.to}.csv`).send(billingCsv(events));
    } else res.json(events);
  });
  return router;
}
