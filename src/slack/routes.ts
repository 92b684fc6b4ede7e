import { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { requireSlackSignature } from '../http/slack-signature.js';
import { withoutNul } from '../http/input.js';
import { acknowledge, answerWords, staffBySlack, type StaffAnswer, type TicketDeps } from '../tickets/index.js';

/** What the service reads of an interactivity payload; Slack sends more, which is left alone. */
const slackPayloadSchema = z.object({
  type: z.string().optional(),
  user: z.object({ id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string().optional(), value: z.string().optional() })).optional(),
});

/** The `payload` form field as the object Slack sends, or why it is not one (a signed request can still be malformed). */
function slackPayload(field: unknown): z.infer<typeof slackPayloadSchema> | string {
  let json: unknown;
  try {
    json = withoutNul(JSON.parse(typeof field === 'string' ? field : ''));
  } catch {
    return 'payload is not JSON';
  }
  const parsed = slackPayloadSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `payload${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')} ${
    issue.path.length ? 'has the wrong shape' : 'must be a JSON object'
  }`;
}

export interface SlackDeps extends TicketDeps {
  log: Logger;
  slackSigningSecret?: string;
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral', replace_original: false, text });

/** Slack's Interactivity Request URL: the Acknowledge button on a page's post. */
export function slackRoutes(deps: SlackDeps): Router {
  const router = Router();
  router.post(
    '/slack/actions',
    ...requireSlackSignature(deps.slackSigningSecret, deps.clock, deps.log),
    async (req, res) => {
      const payload = slackPayload(req.body?.payload);
      if (typeof payload === 'string')
        return void res.status(400).json({ error: { code: 'bad_payload', message: payload } });
      const action = payload.actions?.[0];
      if (payload.type !== 'block_actions' || action?.action_id !== 'acknowledge')
        return void res.status(200).json({ text: 'Nothing to do.' });
      const staff = staffBySlack(deps.organisation, payload.user?.id);
      if (!staff)
        return void res
          .status(200)
          .json(ephemeral('Your Slack account is not linked to anyone on the staff list, so it cannot take tickets.'));
      const number = Number(action.value);
      const outcome = Number.isInteger(number) ? await acknowledge(deps, number, staff, 'slack') : undefined;
      const answer: StaffAnswer =
        outcome?.result === 'acknowledged'
          ? { kind: 'acknowledged', number }
          : outcome?.result === 'already'
            ? { kind: 'already', number, by: outcome.by }
            : { kind: 'no_open_ticket', number: Number.isInteger(number) ? number : undefined };
      res.status(200).json(ephemeral(answerWords(answer, 'slack', deps.organisation.name)));
    },
  );
  return router;
}
