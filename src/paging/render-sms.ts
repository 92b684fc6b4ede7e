import { ticketLabel } from './notices.js';
import {
  callerOf,
  clip,
  firstWords,
  renderWith,
  requesterText,
  slaHeading,
  slaLine,
  stillUnacknowledgedText,
  takenText,
  unreachableText,
  who,
  type Renderer,
} from './render-text.js';
import type { Notice, RenderContext } from './notices.js';
import { localTime } from './words.js';

/** Texts: short, plain, readable on any phone. */
const SMS: Renderer<string> = {
  emergency: (n) => {
    const t = n.ticket;
    const heard = firstWords(t.transcription, 12);
    return [
      `${n.reason === 'escalated' ? 'ESCALATED' : 'EMERGENCY'} ${ticketLabel(t.number)}: ${who(t)} from ${callerOf(t)}.`,
      heard ? `"${heard}"` : undefined,
      n.voicemailLink ? `Hear it: ${n.voicemailLink}` : undefined,
      `Reply ACK ${t.number} to take it${n.ackLink ? ` or open ${n.ackLink}` : ''}.`,
    ]
      .filter(Boolean)
      .join(' ');
  },
  transcription: (n) => `${ticketLabel(n.ticket.number)} voicemail says: "${clip(n.text, 300)}"`,
  still_unacknowledged: (n) => stillUnacknowledgedText(n.ticket),
  page_summary: (n) => {
    const labels = n.tickets.map((t) => ticketLabel(t.number));
    const shown =
      labels.length > 25 ? `${labels.slice(0, 25).join(', ')} and ${labels.length - 25} more` : labels.join(', ');
    return `${labels.length} more emergencies: ${shown}. Reply ACK and a number to take one.`;
  },
  taken: takenText,
  unreachable: unreachableText,
  sla: (n, ctx) => slaLine(ctx, n.change, n.ticket),
  sla_summary: (n) => `${slaHeading(n.change, n.tickets.length)} Details by email.`,
  caller_confirmation: (n, ctx) =>
    n.ticket.emergency
      ? `${ctx.organisation}: we have your emergency ${n.noMessage ? 'call' : 'message'}. Your ticket is ${ticketLabel(n.ticket.number)}; the on-call engineer has been alerted and will call you back.`
      : `${ctx.organisation}: we have your message. Your ticket is ${ticketLabel(n.ticket.number)}; we will get back to you.`,
  callback_booked: (n, ctx) =>
    `${ctx.organisation}: your callback is booked. You are number ${n.position} in the queue; we will call you on this number.`,
  callback_unanswered: () => undefined,
  callbacks_overdue: () => undefined,
  email_reply: () => undefined,
  email_refused: () => undefined,
  customer_replied: (n) => `${ticketLabel(n.ticket.number)}: ${n.from} replied: ${n.excerpt}`.slice(0, 300),
  staff_reply: () => undefined,
  on_call_now: (n, ctx) =>
    `${ctx.organisation}: you are on call${n.line ? ` for ${n.line}` : ''} now, until ${localTime(ctx, n.until)}${n.handsOver ? `, taking over from ${n.handsOver}` : ''}. ${n.open.length ? `Open emergencies: ${n.open.map((t) => ticketLabel(t.number)).join(', ')}.` : 'No open emergencies.'}`,
  line_test_failed: (n, ctx) =>
    `${ctx.organisation}: the helpdesk line is not reaching Switchboard. A test call from ${n.from} to ${n.to} was not answered by the service (${n.why}). Callers may not be getting through: check the number's Voice URL and the Twilio account now.`,
  requester: (n, ctx) => requesterText(ctx, n.ticket, n.change),
  monthly_report: () => undefined,
  announcement: () => undefined,
  portal_link: () => undefined,
  call: () => undefined,
};

export const renderSms = (notice: Notice, ctx: RenderContext) => renderWith(SMS, notice, ctx);
