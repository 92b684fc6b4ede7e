import type { Organisation } from '../config/index.js';
import {
  OPEN_STATUSES,
  type Ticket,
  type TicketEvent,
  type TicketSource,
  type TicketStatus,
} from '../tickets/index.js';
import { html, type Html } from './html.js';
import { relative } from './layout.js';

// The words staff read on the ticket pages: a ticket's status and source, its SLA, its timeline and calls.

export const SOURCE_NAMES: Record<TicketSource, string> = {
  phone: 'Phone',
  email: 'Email',
  portal: 'Portal',
  api: 'API',
};
export const STATUS_NAMES: Record<TicketStatus, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

export function slaBadge(t: Ticket, now: Date): Html {
  if (!t.slaDueAt) return html``;
  if (!OPEN_STATUSES.includes(t.status)) return html`<span class="badge ok">closed</span>`;
  if (t.slaDueAt <= now) return html`<span class="badge breached">breached ${relative(now, t.slaDueAt)}</span>`;
  if (t.slaWarnAt && t.slaWarnAt <= now)
    return html`<span class="badge warning">due ${relative(now, t.slaDueAt)}</span>`;
  return html`<span class="badge">due ${relative(now, t.slaDueAt)}</span>`;
}

/** One line of the timeline in words. */
export function describeEvent(e: TicketEvent, org: Organisation): Html {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  const who = (id: unknown) => (typeof id === 'string' ? (org.staff.find((s) => s.id === id)?.name ?? id) : 'someone');
  switch (e.type) {
    case 'created': {
      const terms = d.afterHours as { terms?: string; consentAt?: string; number?: string } | undefined;
      const billed = terms?.terms
        ? terms.terms === 'consented'
          ? `, billed after hours: the caller (${terms.number ?? 'unknown number'}) consented${terms.consentAt ? ` at ${terms.consentAt}` : ''}`
          : ', billed after hours (the caller was told)'
        : '';
      return html`Ticket opened (${String(d.priority ?? '')}${d.emergency ? ', emergency' : ''}${d.unidentified ? ', caller not identified' : ''}${billed})`;
    }
    case 'voicemail':
      return html`Voicemail left, ${String(d.seconds ?? '?')} s${d.source === 'reconciliation' ? ' (recovered from Twilio)' : ''}`;
    case 'escalated':
      return html`Escalated: ${String(d.reason ?? '')}${d.to ? ` (${String(d.from)} → ${String(d.to)})` : ''}`;
    case 'transcription':
      return html`Transcription arrived`;
    case 'paged':
      return html`Paged ${who(d.to)} by ${String(d.channel ?? '')}${d.summary ? ' (in a summary)' : ''}`;
    case 'transcription_sent':
      return html`Transcription sent to ${who(d.to)} by ${String(d.channel ?? '')}`;
    case 'ack_offered':
      return html`${who(e.actor)} asked to take it without having been paged, and was asked to confirm`;
    case 'ack_all_offered':
      return html`${who(e.actor)} sent ACK ALL and was asked to confirm with YES`;
    case 'page_delivered':
      return html`Page delivered to ${who(d.to)} by ${String(d.channel ?? '')}`;
    case 'page_failed':
      return html`<span class="badge critical">page failed</span> ${who(d.to)} by ${String(d.channel ?? '')}: ${String(d.error ?? '')}`;
    case 'acknowledged':
      return html`<strong>Acknowledged by ${who(e.actor)}</strong> (${String(d.via ?? '')})`;
    case 'priority_changed':
      return html`Priority ${String(d.from)} → ${String(d.to)} by ${who(e.actor)}`;
    case 'status_changed':
      return html`Status ${String(d.from).replace(/_/g, ' ')} → ${String(d.to).replace(/_/g, ' ')} by ${who(e.actor)}${d.message ? html`: “${String(d.message)}”` : ''}`;
    case 'work_logged':
      return html`${String(d.by ?? who(e.actor))} logged ${String(d.minutes)} min of work${d.note ? html`: ${String(d.note)}` : ''}`;
    case 'sla_warning':
      return html`<span class="badge warning">SLA warning</span> sent to ${who(d.told)}`;
    case 'sla_breached':
      return html`<span class="badge breached">SLA breached</span>; architects told`;
    case 'requester_notified':
      return html`Requester told (${String(d.change ?? '')}) by ${Array.isArray(d.channels) ? d.channels.join(' and ') : ''}`;
    case 'note':
      return html`${String(d.text ?? '')}`;
    case 'email_received':
      return html`Email from ${String(d.from ?? '')}: “${String(d.subject ?? '')}”`;
    case 'email_sent':
      return html`${d.automatic ? 'Automatic email' : html`Email by ${who(e.actor)}`} to ${String(d.to ?? '')}`;
    case 'portal_message':
      return html`Written on the portal by ${String(d.from ?? '')}`;
  }
  return html`${e.type}`;
}

/** What a call on the ticket was: the caller's, or staff calling back. */
export function callKind(path: string, org: Organisation): string {
  const [kind, , staff] = path.split(':');
  const by = (id: string | undefined) => (id ? (org.staff.find((s) => s.id === id)?.name ?? id) : 'staff');
  if (kind === 'bridge') return `Call back by ${by(path.split(':')[1])}`;
  if (kind === 'callback') return `Callback by ${by(staff)}`;
  return 'Incoming call';
}
