import type { Organisation, StaffMember } from '../config/index.js';
import { onCallAt } from '../oncall/index.js';
import { pagedStaff, stopEscalation } from '../paging/index.js';
import type { TicketDeps } from './deps.js';
import { notifyRequesterSafely } from './requester.js';
import { OPEN_STATUSES } from './schema.js';
import * as store from './store.js';
import type { Ticket } from './store.js';

export const ACK_CHANNELS = ['sms', 'link', 'slack', 'phone', 'api', 'dashboard'] as const;
export type AckChannel = (typeof ACK_CHANNELS)[number];

export type AckOutcome =
  | { result: 'acknowledged'; ticket: Ticket }
  | { result: 'already'; ticket: Ticket; by: string }
  | { result: 'not_found' };

export const nameOf = (org: Organisation, id: string | null | undefined) =>
  org.staff.find((s) => s.id === id)?.name ?? id ?? 'someone';

/**
 * The first acknowledgement wins: the ticket is theirs, escalation stops, and everyone else paged is
 * told who took it. Later ones learn it is already taken. The take is one conditional update, so two
 * at once (on two instances) cannot both win.
 */
export async function acknowledge(
  deps: TicketDeps,
  ticketNumber: number,
  staff: StaffMember,
  via: AckChannel,
): Promise<AckOutcome> {
  const now = deps.clock.now();
  const outcome = await deps.db.withTransaction(async (tx): Promise<AckOutcome> => {
    const ticket = await store.ticketByNumber(tx, ticketNumber);
    if (!ticket) return { result: 'not_found' };
    const taken = await store.takeTicket(tx, ticket.id, staff.id, now);
    if (!taken) {
      const current = (await store.ticketById(tx, ticket.id))!;
      return current.acknowledgedBy
        ? { result: 'already', ticket: current, by: nameOf(deps.organisation, current.acknowledgedBy) }
        : { result: 'not_found' };
    }
    const event = await store.addEvent(tx, ticket.id, now, 'acknowledged', { via }, staff.id);
    await notifyRequesterSafely(deps, tx, taken, { kind: 'acknowledged', by: staff.name }, event.id, now);
    await stopEscalation(tx, ticket.id, now);
    const others = (await pagedStaff(tx, ticket.id))
      .filter((id) => id !== staff.id)
      .flatMap((id) => deps.pager.staff(id) ?? []);
    const notice = { kind: 'taken' as const, ticket: { number: ticket.number }, by: staff.name, via };
    const about = { key: `taken:${ticket.id}`, ticketId: ticket.id };
    await deps.pager.tellStaff(tx, others, notice, about, ['sms']);
    await deps.pager.post(tx, notice, about);
    return { result: 'acknowledged', ticket: taken };
  });
  if (outcome.result === 'acknowledged') deps.onOutbox();
  return outcome;
}

/**
 * Whether a ticket is this person's to take without confirming: they were paged about it, are on call
 * now, or already have it.
 */
export async function isResponsibleFor(
  deps: Pick<TicketDeps, 'db' | 'clock' | 'organisation'>,
  ticket: Ticket,
  staff: StaffMember,
): Promise<boolean> {
  if (ticket.acknowledgedBy === staff.id) return true;
  if ((await pagedStaff(deps.db.q, ticket.id)).includes(staff.id)) return true;
  return (await onCallAt(deps.db.q, deps.organisation, deps.clock.now(), ticket.line)).staff.id === staff.id;
}

export const isOpen = (t: Ticket) => OPEN_STATUSES.includes(t.status);

/** A staff member by the phone a text or call came from, or by their Slack user. */
export const staffByPhone = (org: Organisation, phone: string | undefined) => org.staff.find((s) => s.phone === phone);
export const staffBySlack = (org: Organisation, slackId: string | undefined) =>
  org.staff.find((s) => s.slack && s.slack === slackId);
