import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import { calendarOf, type BusinessCalendar, type Clock } from './calendar/index.js';
import type { Channels } from './channels/index.js';
import { isDatabaseAnswering, type Db } from './db/index.js';
import { requireApiToken } from './http/auth.js';
import { errorHandler, notFoundJson } from './http/json.js';
import { clientRoutes } from './clients/index.js';
import { onCallRoutes } from './oncall/index.js';

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  channels: Channels;
  log: Logger;
}

/** Everything a capability may be handed: the app's dependencies plus what is derived from them once. */
export interface Services extends AppDeps {
  calendar: BusinessCalendar;
}

export function servicesOf(deps: AppDeps): Services {
  return { ...deps, calendar: calendarOf(deps.config.organisation) };
}

/** Builds the HTTP application; it never listens, so tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const services = servicesOf(deps);
  const { db, clock, config, log } = services;
  const organisation = config.organisation;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    if (isDatabaseAnswering(db)) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', error: { code: 'database', message: 'The database does not answer' } });
  });

  const api = express.Router();
  api.use(requireApiToken(config.env.API_TOKEN));
  api.use(express.json({ limit: '1mb' }));
  api.use(clientRoutes({ db, clock, country: organisation.country }));
  api.use(onCallRoutes({ db, clock, organisation }));
  api.use(notFoundJson);
  app.use('/api', api);

  app.use(notFoundJson);
  app.use(errorHandler(log));
  return app;
}
