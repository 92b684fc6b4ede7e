import cron, { type ScheduledTask } from 'node-cron';
import type { Services } from './app.js';
import { closeStaleCalls, reconcileRecordings } from './ivr/index.js';
import { runDueEscalations } from './paging/index.js';
import { runSlaChecks } from './tickets/sla-watch.js';
import { sendOverdueSummary } from './callbacks/index.js';
import { sendMonthlySummary, syncLedger } from './billing/index.js';
import { ratePeriodAt } from './calendar/index.js';

const STALE_CALL_MS = 2 * 3_600_000;

/** The periodic jobs. Their state lives in the database, so a restart simply runs them again. */
export function startScheduler(services: Services): { stop(): Promise<void> } {
  const { log, clock, db } = services;
  const startedAt = clock.now();
  let reconciling = false;
  const reconcile = async () => {
    if (reconciling) return;
    reconciling = true;
    try {
      const urgent = new Set(services.recovery.urgent);
      const result = await reconcileRecordings(services.ivr, services.channels.voice, {
        urgent,
        servingSince: startedAt,
      });
      for (const sid of urgent) services.recovery.urgent.delete(sid);
      if (result.ingested) log.warn(result, 'recordings reconciled');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'could not list Twilio recordings; will try again');
    } finally {
      reconciling = false;
    }
  };
  // A recording whose webhook could not be saved is looked for shortly, not at the next minute.
  let soon: NodeJS.Timeout | undefined;
  services.recovery.soon = () => {
    soon ??= setTimeout(() => {
      soon = undefined;
      void reconcile();
    }, 15_000);
    soon.unref();
  };
  const guarded = (name: string, job: () => unknown) => () => {
    try {
      const result = job();
      if (result && typeof result === 'object' && Object.values(result).some((v) => typeof v === 'number' && v > 0))
        log.info({ job: name, ...result }, `${name} done`);
    } catch (err) {
      log.error({ err, job: name }, `${name} failed; will try again`);
    }
  };
  const organisation = services.config.organisation;
  // What the escalation, SLA and monthly jobs share.
  const jobs = {
    db,
    clock,
    organisation,
    calendar: services.calendar,
    publicUrl: services.publicUrl,
    onOutbox: services.tickets.onOutbox,
  };
  const tasks: ScheduledTask[] = [
    // SLA: warn the assignee at 75% of the time, the architects at breach.
    cron.schedule(
      '* * * * *',
      guarded('sla checks', () => runSlaChecks(jobs)),
      { noOverlap: true, name: 'sla' },
    ),
    // The office hears of overdue callbacks once an hour, while the office is open.
    cron.schedule(
      '0 * * * *',
      guarded('overdue callbacks', () =>
        ratePeriodAt(services.calendar, clock.now()) === 'business'
          ? { overdue: sendOverdueSummary(services.callbacks) }
          : undefined,
      ),
      { noOverlap: true, name: 'overdue-callbacks' },
    ),
    cron.schedule(
      '*/5 * * * *',
      guarded('billing ledger', () => ({ recorded: syncLedger(db, services.calendar, clock.now()) })),
      { noOverlap: true, name: 'billing-ledger' },
    ),
    // Billing's after-hours summary of last month: from 07:00 local on the 1st, checked hourly through the
    // 7th, so a 1st spent down or a missed run is made up (it is sent once: keyed on the month).
    cron.schedule(
      '0 7-23 1-7 * *',
      guarded('monthly summary', () => sendMonthlySummary(jobs)),
      { noOverlap: true, name: 'monthly-summary', timezone: organisation.timezone },
    ),
    // Escalation steps are rows with a due time; checking every five seconds keeps a step within 5 s of due.
    cron.schedule(
      '*/5 * * * * *',
      guarded('escalations', () => runDueEscalations(jobs)),
      { noOverlap: true, name: 'escalations' },
    ),
    // Voicemails Twilio holds that no webhook delivered (the fallback document's, while the service was
    // down): looked for every minute, so one is paged within about a minute of the service coming back.
    cron.schedule('* * * * *', reconcile, { noOverlap: true, name: 'reconcile-recordings' }),
    // Calls whose end Twilio never reported are closed as abandoned.
    cron.schedule(
      '*/10 * * * *',
      guarded('stale calls', () => ({
        closed: closeStaleCalls(db, new Date(clock.now().getTime() - STALE_CALL_MS), clock.now()),
      })),
      { noOverlap: true, name: 'stale-calls' },
    ),
  ];
  // At once on start-up, for voicemails taken while the service was down.
  const first = setTimeout(() => void reconcile(), 0);
  first.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearTimeout(soon);
      for (const t of tasks) await t.stop();
    },
  };
}
