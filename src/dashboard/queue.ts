import { listCallbacks, openCallbackCount, type QueueEntry } from '../callbacks/index.js';
import type { Database } from '../db/index.js';
import { clientNames, packagesOf, describeBalance } from '../clients/index.js';
import { ticketLabel } from '../tickets/index.js';
import { html, type Html } from './html.js';
import { csrfField, relative, when, type PageContext } from './layout.js';

/** The first this many are shown (due first); a queue longer than that is summarised. */
const SHOWN = 200;

const STATUS_TEXT: Record<string, string> = {
  queued: 'Queued',
  claimed: 'Claimed',
  calling: 'Calling',
  no_answer: 'No answer',
};

function actions(ctx: PageContext, cb: QueueEntry, actorId: string, names: (id: string) => string): Html {
  const form = (path: string, label: string, extra: Html | string = '', cls = '') =>
    html`<form method="post" action="/dashboard/callbacks/${cb.id}/${path}" class="inline">${csrfField(ctx)}${extra}<button type="submit"${cls ? html` class="${cls}"` : ''}>${label}</button></form>`;
  if (cb.status === 'queued') return form('claim', 'Claim');
  if (cb.claimedBy !== actorId) return html`<span class="muted">${names(cb.claimedBy ?? '')} has it</span>`;
  return html`
    ${form('call', cb.status === 'calling' ? 'Ringing you…' : 'Call from helpdesk number')}
    <form method="post" action="/dashboard/callbacks/${cb.id}/outcome" class="inline">${csrfField(ctx)}
      <label class="muted" for="outcome-${cb.id}">Outcome</label>
      <select id="outcome-${cb.id}" name="outcome">
        <option value="done">Done: spoke to them</option>
        <option value="no_answer">No answer: retry later</option>
        <option value="cancelled">Cancelled: not needed</option>
      </select>
      <input name="note" placeholder="Note (optional)" maxlength="2000" aria-label="Note">
      <button type="submit">Record outcome</button>
    </form>
    ${form('release', 'Release', '', 'secondary')}`;
}

/** The rows of the queue; also served alone so the page can refresh them without a reload. */
export async function queueRows(
  db: Database,
  ctx: PageContext,
  actorId: string,
  names: (id: string) => string,
  now: Date,
): Promise<Html> {
  const entries = await listCallbacks({ db }, now, SHOWN + 1);
  if (entries.length === 0) return html`<tr><td colspan="6" class="muted">Nobody is waiting for a callback.</td></tr>`;
  const more = entries.length > SHOWN ? (await openCallbackCount({ db })) - SHOWN : 0;
  const balances = new Map<number, string>();
  for (const clientId of new Set(entries.flatMap((e) => (e.clientId ? [e.clientId] : [])))) {
    const open = (await packagesOf(db.q, clientId)).filter((p) => p.remaining > 0);
    balances.set(clientId, open.map(describeBalance).join('; '));
  }
  const balanceOf = (clientId: number) => balances.get(clientId) ?? '';
  return html`${entries.slice(0, SHOWN).map(
    (cb) => html`<tr class="${cb.overdue ? 'overdue' : ''}" data-callback="${cb.id}">
      <td data-label="Due">${when(ctx, cb.dueAt)} ${cb.overdue ? html`<span class="badge overdue">overdue ${relative(now, cb.dueAt).replace(' ago', '')}</span>` : html`<span class="muted">${relative(now, cb.dueAt)}</span>`}${cb.urgent ? html` <span class="badge critical">urgent</span>` : ''}</td>
      <td data-label="Who"><strong>${cb.client ?? 'Unknown caller'}</strong>${cb.contact ? html`<br>${cb.contact}` : ''}${cb.clientId && balanceOf(cb.clientId) ? html`<br><span class="muted">Prepaid: ${balanceOf(cb.clientId)}</span>` : ''}</td>
      <td data-label="Number"><a href="tel:${cb.phone}">${cb.phone}</a></td>
      <td data-label="Reason">${cb.reason ?? ''}${cb.ticketNumber ? html` <a href="/dashboard/tickets/${cb.ticketNumber}">${ticketLabel(cb.ticketNumber)}</a>` : ''}${cb.attempts.length ? html`<br><span class="muted">Last try: ${cb.attempts.at(-1)!.outcome.replace('_', ' ')} by ${names(cb.attempts.at(-1)!.staff)}${cb.attempts.at(-1)!.note ? ` (${cb.attempts.at(-1)!.note})` : ''}</span>` : ''}</td>
      <td data-label="Status"><span class="badge">${STATUS_TEXT[cb.status] ?? cb.status}</span>${cb.position ? html` <span class="muted">#${cb.position}</span>` : ''}${cb.failedAttempts ? html`<br><span class="muted">${cb.failedAttempts} unanswered</span>` : ''}</td>
      <td data-label="Action">${actions(ctx, cb, actorId, names)}</td>
    </tr>`,
  )}${more > 0 ? html`<tr><td colspan="6" class="muted">… and ${more} more due later.</td></tr>` : ''}`;
}

/** What was typed into the add-callback form, shown again when it could not be accepted. */
export interface CallbackDraft {
  phone: string;
  reason?: string;
  clientId?: number;
  urgent: boolean;
}

export async function queuePage(
  db: Database,
  ctx: PageContext,
  actorId: string,
  names: (id: string) => string,
  now: Date,
  draft?: CallbackDraft,
): Promise<Html> {
  const clientList = await clientNames(db.q);
  const rows = await queueRows(db, ctx, actorId, names, now);
  return html`
  <p class="muted">Oldest due first; overdue callbacks are highlighted. <span id="live-status" aria-live="polite">Updates every 10 seconds.</span></p>
  <table class="stack">
    <thead><tr><th>Due</th><th>Who</th><th>Number</th><th>Reason</th><th>Status</th><th>Action</th></tr></thead>
    <tbody data-live="/dashboard/queue/rows">${rows}</tbody>
  </table>
  <h2>Add a callback</h2>
  <form method="post" action="/dashboard/callbacks" class="card">
    ${csrfField(ctx)}
    <div class="grid">
      <div><label for="cb-phone">Number to call</label><input id="cb-phone" name="phone" required maxlength="40" inputmode="tel" value="${draft?.phone ?? ''}"></div>
      <div><label for="cb-client">Client</label><select id="cb-client" name="client"><option value="">Not a client / unknown</option>${clientList.map((c) => html`<option value="${c.id}"${draft?.clientId === c.id ? html` selected` : ''}>${c.name}</option>`)}</select></div>
      <div><label for="cb-reason">Reason</label><input id="cb-reason" name="reason" maxlength="2000" value="${draft?.reason ?? ''}"></div>
      <div><label><input type="checkbox" name="urgent" value="1"${draft?.urgent ? html` checked` : ''}> Urgent (due now, not at the next callback window)</label></div>
    </div>
    <button type="submit">Add to the queue</button>
  </form>`;
}
