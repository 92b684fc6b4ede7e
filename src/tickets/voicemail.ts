import type { Organisation } from '../config/index.js';
import type { BusinessCalendar, Clock } from '../calendar/index.js';
import type { Db, Tx } from '../db/index.js';
import { signLink } from '../http/signed-links.js';
import { enqueue } from '../paging/outbox.js';
import { planPages } from '../paging/plan.js';
import { ackLink } from '../paging/ack-routes.js';
import { pagedStaff } from '../paging/ack.js';
import { callerConfirmationSms } from '../paging/render.js';
import { clientById } from '../clients/repository.js';
import * as repo from './repository.js';
import type { Ticket, Voicemail } from './repository.js';
import type { VoicemailKind } from './schema.js';
import { VOICEMAIL_SOURCES } from './schema.js';
import { atLeast, slaClock } from './sla.js';
import { ticketLabel } from './label.js';
import { notifyRequesterSafely } from './notices.js';

export interface TicketDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  calendar: BusinessCalendar;
  publicUrl: string;
  linkSecret: string;
  /** Called after a commit that wrote messages, so they go out at once. */
  onOutbox: () => void;
}

export interface IncomingRecording {
  recordingSid: string;
  callSid?: string;
  kind: VoicemailKind;
  durationSeconds: number;
  recordingUrl?: string;
  callerNumber?: string;
  clientId?: number | null;
  contactId?: number | null;
  /** The ticket a "3 — existing ticket" caller is escalating. */
  ticketId?: number;
  source: (typeof VOICEMAIL_SOURCES)[number];
  /** Whether the caller may still be asked to record again (first attempt, still on the line). */
  canAskAgain: boolean;
}

export type VoicemailOutcome =
  | { result: 'created' | 'escalated' | 'attached'; ticket: Ticket; voicemail: Voicemail }
  | { result: 'duplicate'; ticket?: Ticket; voicemail: Voicemail }
  | { result: 'too_short'; voicemail: Voicemail };

export const MIN_SECONDS = 2;
/** The link in a page works for a day; after that the ticket's page in the dashboard plays it. */
const LINK_HOURS = 24;

export function voicemailLink(
  deps: Pick<TicketDeps, 'publicUrl' | 'linkSecret'>,
  voicemailId: number,
  now: Date,
): string {
  const token = signLink(deps.linkSecret, 'voicemail', voicemailId, new Date(now.getTime() + LINK_HOURS * 3_600_000));
  return `${deps.publicUrl}/voicemails/${voicemailId}?t=${token}`;
}

/**
 * A recording Twilio reports, by whichever webhook or job sees it first. Keyed on RecordingSid: a
 * repeat changes nothing. A ticket, its timeline, its pages and the caller's confirmation are one
 * transaction, so a voicemail is never a ticket without its pages, nor pages without a ticket.
 */
export function recordVoicemail(deps: TicketDeps, input: IncomingRecording): VoicemailOutcome {
  const now = deps.clock.now();
  const outcome = deps.db.transaction((tx) => {
    const existing = repo.voicemailBySid(tx, input.recordingSid);
    const tooShort = input.durationSeconds < MIN_SECONDS && input.canAskAgain;
    if (existing && (existing.disposition === 'ticket' || tooShort)) {
      return {
        result: 'duplicate' as const,
        voicemail: existing,
        ticket: existing.ticketId ? repo.ticketById(tx, existing.ticketId) : undefined,
      };
    }
    if (tooShort) {
      const voicemail = repo.insertVoicemail(tx, { ...recordingRow(input, now), disposition: 'too_short' });
      return { result: 'too_short' as const, voicemail };
    }
    const { ticket, result, cause } = ticketFor(tx, deps, input, now);
    const voicemail = existing
      ? repo.updateVoicemail(tx, existing.id, {
          disposition: 'ticket',
          ticketId: ticket.id,
          durationSeconds: input.durationSeconds,
        })
      : repo.insertVoicemail(tx, { ...recordingRow(input, now), disposition: 'ticket', ticketId: ticket.id });
    const heard = repo.addEvent(tx, ticket.id, now, 'voicemail', {
      voicemailId: voicemail.id,
      seconds: input.durationSeconds,
      kind: input.kind,
      source: input.source,
    });
    // A caller escalating an open emergency by key 3 leaves a new message: page again with its link.
    const pageCause = cause ?? (result === 'attached' && ticket.emergency ? heard.id : undefined);
    if (pageCause !== undefined)
      pageFor(tx, deps, ticket, result === 'created' ? 'new' : 'escalated', pageCause, voicemail, now);
    // The requester hears of a new ticket by email; the caller's text below is their confirmation.
    if (result === 'created')
      notifyRequesterSafely(tx, deps.organisation, ticket, { kind: 'opened' }, heard.id, now, {
        skipSms: Boolean(input.callerNumber),
      });
    if (input.callerNumber && result !== 'attached') {
      enqueue(tx, [
        {
          dedupeKey: `caller:${input.recordingSid}`,
          channel: 'sms',
          purpose: 'caller_confirmation',
          recipient: input.callerNumber,
          ticketId: ticket.id,
          body: callerConfirmationSms(deps.organisation.name, ticket),
          nextAttemptAt: now,
          createdAt: now,
        },
      ]);
    }
    return { result, ticket, voicemail };
  });
  if (outcome.result !== 'duplicate' && outcome.result !== 'too_short') deps.onOutbox();
  return outcome;
}

function recordingRow(input: IncomingRecording, now: Date) {
  return {
    recordingSid: input.recordingSid,
    callSid: input.callSid ?? null,
    kind: input.kind,
    source: input.source,
    callerNumber: input.callerNumber ?? null,
    recordingUrl: input.recordingUrl ?? null,
    durationSeconds: input.durationSeconds,
    createdAt: now,
  };
}

/** A new ticket, or the open one this voicemail belongs to; `cause` is the event that needs pages, if any. */
function ticketFor(
  tx: Tx,
  deps: TicketDeps,
  input: IncomingRecording,
  now: Date,
): { ticket: Ticket; result: 'created' | 'escalated' | 'attached'; cause?: number } {
  const target = input.ticketId ? repo.ticketById(tx, input.ticketId) : undefined;
  if (target) {
    // "3 — existing ticket": the escalation itself was recorded when the caller chose it; this is its message.
    return { ticket: target, result: 'attached' };
  }
  const emergency = input.kind === 'emergency';
  if (emergency) {
    const since = new Date(now.getTime() - deps.organisation.emergency.duplicateWindowMs);
    const open = repo.openEmergencySince(
      tx,
      { clientId: input.clientId, callerNumber: input.clientId ? undefined : input.callerNumber },
      since,
    );
    if (open) {
      const sla =
        open.priority === 'critical' ? {} : slaClock(deps.calendar, deps.organisation.sla, 'critical', open.createdAt);
      const ticket = repo.updateTicket(tx, open.id, { priority: 'critical', ...sla, updatedAt: now });
      const event = repo.addEvent(tx, open.id, now, 'escalated', {
        reason: 'another emergency call',
        callSid: input.callSid ?? null,
      });
      return { ticket, result: 'escalated', cause: event.id };
    }
  }
  const priority = emergency ? 'critical' : 'medium';
  const ticket = repo.insertTicket(tx, {
    clientId: input.clientId ?? null,
    contactId: input.contactId ?? null,
    callerNumber: input.callerNumber ?? null,
    unidentified: !input.clientId,
    emergency,
    priority,
    status: 'new',
    summary: emergency ? 'Emergency voicemail' : 'Voicemail',
    ...slaClock(deps.calendar, deps.organisation.sla, priority, now),
    createdAt: now,
    updatedAt: now,
  });
  const event = repo.addEvent(tx, ticket.id, now, 'created', {
    priority,
    emergency,
    unidentified: !input.clientId,
    callSid: input.callSid ?? null,
  });
  return { ticket, result: 'created', cause: emergency ? event.id : undefined };
}

function pageFor(
  tx: Tx,
  deps: TicketDeps,
  ticket: Ticket,
  reason: 'new' | 'escalated',
  cause: number,
  voicemail: Voicemail,
  now: Date,
): void {
  const client = ticket.clientId ? clientById(tx, ticket.clientId) : undefined;
  const contact = client?.contacts.find((c) => c.id === ticket.contactId);
  planPages(
    tx,
    deps.organisation,
    {
      ticket,
      reason,
      organisation: deps.organisation.name,
      clientName: client?.name,
      contactName: contact?.name,
      voicemailLink: voicemailLink(deps, voicemail.id, now),
      timeline: repo.eventsOf(tx, ticket.id),
    },
    cause,
    now,
    (staffId) => ackLink(deps.publicUrl, deps.linkSecret, ticket.id, staffId, now),
  );
}

/** "3 — existing ticket": raise to at least High and note it; an emergency ticket is paged again. */
export function escalateTicket(deps: TicketDeps, ticketId: number, callSid: string | undefined): Ticket {
  const now = deps.clock.now();
  const ticket = deps.db.transaction((tx) => {
    const current = repo.ticketById(tx, ticketId)!;
    const priority = atLeast(current.priority, 'high');
    const updated = repo.updateTicket(tx, ticketId, {
      priority,
      ...(priority !== current.priority
        ? slaClock(deps.calendar, deps.organisation.sla, priority, current.createdAt)
        : {}),
      updatedAt: now,
    });
    repo.addEvent(
      tx,
      ticketId,
      now,
      'escalated',
      { reason: 'caller pressed 3', from: current.priority, to: priority, callSid: callSid ?? null },
      'caller',
    );
    return updated;
  });
  return ticket;
}

/** Twilio's transcription of a recording, kept on the voicemail and (the first one) on the ticket. */
export function recordTranscription(deps: TicketDeps, recordingSid: string, text: string): Ticket | undefined {
  const now = deps.clock.now();
  const ticket = deps.db.transaction((tx) => {
    const voicemail = repo.voicemailBySid(tx, recordingSid);
    if (!voicemail || voicemail.transcription === text) return undefined;
    repo.updateVoicemail(tx, voicemail.id, { transcription: text });
    if (!voicemail.ticketId) return undefined;
    const ticket = repo.ticketById(tx, voicemail.ticketId)!;
    repo.addEvent(tx, ticket.id, now, 'transcription', { voicemailId: voicemail.id, text });
    if (ticket.emergency) followUpWithTranscription(tx, deps, ticket, voicemail.id, text, now);
    return ticket.transcription ? ticket : repo.updateTicket(tx, ticket.id, { transcription: text, updatedAt: now });
  });
  if (ticket?.emergency) deps.onOutbox();
  return ticket;
}

/** Everyone already paged about the ticket gets the words of the voicemail, once, by text and email. */
function followUpWithTranscription(
  tx: Tx,
  deps: TicketDeps,
  ticket: Ticket,
  voicemailId: number,
  text: string,
  now: Date,
): void {
  const words = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  const rows = pagedStaff(tx, ticket.id).flatMap((id) => {
    const person = deps.organisation.staff.find((s) => s.id === id);
    if (!person) return [];
    const base = {
      purpose: 'page' as const,
      staffId: id,
      ticketId: ticket.id,
      payload: { followUp: 'transcription' },
      nextAttemptAt: now,
      createdAt: now,
    };
    return [
      {
        ...base,
        dedupeKey: `transcript:${voicemailId}:${id}:sms`,
        channel: 'sms' as const,
        recipient: person.phone,
        body: `${ticketLabel(ticket.number)} voicemail says: "${words}"`,
      },
      {
        ...base,
        dedupeKey: `transcript:${voicemailId}:${id}:email`,
        channel: 'email' as const,
        recipient: person.email,
        subject: `[${deps.organisation.name}] ${ticketLabel(ticket.number)}: transcription`,
        body: `The voicemail on ${ticketLabel(ticket.number)} says:\n\n${text}`,
      },
    ];
  });
  enqueue(tx, rows);
}
