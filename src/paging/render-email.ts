import { ticketLabel, type Notice, type RenderContext } from './notices.js';
import {
  callerOf,
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
import { localTime, wordsFor } from './words.js';

export interface EmailMessage {
  subject: string;
  text: string;
  attachments?: { filename: string; content: string; contentType: string }[];
}

const tag = (ctx: RenderContext) => `[${ctx.organisation}]`;

/** Where a ticket is followed on the clients' portal, and the public notices page. */
const onThePortal = (ctx: RenderContext, number: number) =>
  wordsFor(ctx.language).onThePortal({
    ticketUrl: `${ctx.publicUrl}/portal/tickets/${number}`,
    statusUrl: `${ctx.publicUrl}/status`,
  });

/** Emails: a subject that says it all, and every fact someone at a desk may want. */
const EMAIL: Renderer<EmailMessage> = {
  emergency: (n, ctx) => {
    const t = n.ticket;
    const lines = [
      `${n.reason === 'escalated' ? 'An open emergency was escalated' : n.voicemailLink ? 'A caller left an emergency voicemail' : 'An emergency caller hung up before they could be put through or leave a voicemail: call them back'} for ${ctx.organisation}.`,
      '',
      `Ticket:   ${ticketLabel(t.number)} (${t.priority})`,
      `Caller:   ${who(t)}`,
      `Number:   ${t.callerNumber ?? 'unknown'}`,
      `Received: ${t.createdAt.toISOString()}`,
      n.voicemailLink ? `Voicemail: ${n.voicemailLink}` : 'Voicemail: none',
      '',
      t.transcription
        ? `Transcription:\n${t.transcription}`
        : 'Transcription: not available yet; it follows by message when it arrives.',
      '',
      n.ackLink
        ? `To take it, open ${n.ackLink} or reply ACK ${t.number} to the text message.`
        : `To take it, reply ACK ${t.number} to the text message.`,
    ];
    if (n.timeline?.length) {
      lines.push('', 'Timeline:');
      for (const e of n.timeline) lines.push(`  ${e.at.toISOString()}  ${e.type}${e.actor ? ` by ${e.actor}` : ''}`);
    }
    return {
      subject: `${tag(ctx)} ${n.reason === 'escalated' ? 'Escalated' : 'Emergency'} ${ticketLabel(t.number)}: ${who(t)}`,
      text: lines.join('\n'),
    };
  },
  transcription: (n, ctx) => ({
    subject: `${tag(ctx)} ${ticketLabel(n.ticket.number)}: transcription`,
    text: `The voicemail on ${ticketLabel(n.ticket.number)} says:\n\n${n.text}`,
  }),
  still_unacknowledged: (n, ctx) => ({
    subject: `${tag(ctx)} STILL UNACKNOWLEDGED ${ticketLabel(n.ticket.number)}`,
    text: stillUnacknowledgedText(n.ticket),
  }),
  page_summary: (n, ctx) => ({
    subject: `${tag(ctx)} ${n.tickets.length} more emergencies`,
    text: [
      `${n.tickets.length} more emergencies arrived for ${ctx.organisation}:`,
      '',
      ...n.tickets.map((t) => `  ${ticketLabel(t.number)}  from ${callerOf(t)}`),
      '',
      'Reply ACK and a ticket number to the text message to take one.',
    ].join('\n'),
  }),
  taken: (n, ctx) => ({ subject: `${tag(ctx)} ${ticketLabel(n.ticket.number)} taken`, text: takenText(n) }),
  unreachable: (n, ctx) => ({
    subject: `${tag(ctx)} ${ticketLabel(n.ticket.number)}: someone unreachable`,
    text: unreachableText(n),
  }),
  sla: (n, ctx) => ({
    subject:
      n.change === 'warning'
        ? `${tag(ctx)} SLA warning: ${ticketLabel(n.ticket.number)} due ${localTime(ctx, n.ticket.dueAt)}`
        : `${tag(ctx)} SLA breached: ${ticketLabel(n.ticket.number)}`,
    text: slaLine(ctx, n.change, n.ticket),
  }),
  sla_summary: (n, ctx) => {
    const heading = slaHeading(n.change, n.tickets.length);
    return {
      subject: `${tag(ctx)} ${heading}`,
      text: `${heading}\n\n${n.tickets.map((t) => `- ${slaLine(ctx, n.change, t)}`).join('\n')}`,
    };
  },
  caller_confirmation: () => undefined,
  callback_booked: () => undefined,
  callback_unanswered: (n, ctx) => ({
    subject: `${tag(ctx)} Callback ${n.callbackId} unanswered ${n.failures} times`,
    text: `Nobody answered at ${n.phone} after ${n.failures} tries. It is back in the queue, due ${n.dueAt.toISOString()}; consider another contact or an email.\n\n${ctx.publicUrl}/dashboard/queue`,
  }),
  callbacks_overdue: (n, ctx) => {
    const count = n.callbacks.length;
    const lines = n.callbacks
      .slice(0, 50)
      .map(
        (c) =>
          `  #${c.id}  ${c.phone}  due ${c.dueAt.toISOString()}  ${c.status}${c.claimedBy ? ` (${c.claimedBy})` : ''}${c.reason ? `  ${c.reason}` : ''}`,
      );
    if (count > 50) lines.push(`  … and ${count - 50} more`);
    return {
      subject: `${tag(ctx)} ${count} overdue callback${count === 1 ? '' : 's'}`,
      text: `These callbacks are past their due time:\n\n${lines.join('\n')}\n\nWork them at ${ctx.publicUrl}/dashboard/queue`,
    };
  },
  requester: (n, ctx) => ({
    subject: wordsFor(ctx.language).subject(ctx.organisation, ticketLabel(n.ticket.number)),
    text: `${n.name ? `${n.name},\n\n` : ''}${requesterText(ctx, n.ticket, n.change)}\n`,
  }),
  monthly_report: (n, ctx) => ({
    subject: `${tag(ctx)} After-hours summary ${n.month}`,
    text: n.text,
    attachments: [{ ...n.attachment, contentType: 'text/csv; charset=utf-8' }],
  }),
  call: () => undefined,
  email_reply: (n, ctx) => {
    const w = wordsFor(ctx.language);
    const label = ticketLabel(n.ticket.number);
    return {
      subject: `[${label}] ${w.subject(ctx.organisation, label)}`,
      text: `${n.name ? `${n.name},\n\n` : ''}${requesterText(ctx, n.ticket, { kind: 'opened' })}\n\n${w.followUp({ label, number: n.ticket.number, helpdesk: ctx.helpdeskNumber })}\n\n${onThePortal(ctx, n.ticket.number)}\n`,
    };
  },
  portal_link: (n, ctx) => {
    const w = wordsFor(ctx.language);
    return {
      subject: w.portalLinkSubject(ctx.organisation),
      text: `${w.portalLink({ org: ctx.organisation, link: n.link, minutes: n.minutes })}\n`,
    };
  },
  email_refused: (_n, ctx) => {
    const w = wordsFor(ctx.language);
    return {
      subject: w.refusedSubject(ctx.organisation),
      text: `${w.refused(ctx.organisation, ctx.helpdeskNumber)}\n`,
    };
  },
  customer_replied: (n, ctx) => ({
    subject: `${tag(ctx)} ${ticketLabel(n.ticket.number)}: ${n.from} replied`,
    text: `${n.from} wrote on ${ticketLabel(n.ticket.number)}:\n\n${n.excerpt}\n\n${ctx.publicUrl}/dashboard/tickets/${n.ticket.number}`,
  }),
  on_call_now: (n, ctx) => ({
    subject: `${tag(ctx)} You are on call${n.line ? ` for ${n.line}` : ''} now, until ${localTime(ctx, n.until)}`,
    text: [
      `You are on call${n.line ? ` for ${n.line}` : ''} from now until ${localTime(ctx, n.until)}${n.handsOver ? `, taking over from ${n.handsOver}` : ''}.`,
      '',
      n.open.length
        ? `Emergencies still open: ${n.open.map((t) => ticketLabel(t.number)).join(', ')} (${ctx.publicUrl}/dashboard/tickets).`
        : 'No emergencies are open.',
      '',
      `Who is on call when: ${ctx.publicUrl}/dashboard/oncall`,
    ].join('\n'),
  }),
  line_test_failed: (n, ctx) => ({
    subject: `${tag(ctx)} The helpdesk line is not reaching Switchboard`,
    text: [
      `Switchboard called the helpdesk number ${n.to} from ${n.from} at ${n.at.toISOString()} to test the line, and its own incoming-call webhook never saw the call (${n.why}).`,
      '',
      'Callers may not be getting through, and emergencies may not be paged. Check, in this order:',
      `  1. the Voice URL of ${n.to} in the Twilio console (it must be ${ctx.publicUrl}/twilio/voice, method POST);`,
      '  2. that the Twilio account is active and funded;',
      `  3. that ${ctx.publicUrl}/healthz answers from outside.`,
      '',
      `Test the line again from ${ctx.publicUrl}/dashboard/oncall once it is fixed.`,
    ].join('\n'),
  }),
  announcement: (n, ctx) => {
    // The subject carries the first words, cut at a word.
    const gist = n.text.length > 60 ? `${n.text.slice(0, 60).replace(/\s+\S*$/, '')}…` : n.text;
    if (n.phase === 'withdrawn')
      return {
        subject: `${tag(ctx)} Withdrawn: ${gist}`,
        text: [`This notice from ${ctx.organisation} no longer applies:`, '', n.text].join('\n'),
      };
    if (n.phase === 'ended')
      return {
        subject: `${tag(ctx)} Resolved: ${gist}`,
        text: [`This notice from ${ctx.organisation} is over:`, '', n.text, '', 'Thank you for your patience.'].join(
          '\n',
        ),
      };
    return {
      subject: `${tag(ctx)} Service notice: ${gist}`,
      text: [
        n.text,
        '',
        ...(n.startsAt ? [`From:  ${localTime(ctx, n.startsAt)}`] : []),
        n.endsAt ? `Until: ${localTime(ctx, n.endsAt)} (expected)` : 'We will write again when it is over.',
        '',
        `For an emergency, call ${ctx.helpdeskNumber} and press 5.`,
        '',
        `-- ${ctx.organisation}`,
      ].join('\n'),
    };
  },
  staff_reply: (n, ctx) => {
    const label = ticketLabel(n.ticket.number);
    return {
      subject: `[${label}] ${wordsFor(ctx.language).subject(ctx.organisation, label)}`,
      text: `${n.text.trim()}\n\n-- \n${n.by}, ${ctx.organisation}\n${wordsFor(ctx.language).followUp({ label, number: n.ticket.number, helpdesk: ctx.helpdeskNumber })}\n${onThePortal(ctx, n.ticket.number)}\n`,
    };
  },
};

export const renderEmail = (notice: Notice, ctx: RenderContext) => renderWith(EMAIL, notice, ctx);
