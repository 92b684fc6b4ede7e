import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import { jobLogger } from './logging.js';
import type { Services } from './app.js';
import { forgetLeases, releaseLease, takeLease } from './db/index.js';
import {
  checkLineTest,
  closeStaleCalls,
  pageForgottenLiveCalls,
  reconcileRecordings,
  runDailyLineTest,
  type LineTestDeps,
  workOnTranscripts,
} from './ivr/index.js';
import { runDueEscalations, runSlaChecks, tellHandoffs } from './tickets/index.js';
import { sendOverdueSummary } from './callbacks/index.js';
import { sendMonthlySummary, syncLedger } from './billing/index.js';
import { ratePeriodAt } from './calendar/index.js';
import { tellEndedAnnouncements } from './announcements/index.js';
import { sweepUnheld } from './files/index.js';

const STALE_CALL_MS = 2 * 3_600_000;
/** An upload nothing came to hold (its form refused, its connection or instance lost) is removed after this. */
const UNHELD_FILE_MS = 3_600_000;
/**
 * How long a job's lease lasts. An instance that dies mid-job leaves its lease to run out, and the next
 * run on another instance takes the job within this time. The jobs are safe to overlap (what they send
 * is keyed), so a job that outlasts its lease costs nothing but work.
 */
export const JOB_LEASE_MS = 25_000;

type Figures = Record<string, unknown> | number | undefined | void;

/**
 * The periodic jobs. Their state lives in the database, so a restart simply runs them again; with
 * several instances, each job runs on one at a time (a lease row any instance can take once it runs
 * out), and escalation steps are claimed one by one with their rows locked.
 */
export function startScheduler(services: Services, instance?: string): { stop(): Promise<void> } {
  const { log, clock, db } = services;
  // With a stable name (machine and port) a restarted instance takes its own leases back at once, rather
  // than waiting out what a crash left; without one, a name of this process alone.
  const holder = instance ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const startedAt = clock.now();

  /** Runs `job` if this instance takes its lease; logs what it did, or why it failed (it runs again next time). */
  const leased = (name: string, job: () => Promise<Figures>) => async () => {
    const now = clock.now();
    let mine = false;
    try {
      mine = await db.withTransaction((tx) => takeLease(tx, name, holder, now, new Date(now.getTime() + JOB_LEASE_MS)));
      if (!mine) return;
      const result = await job();
      const figures = typeof result === 'number' ? { done: result } : result;
      if (figures && Object.values(figures).some((v) => typeof v === 'number' && v > 0))
        log.info({ job: name, ...figures }, `${name} done`);
    } catch (err) {
      log.error({ err, job: name }, `${name} failed; will try again`);
    } finally {
      if (mine) await db.withTransaction((tx) => releaseLease(tx, name, holder)).catch(() => undefined);
    }
  };

  const reconcile = leased('reconcile-recordings', async () => {
    const urgent = new Set(services.recovery.urgent);
    try {
      const result = await reconcileRecordings(services.ivr, services.channels.voice, {
        urgent,
        servingSince: startedAt,
      });
      for (const sid of urgent) services.recovery.urgent.delete(sid);
      if (result.ingested) log.warn(result, 'recordings reconciled');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'could not list Twilio recordings; will try again');
    }
  });
  // A recording whose webhook could not be saved is looked for shortly, not at the next minute.
  let soon: NodeJS.Timeout | undefined;
  services.recovery.soon = () => {
    soon ??= setTimeout(() => {
      soon = undefined;
      void reconcile();
    }, 15_000);
    soon.unref();
  };

  const organisation = services.config.organisation;
  const lineTest: LineTestDeps = { ...services.tickets, voice: services.channels.voice };
  const tasks: ScheduledTask[] = [
    // The helpdesk line: the day's test call once self_test.at has passed, and a test call that has not
    // reached the incoming-call webhook within two minutes pages the architects.
    cron.schedule(
      '* * * * *',
      leased('line-test', async () => ({
        started: (await runDailyLineTest(lineTest)) ? 1 : 0,
        failed: (await checkLineTest(lineTest)) ? 1 : 0,
      })),
      { noOverlap: true, name: 'line-test', logger: jobLogger(log, 'line-test') },
    ),
    // SLA: warn the assignee at 75% of the time, the architects at breach.
    cron.schedule(
      '* * * * *',
      leased('sla-checks', () => runSlaChecks(services.tickets)),
      { noOverlap: true, name: 'sla', logger: jobLogger(log, 'sla') },
    ),
    // The office hears of overdue callbacks once an hour, while the office is open.
    cron.schedule(
      '0 * * * *',
      leased('overdue-callbacks', async () =>
        ratePeriodAt(services.calendar, clock.now()) === 'business'
          ? { overdue: await sendOverdueSummary(services.callbacks) }
          : undefined,
      ),
      { noOverlap: true, name: 'overdue-callbacks', logger: jobLogger(log, 'overdue-callbacks') },
    ),
    cron.schedule(
      '*/5 * * * *',
      leased('billing-ledger', async () => ({ recorded: await syncLedger(db, services.calendar, clock.now()) })),
      { noOverlap: true, name: 'billing-ledger', logger: jobLogger(log, 'billing-ledger') },
    ),
    // Billing's after-hours summary of last month: from 07:00 local on the 1st, checked hourly through the
    // 7th, so a 1st spent down or a missed run is made up (it is sent once: keyed on the month).
    cron.schedule(
      '0 7-23 1-7 * *',
      leased('monthly-summary', () => sendMonthlySummary(services.tickets)),
      {
        noOverlap: true,
        name: 'monthly-summary',
        logger: jobLogger(log, 'monthly-summary'),
        timezone: organisation.timezone,
      },
    ),
    // Escalation steps are rows with a due time; checking every five seconds keeps a step within 5 s of due.
    // Every instance looks: each step is claimed with its row locked (others skip it), so none runs twice.
    cron.schedule(
      '*/5 * * * * *',
      async () => {
        try {
          const ran = await runDueEscalations(services.tickets);
          if (ran) log.info({ job: 'escalations', steps: ran }, 'escalations done');
        } catch (err) {
          log.error({ err, job: 'escalations' }, 'escalations failed; will try again');
        }
      },
      { noOverlap: true, name: 'escalations', logger: jobLogger(log, 'escalations') },
    ),
    // "You're on call now" to whoever takes over at a hand-off (each once, keyed on the hand-off).
    cron.schedule(
      '* * * * *',
      leased('handoffs', async () => ({ told: await tellHandoffs(services.tickets) })),
      { noOverlap: true, name: 'handoffs', logger: jobLogger(log, 'handoffs') },
    ),
    // Voicemails' transcripts by the speech service, when one is configured: asked for (if the kick after
    // the voicemail did not), and read back if its callback did not come. Every instance may look: each
    // voicemail's turn is taken in one statement.
    cron.schedule(
      '*/20 * * * * *',
      async () => {
        if (!services.ivr.transcripts) return;
        const done = await workOnTranscripts(services.ivr).catch((err: unknown) => {
          log.warn({ err: (err as Error).message, job: 'transcripts' }, 'transcripts: will try again');
          return undefined;
        });
        if (done && (done.asked || done.written)) log.info({ job: 'transcripts', ...done }, 'transcripts done');
      },
      { noOverlap: true, name: 'transcripts', logger: jobLogger(log, 'transcripts') },
    ),
    // Voicemails Twilio holds that no webhook delivered (the fallback document's, while the service was
    // down): looked for every minute, so one is paged within about a minute of the service coming back.
    cron.schedule('* * * * *', reconcile, {
      noOverlap: true,
      name: 'reconcile-recordings',
      logger: jobLogger(log, 'reconcile-recordings'),
    }),
    // Announcements posted with `notify` that reached their end: their clients are told it is over.
    cron.schedule(
      '* * * * *',
      leased('announcement-ends', async () => ({ told: await tellEndedAnnouncements(services.announcements) })),
      { noOverlap: true, name: 'announcement-ends', logger: jobLogger(log, 'announcement-ends') },
    ),
    // Live-connect calls not put through whose tickets nobody was paged about (a backstop; it runs
    // whatever the organisation file says now, for calls made before a restart that changed it).
    cron.schedule(
      '* * * * *',
      leased('live-calls', async () => ({ paged: await pageForgottenLiveCalls(services.tickets) })),
      { noOverlap: true, name: 'live-calls', logger: jobLogger(log, 'live-calls') },
    ),
    // Calls whose end Twilio never reported are closed as abandoned.
    cron.schedule(
      '*/10 * * * *',
      leased('stale-calls', async () => {
        const now = clock.now();
        const cutoff = new Date(now.getTime() - STALE_CALL_MS);
        return { closed: await db.withTransaction((tx) => closeStaleCalls(tx, cutoff, now)) };
      }),
      { noOverlap: true, name: 'stale-calls', logger: jobLogger(log, 'stale-calls') },
    ),
    // Uploads left unheld by a crash or a dropped connection (a refused form's are removed at once).
    cron.schedule(
      '*/10 * * * *',
      leased('unheld-files', async () => {
        const before = new Date(clock.now().getTime() - UNHELD_FILE_MS);
        return { removed: await db.withTransaction((tx) => sweepUnheld(tx, before)) };
      }),
      { noOverlap: true, name: 'unheld-files', logger: jobLogger(log, 'unheld-files') },
    ),
  ];
  // At once on start-up, for voicemails taken while the service was down. On SQLite no other process
  // shares the file, so the leases a previous process left are its own, and nobody need wait them out.
  const first = setTimeout(() => {
    const forgotten = db.engine === 'sqlite' ? db.withTransaction((tx) => forgetLeases(tx)) : Promise.resolve();
    void forgotten.catch(() => undefined).then(reconcile);
  }, 0);
  first.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearTimeout(soon);
      for (const t of tasks) await t.stop();
    },
  };
}
