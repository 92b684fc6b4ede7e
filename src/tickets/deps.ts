import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Organisation } from '../config/index.js';
import type { Database, ReadQ } from '../db/index.js';
import type { Pager } from '../paging/index.js';
import type { Ticket } from './store.js';

/** A message's place in a ticket's email thread: its own id, what it answers, the conversation's subject. */
export interface MailThread {
  messageId: string;
  inReplyTo?: string;
  references: string[];
  subject: string;
}

/**
 * How the helpdesk's mail joins a ticket's email thread, which the email channel knows (Message-IDs are
 * minted there); app.ts hands it to the tickets, which know only that a conversation has a thread.
 */
export interface ConversationMail {
  threadFor(q: ReadQ, ticket: Ticket): Promise<MailThread>;
  /**
   * A new Message-ID for a message of the ticket's conversation that did not come by email (written on
   * the portal, a staff note), so that mail replying to it, or naming it, finds the ticket.
   */
  newMessageId(ticketNumber: number): string;
}

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
  conversationMail: ConversationMail;
}
