import cron, { type ScheduledTask } from 'node-cron';
import type { Services } from './app.js';
import { closeStaleCalls, reconcileRecordings } from './ivr/index.js';
import { runDueEscalations } from './paging/index.js';

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
  const tasks: ScheduledTask[] = [
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
  const first = setTimeout(() => void reconcile(), 10_000);
  first.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      for (const t of tasks) await t.stop();
    },
  };
}
