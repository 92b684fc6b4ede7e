import { escapeSlack } from '../channels/index.js';
import { ticketLabel, type Notice, type RenderContext } from './notices.js';
import {
  callerOf,
  renderWith,
  slaHeading,
  slaLine,
  takenText,
  unreachableText,
  who,
  type Renderer,
} from './render-text.js';

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/**
 * The channel is the room's shared view: one post per emergency with an Acknowledge button, and a
 * line when someone takes it or cannot be reached. Names come from people, so they are escaped.
 */
const SLACK: Renderer<SlackMessage> = {
  emergency: (n) => {
    const t = n.ticket;
    const text = `:rotating_light: ${n.reason === 'escalated' ? 'Escalated' : 'Emergency'} ${ticketLabel(t.number)}: ${escapeSlack(who(t))} from ${escapeSlack(callerOf(t))}`;
    return {
      text,
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `${text}${n.voicemailLink ? `\n<${n.voicemailLink}|Hear the voicemail>` : ''}`,
          },
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              style: 'danger',
              action_id: 'acknowledge',
              value: String(t.number),
              text: { type: 'plain_text', text: 'Acknowledge' },
            },
          ],
        },
      ],
    };
  },
  transcription: () => undefined,
  still_unacknowledged: () => undefined,
  page_summary: () => undefined,
  taken: (n) => ({ text: `:white_check_mark: ${escapeSlack(takenText(n))}` }),
  unreachable: (n) => ({ text: `:warning: ${escapeSlack(unreachableText(n))}` }),
  sla: (n, ctx) =>
    n.change === 'breach' ? { text: `:alarm_clock: ${escapeSlack(slaLine(ctx, 'breach', n.ticket))}` } : undefined,
  sla_summary: (n, ctx) =>
    n.change === 'breach'
      ? {
          text: `:alarm_clock: ${escapeSlack([slaHeading('breach', n.tickets.length), ...n.tickets.map((t) => slaLine(ctx, 'breach', t))].join('\n'))}`,
        }
      : undefined,
  caller_confirmation: () => undefined,
  callback_booked: () => undefined,
  callback_unanswered: () => undefined,
  callbacks_overdue: () => undefined,
  email_reply: () => undefined,
  email_refused: () => undefined,
  customer_replied: () => undefined,
  staff_reply: () => undefined,
  on_call_now: () => undefined,
  line_test_failed: (n, ctx) => ({
    text: `:rotating_light: ${ctx.organisation}: the helpdesk line ${n.to} is not reaching Switchboard (test call from ${n.from}: ${n.why}). Check the number's Voice URL and the Twilio account.`,
  }),
  requester: () => undefined,
  monthly_report: () => undefined,
  announcement: () => undefined,
  portal_link: () => undefined,
  call: () => undefined,
};

export const renderSlack = (notice: Notice, ctx: RenderContext) => renderWith(SLACK, notice, ctx);
