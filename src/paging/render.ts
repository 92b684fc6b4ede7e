import type { Ticket, TicketEvent } from '../tickets/repository.js';
import { ticketLabel } from '../tickets/label.js';
import { escapeSlack } from '../channels/index.js';

/** What every page says, whatever the channel. */
export interface PageContext {
  ticket: Ticket;
  reason: 'new' | 'escalated';
  organisation: string;
  clientName?: string;
  contactName?: string;
  voicemailLink?: string;
  /** The signed link with which this recipient takes the ticket. */
  ackLink?: string;
  timeline?: TicketEvent[];
}

function who(ctx: PageContext): string {
  const client = ctx.clientName ?? 'UNIDENTIFIED caller';
  return ctx.contactName ? `${client} (${ctx.contactName})` : client;
}

function firstWords(text: string | null | undefined, words: number): string | undefined {
  if (!text) return undefined;
  const parts = text.trim().split(/\s+/);
  return parts.length > words ? `${parts.slice(0, words).join(' ')}…` : parts.join(' ');
}

/** Short, plain text that reads on any phone. */
export function pageSms(ctx: PageContext): string {
  const t = ctx.ticket;
  const heard = firstWords(t.transcription, 12);
  return [
    `${ctx.reason === 'escalated' ? 'ESCALATED' : 'EMERGENCY'} ${ticketLabel(t.number)}: ${who(ctx)} from ${t.callerNumber ?? 'unknown number'}.`,
    heard ? `"${heard}"` : undefined,
    ctx.voicemailLink ? `Hear it: ${ctx.voicemailLink}` : undefined,
    `Reply ACK ${t.number} to take it${ctx.ackLink ? ` or open ${ctx.ackLink}` : ''}.`,
  ]
    .filter(Boolean)
    .join(' ');
}

export function pageEmail(ctx: PageContext): { subject: string; text: string } {
  const t = ctx.ticket;
  const lines = [
    `${ctx.reason === 'escalated' ? 'An open emergency was escalated' : 'A caller left an emergency voicemail'} for ${ctx.organisation}.`,
    '',
    `Ticket:   ${ticketLabel(t.number)} (${t.priority})`,
    `Caller:   ${who(ctx)}`,
    `Number:   ${t.callerNumber ?? 'unknown'}`,
    `Received: ${t.createdAt.toISOString()}`,
    ctx.voicemailLink ? `Voicemail: ${ctx.voicemailLink}` : 'Voicemail: (no recording link)',
    '',
    t.transcription
      ? `Transcription:\n${t.transcription}`
      : 'Transcription: not available yet; it follows by message when it arrives.',
    '',
    ctx.ackLink
      ? `To take it, open ${ctx.ackLink} or reply ACK ${t.number} to the text message.`
      : `To take it, reply ACK ${t.number} to the text message.`,
  ];
  if (ctx.timeline?.length) {
    lines.push('', 'Timeline:');
    for (const e of ctx.timeline) lines.push(`  ${e.at.toISOString()}  ${e.type}${e.actor ? ` by ${e.actor}` : ''}`);
  }
  return {
    subject: `[${ctx.organisation}] ${ctx.reason === 'escalated' ? 'Escalated' : 'Emergency'} ${ticketLabel(t.number)}: ${who(ctx)}`,
    text: lines.join('\n'),
  };
}

/** Client and contact names come from people: escaped, so they cannot post markup or a fake link to the channel. */
export function pageSlack(ctx: PageContext): { text: string; blocks: unknown[] } {
  const t = ctx.ticket;
  const text = `:rotating_light: ${ctx.reason === 'escalated' ? 'Escalated' : 'Emergency'} ${ticketLabel(t.number)}: ${escapeSlack(who(ctx))} from ${escapeSlack(t.callerNumber ?? 'unknown number')}`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${text}${ctx.voicemailLink ? `\n<${ctx.voicemailLink}|Hear the voicemail>` : ''}`,
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
}

export function callerConfirmationSms(organisation: string, ticket: Ticket): string {
  return ticket.emergency
    ? `${organisation}: we have your emergency message. Your ticket is ${ticketLabel(ticket.number)}; the on-call engineer has been alerted and will call you back.`
    : `${organisation}: we have your message. Your ticket is ${ticketLabel(ticket.number)}; we will get back to you.`;
}
