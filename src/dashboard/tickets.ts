import { z } from 'zod';
import { callsOfTicket } from '../ivr/index.js';
import type { ReadQ } from '../db/index.js';
import type { Organisation } from '../config/index.js';
import { clientById, clientNames, packagesOf, describeBalance } from '../clients/index.js';
import * as repo from '../tickets/index.js';
import {
  OPEN_STATUSES,
  PRIORITIES,
  TICKET_SOURCES,
  TICKET_STATUSES,
  ticketLabel,
  type TicketSource,
  type TicketStatus,
} from '../tickets/index.js';
import { html, type Html } from './html.js';
import { csrfField, relative, when, type PageContext } from './layout.js';
import { mailReport } from './mail.js';
import { conversationSection } from './conversation.js';

export const ticketFilters = z.object({
  status: z
    .enum(['open', 'all', ...TICKET_STATUSES])
    .catch('open')
    .default('open'),
  priority: z
    .enum(['any', ...PRIORITIES])
    .catch('any')
    .default('any'),
  client: z.coerce.number().int().positive().optional().catch(undefined),
  source: z
    .enum(['any', ...TICKET_SOURCES])
    .catch('any')
    .default('any'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
type Filters = z.infer<typeof ticketFilters>;

const PER_PAGE = 50;
const SOURCE_NAMES: Record<TicketSource, string> = { phone: 'Phone', email: 'Email', portal: 'Portal', api: 'API' };
const STATUS_NAMES: Record<TicketStatus, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

export function slaBadge(t: repo.Ticket, now: Date): Html {
  if (!t.slaDueAt) return html``;
  if (!OPEN_STATUSES.includes(t.status)) return html`<span class="badge ok">closed</span>`;
  if (t.slaDueAt <= now) return html`<span class="badge breached">breached ${relative(now, t.slaDueAt)}</span>`;
  if (t.slaWarnAt && t.slaWarnAt <= now)
    return html`<span class="badge warning">due ${relative(now, t.slaDueAt)}</span>`;
  return html`<span class="badge">due ${relative(now, t.slaDueAt)}</span>`;
}

export async function ticketsPage(
  db: ReadQ,
  ctx: PageContext,
  org: Organisation,
  f: Filters,
  now: Date,
): Promise<Html> {
  const { total, rows } = await repo.searchTickets(db, {
    status: f.status,
    priority: f.priority,
    clientId: f.client,
    source: f.source === 'any' ? undefined : f.source,
    limit: PER_PAGE,
    offset: (f.page - 1) * PER_PAGE,
  });
  const allClients = await clientNames(db);
  const staffName = (id: string | null) => (id ? (org.staff.find((s) => s.id === id)?.name ?? id) : '');
  const query = (page: number) =>
    `?status=${f.status}&priority=${f.priority}${f.client ? `&client=${f.client}` : ''}${f.source !== 'any' ? `&source=${f.source}` : ''}&page=${page}`;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return html`
  <form method="get" class="filters">
    <label>Status <select name="status">${option('open', 'Open', f.status === 'open')}${option('all', 'Any', f.status === 'all')}${TICKET_STATUSES.map((s) => option(s, STATUS_NAMES[s], f.status === s))}</select></label>
    <label>Priority <select name="priority">${option('any', 'Any', f.priority === 'any')}${PRIORITIES.map((p) => option(p, p[0]!.toUpperCase() + p.slice(1), f.priority === p))}</select></label>
    <label>Client <select name="client">${option('', 'Any', !f.client)}${allClients.map((c) => option(String(c.id), c.name, f.client === c.id))}</select></label>
    <label>Came by <select name="source">${option('any', 'Any', f.source === 'any')}${TICKET_SOURCES.map((s) => option(s, SOURCE_NAMES[s], f.source === s))}</select></label>
    <button type="submit">Filter</button>
  </form>
  ${await mailReport(db, ctx, now)}
  <p class="muted">${total} ticket${total === 1 ? '' : 's'}${total > PER_PAGE ? `, page ${f.page} of ${Math.ceil(total / PER_PAGE)}` : ''}</p>
  <table class="stack">
    <thead><tr><th>Ticket</th><th>Opened</th><th>Who</th><th>Came by</th><th>Priority</th><th>Status</th><th>SLA</th><th>With</th></tr></thead>
    <tbody>
    ${rows.length === 0 ? html`<tr><td colspan="8" class="muted">No tickets match.</td></tr>` : ''}
    ${rows.map(
      (t) => html`<tr>
        <td data-label="Ticket"><a href="/dashboard/tickets/${t.number}">${ticketLabel(t.number)}</a>${t.emergency ? html` <span class="badge critical">emergency</span>` : ''}</td>
        <td data-label="Opened">${when(ctx, t.createdAt)}</td>
        <td data-label="Who">${t.client ?? html`<span class="muted">Unidentified</span>`}<br><span class="muted">${t.callerNumber ?? t.requesterEmail ?? ''}</span></td>
        <td data-label="Came by">${SOURCE_NAMES[t.source]}${t.line ? html` <span class="muted">· ${t.line}</span>` : ''}</td>
        <td data-label="Priority"><span class="badge ${t.priority}">${t.priority}</span></td>
        <td data-label="Status">${STATUS_NAMES[t.status]}</td>
        <td data-label="SLA">${slaBadge(t, now)}</td>
        <td data-label="With">${staffName(t.acknowledgedBy)}</td>
      </tr>`,
    )}
    </tbody>
  </table>
  <p>${f.page > 1 ? html`<a href="${query(f.page - 1)}">← Newer</a> ` : ''}${f.page * PER_PAGE < total ? html`<a href="${query(f.page + 1)}">Older →</a>` : ''}</p>`;
}

/** One line of the timeline in words. */
function describeEvent(e: repo.TicketEvent, org: Organisation): Html {
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

export async function ticketPage(
  db: ReadQ,
  ctx: PageContext,
  deps: { organisation: Organisation },
  ticket: repo.Ticket,
  opts: { canChange: boolean; isStaff: boolean },
  now: Date,
): Promise<Html> {
  const org = deps.organisation;
  const client = ticket.clientId ? await clientById(db, ticket.clientId) : undefined;
  const contact = client?.contacts.find((c) => c.id === ticket.contactId);
  const voicemails = await repo.voicemailsOf(db, ticket.id);
  const timeline = await repo.eventsOf(db, ticket.id);
  const work = await repo.workLogsOf(db, ticket.id);
  const ticketCalls = await callsOfTicket(db, ticket.id);
  const packages = client ? await packagesOf(db, client.id) : [];
  const conversation = await repo.conversationOf(db, ticket.id);
  const replyTo = opts.canChange ? await repo.replyAddress(db, ticket) : undefined;
  const open = OPEN_STATUSES.includes(ticket.status);
  const staffName = (id: string | null) => (id ? (org.staff.find((s) => s.id === id)?.name ?? id) : undefined);
  const path = `/dashboard/tickets/${ticket.number}`;
  const workedMinutes = work.reduce(
    (sum, w) => sum + Math.round((w.endedAt.getTime() - w.startedAt.getTime()) / 60_000),
    0,
  );
  return html`
  <div class="grid">
    <section class="card">
      <dl class="facts">
        <dt>Status</dt><dd>${STATUS_NAMES[ticket.status]}</dd>
        <dt>Priority</dt><dd><span class="badge ${ticket.priority}">${ticket.priority}</span>${ticket.emergency ? html` <span class="badge critical">emergency</span>` : ''}</dd>
        <dt>SLA due</dt><dd>${when(ctx, ticket.slaDueAt)} ${slaBadge(ticket, now)}</dd>
        <dt>Client</dt><dd>${client?.name ?? html`<span class="muted">Unidentified caller</span>`}</dd>
        <dt>Contact</dt><dd>${contact ? html`${contact.name}${contact.email ? html`, <a href="mailto:${contact.email}">${contact.email}</a>` : ''}` : html`<span class="muted">—</span>`}</dd>
        <dt>Came by</dt><dd>${SOURCE_NAMES[ticket.source]}${ticket.line ? html` <span class="muted">· ${ticket.line}</span>` : ''}</dd>
        ${ticket.requesterEmail ? html`<dt>Wrote from</dt><dd><a href="mailto:${ticket.requesterEmail}">${ticket.requesterEmail}</a></dd>` : ''}
        <dt>Caller</dt><dd>${ticket.callerNumber ? html`<a href="tel:${ticket.callerNumber}">${ticket.callerNumber}</a>` : html`<span class="muted">unknown</span>`}</dd>
        <dt>Opened</dt><dd>${when(ctx, ticket.createdAt)}</dd>
        <dt>With</dt><dd>${staffName(ticket.acknowledgedBy) ?? html`<strong>Nobody yet</strong>`}${ticket.acknowledgedAt ? html` <span class="muted">since</span> ${when(ctx, ticket.acknowledgedAt)}` : ''}</dd>
        <dt>Work logged</dt><dd>${workedMinutes} min</dd>
        ${packages.length ? html`<dt>Prepaid</dt><dd>${packages.map((p) => describeBalance(p)).join('; ')}</dd>` : ''}
      </dl>
    </section>
    <section class="card">
      <h2 style="margin-top:0">Voicemail</h2>
      ${voicemails.length === 0 ? html`<p class="muted">No voicemail on this ticket.</p>` : ''}
      ${voicemails.map(
        (v) => html`<figure style="margin:0 0 1rem">
          <figcaption>${when(ctx, v.createdAt)} · ${v.durationSeconds} s${v.kind === 'emergency' ? ' · emergency' : ''}</figcaption>
          <audio controls preload="none" src="/dashboard/tickets/${ticket.number}/voicemails/${v.id}/audio"></audio>
          <blockquote>${v.transcription ?? html`<span class="muted">No transcription yet.</span>`}</blockquote>
        </figure>`,
      )}
    </section>
  </div>
  ${conversation.length || opts.canChange ? conversationSection(ctx, org, path, conversation, replyTo, opts.canChange) : ''}
  ${opts.canChange ? actionsOf(ctx, ticket, path, open, opts.isStaff) : ''}
  ${
    ticketCalls.length
      ? html`<section class="card">
    <h2 style="margin-top:0">Calls</h2>
    <table class="stack"><thead><tr><th>When</th><th>Call</th><th>Number</th><th class="num">Minutes</th><th>Rate period</th></tr></thead><tbody>
    ${ticketCalls.map(
      (c) =>
        html`<tr><td data-label="When">${when(ctx, c.startedAt)}</td><td data-label="Call">${callKind(c.path, org)} <span class="muted">${c.outcome.replace(/_/g, ' ')}</span></td><td data-label="Number">${c.path.startsWith('bridge:') || c.path.startsWith('callback:') ? c.toNumber : c.fromNumber}</td><td class="num" data-label="Minutes">${c.endedAt ? Math.round((c.endedAt.getTime() - c.startedAt.getTime()) / 600) / 100 : '…'}</td><td data-label="Rate period">${c.ratePeriod.replace('_', ' ')}</td></tr>`,
    )}
    </tbody></table></section>`
      : ''
  }
  <section class="card">
    <h2 style="margin-top:0">Timeline</h2>
    <ol class="timeline">
      ${timeline.map((e) => html`<li data-event="${e.type}">${when(ctx, e.at)}${describeEvent(e, org)}</li>`)}
    </ol>
  </section>`;
}

function callKind(path: string, org: Organisation): string {
  const [kind, , staff] = path.split(':');
  const by = (id: string | undefined) => (id ? (org.staff.find((s) => s.id === id)?.name ?? id) : 'staff');
  if (kind === 'bridge') return `Call back by ${by(path.split(':')[1])}`;
  if (kind === 'callback') return `Callback by ${by(staff)}`;
  return 'Incoming call';
}

function actionsOf(ctx: PageContext, ticket: repo.Ticket, path: string, open: boolean, isStaff: boolean): Html {
  const csrf = csrfField(ctx);
  if (!open) {
    return html`<section class="card"><form method="post" action="${path}/status" class="inline">${csrf}<input type="hidden" name="status" value="reopen"><button type="submit" class="secondary">Reopen</button></form></section>`;
  }
  return html`<section class="card">
    <h2 style="margin-top:0">Work on it</h2>
    <div class="grid">
      <div>
        ${!ticket.acknowledgedBy && isStaff ? html`<form method="post" action="${path}/acknowledge" class="inline">${csrf}<button type="submit" class="danger">Take it (acknowledge)</button></form>` : ''}
        ${ticket.callerNumber && isStaff ? html`<form method="post" action="${path}/call" class="inline">${csrf}<button type="submit">Call the customer from the helpdesk number</button></form>` : ''}
        <form method="post" action="${path}/priority" class="inline">${csrf}
          <label for="priority">Priority</label>
          <select id="priority" name="priority">${PRIORITIES.map((p) => html`<option value="${p}"${p === ticket.priority ? html` selected` : ''}>${p}</option>`)}</select>
          <button type="submit" class="secondary">Change priority</button>
        </form>
      </div>
      <form method="post" action="${path}/status">${csrf}
        <label for="status">Move to</label>
        <select id="status" name="status">
          <option value="in_progress">In progress</option>
          <option value="waiting_on_customer">Return to the requester for information</option>
          <option value="resolved">Resolved</option>
        </select>
        <label for="message">Message to the requester (needed when returning it)</label>
        <textarea id="message" name="message" rows="2" maxlength="2000" style="width:100%"></textarea>
        <button type="submit">Update status</button>
      </form>
      <form method="post" action="${path}/work">${csrf}
        <label for="minutes">Log work (minutes, ending now)</label>
        <input id="minutes" name="minutes" type="number" min="1" max="1440" required>
        <label for="work-note">What was done</label>
        <input id="work-note" name="note" maxlength="2000" style="width:100%">
        <button type="submit">Log work</button>
      </form>
    </div>
  </section>`;
}
