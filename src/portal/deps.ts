import type { Pressure } from '../http/pressure.js';
import type { Logger } from 'pino';
import type { Clock } from '../calendar/index.js';
import type { Organisation } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { TicketDeps } from '../tickets/index.js';

/** What the clients' portal and the public notices are handed (by app.ts). */
export interface PortalDeps {
  /** Under pressure the heavy routes (downloads, uploads, ticket lists) step aside: 503 with Retry-After. */
  pressure?: Pressure;
  db: Database;
  clock: Clock;
  log: Logger;
  organisation: Organisation;
  publicUrl: string;
  /** The tickets core: what a contact does to their tickets goes through it. */
  tickets: TicketDeps;
  /** The header a trusted proxy puts the client's address in (CLIENT_IP_HEADER), for limits and the audit trail. */
  clientIpHeader?: string;
}
