import { callsOfTicket } from '../ivr/index.js';
import type { ReadQ } from '../db/index.js';
import type { Organisation } from '../config/index.js';
import { clientById, packagesOf, describeBalance } from '../clients/index.js';
import * as repo from '../tickets/index.js';
import { OPEN_STATUSES, PRIORITIES } from '../tickets/index.js';
import { html, type Html } from './html.js';
import { csrfField, when, type PageContext } from './layout.js';
import { conversationSection } from './conversation.js';
import { SOURCE_NAMES, STATUS_NAMES, callKind, describeEvent, slaBadge } from './ticket-words.js';

/** One ticket: its facts, voicemail, email conversation, the forms that work on it, its calls and its timeline. */
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
