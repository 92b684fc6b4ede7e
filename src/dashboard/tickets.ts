import { z } from 'zod';
import type { ReadQ } from '../db/index.js';
import type { Organisation } from '../config/index.js';
import { clientNames } from '../clients/index.js';
import * as repo from '../tickets/index.js';
import { PRIORITIES, TICKET_SOURCES, TICKET_STATUSES, ticketLabel } from '../tickets/index.js';
import { html, type Html } from './html.js';
import { when, type PageContext } from './layout.js';
import { mailReport } from './mail.js';
import { SOURCE_NAMES, STATUS_NAMES, slaBadge } from './ticket-words.js';

// The ticket page is its own file; ticket-routes.ts takes both pages from here.
export { ticketPage } from './ticket-page.js';

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
