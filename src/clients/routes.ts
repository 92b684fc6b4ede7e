import { Router } from 'express';
import { z } from 'zod';
import { parseInput, sendOutcome } from '../http/json.js';
import { createClient, getClient, listClients, newClientSchema, type ClientDeps } from './service.js';

const idParam = z.object({ id: z.coerce.number().int().positive('must be a positive whole number') });

export function clientRoutes(deps: ClientDeps): Router {
  const router = Router();
  router.post('/clients', (req, res) => {
    const input = parseInput(newClientSchema, req.body, res);
    if (input) sendOutcome(res, createClient(deps, input), 201);
  });
  router.get('/clients', (_req, res) => {
    res.json(listClients(deps));
  });
  router.get('/clients/:id', (req, res) => {
    const params = parseInput(idParam, req.params, res);
    if (params) sendOutcome(res, getClient(deps, params.id));
  });
  return router;
}
