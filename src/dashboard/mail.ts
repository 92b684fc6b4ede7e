import type { ReadQ } from '../db/index.js';
import { can } from '../auth/index.js';
import { bouncesSince, heldMail, unreadableSince } from '../email/index.js';
import { html, type Html } from './html.js';
import { csrfField, when, type PageContext } from './layout.js';

/** How long a message the mailbox could not read, or an address that bounced, stays reported. */
const REPORTED_DAYS = 14;

/**
 * What the helpdesk mailbox needs a person for, above the ticket list: messages held for staff to accept
 * or discard (their sender not proven, or over their domain's hourly limit), messages that could not be
 * read, and addresses our mail could not reach.
 */
export async function mailReport(db: ReadQ, ctx: PageContext, now: Date): Promise<Html> {
  const since = new Date(now.getTime() - REPORTED_DAYS * 86_400_000);
  const [held, failed, bounced] = await Promise.all([
    heldMail(db),
    unreadableSince(db, since),
    bouncesSince(db, since),
  ]);
  const decides = can(ctx.account.role, 'changeTickets');
  return html`${held.length ? heldReport(ctx, held, decides) : ''}${failed.length ? unreadableReport(ctx, failed) : ''}${bounced.length ? bounceReport(ctx, bounced) : ''}`;
}

function heldReport(ctx: PageContext, held: Awaited<ReturnType<typeof heldMail>>, decides: boolean): Html {
  return html`<section class="card" role="alert" data-held>
    <h2 style="margin-top:0"><span class="badge warning">mailbox</span> ${held.length} message${held.length === 1 ? '' : 's'} held for you to decide</h2>
    <p class="muted">They opened no ticket and nobody was answered. Accept one only when you know its sender wrote it: it is then taken as if proven. Discard the rest.</p>
    <table class="stack"><thead><tr><th>Received</th><th>From</th><th>Subject</th><th>Why it is held</th><th></th></tr></thead><tbody>
    ${held.map(
      (m) => html`<tr data-held-id="${m.id}">
        <td data-label="Received">${when(ctx, m.receivedAt)}</td>
        <td data-label="From">${m.fromAddress ?? ''}</td>
        <td data-label="Subject">${m.subject ?? ''}</td>
        <td data-label="Why it is held">${m.error ?? ''}${m.verdict ? html`<br><span class="muted">${m.verdict}</span>` : ''}</td>
        <td>${
          decides
            ? html`<form method="post" action="/dashboard/mail/${m.id}/accept" class="inline">${csrfField(ctx)}<button type="submit">Accept</button></form>
              <form method="post" action="/dashboard/mail/${m.id}/discard" class="inline">${csrfField(ctx)}<button type="submit" class="secondary">Discard</button></form>`
            : ''
        }</td>
      </tr>`,
    )}
    </tbody></table>
  </section>`;
}

/** Messages the helpdesk mailbox could not read: people must look at them in the mailbox itself. */
function unreadableReport(ctx: PageContext, failed: Awaited<ReturnType<typeof unreadableSince>>): Html {
  return html`<section class="card" role="alert" data-unreadable>
    <h2 style="margin-top:0"><span class="badge critical">mailbox</span> ${failed.length} message${failed.length === 1 ? '' : 's'} could not be read</h2>
    <p class="muted">They became no ticket. They stay in the helpdesk mailbox, marked read: open them there and answer by hand.</p>
    <table class="stack"><thead><tr><th>Received</th><th>From</th><th>Subject</th><th>Why</th></tr></thead><tbody>
    ${failed.map(
      (m) =>
        html`<tr><td data-label="Received">${when(ctx, m.receivedAt)}</td><td data-label="From">${m.fromAddress ?? html`<span class="muted">unknown</span>`}</td><td data-label="Subject">${m.subject ?? ''}</td><td data-label="Why">${m.error ?? ''}</td></tr>`,
    )}
    </tbody></table>
  </section>`;
}

function bounceReport(ctx: PageContext, bounced: Awaited<ReturnType<typeof bouncesSince>>): Html {
  return html`<section class="card" data-bounces>
    <h2 style="margin-top:0">Our mail did not reach ${bounced.length} address${bounced.length === 1 ? '' : 'es'}</h2>
    <p class="muted">The delivery reports came back to the helpdesk mailbox. Check these addresses with the client.</p>
    <table class="stack"><thead><tr><th>Address</th><th>Reports</th><th>Last</th><th>Last report</th></tr></thead><tbody>
    ${bounced.map(
      (b) =>
        html`<tr><td data-label="Address">${b.address}</td><td data-label="Reports">${b.bounces}</td><td data-label="Last">${when(ctx, b.lastAt)}</td><td data-label="Last report">${b.lastReport ?? ''}</td></tr>`,
    )}
    </tbody></table>
  </section>`;
}
