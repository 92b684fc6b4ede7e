import { DateTime } from 'luxon';
import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Organisation } from '../config/index.js';
import type { Db } from '../db/index.js';
import { enqueue, existingDedupeKeys } from '../paging/outbox.js';
import { RATE_PERIODS } from '../calendar/index.js';
import { billingCsv } from './csv.js';
import { billableEvents, syncLedger } from './events.js';
import { monthlyReport } from './report.js';

export interface MonthlyMailDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  calendar: BusinessCalendar;
  publicUrl: string;
  onOutbox: () => void;
}

const PERIOD = { business: 'business', after_hours: 'after hours', weekend: 'weekend', holiday: 'holiday' } as const;

/**
 * The last month's after-hours summary, emailed to billing (the organisation's billing recipients, or
 * the office staff) with the after-hours events as a CSV attachment. Keyed on the month, so it is
 * sent once however often the job runs: hourly from 07:00 on the 1st through the 7th, so a 1st the
 * service was down (or a missed run) is made up within the week.
 */
export function sendMonthlySummary(deps: MonthlyMailDeps): { month: string; sent: number } {
  const now = deps.clock.now();
  const month = DateTime.fromJSDate(now, { zone: deps.calendar.zone }).minus({ months: 1 }).toFormat('yyyy-MM');
  const recipients = deps.organisation.billingRecipients.length
    ? deps.organisation.billingRecipients
    : deps.organisation.staff.filter((s) => s.role === 'office').map((s) => s.email);
  const keyOf = (to: string) => `monthly:${month}:${to}`;
  // The job runs hourly through the first week; once everyone has this month's, there is nothing to build.
  if (existingDedupeKeys(deps.db, recipients.map(keyOf)).size === recipients.length) return { month, sent: 0 };
  syncLedger(deps.db, deps.calendar, now);
  const report = monthlyReport(deps.db, deps.calendar, month, undefined, 50)!;
  const events = billableEvents(deps.db, { from: report.from, to: report.to, afterHoursOnly: true });
  const minutes = (n: number) => `${Math.round(n * 10) / 10} min`;
  const lines = [
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
  ];
  const written = enqueue(
    deps.db,
    recipients.map((to) => ({
      dedupeKey: keyOf(to),
      channel: 'email' as const,
      purpose: 'report' as const,
      recipient: to,
      subject: `[${deps.organisation.name}] After-hours summary ${month}`,
      body: lines.join('\n'),
      payload: {
        attachments: [
          { filename: `after-hours-${month}.csv`, content: billingCsv(events), contentType: 'text/csv; charset=utf-8' },
        ],
      },
      nextAttemptAt: now,
      createdAt: now,
    })),
  );
  if (written) deps.onOutbox();
  return { month, sent: written };
}
