import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Organisation } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { Pager } from '../paging/index.js';

/** What the ticket services are handed (by app.ts). */
export interface TicketDeps {
  db: Database;
  clock: Clock;
  organisation: Organisation;
  calendar: BusinessCalendar;
  publicUrl: string;
  /** Signs voicemail and acknowledgement links. */
  linkSecret: string;
  pager: Pager;
  /** Called after a commit that wrote messages, so they go out at once. */
  onOutbox: () => void;
}
