import type { Router } from 'express';
import { z } from 'zod';
import {
  addCallback,
  callCustomer,
  claimCallback,
  outcomeSchema,
  recordOutcome,
  releaseCallback,
} from '../callbacks/index.js';
import type { Outcome } from '../http/problems.js';
import type { Actor } from '../tickets/index.js';
import type { Kit } from './kit.js';
import { page } from './layout.js';
import { queuePage, queueRows } from './queue.js';
import { allow } from './session.js';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** The callback queue: the page, its live rows, and claim / call / release / outcome. */
export function queueRoutes(router: Router, kit: Kit): void {
  const { s, names, ctxOf, actorOf, send, after, refuse } = kit;
  router.get('/queue', allow('workQueue'), async (req, res) => {
    const ctx = ctxOf(req, res);
    send(
      res,
      page(
        ctx,
        '/dashboard/queue',
        'Callback queue',
        await queuePage(s.db, ctx, actorOf(ctx.account).id, names, s.clock.now()),
      ),
    );
  });
  router.get('/queue/rows', allow('workQueue'), async (req, res) => {
    const ctx = ctxOf(req, res);
    send(res, (await queueRows(s.db, ctx, actorOf(ctx.account).id, names, s.clock.now())).value);
  });
  router.post('/callbacks', allow('workQueue'), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const phone = typeof body.phone === 'string' ? body.phone : '';
    const reason =
      typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim().slice(0, 2000) : undefined;
    const client = z.coerce.number().int().positive().safeParse(body.client);
    const draft = {
      phone: phone.slice(0, 40),
      reason,
      urgent: body.urgent === '1',
      clientId: client.success ? client.data : undefined,
    };
    const added = await addCallback(s.callbacks, draft);
    if (added.ok) return after(res, added, '/dashboard/queue', (cb) => `Callback to ${cb.phone} added.`);
    // Refused: the page again, with the message and everything that was typed, so nothing is lost.
    const ctx = { ...ctxOf(req, res), flash: { kind: 'error' as const, text: added.problem.message } };
    res.status(400);
    send(
      res,
      page(
        ctx,
        '/dashboard/queue',
        'Callback queue',
        await queuePage(s.db, ctx, actorOf(ctx.account).id, names, s.clock.now(), draft),
      ),
    );
  });
  const callbackAction = (
    path: string,
    act: (id: number, actor: Actor, body: Record<string, unknown>) => Promise<Outcome<unknown>>,
    okText: string,
  ) =>
    router.post(`/callbacks/:id/${path}`, allow('workQueue'), async (req, res) => {
      const p = idParam.safeParse(req.params);
      if (!p.success) return refuse(res, '/dashboard/queue', 'No such callback.');
      const outcome = await act(p.data.id, actorOf(res.locals.signed!.account), req.body as Record<string, unknown>);
      after(res, outcome, '/dashboard/queue', () => okText.replace('#', `#${p.data.id}`));
    });
  callbackAction('claim', (id, actor) => claimCallback(s.callbacks, id, actor), 'Callback # is yours.');
  callbackAction('release', (id, actor) => releaseCallback(s.callbacks, id, actor), 'Callback # is back in the queue.');
  callbackAction(
    'call',
    (id, actor) => callCustomer(s.callbacks, id, actor),
    'Calling your phone now for callback #; answer and you will be connected from the helpdesk number.',
  );
  router.post('/callbacks/:id/outcome', allow('workQueue'), async (req, res) => {
    const p = idParam.safeParse(req.params);
    const body = outcomeSchema.safeParse({
      outcome: req.body?.outcome,
      note: typeof req.body?.note === 'string' && req.body.note.trim() ? req.body.note : undefined,
    });
    if (!p.success || !body.success)
      return refuse(res, '/dashboard/queue', 'Choose an outcome: done, no answer or cancelled.');
    const texts = {
      done: 'Callback # is done.',
      no_answer: 'Callback # will be retried later.',
      cancelled: 'Callback # is cancelled.',
    };
    after(
      res,
      await recordOutcome(s.callbacks, p.data.id, body.data, actorOf(res.locals.signed!.account)),
      '/dashboard/queue',
      () => texts[body.data.outcome].replace('#', `#${p.data.id}`),
    );
  });
}
