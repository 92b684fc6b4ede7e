import { randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import { calendarOf, type BusinessCalendar, type Clock } from './calendar/index.js';
import type { Channel, Channels } from './channels/index.js';
import { errorMessage, readOrCreateState, type Database } from './db/index.js';
import { healthRoutes } from './health.js';
import { ackLinkRoutes, voicemailRoutes } from './links/index.js';
import { slackRoutes } from './slack/index.js';
import { portalRoutes, statusRoutes, type PortalDeps } from './portal/index.js';
import { conversationMail, mailboxName } from './email/index.js';
import { securityHeaderList, securityHeaders } from './http/security-headers.js';
import { requireApiToken } from './http/auth.js';
import type { Pressure } from './http/pressure.js';
import { errorHandler, notFoundJson } from './http/json.js';
import { jsonBody, urlWithoutNul } from './http/input.js';
import { clientRoutes, listClients, type ClientDeps } from './clients/index.js';
import {
  announcementBoard,
  announcementRoutes,
  isFor,
  type AnnouncementBoard,
  type AnnouncementDeps,
} from './announcements/index.js';
import { onCallFeedRoutes, onCallRoutes } from './oncall/index.js';
import { mayStill } from './auth/index.js';
import { createPager, type ChannelHealth, type DeliveryRecorder, type Pager } from './paging/index.js';
import { ticketRoutes, timelineRecorder, type TicketDeps } from './tickets/index.js';
import { callbackRoutes, type CallbackDeps } from './callbacks/index.js';
import { billingRoutes } from './billing/index.js';
import { dashboardRoutes } from './dashboard/index.js';
import { incomingCallFastPath, speechFor, twilioRoutes, type IvrDeps } from './ivr/index.js';

export interface AppDeps {
  /** What tells the heavy routes to step aside (main.ts watches the heap, the database and the event loop). */
  pressure?: Pressure;
  config: Config;
  db: Database;
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
  /** Turns what happened into messages for the outbox. */
  pager: Pager;
  /** Notes deliveries on tickets' timelines (the outbox worker and Twilio's status callbacks). */
  recordDelivery: DeliveryRecorder;
  clients: ClientDeps;
  tickets: TicketDeps;
  callbacks: CallbackDeps;
  ivr: IvrDeps;
  /** Outage announcements: the API's dependencies and the board callers' greetings read. */
  announcements: AnnouncementDeps & { board: AnnouncementBoard };
  /** Recordings whose webhook could not be saved, for reconciliation to look for at once. */
  recovery: { urgent: Set<string>; soon?: () => void };
}

export async function servicesOf(deps: AppDeps): Promise<Services> {
  const { db, clock, config, log } = deps;
  const organisation = config.organisation;
  const calendar = calendarOf(organisation);
  const publicUrl = config.env.publicUrl;
  // Signs voicemail and acknowledgement links: LINK_SECRET, else one kept in the database so links outlive
  // a restart and every instance signs alike.
  const linkSecret =
    config.env.LINK_SECRET ??
    (await db.withTransaction((tx) =>
      readOrCreateState(tx, 'link_secret', () => randomBytes(32).toString('hex'), clock.now()),
    ));
  const onOutbox = () => deps.outbox?.kick();
  const pager = createPager(organisation, publicUrl, clock);
  const recordDelivery = timelineRecorder(clock);
  const clients: ClientDeps = {
    db,
    clock,
    country: organisation.country,
    levels: organisation.supportLevels.map((l) => l.name),
    lines: organisation.serviceLines.map((l) => l.id),
  };
  const tickets: TicketDeps = {
    db,
    clock,
    organisation,
    calendar,
    publicUrl,
    linkSecret,
    pager,
    onOutbox,
    conversationMail: conversationMail(publicUrl),
  };
  const callbackCalendar = organisation.callbackHours
    ? calendarOf({ ...organisation, businessHours: organisation.callbackHours })
    : calendar;
  const callbacks: CallbackDeps = { db, clock, organisation, calendar, callbackCalendar, publicUrl, pager, onOutbox };
  const speech = speechFor(organisation.language, organisation.voice, organisation.prompts);
  const recovery: Services['recovery'] = { urgent: new Set() };
  const onUnsavedRecording = (sid: string | undefined) => {
    if (sid) recovery.urgent.add(sid);
    recovery.soon?.();
  };
  // An announcement posted with `notify`: every contact with an email at the clients it is for, once.
  const tellClients: AnnouncementDeps['tellClients'] = async (tx, a, phase) => {
    const addresses = new Set<string>();
    for (const c of await listClients(tx))
      if (isFor(a, { clientId: c.id, lines: c.lines }))
        for (const contact of c.contacts) if (contact.email) addresses.add(contact.email.toLowerCase());
    const notice = { kind: 'announcement' as const, phase, text: a.text, startsAt: a.startsAt, endsAt: a.endsAt };
    return pager.mail(tx, [...addresses], notice, { key: `announcement:${a.id}:${phase}` });
  };
  const announcementDeps: AnnouncementDeps = { db, clock, lines: clients.lines, tellClients, onOutbox };
  const announcements = announcementBoard(announcementDeps, (err) =>
    log.warn({ err: errorMessage(err) }, 'could not read the announcements; callers hear the last ones read'),
  );
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
    announcements,
    recordDelivery,
    onUnsavedRecording,
    transcripts: deps.channels.voice.transcripts,
  };
  return {
    ...deps,
    calendar,
    publicUrl,
    linkSecret,
    pager,
    recordDelivery,
    clients,
    tickets,
    callbacks,
    ivr,
    announcements: { ...announcementDeps, board: announcements },
    recovery,
  };
}

/**
 * The HTTP application as a request listener: the incoming-call webhook first (every call starts there,
 * and it is answered without Express's per-request set-up), then Express for everything else. It never
 * listens itself, so tests drive it with supertest and `main` hands it to an HTTP server.
 */
export type App = RequestListener;

export function createApp(services: Services): App {
  const { db, clock, config, log, tickets } = services;
  const { env } = config;
  const app = express();
  app.disable('x-powered-by');
  // Webhook answers and API responses are never revalidated; hashing every body for an ETag is wasted work.
  app.set('etag', false);
  const https = services.publicUrl.startsWith('https://');
  const incomingCall = incomingCallFastPath(services.ivr, env.TWILIO_AUTH_TOKEN, securityHeaderList(https));
  app.set('query parser', 'simple');
  app.use(urlWithoutNul);
  app.use(securityHeaders(https));

  app.use(
    healthRoutes({
      db,
      clock,
      log,
      channels: services.channels,
      outbox: services.outbox,
      unsignedWebhooks: env.unsignedWebhooks,
      apiToken: env.API_TOKEN,
      mailbox: env.mailbox ? mailboxName(env.mailbox) : undefined,
    }),
  );
  app.use('/twilio', twilioRoutes(services.ivr, env.TWILIO_AUTH_TOKEN));
  const ackRouteDeps = {
    ...tickets,
    log,
    slackSigningSecret: env.SLACK_SIGNING_SECRET,
    clientIpHeader: env.CLIENT_IP_HEADER,
  };
  app.use(ackLinkRoutes(ackRouteDeps));
  app.use(slackRoutes(ackRouteDeps));
  app.use(voicemailRoutes({ ...tickets, voice: services.channels.voice, log, clientIpHeader: env.CLIENT_IP_HEADER }));
  app.use(
    onCallFeedRoutes({
      db,
      clock,
      organisation: config.organisation,
      mayStillManage: (email) => mayStill(db.q, email, 'manageOnCall'),
    }),
  );

  const api = express.Router();
  api.use(requireApiToken(env.API_TOKEN));
  api.use(jsonBody({ limit: '1mb' }));
  api.use(clientRoutes(services.clients));
  api.use(announcementRoutes({ ...services.announcements, clientIpHeader: env.CLIENT_IP_HEADER }));
  api.use(onCallRoutes({ db, clock, organisation: config.organisation }));
  api.use(ticketRoutes(tickets));
  api.use(callbackRoutes(services.callbacks));
  api.use(billingRoutes({ db, calendar: services.calendar, clock }));
  api.use(notFoundJson);
  app.use('/api', api);

  // The pages people browse use connections of their own (PostgreSQL): a crowd of them, or one hostile
  // client, cannot take those that calls, email and the API need. What they change goes through the core.
  const portal: PortalDeps = {
    db: db.browsing(),
    clock,
    log,
    organisation: config.organisation,
    publicUrl: services.publicUrl,
    tickets,
    clientIpHeader: env.CLIENT_IP_HEADER,
    pressure: services.pressure,
  };
  app.use(statusRoutes(portal));
  app.use('/portal', portalRoutes(portal));

  app.use(
    '/dashboard',
    dashboardRoutes({
      pressure: services.pressure,
      db: db.browsing(),
      clock,
      log,
      env,
      organisation: config.organisation,
      calendar: services.calendar,
      publicUrl: services.publicUrl,
      tickets,
      callbacks: services.callbacks,
      voice: services.channels.voice,
      announcements: services.announcements,
    }),
  );

  app.use(notFoundJson);
  app.use(errorHandler(log));
  return (req, res) => {
    if (!incomingCall(req, res)) app(req, res);
  };
}
