import type { PublicNotice } from '../announcements/index.js';
import type { Organisation } from '../config/index.js';
import { html, type Html } from '../http/html.js';
import { priorityName } from '../paging/index.js';
import { ticketLabel, type Priority, type Ticket } from '../tickets/index.js';
import { csrfField, when, type PageContext } from './layout.js';
import { lineName } from './ticket-page.js';

/** Which tickets the list shows: open ones, recently closed ones, or both (open first). */
export const LIST_FILTERS = ['all', 'open', 'closed'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

function rows(ctx: PageContext, org: Organisation, tickets: Ticket[]): Html {
  const { w } = ctx;
  if (tickets.length === 0) return html`<p class="muted">${w.noTickets}</p>`;
  return html`<table class="stack">
    <thead><tr><th>${w.columns.ticket}</th><th>${w.columns.subject}</th><th>${w.columns.status}</th><th>${w.facts.priority}</th><th>${w.columns.updated}</th></tr></thead>
    <tbody>${tickets.map(
      (t) => html`<tr>
        <td data-label="${w.columns.ticket}"><a href="/portal/tickets/${t.number}">${ticketLabel(t.number)}</a></td>
        <td data-label="${w.columns.subject}">${t.summary}${t.line ? html` <span class="muted">· ${lineName(org, t.line)}</span>` : ''}</td>
        <td data-label="${w.columns.status}"><span class="badge ${t.status}">${w.status[t.status]}</span></td>
        <td data-label="${w.facts.priority}">${priorityName(org.language, t.priority)}</td>
        <td data-label="${w.columns.updated}">${when(ctx, t.updatedAt)}</td>
      </tr>`,
    )}</tbody></table>`;
}

/** The notices that are on now, above the list, with the public page a click away. */
export function liveNotices(ctx: PageContext, notices: PublicNotice[]): Html {
  const live = notices.filter((n) => n.live);
  if (live.length === 0) return html``;
  return html`<section class="card notice" role="status"><h2>${ctx.w.notices}</h2>
    <ul>${live.map((n) => html`<li>${n.text}</li>`)}</ul></section>`;
}

/** The contact's tickets: open ones first, then those closed recently; or one kind only. */
export function ticketsPage(
  ctx: PageContext,
  org: Organisation,
  filter: ListFilter,
  open: Ticket[],
  closed: Ticket[],
  notices: PublicNotice[],
): Html {
  const { w } = ctx;
  const option = (f: ListFilter) =>
    html`<option value="${f}"${f === filter ? html` selected` : ''}>${w.filters[f]}</option>`;
  return html`${liveNotices(ctx, notices)}
  <form method="get" class="filters">
    <label for="status">${w.show}</label>
    <select id="status" name="status">${LIST_FILTERS.map(option)}</select>
    <button type="submit" class="secondary">${w.show}</button>
    <a class="button" href="/portal/tickets/new">${w.nav.newTicket}</a>
  </form>
  ${filter !== 'closed' ? rows(ctx, org, open) : ''}
  ${filter === 'all' && closed.length ? html`<h2>${w.recentlyClosed}</h2>` : ''}
  ${filter !== 'open' && (filter === 'closed' || closed.length) ? rows(ctx, org, closed) : ''}`;
}

/** What the new-ticket form was sent, to show again with the problem. */
export interface NewTicketForm {
  subject: string;
  body: string;
  line?: string;
  priority: string;
}

/** The form that opens a ticket: the lines when the contract covers several, and the priorities short of critical. */
export function newTicketPage(
  ctx: PageContext,
  org: Organisation,
  lines: { id: string; name: string }[],
  form: NewTicketForm,
  problem?: string,
): Html {
  const { w } = ctx;
  const priorities: Priority[] = ['low', 'medium', 'high'];
  return html`${problem ? html`<p class="flash error" role="alert">${problem}</p>` : ''}
  <form method="post" action="/portal/tickets" enctype="multipart/form-data" class="card">
    ${csrfField(ctx.csrf)}
    <label for="subject">${w.subject}</label>
    <input id="subject" name="subject" required maxlength="200" value="${form.subject}">
    <p class="muted hint">${w.subjectHint}</p>
    <label for="body">${w.description}</label>
    <textarea id="body" name="body" rows="8" maxlength="20000">${form.body}</textarea>
    ${
      lines.length > 1
        ? html`<label for="line">${w.line}</label>
    <select id="line" name="line">${lines.map((l) => html`<option value="${l.id}"${l.id === form.line ? html` selected` : ''}>${l.name}</option>`)}</select>`
        : ''
    }
    <label for="priority">${w.priority}</label>
    <select id="priority" name="priority">${priorities.map((p) => html`<option value="${p}"${p === form.priority ? html` selected` : ''}>${priorityName(org.language, p)}</option>`)}</select>
    <p class="muted hint">${w.emergencyHint(org.helpdeskNumber)}</p>
    <label for="attachments">${w.filesLabel}</label>
    <input id="attachments" name="attachments" type="file" multiple>
    <button type="submit">${w.openIt}</button>
  </form>`;
}
