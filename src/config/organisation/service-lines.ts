import { z } from 'zod';
import { reshape } from '../fields.js';
import { emailAddress } from './email.js';
import { rotation } from './on-call.js';

/**
 * One of `service_lines:`, a team with its own people on call (software support, network
 * operations…). Its staff ids are checked, and its `live_connect` defaults to the organisation's,
 * with the rest of the file.
 */
export const serviceLine = reshape(
  z
    .object({
      id: z
        .string()
        .trim()
        .regex(/^[a-z0-9_-]{1,40}$/, 'must be lower-case letters, digits, dash or underscore'),
      name: z.string().trim().min(1).max(80),
      on_call: rotation,
      /** The architects paged for this line's emergencies (default: every architect). */
      architects: z.array(z.string()).optional(),
      slack_channel: z.string().trim().min(1).optional(),
      /** The team's mailbox: gets a copy of the line's pages, and is one of the helpdesk's addresses. */
      email: emailAddress.optional(),
      live_connect: z.boolean().optional(),
    })
    .strict(),
  (l) => ({
    id: l.id,
    name: l.name,
    onCall: l.on_call,
    architects: l.architects,
    slackChannel: l.slack_channel,
    email: l.email,
    liveConnect: l.live_connect,
  }),
);

/** Why a service line id cannot be used (undefined when it can): one wording for the API and the dashboard. */
export function lineProblem(known: readonly string[], id: string): string | undefined {
  if (known.includes(id)) return undefined;
  return known.length
    ? `"${id}" is not a service line (${known.join(', ')})`
    : 'the organisation file defines no service_lines';
}
