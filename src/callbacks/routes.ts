import { Router } from 'express';
import { z } from 'zod';
import { parseInput, sendOutcome, staffNamed } from '../http/json.js';
import { listCallbacks, type CallbackDeps } from './service.js';
import { addCallback, claimCallback, newCallbackSchema, outcomeSchema, recordOutcome } from './work.js';

const idParam = z.object({ id: z.coerce.number().int().positive('must be a positive whole number') });
const byStaff = z.object({ staffId: z.string().trim().min(1, 'is required') });

export function callbackRoutes(deps: CallbackDeps): Router {
  const router = Router();
  router.get('/callbacks', (_req, res) => {
    res.json(listCallbacks(deps.db, deps.clock.now()));
  });
  router.post('/callbacks', (req, res) => {
    const input = parseInput(newCallbackSchema, req.body, res);
    if (input) sendOutcome(res, addCallback(deps, input), 201);
  });
  router.post('/callbacks/:id/claim', (req, res) => {
    const p = parseInput(idParam, req.params, res);
    const body = p && parseInput(byStaff, req.body, res);
    const actor = body && staffNamed(deps.organisation, body.staffId, res);
    if (p && actor) sendOutcome(res, claimCallback(deps, p.id, actor));
  });
  router.post('/callbacks/:id/outcome', (req, res) => {
    const p = parseInput(idParam, req.params, res);
    const body = p && parseInput(outcomeSchema.extend(byStaff.shape), req.body, res);
    const actor = body && staffNamed(deps.organisation, body.staffId, res);
    if (p && body && actor) sendOutcome(res, recordOutcome(deps, p.id, body, actor));
  });
  return router;
}
