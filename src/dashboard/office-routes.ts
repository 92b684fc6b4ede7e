import type { Request, Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  billableEvents,
  billingCsv,
  countBillable,
  day,
  dayRange,
  monthlyReport,
  reportCsv,
  syncLedger,
} from '../billing/index.js';
import { clientNames } from '../clients/index.js';
import {
  addOverride,
  architects as architectsOf,
  currentAndFutureOverrides,
  newOverrideSchema,
  onCallNowAndNext,
  removeOverride,
} from '../oncall/index.js';
import { can } from '../auth/index.js';
import { lineTestState, startLineTest } from '../ivr/index.js';
import type { Kit } from './kit.js';
import { html } from './html.js';
import { csrfField, messagePage, page, when } from './layout.js';
import { afterHoursPage, reportPage } from './billing.js';
import { feedsCard } from './feed-routes.js';
import { allow } from './session.js';

const MAX_LIST = 500;

/** Who is on call now and next, overrides, and the architects. */
export function onCallPage(router: Router, { s, org, names, ctxOf, send, after, refuse }: Kit): void {
  const deps = { db: s.db, clock: s.clock, organisation: org };
  const inputTime = (at: Date) => DateTime.fromJSDate(at, { zone: org.timezone }).toFormat("yyyy-MM-dd'T'HH:mm");
  router.get('/oncall', async (req, res) => {
    const ctx = ctxOf(req, res);
    const manage = can(ctx.account.role, 'manageOnCall');
    const { now, next } = await onCallNowAndNext(deps);
    const overrides = await currentAndFutureOverrides(deps);
    const architects = org.staff.filter((p) => p.role === 'architect');
    const lines = [];
    for (const line of org.serviceLines) lines.push({ line, ...(await onCallNowAndNext(deps, line.id)) });
    const test = await lineTestState(s.db.q);
    const lineName = (id: string | null) => (id ? (org.serviceLines.find((l) => l.id === id)?.name ?? id) : '');
    const body = html`
      <div class="grid">
        <section class="card"><h2 style="margin-top:0">On call now</h2><p><strong>${now.staff.name}</strong> <a href="tel:${now.staff.phone}">${now.staff.phone}</a>${now.source === 'override' ? html` <span class="badge warning">override</span>` : ''}</p><p class="muted">until ${when(ctx, now.until)}</p></section>
        <section class="card"><h2 style="margin-top:0">Next</h2>${next ? html`<p><strong>${next.staff.name}</strong>${next.source === 'override' ? html` <span class="badge warning">override</span>` : ''}</p><p class="muted">from ${when(ctx, next.from)}</p>` : html`<p class="muted">No change ahead.</p>`}</section>
        <section class="card"><h2 style="margin-top:0">System Architects</h2><p class="muted">Paged for every emergency.</p><ul>${architects.map((a) => html`<li>${a.name} <a href="tel:${a.phone}">${a.phone}</a></li>`)}</ul></section>
      </div>
      ${
        lines.length
          ? html`<h2>Service lines</h2>
      <table class="stack" data-lines><thead><tr><th>Line</th><th>On call now</th><th>Until</th><th>Next</th><th>Architects</th></tr></thead><tbody>
      ${lines.map(
        ({ line, now: at, next: after }) =>
          html`<tr><td data-label="Line"><strong>${line.name}</strong></td><td data-label="On call now">${at.staff.name} <a href="tel:${at.staff.phone}">${at.staff.phone}</a>${at.source === 'override' ? html` <span class="badge warning">override</span>` : ''}</td><td data-label="Until">${when(ctx, at.until)}</td><td data-label="Next">${after ? html`${after.staff.name} <span class="muted">from</span> ${when(ctx, after.from)}` : html`<span class="muted">No change ahead.</span>`}</td><td data-label="Architects">${
            architectsOf(org, line.id)
              .map((a) => a.name)
              .join(', ') || html`<span class="muted">none</span>`
          }</td></tr>`,
      )}
      </tbody></table>`
          : ''
      }
      ${
        org.selfTest
          ? html`<section class="card" data-line-test><h2 style="margin-top:0">Helpdesk line</h2>
        <p>Every day at ${String(Math.floor(org.selfTest.atMinutes / 60)).padStart(2, '0')}:${String(org.selfTest.atMinutes % 60).padStart(2, '0')} Switchboard calls ${org.helpdeskNumber} from ${org.selfTest.from} and expects to answer that call itself.</p>
        <p>Last test: ${
          test
            ? html`${when(ctx, new Date(test.startedAt))} (${test.by}): ${
                test.status === 'seen'
                  ? html`<span class="badge ok">the line works</span>`
                  : test.status === 'calling'
                    ? html`<span class="badge warning">calling…</span>`
                    : html`<span class="badge critical">failed</span> ${test.why ?? ''}`
              }`
            : html`<span class="muted">none yet</span>`
        }</p>
        ${manage ? html`<form method="post" action="/dashboard/oncall/line-test" class="inline">${csrfField(ctx)}<button type="submit">Test the line now</button></form>` : ''}
      </section>`
          : ''
      }
      <h2>Overrides</h2>
      <table class="stack"><thead><tr><th>Who</th><th>From</th><th>Until</th><th>Why</th><th></th></tr></thead><tbody>
      ${overrides.length === 0 ? html`<tr><td colspan="5" class="muted">None now or ahead.</td></tr>` : ''}
      ${overrides.map(
        (
          o,
        ) => html`<tr><td data-label="Who">${names(o.staffId)}</td><td data-label="From">${when(ctx, o.startsAt)}</td><td data-label="Until">${when(ctx, o.endsAt)}</td><td data-label="Why">${o.line ? html`<span class="badge">${lineName(o.line)}</span> ` : ''}${o.reason ?? ''}</td>
          <td>${manage ? html`<form method="post" action="/dashboard/oncall/overrides/${o.id}/remove" class="inline">${csrfField(ctx)}<button type="submit" class="secondary">Remove</button></form>` : ''}</td></tr>`,
      )}
      </tbody></table>
      <p class="muted">Rotation: ${org.onCall.rotation.map(names).join(' → ')}, ${org.onCall.shift}. Times are ${org.timezone}.</p>
      ${await feedsCard(s.db.q, ctx, org)}
      ${
        manage
          ? html`<h2>Cover the rotation</h2>
      <form method="post" action="/dashboard/oncall/overrides" class="card">${csrfField(ctx)}
        <div class="grid">
          <div><label for="ov-staff">Who is on call instead</label><select id="ov-staff" name="staffId">${org.staff.filter((p) => p.role !== 'office').map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select></div>
          <div><label for="ov-from">From</label><input id="ov-from" name="startsAt" type="datetime-local" required value="${inputTime(s.clock.now())}"></div>
          <div><label for="ov-until">Until</label><input id="ov-until" name="endsAt" type="datetime-local" required></div>
          ${org.serviceLines.length ? html`<div><label for="ov-line">Rotation</label><select id="ov-line" name="line"><option value="">The organisation's</option>${org.serviceLines.map((l) => html`<option value="${l.id}">${l.name}</option>`)}</select></div>` : ''}
          <div><label for="ov-reason">Why</label><input id="ov-reason" name="reason" maxlength="500"></div>
        </div>
        <button type="submit">Add the cover</button>
      </form>`
          : ''
      }`;
    send(res, page(ctx, '/dashboard/oncall', 'Who is on call', body));
  });
  // The form's times are the organisation's local wall clock.
  const local = (value: unknown) =>
    typeof value === 'string' ? DateTime.fromISO(value, { zone: org.timezone }) : undefined;
  router.post('/oncall/overrides', allow('manageOnCall'), async (req, res) => {
    const from = local(req.body?.startsAt);
    const until = local(req.body?.endsAt);
    if (!from?.isValid || !until?.isValid)
      return refuse(res, '/dashboard/oncall', 'Give the start and end of the cover as dates and times.');
    const input = newOverrideSchema.safeParse({
      staffId: req.body?.staffId,
      startsAt: from.toISO(),
      endsAt: until.toISO(),
      reason: typeof req.body?.reason === 'string' && req.body.reason.trim() ? req.body.reason : undefined,
      line: typeof req.body?.line === 'string' && req.body.line ? req.body.line : undefined,
    });
    if (!input.success)
      return refuse(
        res,
        '/dashboard/oncall',
        input.error.issues[0]?.path[0] === 'endsAt'
          ? 'The cover must end after it starts.'
          : 'Choose who covers, and when.',
      );
    after(
      res,
      await addOverride(deps, input.data),
      '/dashboard/oncall',
      (o) =>
        `${names(o.staffId)} is on call from ${from.toFormat('ccc d LLL HH:mm')} until ${until.toFormat('ccc d LLL HH:mm')}.`,
    );
  });
  router.post('/oncall/line-test', allow('manageOnCall'), async (_req, res) => {
    const started = await startLineTest({ ...s.tickets, voice: s.voice }, res.locals.signed!.account.name);
    after(res, started, '/dashboard/oncall', (t) =>
      t.status === 'failed'
        ? `The test call could not be placed: ${t.why ?? ''}`
        : `Calling ${t.to} from ${t.from}; the result shows here within two minutes.`,
    );
  });
  router.post('/oncall/overrides/:id/remove', allow('manageOnCall'), async (req, res) => {
    const id = z.coerce.number().int().positive().safeParse(req.params.id);
    if (!id.success) return refuse(res, '/dashboard/oncall', 'No such cover.');
    after(
      res,
      await removeOverride(deps, id.data),
      '/dashboard/oncall',
      () => 'Cover removed; the rotation applies again.',
    );
  });
}

/** The after-hours log and the monthly billing reports, with their CSV downloads. */
export function billingPages(router: Router, { s, org, ctxOf, send }: Kit): void {
  const localToday = () => DateTime.fromJSDate(s.clock.now(), { zone: org.timezone });
  const rangeOf = (req: Request) => {
    const today = localToday();
    const q = z.object({ from: day, to: day }).safeParse(req.query);
    const from = q.success ? q.data.from : today.startOf('month').toISODate()!;
    const to = q.success ? q.data.to : today.toISODate()!;
    const range = from <= to ? dayRange(s.calendar, from, to) : undefined;
    return range ? { days: { from, to }, ...range } : undefined;
  };
  router.get('/after-hours', allow('seeAfterHours'), async (req, res) => {
    const ctx = ctxOf(req, res);
    const range = rangeOf(req);
    if (!range)
      return void res
        .status(400)
        .type('html')
        .send(
          messagePage('Check the dates', 'Give real dates, with "from" no later than "to".', '/dashboard/after-hours'),
        );
    await syncLedger(s.db, s.calendar, s.clock.now());
    const query = { from: range.from, to: range.to, afterHoursOnly: true };
    const events = await billableEvents(s.db.q, { ...query, limit: MAX_LIST });
    const total = await countBillable(s.db.q, query);
    send(res, page(ctx, '/dashboard/after-hours', 'After-hours log', afterHoursPage(ctx, range.days, events, total)));
  });
  router.get('/after-hours.csv', allow('seeAfterHours'), async (req, res) => {
    const range = rangeOf(req);
    if (!range) return void res.status(400).type('text/plain').send('Give real dates, with from no later than to.');
    await syncLedger(s.db, s.calendar, s.clock.now());
    const events = await billableEvents(s.db.q, { from: range.from, to: range.to, afterHoursOnly: true });
    res
      .type('text/csv; charset=utf-8')
      .attachment(`after-hours-${range.days.from}-to-${range.days.to}.csv`)
      .send(billingCsv(events));
  });
  const reportOf = async (req: Request) => {
    const month =
      typeof req.query.month === 'string' && /^\d{4}-\d{2}$/.test(req.query.month)
        ? req.query.month
        : localToday().toFormat('yyyy-MM');
    const client = z.coerce.number().int().positive().safeParse(req.query.client);
    await syncLedger(s.db, s.calendar, s.clock.now());
    return monthlyReport(s.db.q, s.calendar, month, client.success ? client.data : undefined, 500, org.supportLevels);
  };
  router.get('/reports', allow('seeReports'), async (req, res) => {
    const ctx = ctxOf(req, res);
    const report = await reportOf(req);
    if (!report)
      return void res
        .status(400)
        .type('html')
        .send(messagePage('Check the month', 'Give a month like 2026-11.', '/dashboard/reports'));
    const all = await clientNames(s.db.q);
    const name = all.find((c) => c.id === report.clientId)?.name;
    send(
      res,
      page(
        ctx,
        '/dashboard/reports',
        `Billing report ${report.month}${name ? ` · ${name}` : ''}`,
        reportPage(ctx, report, all),
      ),
    );
  });
  router.get('/reports.csv', allow('seeReports'), async (req, res) => {
    const report = await reportOf(req);
    if (!report) return void res.status(400).type('text/plain').send('Give a month like 2026-11.');
    const name = report.clientId ? (await clientNames(s.db.q)).find((c) => c.id === report.clientId)?.name : undefined;
    res
      .type('text/csv; charset=utf-8')
      .attachment(`report-${report.month}${report.clientId ? `-client-${report.clientId}` : ''}.csv`)
      .send(reportCsv(report, name));
  });
}
