import { pino, type Logger } from 'pino';
import request from 'supertest';
import { saveAccount } from '../../src/auth/accounts.js';
import { createApp, servicesOf, type AppDeps } from '../../src/app.js';
import { parseEnv, type Config, type Organisation } from '../../src/config/index.js';
import { fixedClock } from '../../src/calendar/index.js';
import { createChannels, logOnlyChannels, type Channels } from '../../src/channels/index.js';
import { afterAll } from 'vitest';
import { databaseOf } from '../../src/config/env.js';
import { openDatabase } from '../../src/db/index.js';
import { migratedDatabase } from './db.js';
import { organisationFrom } from './organisation.js';

export const API_TOKEN = 'test-token-0123456789';

export interface TestAppOptions {
  env?: Record<string, string>;
  organisation?: Organisation;
  now?: string;
  /** What tells the heavy routes to step aside (none: they never do). */
  pressure?: import('../../src/http/pressure.js').Pressure;
  channels?: (log: Logger) => Channels;
  /** Build the real Twilio/SMTP/Slack clients from `env` (pointed at local fakes), as main.ts does. */
  realChannels?: boolean;
  outbox?: AppDeps['outbox'];
  /** Where the app logs (default: nowhere). */
  log?: Logger;
  /** A migrated database to run on (e.g. reached through a test's proxy); default a new one of the engine under test. */
  databaseUrl?: string;
}

/**
 * The real app on a real migrated database of the engine under test, at a fixed instant, with log-only
 * channels unless given others.
 */
export async function testApp(options: TestAppOptions = {}) {
  const parsed = parseEnv({ API_TOKEN, ...options.env });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const config: Config = {
    env: parsed.value,
    organisation: options.organisation ?? organisationFrom(),
    organisationSource: 'test',
  };
  const { db, path, url } = options.databaseUrl ? openedAt(options.databaseUrl) : await migratedDatabase();
  const clock = fixedClock(options.now ?? '2026-11-23T15:00:00Z');
  const log: Logger = options.log ?? pino({ level: 'silent' });
  const channels = options.realChannels
    ? createChannels(parsed.value, log)
    : options.channels
      ? options.channels(log)
      : logOnlyChannels(log);
  const services = await servicesOf({
    config,
    db,
    clock,
    channels,
    log,
    outbox: options.outbox,
    pressure: options.pressure,
  });
  const app = createApp(services);
  return { app, db, path, url, clock, config, channels, log, services };
}

function openedAt(url: string) {
  const db = openDatabase(databaseOf(url)!);
  afterAll(() => db.close());
  return { db, url, path: undefined };
}

export const auth = { Authorization: `Bearer ${API_TOKEN}` };

/**
 * A supertest agent signed in to the dashboard as a new account of the given role, with the CSRF token
 * its forms need.
 */
export async function signedIn(
  harness: Pick<Awaited<ReturnType<typeof testApp>>, 'app' | 'db' | 'clock'>,
  account: { email: string; name: string; role: 'admin' | 'architect' | 'engineer' | 'office' | 'billing' },
) {
  const password = 'a long enough passphrase';
  await saveAccount(harness.db, { ...account, password }, harness.clock.now());
  const agent = request.agent(harness.app);
  const form = await agent.get('/dashboard/login');
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  await agent.post('/dashboard/login').type('form').send({ _csrf: token, email: account.email, password }).expect(303);
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/dashboard/oncall')).text)![1]!;
  return { agent, csrf };
}
