import { Router, type Request } from 'express';
import { z } from 'zod';
import { clientIp } from '../http/client-ip.js';
import { parseInput, sendOutcome } from '../http/json.js';
import {
  newAnnouncementSchema,
  postAnnouncement,
  takeDownAnnouncement,
  isLive,
  type AnnouncementBoard,
  type AnnouncementDeps,
} from './service.js';
import { listAnnouncements } from './store.js';

const idParam = z.object({
  id: z.coerce.number().int().positive('must be a positive whole number').max(2_147_483_647),
});

/** GET/POST/DELETE /api/announcements: known outages and planned work read to callers after the welcome. */
export function announcementRoutes(
  deps: AnnouncementDeps & { board: AnnouncementBoard; clientIpHeader?: string },
): Router {
  const router = Router();
  // The API token is the administrator's: the audit trail says `api`, and the address it came from.
  const who = (req: Request) => ({ actor: 'api', ip: clientIp(req, deps.clientIpHeader) });
  router.get('/announcements', async (_req, res) => {
    const now = deps.clock.now();
    res.json((await listAnnouncements(deps.db.q)).map((a) => ({ ...a, live: isLive(a, now) })));
  });
  router.post('/announcements', async (req, res) => {
    const input = parseInput(newAnnouncementSchema, req.body, res);
    if (!input) return;
    const outcome = await postAnnouncement(deps, input, who(req));
    if (outcome.ok) await deps.board.refresh();
    sendOutcome(
      res,
      outcome.ok ? { ok: true, value: { ...outcome.value, live: isLive(outcome.value, deps.clock.now()) } } : outcome,
      201,
    );
  });
  router.delete('/announcements/:id', async (req, res) => {
    const params = parseInput(idParam, req.params, res);
    if (!params) return;
    const outcome = await takeDownAnnouncement(deps, params.id, who(req));
    if (outcome.ok) await deps.board.refresh();
    sendOutcome(res, outcome);
  });
  return router;
}
