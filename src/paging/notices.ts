import type { Priority } from '../config/index.js';

/** How a ticket number is shown to people: 1042 as TK-1042 (callers type only the digits). */
export const ticketLabel = (number: number) => `TK-${number}`;

/** Everything Switchboard tells anyone, one entry each; every channel's renderer handles each kind. */
export const NOTICE_KINDS = [
  'emergency',
  'transcription',
  'still_unacknowledged',
  'page_summary',
  'taken',
  'unreachable',
  'sla',
  'sla_summary',
  'caller_confirmation',
  'callback_booked',
  'callback_unanswered',
  'callbacks_overdue',
  'requester',
  'monthly_report',
  'call',
  'email_reply',
  'email_refused',
  'customer_replied',
  'staff_reply',
  'line_test_failed',
  'announcement',
  'portal_link',
  'on_call_now',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** What a message says about a ticket: plain facts, gathered by whoever asks for the message. */
export interface TicketFacts {
  number: number;
  priority: Priority;
  emergency: boolean;
  callerNumber: string | null;
  client?: string;
  contact?: string;
  transcription?: string | null;
  createdAt: Date;
  slaDueAt?: Date | null;
}

/** Enough of a ticket to name it (and, in a page, its caller). */
export type TicketRef = Pick<TicketFacts, 'number'> & Partial<Pick<TicketFacts, 'callerNumber'>>;

/** What a requester is told about, each in the organisation's language. */
export type RequesterChange =
  | { kind: 'opened' }
  | { kind: 'acknowledged'; by: string }
  | { kind: 'returned'; message: string }
  | { kind: 'priority'; from: Priority; to: Priority }
  | { kind: 'resolved'; note?: string };

export interface SlaFacts {
  number: number;
  priority: Priority;
  dueAt: Date;
  status: string;
  /** Who has the ticket, by name. */
  with?: string;
}

export interface OverdueCallback {
  id: number;
  phone: string;
  dueAt: Date;
  status: string;
  claimedBy?: string;
  reason?: string | null;
}

export type Notice =
  | {
      kind: 'emergency';
      reason: 'new' | 'escalated';
      ticket: TicketFacts;
      voicemailLink?: string;
      /** The signed link with which this recipient takes the ticket. */
      ackLink?: string;
      timeline?: { at: Date; type: string; actor: string | null }[];
    }
  | { kind: 'transcription'; ticket: TicketRef; text: string }
  | { kind: 'still_unacknowledged'; ticket: TicketRef }
  | { kind: 'page_summary'; tickets: TicketRef[] }
  | { kind: 'taken'; ticket: TicketRef; by: string; via: string }
  | { kind: 'unreachable'; ticket: TicketRef; who: string }
  | { kind: 'sla'; change: 'warning' | 'breach'; ticket: SlaFacts }
  | { kind: 'sla_summary'; change: 'warning' | 'breach'; tickets: SlaFacts[] }
  | {
      kind: 'caller_confirmation';
      ticket: TicketRef & Pick<TicketFacts, 'emergency'>;
      /** The caller hung up before leaving a message (live connect not answered): their call is what we have. */
      noMessage?: boolean;
    }
  | { kind: 'callback_booked'; position: number }
  | { kind: 'callback_unanswered'; callbackId: number; phone: string; failures: number; dueAt: Date }
  | { kind: 'callbacks_overdue'; callbacks: OverdueCallback[] }
  | { kind: 'requester'; change: RequesterChange; ticket: TicketFacts; name?: string }
  | { kind: 'monthly_report'; month: string; text: string; attachment: { filename: string; content: string } }
  | { kind: 'call'; url: string; about: string }
  /** The automatic reply to a message that opened a ticket: its number, how to follow up and escalate. */
  | { kind: 'email_reply'; ticket: TicketFacts; name?: string }
  /** The reply to an unregistered sender: how to reach support from a registered address. */
  | { kind: 'email_refused' }
  /** The requester wrote again: for whoever has the ticket. */
  | { kind: 'customer_replied'; ticket: TicketRef; from: string; excerpt: string }
  /** Staff answering the requester from the ticket's page, in its conversation. */
  | { kind: 'staff_reply'; ticket: TicketRef; text: string; by: string }
  /** The daily test call to the helpdesk number never reached the service: callers may not be getting through. */
  | { kind: 'line_test_failed'; from: string; to: string; at: Date; why: string }
  /** A sign-in link to the clients' portal, for the address that asked for it. */
  | { kind: 'portal_link'; link: string; minutes: number }
  /** At a hand-off, to the person taking over: who hands over, until when, the emergencies still open. */
  | { kind: 'on_call_now'; line?: string; handsOver?: string; until: Date; open: TicketRef[] }
  /** A known outage or planned work, told to the affected clients' contacts when posted and when over. */
  | {
      kind: 'announcement';
      /** Posted; over (taken down, or its end passed); or withdrawn before it started. */
      phase: 'posted' | 'ended' | 'withdrawn';
      text: string;
      startsAt: Date | null;
      endsAt: Date | null;
    };

/** What every renderer knows of the organisation. */
export interface RenderContext {
  organisation: string;
  language: string;
  timezone: string;
  helpdeskNumber: string;
  publicUrl: string;
}

/** A message ready for the outbox: what a channel's sender needs. */
export interface Rendered {
  subject?: string;
  body: string;
  payload?: Record<string, unknown>;
}
