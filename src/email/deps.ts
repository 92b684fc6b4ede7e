import type { Logger } from 'pino';
import type { Organisation } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { TicketDeps } from '../tickets/index.js';
import type { DNSResolver } from './authentication.js';
import type { MailParserPool } from './parser-pool.js';
import type { InboundOutcome } from './schema.js';

export interface IntakeDeps {
  db: Database;
  log: Logger;
  organisation: Organisation;
  tickets: TicketDeps;
  /** A message larger than this is not read: it is kept in the mailbox and reported (default 40 MB). */
  maxMessageBytes?: number;
  /** An attachment larger than this is listed on the ticket without its content (default 10 MB). */
  maxAttachmentBytes?: number;
  /** The thread messages are parsed on (default: one shared by the process). */
  parser?: MailParserPool;
  /** DNS for DKIM and DMARC when the service checks them itself (tests answer it locally). */
  resolver?: DNSResolver;
  /** The address our own mail is sent from (MAIL_FROM): mail coming back with it in X-Loop is ours. */
  sentFrom?: string;
}

export interface Taken {
  outcome: InboundOutcome | 'duplicate';
  ticketNumber?: number;
}

export interface TakeOptions {
  /** The mailbox reader's mark that this message is being taken: removed with what it becomes, in one commit. */
  marker?: string;
}
