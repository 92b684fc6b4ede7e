import type { TicketDeps } from './deps.js';
import * as store from './store.js';
import type { Ticket } from './store.js';
import { atLeast, slaClock, slaTargetsFor } from './sla.js';
import { pagedStaff } from '../paging/index.js';

/** What reaches an existing ticket by phone: a caller escalating it, and the words of its voicemail. */

/** "3 — existing ticket": raise to at least High and note it; an emergency ticket is paged again. */
export async function escalateTicket(deps: TicketDeps, ticketId: number, callSid: string | undefined): Promise<Ticket> {
  const now = deps.clock.now();
  return deps.db.withTransaction(async (tx) => {
    const current = (await store.ticketByIdForUpdate(tx, ticketId))!;
    const priority = atLeast(current.priority, 'high');
    const updated = await store.updateTicket(tx, ticketId, {
      priority,
      ...(priority !== current.priority
        ? slaClock(
            deps.calendar,
            await slaTargetsFor(tx, deps.organisation, current.clientId),
            priority,
            current.createdAt,
          )
        : {}),
      updatedAt: now,
    });
    await store.addEvent(
      tx,
      ticketId,
      now,
      'escalated',
      { reason: 'caller pressed 3', from: current.priority, to: priority, callSid: callSid ?? null },
      'caller',
    );
    return updated;
  });
}

/** Twilio's transcription of a recording, kept on the voicemail and (the first one) on the ticket. */
export async function recordTranscription(
  deps: TicketDeps,
  recordingSid: string,
  text: string,
): Promise<Ticket | undefined> {
  const now = deps.clock.now();
  const ticket = await deps.db.withTransaction(async (tx) => {
    const voicemail = await store.voicemailBySid(tx, recordingSid);
    // The first transcription to arrive is kept (Twilio's, or a speech service's): told once, never replaced.
    if (!voicemail || voicemail.transcription !== null) return undefined;
    await store.updateVoicemail(tx, voicemail.id, { transcription: text });
    if (!voicemail.ticketId) return undefined;
    const ticket = (await store.ticketByIdForUpdate(tx, voicemail.ticketId))!;
    await store.addEvent(tx, ticket.id, now, 'transcription', { voicemailId: voicemail.id, text });
    if (ticket.emergency) {
      // Everyone already paged about the ticket gets the words of the voicemail, once, by text and email.
      const people = (await pagedStaff(tx, ticket.id)).flatMap((id) => deps.pager.staff(id) ?? []);
      const notice = { kind: 'transcription' as const, ticket: { number: ticket.number }, text };
      await deps.pager.tellStaff(tx, people, notice, { key: `transcript:${voicemail.id}`, ticketId: ticket.id });
    }
    return ticket.transcription ? ticket : store.updateTicket(tx, ticket.id, { transcription: text, updatedAt: now });
  });
  if (ticket?.emergency) deps.onOutbox();
  return ticket;
}
