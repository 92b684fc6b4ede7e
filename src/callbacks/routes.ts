import { Router } from 'express';
import { z } from 'zod';
import { parseInput, sendOutcome, staffNamed } from '../http/json.js';
import { listCallbacks, type CallbackDeps } from './service.js';
import { addCallback, claimCallback, newCallbackSchema, outcomeSchema, recordOutcome } from './work.js';

const idParam = z.object({ id: z.coerce.number().int().positive('must be a positive whole number') });
const byStaff = z.object({ staffId: z.string().trim().min(1, 'is required') });

export function callbackRoutes(deps: CallbackDeps): Router {
  const router = Router();
  router.get('/callbacks', async (_req, res) => {
    res.json(await listCallbacks(deps, deps.clock.now()));
  });
  router.post('/callbacks', async (req, res) => {
    const input = parseInput(newCallbackSchema, req.body, res);
    if (input) sendOutcome(res, await addCallback(deps, input), 201);
  });
  router.post('/callbacks/:id/claim', async (req, res) => {
    const p = parseInput(idParam, req.params, res);
    const body = p && parseInput(byStaff, req.body, res);
    const actor = body && staffNamed(deps.organisation, body.staffId, res);
    if (p && actor) sendOutcome(res, await claimCallback(deps, p.id, actor));
  });
  router.post('/callbacks/:id/outcome', async (req, res) => {
    const p = parseInput(idParam, req.params, res);
    const body = p && parseInput(outcomeSchema.extend(byStaff.shape), req.body, res);
    const actor = body && staffNamed(deps.organisation, body.staffId, res);
    if (p && body && actor) sendOutcome(res, await recordOutcome(deps, p.id, body, actor));
  });
  return router;
}
