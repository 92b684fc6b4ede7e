import { Router } from 'express';
import { z } from 'zod';
import { parseInput, sendOutcome } from '../http/json.js';
import {
  addOverride,
  architects,
  currentAndFutureOverrides,
  newOverrideSchema,
  onCallNowAndNext,
  removeOverride,
  type OnCallAt,
  type OnCallDeps,
} from './service.js';

const idParam = z.object({ id: z.coerce.number().int().positive('must be a positive whole number') });

const describe = (o: OnCallAt) => ({
  staff: { id: o.staff.id, name: o.staff.name, role: o.staff.role },
  source: o.source,
  until: o.until.toISOString(),
});

export function onCallRoutes(deps: OnCallDeps): Router {
  const router = Router();
  router.get('/oncall', async (_req, res) => {
    const { now, next } = await onCallNowAndNext(deps);
    const lines = [];
    for (const line of deps.organisation.serviceLines) {
      const shift = await onCallNowAndNext(deps, line.id);
      lines.push({
        id: line.id,
        name: line.name,
        now: describe(shift.now),
        next: shift.next ? { ...describe(shift.next), from: shift.next.from.toISOString() } : null,
        handoff: (shift.next?.from ?? shift.now.until).toISOString(),
        architects: architects(deps.organisation, line.id).map((a) => ({ id: a.id, name: a.name })),
      });
    }
    res.json({
      timezone: deps.organisation.timezone,
      now: describe(now),
      next: next ? { ...describe(next), from: next.from.toISOString() } : null,
      handoff: (next?.from ?? now.until).toISOString(),
      // Each service line's own rotation (empty without service_lines).
      lines,
    });
  });
  router.get('/oncall/overrides', async (_req, res) => {
    res.json(await currentAndFutureOverrides(deps));
  });
  router.post('/oncall/overrides', async (req, res) => {
    const input = parseInput(newOverrideSchema, req.body, res);
    if (input) sendOutcome(res, await addOverride(deps, input), 201);
  });
  router.delete('/oncall/overrides/:id', async (req, res) => {
    const params = parseInput(idParam, req.params, res);
    if (params) sendOutcome(res, await removeOverride(deps, params.id));
  });
  return router;
}
