import { Router } from 'express';
import { feedCalendar } from './feeds.js';
import type { OnCallDeps } from './service.js';

/**
 * GET /oncall/<token>.ics: a calendar feed of who is on call (no sign-in: the secret address is the key).
 * A token that is not one, or an old one, answers 404 like any address that does not exist.
 */
export function onCallFeedRoutes(deps: OnCallDeps): Router {
  const router = Router();
  router.get('/oncall/:file', async (req, res) => {
    const token = /^([A-Za-z0-9_-]{20,64})\.ics$/.exec(req.params.file)?.[1];
    const text = token ? await feedCalendar(deps, token) : undefined;
    if (!text) return void res.status(404).type('text/plain').send('No such calendar.');
    res.set('Cache-Control', 'private, max-age=300').type('text/calendar; charset=utf-8').send(text);
  });
  return router;
}
