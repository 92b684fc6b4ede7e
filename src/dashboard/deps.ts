import type { Pressure } from '../http/pressure.js';
import type { Logger } from 'pino';
import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Voice } from '../channels/index.js';
import type { Env, Organisation } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { CallbackDeps } from '../callbacks/index.js';
import type { TicketDeps } from '../tickets/index.js';
import type { AnnouncementBoard, AnnouncementDeps } from '../announcements/index.js';

/** What the staff dashboard is handed (by app.ts). */
export interface DashboardDeps {
  /** Under pressure the heavy pages (ticket lists, downloads, reports) step aside: 503 with Retry-After. */
  pressure?: Pressure;
  db: Database;
  clock: Clock;
  log: Logger;
  env: Env;
  organisation: Organisation;
  calendar: BusinessCalendar;
  publicUrl: string;
  tickets: TicketDeps;
  callbacks: CallbackDeps;
  /** Plays voicemails from Twilio on the ticket page. */
  voice: Voice;
  /** What callers hear after the welcome, and the board the greeting reads. */
  announcements: AnnouncementDeps & { board: AnnouncementBoard };
}
