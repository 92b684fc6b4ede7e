import type { Server } from 'node:http';
import { loadConfig } from './config/index.js';
import { openDatabase, migrateDatabase, type Db } from './db/index.js';
import { startCheckpointer } from './db/checkpointer.js';
import { createLogger } from './logging.js';
import { createChannels } from './channels/index.js';
import { systemClock } from './calendar/index.js';
import { createApp, servicesOf } from './app.js';
import { startOutboxWorker } from './paging/index.js';
import { startScheduler } from './scheduler.js';

/** config → database + migrations → createApp → listen → scheduler. */
function main(): void {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`Switchboard cannot start; fix these settings:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const config = loaded.value;
  const log = createLogger(config.env.LOG_LEVEL);

  let db: Db;
  try {
    db = openDatabase(config.env.databasePath);
    migrateDatabase(db);
  } catch (err) {
    process.stderr.write(`Switchboard cannot start: the database at ${config.env.DATABASE_URL} cannot be opened or migrated: ${(err as Error).message}\n`);
    process.exit(1);
  }

  const checkpointer = startCheckpointer(db, config.env.databasePath, log);
  const channels = createChannels(config.env, log);
  const outbox = startOutboxWorker({ db, channels, clock: systemClock, log, publicUrl: config.env.publicUrl, rules: config.organisation.paging, organisation: config.organisation.name });
  const deps = { config, db, clock: systemClock, channels, log, outbox };
  const services = servicesOf(deps);
  const app = createApp(deps, services);
  const scheduler = startScheduler(services);
  const server: Server = app.listen(config.env.PORT);
  server.on('listening', () => {
    log.info(
      { port: config.env.PORT, publicUrl: config.env.publicUrl, organisation: config.organisation.name, source: config.organisationSource, database: config.env.databasePath },
      'Switchboard is listening',
    );
    if (!config.env.API_TOKEN) log.warn('API_TOKEN is unset: /api/* refuses every request until it is set');
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    process.stderr.write(`Switchboard cannot listen on port ${config.env.PORT}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}\n`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing requests in flight');
    const force = setTimeout(() => {
      log.warn('requests still open after 10 s; closing anyway');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(async () => {
      await scheduler.stop();
      await outbox.stop();
      await checkpointer.stop();
      db.$client.close();
      log.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
