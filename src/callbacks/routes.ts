import { Router } from 'express';
import type { Db } from '../db/index.js';
import { listCallbacks } from './service.js';

export function callbackRoutes(deps: { db: Db }): Router {
  const router = Router();
  router.get('/callbacks', (_req, res) => {
    res.json(listCallbacks(deps.db));
  });
  return router;
}
