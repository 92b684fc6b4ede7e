import { DateTime } from 'luxon';
import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Organisation } from '../config/index.js';
import type { Database } from '../db/index.js';
import { existingDedupeKeys, type Pager } from '../paging/index.js';
import { RATE_PERIODS } from '../calendar/index.js';
import { billingCsv } from './csv.js';
import { billableEvents, syncLedger } from './events.js';
import { monthlyReport } from './report.js';

export interface MonthlyMailDeps {
  db: Database;
  clock: Clock;
  organisation: Organisation;
  calendar: BusinessCalendar;
  publicUrl: string;
  pager: Pager;
  onOutbox: () => void;
}

const PERIOD = { business: 'business', after_hours: 'after hours', weekend: 'weekend', holiday: 'holiday' } as const;

/**
 * The last month's after-hours summary, emailed to billing (the organisation's billing recipients, or
 * the office staff) with the after-hours events as a CSV attachment. Keyed on the month, so it is
 * sent once however often the job runs: hourly from 07:00 on the 1st through the 7th, so a 1st the
 * service was down (or a missed run) is made up within the week.
 */
export async function sendMonthlySummary(deps: MonthlyMailDeps): Promise<{ month: string; sent: number }> {
  const now = deps.clock.now();
  const month = DateTime.fromJSDate(now, { zone: deps.calendar.zone }).minus({ months: 1 }).toFormat('yyyy-MM');
  const recipients = deps.organisation.billingRecipients.length
    ? deps.organisation.billingRecipients
    : deps.organisation.staff.filter((s) => s.role === 'office').map((s) => s.email);
  const key = `monthly:${month}`;
  // The job runs hourly through the first week; once everyone has this month's, there is nothing to build.
  if (
    (
      await existingDedupeKeys(
        deps.db.q,
        recipients.map((to) => `${key}:${to}`),
      )
    ).size === recipients.length
  )
    return { month, sent: 0 };
  await syncLedger(deps.db, deps.calendar, now);
  const report = (await monthlyReport(deps.db.q, deps.calendar, month, undefined, 50))!;
  const events = await billableEvents(deps.db.q, { from: report.from, to: report.to, afterHoursOnly: true });
  const minutes = (n: number) => `${Math.round(n * 10) / 10} min`;
  const text = [
    `After-hours billing for ${deps.organisation.name}, ${DateTime.fromFormat(month, 'yyyy-MM').toFormat('LLLL yyyy')}.`,
    '',
    `${report.afterHoursTotal} billable event${report.afterHoursTotal === 1 ? '' : 's'} outside business hours.`,
    ...RATE_PERIODS.filter((p) => p !== 'business').map(
      (p) =>
        `  ${PERIOD[p].padEnd(12)} ${String(report.totals[p].count).padStart(5)} events  ${minutes(report.totals[p].minutes)}`,
    ),
    '',
    ...(report.clients.length
      ? [
          'By client (after-hours events):',
          ...report.clients.filter((c) => c.afterHoursCount > 0).map((c) => `  ${c.client}: ${c.afterHoursCount}`),
          '',
        ]
      : []),
    `The events are attached as CSV. Full report: ${deps.publicUrl}/dashboard/reports?month=${month}`,
  ].join('\n');
  const notice = {
    kind: 'monthly_report' as const,
    month,
    text,
    attachment: { filename: `after-hours-${month}.csv`, content: billingCsv(events) },
  };
  const sent = await deps.db.withTransaction((tx) => deps.pager.mail(tx, recipients, notice, { key }));
  if (sent) deps.onOutbox();
  return { month, sent };
}
