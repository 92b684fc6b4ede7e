import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { loadConfig } from './config/index.js';
import {
  describeDatabase,
  errorMessage,
  isOnThisMachine,
  openDatabase,
  readOrCreateState,
  type Database,
  type PostgresDatabase,
  type SqliteDatabase,
  connectionBudget,
} from './db/index.js';
import { startCheckpointer } from './db/checkpointer.js';
import { createLogger } from './logging.js';
import { channelTimeouts, createChannels, loopMarkOf } from './channels/index.js';
import { systemClock } from './calendar/index.js';
import { createApp, servicesOf } from './app.js';
import { startOutboxWorker } from './paging/index.js';
import { startScheduler } from './scheduler.js';
import { watchPressure } from './http/pressure.js';

/** Fly sends SIGKILL 30 s after SIGTERM; the service is gone well before. */
const STOP_WITHIN_MS = 9_000;
/** Sends in flight get this long to finish on SIGTERM; the rest are settled after the restart. */
const SEND_DEADLINE_MS = 4_000;

/** config → database + migrations → createApp → listen → scheduler. */
async function main(): Promise<void> {
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

  const where = describeDatabase(config.env.database);
  let db: Database;
  let installId: string;
  try {
    db = openDatabase(config.env.database, {
      onIdleError: (err) => log.warn({ err: err.message }, 'a database connection broke while idle; it is replaced'),
      poolSize: config.env.DATABASE_POOL_SIZE,
    });
    // Several instances starting at once take turns migrating (PostgreSQL); the others find it done.
    await db.migrate();
    installId = await db.withTransaction((tx) =>
      readOrCreateState(tx, 'install_id', () => randomBytes(6).toString('hex'), systemClock.now()),
    );
  } catch (err) {
    process.stderr.write(
      `Switchboard cannot start: the database ${where} cannot be opened or migrated: ${errorMessage(err)}\n`,
    );
    process.exit(1);
  }

  // Each instance opens up to its pool and the pager's connections: the server must have room for at least one.
  if (db.engine === 'postgres') {
    const budget = await connectionBudget(db as PostgresDatabase, config.env.DATABASE_POOL_SIZE).catch(() => undefined);
    if (budget && budget.perInstance > budget.available) {
      process.stderr.write(
        `Switchboard cannot start: DATABASE_POOL_SIZE=${config.env.DATABASE_POOL_SIZE} needs ${budget.perInstance} connections to PostgreSQL (the pool and 3 for the pager), and the server allows ${budget.available} (max_connections ${budget.maxConnections}, less those kept for superusers): lower DATABASE_POOL_SIZE or raise max_connections\n`,
      );
      process.exit(1);
    }
    if (budget)
      log.info(
        { ...budget, instances: Math.floor(budget.available / budget.perInstance) },
        `each instance opens up to ${budget.perInstance} connections to PostgreSQL; the server has room for ${Math.floor(budget.available / budget.perInstance)} such instances (fewer if others use it)`,
      );
  }

  // Callers' numbers and words travel to the database: across a network, they should be encrypted.
  if (db.engine === 'postgres' && !isOnThisMachine(config.env.database)) {
    const tls = await (db as PostgresDatabase).usesTls().catch(() => undefined);
    if (tls === false)
      log.warn(
        { database: where },
        'PostgreSQL is reached without TLS on a host that is not this machine: add sslmode=verify-full to DATABASE_URL (see the README, "Several instances on PostgreSQL")',
      );
  }

  // SQLite's file belongs to this process alone; a PostgreSQL server checkpoints by itself.
  const checkpointer = db.engine === 'sqlite' ? startCheckpointer(db as SqliteDatabase, log) : undefined;
  const channels = createChannels(config.env, log);
  // The services tell the worker about new messages, and the worker renders with the services' pager:
  // the worker is started next, before anything can call these.
  const toWorker = { kick: () => outbox.kick(), health: () => outbox.health() };
  // Under pressure (heap, database, event loop) the portal's and dashboard's heavy routes step aside.
  const pressure = watchPressure({ waiting: () => db.waiting() + db.browsing().waiting() });
  const services = await servicesOf({ config, db, clock: systemClock, channels, log, outbox: toWorker, pressure });
  // This machine and port: one process at a time holds them, so leases held under it are this instance's.
  const instance = config.env.PORT ? `${process.env.FLY_MACHINE_ID ?? hostname()}:${config.env.PORT}` : undefined;
  const outbox = startOutboxWorker({
    db,
    channels,
    clock: systemClock,
    log,
    publicUrl: config.env.publicUrl,
    installId,
    pager: services.pager,
    record: services.recordDelivery,
    timeouts: channelTimeouts(config.env),
    // On SQLite no other process shares the file, so what a previous process left mid-send is settled at once.
    soleInstance: db.engine === 'sqlite',
    instance,
    rules: config.organisation.paging,
  });
  const app = createApp(services);
  const scheduler = startScheduler(services, instance);
  // Email intake: one instance reads the mailbox at a time (a lease), and each message is taken once, keyed
  // in the database. The IMAP client and the MIME parser are loaded only when there is a mailbox to read.
  const mailbox = config.env.mailbox
    ? (await import('./email/index.js')).startMailbox(
        {
          db,
          log,
          organisation: config.organisation,
          tickets: services.tickets,
          sentFrom: config.env.MAIL_FROM ? loopMarkOf(config.env.MAIL_FROM) : undefined,
        },
        config.env.mailbox,
        // Stable across restarts: a restarted instance takes its own lease back at once.
        { instance: instance ?? `${hostname()}:${process.pid}` },
      )
    : undefined;
  if (!mailbox) log.info('IMAP_URL is unset: no email intake');
  else if (config.organisation.email.addresses.length === 0)
    log.warn(
      'IMAP_URL is set but the organisation file lists no email.addresses: every message counts as sent to the helpdesk',
    );
  const server: Server = createServer(app).listen(config.env.PORT);
  server.on('listening', () => {
    const address = server.address();
    log.info(
      {
        port: typeof address === 'object' && address ? address.port : config.env.PORT,
        publicUrl: config.env.publicUrl,
        organisation: config.organisation.name,
        source: config.organisationSource,
        database: where,
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
    services.announcements.board.stop();
    pressure.stop();
    const [, sends] = await Promise.all([scheduler.stop(), outbox.stop(SEND_DEADLINE_MS), mailbox?.stop()]);
    if (sends.unfinished)
      log.warn({ unfinished: sends.unfinished }, 'sends still unanswered; they will be settled after the restart');
    await closed;
    await checkpointer?.stop();
    await db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
