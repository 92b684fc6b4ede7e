import { and, eq, isNotNull } from 'drizzle-orm';
import type { Organisation, StaffMember } from '../config/index.js';
import type { Clock } from '../calendar/index.js';
import type { Conn, Db } from '../db/index.js';
import { addEvent, ticketByNumber, updateTicket, type Ticket } from '../tickets/repository.js';
import { OPEN_STATUSES } from '../tickets/schema.js';
import { enqueue } from './outbox.js';
import { stopEscalation } from './escalation.js';
import { outbox } from './schema.js';
import { ticketLabel } from '../tickets/label.js';
import { notifyRequesterSafely } from '../tickets/notices.js';
import { onCallAt } from '../oncall/index.js';

export const ACK_CHANNELS = ['sms', 'link', 'slack', 'phone', 'api', 'dashboard'] as const;
export type AckChannel = (typeof ACK_CHANNELS)[number];

export interface AckDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  onOutbox: () => void;
}

export type AckOutcome =
  | { result: 'acknowledged'; ticket: Ticket }
  | { result: 'already'; ticket: Ticket; by: string }
  | { result: 'not_found' };

/** The staff ids paged about a ticket so far. */
export function pagedStaff(db: Conn, ticketId: number): string[] {
  const rows = db
    .selectDistinct({ staffId: outbox.staffId })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, 'page'), isNotNull(outbox.staffId)))
    .all();
  return rows.map((r) => r.staffId!);
}

const nameOf = (org: Organisation, id: string | null | undefined) =>
  org.staff.find((s) => s.id === id)?.name ?? id ?? 'someone';

/**
 * The first acknowledgement wins: the ticket is theirs, escalation stops, and everyone else paged is
 * told who took it. Later ones learn it is already taken. One transaction, so two at once cannot both win.
 */
export function acknowledge(deps: AckDeps, ticketNumber: number, staff: StaffMember, via: AckChannel): AckOutcome {
  const now = deps.clock.now();
  const outcome = deps.db.transaction((tx): AckOutcome => {
    const ticket = ticketByNumber(tx, ticketNumber);
    if (!ticket) return { result: 'not_found' };
    if (ticket.acknowledgedBy)
      return { result: 'already', ticket, by: nameOf(deps.organisation, ticket.acknowledgedBy) };
    if (!OPEN_STATUSES.includes(ticket.status)) return { result: 'not_found' };
    const updated = updateTicket(tx, ticket.id, {
      status: 'acknowledged',
      acknowledgedBy: staff.id,
      acknowledgedAt: now,
      updatedAt: now,
    });
    const event = addEvent(tx, ticket.id, now, 'acknowledged', { via }, staff.id);
    notifyRequesterSafely(tx, deps.organisation, updated, { kind: 'acknowledged', by: staff.name }, event.id, now);
    stopEscalation(tx, ticket.id, now);
    const others = pagedStaff(tx, ticket.id).filter((id) => id !== staff.id);
    const text = `${ticketLabel(ticket.number)} was taken by ${staff.name} (${via}). No action needed from you.`;
    enqueue(tx, [
      ...others.flatMap((id) => {
        const person = deps.organisation.staff.find((s) => s.id === id);
        return person
          ? [
              {
                dedupeKey: `taken:${ticket.id}:${id}`,
                channel: 'sms' as const,
                purpose: 'notice' as const,
                recipient: person.phone,
                staffId: id,
                ticketId: ticket.id,
                body: text,
                nextAttemptAt: now,
                createdAt: now,
              },
            ]
          : [];
      }),
      {
        dedupeKey: `taken:${ticket.id}:slack`,
        channel: 'slack',
        purpose: 'notice',
        recipient: 'channel',
        ticketId: ticket.id,
        body: `:white_check_mark: ${text}`,
        nextAttemptAt: now,
        createdAt: now,
      },
    ]);
    return { result: 'acknowledged', ticket: updated };
  });
  if (outcome.result === 'acknowledged') deps.onOutbox();
  return outcome;
}

/**
 * Whether a ticket is this person's to take without confirming: they were paged about it, are on call
 * now, or already have it.
 */
export function isResponsibleFor(deps: AckDeps, ticket: Ticket, staff: StaffMember): boolean {
  if (ticket.acknowledgedBy === staff.id) return true;
  if (pagedStaff(deps.db, ticket.id).includes(staff.id)) return true;
  return (
    onCallAt({ db: deps.db, clock: deps.clock, organisation: deps.organisation }, deps.clock.now()).staff.id ===
    staff.id
  );
}

/** A staff member by the phone a text or call came from. */
export const staffByPhone = (org: Organisation, phone: string | undefined) => org.staff.find((s) => s.phone === phone);
export const staffBySlack = (org: Organisation, slackId: string | undefined) =>
  org.staff.find((s) => s.slack && s.slack === slackId);
