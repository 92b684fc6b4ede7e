import { Router } from 'express';
import { z } from 'zod';
import { parseInput, sendOutcome } from '../http/json.js';
import { createClient, getClient, listClients, newClientSchema, type ClientDeps } from './service.js';
import { clientChangeSchema, updateClientRecord } from './update.js';
import { addClientPackage, newPackageSchema, packagesOfClient } from './packages.js';

const idParam = z.object({ id: z.coerce.number().int().positive('must be a positive whole number') });

export function clientRoutes(deps: ClientDeps): Router {
  const router = Router();
  router.post('/clients', async (req, res) => {
    const input = parseInput(newClientSchema, req.body, res);
    if (input) sendOutcome(res, await createClient(deps, input), 201);
  });
  router.get('/clients', async (_req, res) => {
    res.json(await listClients(deps));
  });
  router.get('/clients/:id', async (req, res) => {
    const params = parseInput(idParam, req.params, res);
    if (params) sendOutcome(res, await getClient(deps, params.id));
  });
  router.patch('/clients/:id', async (req, res) => {
    const params = parseInput(idParam, req.params, res);
    const input = params && parseInput(clientChangeSchema, req.body, res);
    if (params && input) sendOutcome(res, await updateClientRecord(deps, params.id, input));
  });
  // Prepaid support packages: a number of tickets or hours, drawn down as work is billed.
  router.get('/clients/:id/packages', async (req, res) => {
    const params = parseInput(idParam, req.params, res);
    if (params) sendOutcome(res, await packagesOfClient(deps, params.id));
  });
  router.post('/clients/:id/packages', async (req, res) => {
    const params = parseInput(idParam, req.params, res);
    const input = params && parseInput(newPackageSchema, req.body, res);
    if (params && input) sendOutcome(res, await addClientPackage(deps, params.id, input), 201);
  });
  return router;
}
