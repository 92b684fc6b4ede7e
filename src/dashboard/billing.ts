import { RATE_PERIODS, type RatePeriod } from '../calendar/index.js';
import type { BillableEvent, MonthlyReport } from '../billing/index.js';
import { can } from '../auth/index.js';
import { describeBalance } from '../clients/index.js';
import { ticketLabel } from '../tickets/index.js';
import { html, type Html } from './html.js';
import { when, type PageContext } from './layout.js';

export const PERIOD_NAMES: Record<RatePeriod, string> = {
  business: 'Business',
  after_hours: 'After hours',
  weekend: 'Weekend',
  holiday: 'Holiday',
};
const TYPE_NAMES: Record<string, string> = {
  inbound_call: 'Inbound calls',
  bridged_call: 'Bridged calls',
  callback: 'Callbacks',
  voicemail: 'Voicemails',
  page: 'Pages',
  acknowledgement: 'Acknowledgements',
  work_time: 'Work time',
};

const EVENT_NAMES: Record<string, string> = {
  inbound_call: 'Inbound call',
  bridged_call: 'Bridged call',
  callback: 'Callback',
  voicemail: 'Voicemail',
  page: 'Page',
  acknowledgement: 'Acknowledgement',
  work_time: 'Work time',
};

/** A ticket's number, linked to its page for the roles that may open it (billing sees the number alone). */
const ticketCell = (ctx: PageContext, label: string, number: string | number) =>
  can(ctx.account.role, 'seeTickets') ? html`<a href="/dashboard/tickets/${number}">${label}</a>` : html`${label}`;

const fmt = (n: number) => (Math.round(n * 10) / 10).toLocaleString('en-US');

export function eventRows(ctx: PageContext, events: BillableEvent[]): Html {
  if (events.length === 0) return html`<tr><td colspan="6" class="muted">Nothing after hours in this range.</td></tr>`;
  return html`${events.map(
    (e) => html`<tr>
      <td data-label="When">${when(ctx, new Date(e.start))}</td>
      <td data-label="What">${EVENT_NAMES[e.type] ?? e.type}</td>
      <td data-label="Client">${e.client ?? html`<span class="muted">Unidentified</span>`}</td>
      <td data-label="Ticket">${e.ticket ? ticketCell(ctx, e.ticket, e.ticket.replace(/\D/g, '')) : ''}</td>
      <td data-label="Minutes" class="num">${fmt(e.minutes)}</td>
      <td data-label="Rate period">${e.pieces.map((p) => html`<span class="badge">${PERIOD_NAMES[p.ratePeriod]}${e.pieces.length > 1 ? ` ${fmt(p.minutes)} min` : ''}</span> `)}</td>
    </tr>`,
  )}`;
}

export function afterHoursPage(
  ctx: PageContext,
  range: { from: string; to: string },
  events: BillableEvent[],
  total: number,
): Html {
  return html`
  <form method="get" class="filters">
    <label>From <input type="date" name="from" value="${range.from}" required></label>
    <label>To <input type="date" name="to" value="${range.to}" required></label>
    <button type="submit">Show</button>
    <a href="/dashboard/after-hours.csv?from=${range.from}&to=${range.to}" download>Download CSV</a>
  </form>
  <p class="muted">${total} billable event${total === 1 ? '' : 's'} outside business hours${total > events.length ? `; the first ${events.length} are shown, the CSV has them all` : ''}.</p>
  <table class="stack">
    <thead><tr><th>When</th><th>What</th><th>Client</th><th>Ticket</th><th class="num">Minutes</th><th>Rate period</th></tr></thead>
    <tbody>${eventRows(ctx, events)}</tbody>
  </table>`;
}

export function reportPage(ctx: PageContext, report: MonthlyReport, clients: { id: number; name: string }[]): Html {
  const q = `month=${report.month}${report.clientId ? `&client=${report.clientId}` : ''}`;
  return html`
  <form method="get" class="filters">
    <label>Month <input type="month" name="month" value="${report.month}" required></label>
    <label>Client <select name="client"><option value="">All clients</option>${clients.map((c) => html`<option value="${c.id}"${c.id === report.clientId ? html` selected` : ''}>${c.name}</option>`)}</select></label>
    <button type="submit">Show</button>
    <a href="/dashboard/reports.csv?${q}" download>Download CSV</a>
  </form>
  <h2>Counts and minutes by rate period</h2>
  <table>
    <thead><tr><th></th>${RATE_PERIODS.map((p) => html`<th class="num">${PERIOD_NAMES[p]}</th>`)}<th class="num">Total</th></tr></thead>
    <tbody>
    ${report.lines.length === 0 ? html`<tr><td colspan="6" class="muted">No billable events this month.</td></tr>` : ''}
    ${report.lines.map(
      (l) =>
        html`<tr><th>${TYPE_NAMES[l.type] ?? l.type}</th>${RATE_PERIODS.map((p) => html`<td class="num">${l.periods[p].count} · ${fmt(l.periods[p].minutes)} min</td>`)}<td class="num">${l.count} · ${fmt(l.minutes)} min</td></tr>`,
    )}
    <tr><th>All</th>${RATE_PERIODS.map((p) => html`<td class="num"><strong>${report.totals[p].count} · ${fmt(report.totals[p].minutes)} min</strong></td>`)}<td></td></tr>
    </tbody>
  </table>
  <p class="muted">Counts are events that began in the period; minutes are time spent in it (a call running past closing counts in both).</p>
  ${
    report.clients.length
      ? html`<h2>By client</h2><table class="stack"><thead><tr><th>Client</th>${report.levels.length ? html`<th>Level</th>` : ''}<th class="num">Events</th><th class="num">After-hours events</th>${RATE_PERIODS.map((p) => html`<th class="num">${PERIOD_NAMES[p]} min</th>`)}</tr></thead><tbody>
      ${report.clients.map((c) => html`<tr><td data-label="Client">${c.clientId ? html`<a href="/dashboard/reports?month=${report.month}&client=${c.clientId}">${c.client}</a>` : c.client}</td>${report.levels.length ? html`<td data-label="Level">${c.level ?? ''}</td>` : ''}<td class="num" data-label="Events">${c.count}</td><td class="num" data-label="After hours">${c.afterHoursCount}</td>${RATE_PERIODS.map((p) => html`<td class="num" data-label="${PERIOD_NAMES[p]}">${fmt(c.minutes[p])}</td>`)}</tr>`)}
      </tbody></table>`
      : ''
  }
  ${
    report.levels.length
      ? html`<h2>By support level</h2><table class="stack" data-levels><thead><tr><th>Level</th><th class="num">Clients</th><th class="num">Events</th><th class="num">After-hours events</th></tr></thead><tbody>
      ${report.levels.map((l) => html`<tr><td data-label="Level">${l.level}</td><td class="num" data-label="Clients">${l.clients}</td><td class="num" data-label="Events">${l.count}</td><td class="num" data-label="After hours">${l.afterHoursCount}</td></tr>`)}
      </tbody></table>`
      : ''
  }
  ${
    report.billableEmergencies.length
      ? html`<h2>Emergencies billed beyond the contract (${report.billableEmergencies.length})</h2><table class="stack" data-billable><thead><tr><th>Ticket</th><th>Opened</th><th>Client</th><th>Terms</th><th>Caller</th></tr></thead><tbody>
      ${report.billableEmergencies.map(
        (e) =>
          html`<tr><td data-label="Ticket">${ticketCell(ctx, ticketLabel(e.number), e.number)}</td><td data-label="Opened">${when(ctx, e.createdAt)}</td><td data-label="Client">${e.clientId ? (clients.find((c) => c.id === e.clientId)?.name ?? `Client ${e.clientId}`) : 'Unidentified caller'}</td><td data-label="Terms">${e.terms === 'consented' ? html`consented${e.consentAt ? html` at ${when(ctx, new Date(e.consentAt))}` : ''}` : 'told the after-hours rate applies'}</td><td data-label="Caller">${e.caller ?? ''}</td></tr>`,
      )}
      </tbody></table>`
      : ''
  }
  ${
    report.clientId
      ? html`<h2>Prepaid packages</h2>${report.packages.length === 0 ? html`<p class="muted">No prepaid package.</p>` : html`<ul>${report.packages.map((p) => html`<li>${p.unit === 'tickets' ? `${p.usedThisMonth} tickets` : `${fmt(p.usedThisMonth / 60)} h`} used this month; ${describeBalance(p)}</li>`)}</ul>`}`
      : ''
  }
  <h2>After-hours events (${report.afterHoursTotal})</h2>
  ${report.afterHoursTotal > report.afterHours.length ? html`<p class="muted">The first ${report.afterHours.length} are listed; the after-hours CSV has them all.</p>` : ''}
  <table class="stack"><thead><tr><th>When</th><th>What</th><th>Client</th><th>Ticket</th><th class="num">Minutes</th><th>Rate period</th></tr></thead>
  <tbody>${eventRows(ctx, report.afterHours)}</tbody></table>`;
}
