import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import { calendarOf, type BusinessCalendar, type Clock } from './calendar/index.js';
import type { Channels } from './channels/index.js';
import { readOrCreateState, type Db } from './db/index.js';
import { healthRoutes } from './http/health.js';
import { securityHeaderList, securityHeaders } from './http/security-headers.js';
import type { ChannelHealth } from './paging/index.js';
import type { Channel } from './channels/index.js';
import { requireApiToken } from './http/auth.js';
import { errorHandler, notFoundJson } from './http/json.js';
import { clientRoutes, type ClientDeps } from './clients/index.js';
import { onCallRoutes } from './oncall/index.js';
import { ticketRoutes, voicemailRoutes, type TicketDeps } from './tickets/index.js';
import type { ChangeDeps } from './tickets/changes.js';
import { callbackRoutes, type CallbackDeps } from './callbacks/index.js';
import { callbackVoiceRoutes } from './callbacks/voice-routes.js';
import { dashboardRoutes } from './dashboard/index.js';
import { billingRoutes } from './billing/index.js';
import { incomingCallFastPath, speechFor, twilioRoutes, type IvrDeps } from './ivr/index.js';
import {
  ackApiRoutes,
  ackLinkRoutes,
  bridgeRoutes,
  pageCallRoutes,
  replyToText,
  slackRoutes,
  smsRoutes,
  type AckDeps,
  type BridgeDeps,
} from './paging/index.js';

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  channels: Channels;
  log: Logger;
  /** The outbox worker, told after every commit that wrote messages; absent, they wait for its next run. */
  outbox?: { kick(): void; health?(): Record<Channel, ChannelHealth> };
}

/** Everything the capabilities are handed, derived once from the app's dependencies. */
export interface Services extends AppDeps {
  calendar: BusinessCalendar;
  publicUrl: string;
  linkSecret: string;
  clients: ClientDeps;
  tickets: TicketDeps;
  callbacks: CallbackDeps;
  changes: ChangeDeps;
  ivr: IvrDeps;
  /** Acknowledging a ticket, and ringing staff back to a caller: shared by webhooks, API and dashboard. */
  ack: AckDeps;
  bridge: BridgeDeps;
  /** Recordings whose webhook could not be saved, for reconciliation to look for at once. */
  recovery: { urgent: Set<string>; soon?: () => void };
}

export function servicesOf(deps: AppDeps): Services {
  const { db, clock, config, log } = deps;
  const organisation = config.organisation;
  const calendar = calendarOf(organisation);
  const publicUrl = config.env.publicUrl;
  // Signs voicemail and acknowledgement links: LINK_SECRET, else one kept in the database so links outlive a restart.
  const linkSecret =
    config.env.LINK_SECRET ?? readOrCreateState(db, 'link_secret', () => randomBytes(32).toString('hex'), clock.now());
  const onOutbox = () => deps.outbox?.kick();
  const clients: ClientDeps = { db, clock, country: organisation.country };
  const tickets: TicketDeps = { db, clock, organisation, calendar, publicUrl, linkSecret, onOutbox };
  const callbackCalendar = organisation.callbackHours
    ? calendarOf({ ...organisation, businessHours: organisation.callbackHours })
    : calendar;
  const callbacks: CallbackDeps = { db, clock, organisation, calendar, callbackCalendar, publicUrl, onOutbox };
  const speech = speechFor(organisation.language, organisation.voice, organisation.prompts);
  const recovery: Services['recovery'] = { urgent: new Set() };
  const onUnsavedRecording = (sid: string | undefined) => {
    if (sid) recovery.urgent.add(sid);
    recovery.soon?.();
  };
  const ivr: IvrDeps = {
    db,
    clock,
    log,
    organisation,
    calendar,
    speech,
    publicUrl,
    tickets,
    callbacks,
    clients,
    onUnsavedRecording,
  };
  const changes: ChangeDeps = { db, clock, organisation, calendar, onOutbox };
  const ack: AckDeps = { db, clock, organisation, onOutbox };
  const bridge: BridgeDeps = { ...ack, speech, publicUrl, calendar };
  return { ...deps, calendar, publicUrl, linkSecret, clients, tickets, callbacks, changes, ivr, ack, bridge, recovery };
}

/** Builds the HTTP application; it never listens, so tests drive it with supertest. */
export function createApp(deps: AppDeps, services: Services = servicesOf(deps)): Express {
  const { db, clock, config, log } = services;
  const app = express();
  app.disable('x-powered-by');
  // Webhook answers and API responses are never revalidated; hashing every body for an ETag is wasted work.
  app.set('etag', false);
  const https = services.publicUrl.startsWith('https://');
  app.use(incomingCallFastPath(services.ivr, config.env.TWILIO_AUTH_TOKEN, securityHeaderList(https)));
  app.set('query parser', 'simple');
  app.use(securityHeaders(https));

  app.use(
    healthRoutes({
      db,
      clock,
      channels: deps.channels,
      outbox: deps.outbox,
      unsignedWebhooks: config.env.unsignedWebhooks,
    }),
  );

  const { ack, bridge } = services;
  const extraTwilio = [
    smsRoutes({ db, clock, log, reply: (from, body) => replyToText(bridge, from, body) }),
    pageCallRoutes(bridge),
    bridgeRoutes(bridge),
    callbackVoiceRoutes({ ...services.callbacks, speech: services.ivr.speech }),
  ];
  app.use(
    '/twilio',
    twilioRoutes(services.ivr, (router) => extraTwilio.forEach((add) => add(router)), config.env.TWILIO_AUTH_TOKEN),
  );
  const ackRouteDeps = {
    ...ack,
    linkSecret: services.linkSecret,
    log,
    slackSigningSecret: config.env.SLACK_SIGNING_SECRET,
    clientIpHeader: config.env.CLIENT_IP_HEADER,
  };
  app.use(ackLinkRoutes(ackRouteDeps));
  app.use(slackRoutes(ackRouteDeps));
  app.use(
    voicemailRoutes({
      db,
      clock,
      publicUrl: services.publicUrl,
      linkSecret: services.linkSecret,
      voice: deps.channels.voice,
      log,
      clientIpHeader: config.env.CLIENT_IP_HEADER,
    }),
  );

  const api = express.Router();
  api.use(requireApiToken(config.env.API_TOKEN));
  api.use(express.json({ limit: '1mb' }));
  api.use(clientRoutes(services.clients));
  api.use(onCallRoutes({ db, clock, organisation: config.organisation }));
  api.use(
    ticketRoutes({
      db,
      clock,
      publicUrl: services.publicUrl,
      linkSecret: services.linkSecret,
      changes: services.changes,
    }),
  );
  api.use(callbackRoutes(services.callbacks));
  api.use(ackApiRoutes(ack));
  api.use(billingRoutes({ db, calendar: services.calendar, clock }));
  api.use(notFoundJson);
  app.use('/api', api);

  app.use('/dashboard', dashboardRoutes(services));

  app.use(notFoundJson);
  app.use(errorHandler(log));
  return app;
}
