import { localTime, priorityName, requesterText } from './words.js';
import {
  ticketLabel,
  type Notice,
  type NoticeKind,
  type RenderContext,
  type SlaFacts,
  type TicketFacts,
  type TicketRef,
} from './notices.js';

/** One function per notice kind: a kind no renderer knows is a compile error. */
export type Renderer<R> = {
  [K in NoticeKind]: (notice: Extract<Notice, { kind: K }>, ctx: RenderContext) => R | undefined;
};

export function renderWith<R>(renderer: Renderer<R>, notice: Notice, ctx: RenderContext): R | undefined {
  return (renderer[notice.kind] as (n: Notice, c: RenderContext) => R | undefined)(notice, ctx);
}

/** The caller as a page names them: "Acme Dental (Dana Dentist)", or an unidentified caller. */
export function who(t: TicketFacts): string {
  const client = t.client ?? 'UNIDENTIFIED caller';
  return t.contact ? `${client} (${t.contact})` : client;
}

export const callerOf = (t: TicketRef) => t.callerNumber ?? 'unknown number';

export function firstWords(text: string | null | undefined, words: number): string | undefined {
  if (!text) return undefined;
  const parts = text.trim().split(/\s+/);
  return parts.length > words ? `${parts.slice(0, words).join(' ')}…` : parts.join(' ');
}

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

export const dashboardLink = (ctx: RenderContext, number: number) => `${ctx.publicUrl}/dashboard/tickets/${number}`;

/** One line about a ticket's SLA, the same on every channel. */
export function slaLine(ctx: RenderContext, change: 'warning' | 'breach', t: SlaFacts): string {
  const label = ticketLabel(t.number);
  const priority = priorityName(ctx.language, t.priority);
  const due = localTime(ctx, t.dueAt);
  return change === 'warning'
    ? `SLA warning ${label} (${priority}): 75% of its time has gone; due ${due}. ${dashboardLink(ctx, t.number)}`
    : `SLA BREACHED ${label} (${priority}): due ${due}, still ${t.status.replace(/_/g, ' ')}${t.with ? ` with ${t.with}` : ', nobody has taken it'}. ${dashboardLink(ctx, t.number)}`;
}

export const slaHeading = (change: 'warning' | 'breach', count: number) =>
  change === 'warning'
    ? `${count} of your tickets have used 75% of their SLA time.`
    : `${count} tickets have breached their SLA.`;

export const takenText = (n: Extract<Notice, { kind: 'taken' }>) =>
  `${ticketLabel(n.ticket.number)} was taken by ${n.by} (${n.via}). No action needed from you.`;

export const unreachableText = (n: Extract<Notice, { kind: 'unreachable' }>) =>
  `Could not reach ${n.who} about ${ticketLabel(n.ticket.number)} on any channel. Make sure someone takes it.`;

export const stillUnacknowledgedText = (t: TicketRef) =>
  `STILL UNACKNOWLEDGED ${ticketLabel(t.number)} (emergency from ${callerOf(t)}). Reply ACK ${t.number} to take it.`;

export { requesterText };
