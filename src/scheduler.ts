import cron, { type ScheduledTask } from 'node-cron';
import type { Services } from './app.js';
import { closeStaleCalls, reconcileRecordings } from './ivr/index.js';
import { runDueEscalations } from './paging/index.js';
import { runSlaChecks } from './tickets/sla-watch.js';
import { sendOverdueSummary } from './callbacks/index.js';
import { sendMonthlySummary, syncLedger } from './billing/index.js';
import { ratePeriodAt } from './calendar/index.js';
import { DateTime } from 'luxon';

const STALE_CALL_MS = 2 * 3_600_000;

/** The periodic jobs. Their state lives in the database, so a restart simply runs them again. */
export function startScheduler(services: Services): { stop(): Promise<void> } {
  const { log, clock, db } = services;
  const reconcile = async () => {
    try {
      const result = await reconcileRecordings(services.ivr, services.channels.voice);
      if (result.ingested) log.warn(result, 'recordings reconciled');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'could not list Twilio recordings; will try again');
    }
  };
  const escalation = { db, clock, organisation: services.config.organisation, publicUrl: services.publicUrl, onOutbox: services.tickets.onOutbox };
  const guarded = (name: string, job: () => unknown) => () => {
    try {
      const result = job();
      if (result && typeof result === 'object' && Object.values(result).some((v) => typeof v === 'number' && v > 0)) log.info({ job: name, ...result }, `${name} done`);
    } catch (err) {
      log.error({ err, job: name }, `${name} failed; will try again`);
    }
  };
  const organisation = services.config.organisation;
  const slaDeps = { db, clock, organisation, publicUrl: services.publicUrl, onOutbox: services.tickets.onOutbox };
  const monthly = { db, clock, organisation, calendar: services.calendar, publicUrl: services.publicUrl, onOutbox: services.tickets.onOutbox };
  const tasks: ScheduledTask[] = [
    // SLA: warn the assignee at 75% of the time, the architects at breach.
    cron.schedule('* * * * *', guarded('sla checks', () => runSlaChecks(slaDeps)), { noOverlap: true, name: 'sla' }),
    // The office hears of overdue callbacks once an hour, while the office is open.
    cron.schedule('0 * * * *', guarded('overdue callbacks', () => (ratePeriodAt(services.calendar, clock.now()) === 'business' ? { overdue: sendOverdueSummary(services.callbacks) } : undefined)), { noOverlap: true, name: 'overdue-callbacks' }),
    cron.schedule('*/5 * * * *', guarded('billing ledger', () => ({ recorded: syncLedger(db, services.calendar, clock.now()) })), { noOverlap: true, name: 'billing-ledger' }),
    // Billing's after-hours summary of last month, on the 1st at 07:00 local time.
    cron.schedule('0 7 1 * *', guarded('monthly summary', () => sendMonthlySummary(monthly)), { noOverlap: true, name: 'monthly-summary', timezone: organisation.timezone }),
    // Escalation steps are rows with a due time; checking every five seconds keeps a step within 5 s of due.
    cron.schedule('*/5 * * * * *', () => {
      try {
        runDueEscalations(escalation);
      } catch (err) {
        log.error({ err }, 'escalation run failed; will try again');
      }
    }, { noOverlap: true, name: 'escalations' }),
    cron.schedule('*/5 * * * *', reconcile, { noOverlap: true, name: 'reconcile-recordings' }),
    cron.schedule('*/10 * * * *', () => {
      const closed = closeStaleCalls(db, new Date(clock.now().getTime() - STALE_CALL_MS), clock.now());
      if (closed) log.info({ closed }, 'closed calls whose end was never reported');
    }),
  ];
  // Once shortly after start-up, for voicemails taken while the service was down.
  const first = setTimeout(() => {
    void reconcile();
    // A 1st of the month missed while the service was down is made up in the first week.
    if (DateTime.fromJSDate(clock.now(), { zone: organisation.timezone }).day <= 7) guarded('monthly summary', () => sendMonthlySummary(monthly))();
  }, 10_000);
  first.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      for (const t of tasks) await t.stop();
    },
  };
}
