import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { loadConfig } from './config/index.js';
import { openDatabase, migrateDatabase, readOrCreateState, type Db } from './db/index.js';
import { startCheckpointer } from './db/checkpointer.js';
import { createLogger } from './logging.js';
import { channelTimeouts, createChannels } from './channels/index.js';
import { systemClock } from './calendar/index.js';
import { createApp, servicesOf } from './app.js';
import { startOutboxWorker } from './paging/index.js';
import { startScheduler } from './scheduler.js';

/** Fly sends SIGKILL 30 s after SIGTERM; the service is gone well before. */
const STOP_WITHIN_MS = 9_000;
/** Sends in flight get this long to finish on SIGTERM; the rest are settled after the restart. */
const SEND_DEADLINE_MS = 4_000;

/** config → database + migrations → createApp → listen → scheduler. */
function main(): void {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(
      `Switchboard cannot start; fix these settings:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  const config = loaded.value;
  const log = createLogger(config.env.LOG_LEVEL);
  // One failed request (a stream that breaks, a promise nobody awaited) is logged; it never ends the
  // service, because a service that is down pages nobody.
  process.on('unhandledRejection', (err) =>
    log.error({ err }, 'a promise failed and nothing handled it; the service carries on'),
  );
  process.on('uncaughtException', (err) =>
    log.error({ err }, 'an error escaped every handler; the service carries on'),
  );

  let db: Db;
  try {
    db = openDatabase(config.env.databasePath);
    migrateDatabase(db);
  } catch (err) {
    process.stderr.write(
      `Switchboard cannot start: the database at ${config.env.DATABASE_URL} cannot be opened or migrated: ${(err as Error).message}\n`,
    );
    process.exit(1);
  }

  const checkpointer = startCheckpointer(db, config.env.databasePath, log);
  const channels = createChannels(config.env, log);
  const installId = readOrCreateState(db, 'install_id', () => randomBytes(6).toString('hex'), systemClock.now());
  const outbox = startOutboxWorker({
    db,
    channels,
    clock: systemClock,
    log,
    publicUrl: config.env.publicUrl,
    installId,
    timeouts: channelTimeouts(config.env),
    soleInstance: true,
    rules: config.organisation.paging,
    organisation: config.organisation.name,
  });
  const deps = { config, db, clock: systemClock, channels, log, outbox };
  const services = servicesOf(deps);
  const app = createApp(deps, services);
  const scheduler = startScheduler(services);
  const server: Server = app.listen(config.env.PORT);
  server.on('listening', () => {
    const address = server.address();
    log.info(
      {
        port: typeof address === 'object' && address ? address.port : config.env.PORT,
        publicUrl: config.env.publicUrl,
        organisation: config.organisation.name,
        source: config.organisationSource,
        database: config.env.databasePath,
      },
      'Switchboard is listening',
    );
    if (!config.env.API_TOKEN) log.warn('API_TOKEN is unset: /api/* refuses every request until it is set');
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    process.stderr.write(
      `Switchboard cannot listen on port ${config.env.PORT}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}\n`,
    );
    process.exit(1);
  });

  let stopping = false;
  /**
   * Stop taking work, give requests and sends in flight a short deadline, and exit 0 within 10 s.
   * A send still unanswered stays on record as being sent; after the restart it is settled (asked of
   * the provider, or sent again), so nothing is lost by not waiting for it.
   */
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: no new work; finishing what is in flight');
    const hard = setTimeout(() => {
      log.warn('still stopping after 9 s; exiting now (unfinished sends are settled after the restart)');
      process.exit(0);
    }, STOP_WITHIN_MS);
    hard.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const drained = setTimeout(() => server.closeAllConnections(), SEND_DEADLINE_MS);
    drained.unref();
    const [, sends] = await Promise.all([scheduler.stop(), outbox.stop(SEND_DEADLINE_MS)]);
    if (sends.unfinished)
      log.warn({ unfinished: sends.unfinished }, 'sends still unanswered; they will be settled after the restart');
    await closed;
    await checkpointer.stop();
    db.$client.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main();
