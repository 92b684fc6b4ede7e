import type { Q } from '../db/index.js';
import { signLink } from '../http/signed-links.js';
import { ackLink } from './links.js';
import type { TicketDeps } from './deps.js';
import { factsOf } from './facts.js';
import { notifyRequesterSafely } from './requester.js';
import * as store from './store.js';
import type { Ticket, Voicemail } from './store.js';
import type { VoicemailKind } from './schema.js';
import { VOICEMAIL_SOURCES } from './schema.js';
import { slaClock, slaTargetsFor } from './sla.js';
import { pagedStaff } from '../paging/index.js';

export interface IncomingRecording {
  recordingSid: string;
  callSid?: string;
  kind: VoicemailKind;
  durationSeconds: number;
  recordingUrl?: string;
  callerNumber?: string;
  clientId?: number | null;
  contactId?: number | null;
  /** The service line the caller chose (or the only one their contract covers). */
  line?: string | null;
  /** An after-hours emergency beyond the contract: the caller was told it is billable, or consented at `consentAt`. */
  afterHoursTerms?: 'billable' | 'consented' | null;
  consentAt?: Date | null;
  /** The ticket a "3 — existing ticket" caller is escalating. */
  ticketId?: number;
  /** The ticket opened for this call when it tried to reach the on-call engineer live (live connect). */
  liveTicketId?: number | null;
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
 * A recording Twilio reports, by whichever webhook or job sees it first, on whichever instance. Keyed
 * on RecordingSid: its row is claimed (or found, and locked) first, so a repeat changes nothing. A
 * ticket, its timeline, its pages and the caller's confirmation are one transaction, so a voicemail
 * is never a ticket without its pages, nor pages without a ticket.
 */
export async function recordVoicemail(deps: TicketDeps, input: IncomingRecording): Promise<VoicemailOutcome> {
  const now = deps.clock.now();
  const outcome = await deps.db.withTransaction(async (tx): Promise<VoicemailOutcome> => {
    const tooShort = input.durationSeconds < MIN_SECONDS && input.canAskAgain;
    const fresh = (await store.voicemailBySid(tx, input.recordingSid))
      ? undefined
      : await store.claimRecording(tx, { ...recordingRow(input, now), disposition: tooShort ? 'too_short' : 'ticket' });
    const existing = fresh ? undefined : await store.voicemailBySid(tx, input.recordingSid);
    if (existing && (existing.disposition === 'ticket' || tooShort)) {
      return {
        result: 'duplicate',
        voicemail: existing,
        ticket: existing.ticketId ? await store.ticketById(tx, existing.ticketId) : undefined,
      };
    }
    if (tooShort) return { result: 'too_short', voicemail: fresh! };
    const { ticket, result, cause } = await ticketFor(tx, deps, input, now);
    const voicemail = await store.updateVoicemail(tx, (fresh ?? existing)!.id, {
      disposition: 'ticket',
      ticketId: ticket.id,
      durationSeconds: input.durationSeconds,
    });
    const heard = await store.addEvent(tx, ticket.id, now, 'voicemail', {
      voicemailId: voicemail.id,
      seconds: input.durationSeconds,
      kind: input.kind,
      source: input.source,
    });
    // A caller escalating an open emergency by key 3 leaves a new message: page again with its link.
    const pageCause = cause ?? (result === 'attached' && ticket.emergency ? heard.id : undefined);
    if (pageCause !== undefined)
      await pageFor(tx, deps, ticket, result === 'created' ? 'new' : 'escalated', pageCause, voicemail, now);
    // The requester hears of a new ticket by email; the caller's text below is their confirmation.
    if (result === 'created')
      await notifyRequesterSafely(deps, tx, ticket, { kind: 'opened' }, heard.id, now, {
        skipSms: Boolean(input.callerNumber),
      });
    if (input.callerNumber && result !== 'attached') {
      const notice = {
        kind: 'caller_confirmation' as const,
        ticket: { number: ticket.number, emergency: ticket.emergency },
      };
      await deps.pager.tellCustomer(tx, { phone: input.callerNumber }, notice, {
        key: `caller:${input.recordingSid}`,
        ticketId: ticket.id,
      });
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
async function ticketFor(
  tx: Q,
  deps: TicketDeps,
  input: IncomingRecording,
  now: Date,
): Promise<{ ticket: Ticket; result: 'created' | 'escalated' | 'attached'; cause?: number }> {
  const target = input.ticketId ? await store.ticketByIdForUpdate(tx, input.ticketId) : undefined;
  // "3 — existing ticket": the escalation itself was recorded when the caller chose it; this is its message.
  if (target) return { ticket: target, result: 'attached' };
  const emergency = input.kind === 'emergency';
  // Live connect was not accepted: the ticket this call opened then, never paged, is paged now as new.
  // Paged already (the caller hung up and the service paged without a message; the recording came
  // after): the voicemail is added and paged again, with its link, as for a caller's second message.
  const live = emergency && input.liveTicketId ? await openedByCall(tx, input.liveTicketId, input.callSid) : undefined;
  if (live)
    return (await pagedStaff(tx, live.ticket.id)).length
      ? { ticket: live.ticket, result: 'attached' }
      : { ...live, result: 'created' };
  if (emergency) {
    const since = new Date(now.getTime() - deps.organisation.emergency.duplicateWindowMs);
    const open = await store.openEmergencySince(
      tx,
      { clientId: input.clientId, callerNumber: input.clientId ? undefined : input.callerNumber },
      since,
    );
    if (open) {
      const sla =
        open.priority === 'critical'
          ? {}
          : slaClock(
              deps.calendar,
              await slaTargetsFor(tx, deps.organisation, open.clientId),
              'critical',
              open.createdAt,
            );
      const ticket = await store.updateTicket(tx, open.id, { priority: 'critical', ...sla, updatedAt: now });
      const event = await store.addEvent(tx, open.id, now, 'escalated', {
        reason: 'another emergency call',
        callSid: input.callSid ?? null,
      });
      return { ticket, result: 'escalated', cause: event.id };
    }
  }
  return { ...(await newTicket(tx, deps, input, now)), result: 'created' };
}

/** The ticket `ticketId` when this call opened it (its creation names the call), with that event. */
export async function openedByCall(
  tx: Q,
  ticketId: number,
  callSid: string | undefined,
): Promise<{ ticket: Ticket; cause: number } | undefined> {
  const ticket = callSid ? await store.ticketByIdForUpdate(tx, ticketId) : undefined;
  if (!ticket || ticket.acknowledgedBy) return undefined;
  const created = (await store.eventsOf(tx, ticket.id)).find(
    (e) => e.type === 'created' && e.detail?.callSid === callSid,
  );
  return created ? { ticket, cause: created.id } : undefined;
}

/** A new ticket for a call and its 'created' event (the cause of an emergency's pages). */
export async function newTicket(
  tx: Q,
  deps: TicketDeps,
  input: Omit<IncomingRecording, 'recordingSid' | 'durationSeconds' | 'source' | 'canAskAgain'>,
  now: Date,
  extra: { summary?: string; detail?: Record<string, unknown> } = {},
): Promise<{ ticket: Ticket; cause?: number }> {
  const emergency = input.kind === 'emergency';
  const priority = emergency ? 'critical' : 'medium';
  const ticket = await store.insertTicket(tx, {
    clientId: input.clientId ?? null,
    contactId: input.contactId ?? null,
    callerNumber: input.callerNumber ?? null,
    unidentified: !input.clientId,
    emergency,
    priority,
    status: 'new',
    summary: extra.summary ?? (emergency ? 'Emergency voicemail' : 'Voicemail'),
    line: input.line ?? null,
    billable: emergency && Boolean(input.afterHoursTerms),
    ...slaClock(deps.calendar, await slaTargetsFor(tx, deps.organisation, input.clientId), priority, now),
    createdAt: now,
    updatedAt: now,
  });
  const event = await store.addEvent(tx, ticket.id, now, 'created', {
    priority,
    emergency,
    unidentified: !input.clientId,
    callSid: input.callSid ?? null,
    ...extra.detail,
    ...(emergency && input.afterHoursTerms
      ? {
          afterHours: {
            terms: input.afterHoursTerms,
            consentAt: input.consentAt?.toISOString() ?? null,
            number: input.callerNumber ?? null,
          },
        }
      : {}),
  });
  return { ticket, cause: emergency ? event.id : undefined };
}

export async function pageFor(
  tx: Q,
  deps: TicketDeps,
  ticket: Ticket,
  reason: 'new' | 'escalated',
  cause: number,
  voicemail: Voicemail | undefined,
  now: Date,
): Promise<void> {
  const timeline = await store.eventsOf(tx, ticket.id);
  await deps.pager.pageEmergency(tx, {
    ticketId: ticket.id,
    line: ticket.line,
    cause,
    now,
    notice: {
      kind: 'emergency',
      reason,
      ticket: await factsOf(tx, ticket),
      voicemailLink: voicemail ? voicemailLink(deps, voicemail.id, now) : undefined,
      timeline: timeline.map((e) => ({ at: e.at, type: e.type, actor: e.actor })),
    },
    ackLinkFor: (staffId) => ackLink(deps.publicUrl, deps.linkSecret, ticket.id, staffId, now),
  });
}
