import { z } from 'zod';
import { drawFromPackage } from '../clients/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { stopEscalation } from '../paging/index.js';
import type { TicketDeps } from './deps.js';
import { notifyRequester } from './requester.js';
import * as store from './store.js';
import { OPEN_STATUSES, PRIORITIES, type Priority } from './schema.js';
import { slaClock, slaTargetsFor } from './sla.js';
import { ticketLabel } from '../paging/index.js';

/** Who made a change: a staff id (or a dashboard account's email) and the name people see. */
export interface Actor {
  id: string;
  name: string;
}

export const priorityChangeSchema = z.object({
  priority: z.enum(PRIORITIES, { message: `must be one of ${PRIORITIES.join(', ')}` }),
});

/** A new priority moves the deadline (from when the ticket was opened) and the requester is told. */
export async function changePriority(
  deps: TicketDeps,
  number: number,
  priority: Priority,
  actor: Actor,
): Promise<Outcome<store.Ticket>> {
  const now = deps.clock.now();
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<store.Ticket>> => {
    const ticket = await store.ticketByNumberForUpdate(tx, number);
    if (!ticket) return fail('not_found', 'ticket_not_found', `No ticket ${ticketLabel(number)}`);
    if (ticket.priority === priority) return ok(ticket);
    if (!OPEN_STATUSES.includes(ticket.status))
      return fail('conflict', 'ticket_closed', `${ticketLabel(number)} is ${ticket.status}; reopen it first`);
    const clock = slaClock(
      deps.calendar,
      await slaTargetsFor(tx, deps.organisation, ticket.clientId),
      priority,
      ticket.createdAt,
    );
    // A new deadline gets its own warning and breach, unless it has already passed them.
    const updated = await store.updateTicket(tx, ticket.id, {
      priority,
      ...clock,
      slaWarnedAt: clock.slaWarnAt <= now ? ticket.slaWarnedAt : null,
      slaBreachedAt: clock.slaDueAt <= now ? ticket.slaBreachedAt : null,
      updatedAt: now,
    });
    const event = await store.addEvent(
      tx,
      ticket.id,
      now,
      'priority_changed',
      { from: ticket.priority, to: priority, slaDueAt: clock.slaDueAt.toISOString() },
      actor.id,
    );
    await notifyRequester(deps, tx, updated, { kind: 'priority', from: ticket.priority, to: priority }, event.id, now);
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}

export const STATUS_ACTIONS = ['in_progress', 'waiting_on_customer', 'resolved', 'reopen'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

export const statusChangeSchema = z
  .object({
    status: z.enum(STATUS_ACTIONS, { message: `must be one of ${STATUS_ACTIONS.join(', ')}` }),
    /** What the requester is asked (returning a ticket to them needs it) or told on resolution. */
    message: z.string().trim().max(2000).optional(),
  })
  .refine((c) => c.status !== 'waiting_on_customer' || (c.message && c.message.length > 0), {
    path: ['message'],
    message: 'say what you need from the requester',
  });

/**
 * Moves a ticket along: working on it, returned to the requester for more information, resolved, or
 * reopened. The requester hears of a return and a resolution; resolving draws from a tickets package.
 */
export async function changeStatus(
  deps: TicketDeps,
  number: number,
  change: z.infer<typeof statusChangeSchema>,
  actor: Actor,
): Promise<Outcome<store.Ticket>> {
  const now = deps.clock.now();
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<store.Ticket>> => {
    const ticket = await store.ticketByNumberForUpdate(tx, number);
    if (!ticket) return fail('not_found', 'ticket_not_found', `No ticket ${ticketLabel(number)}`);
    const open = OPEN_STATUSES.includes(ticket.status);
    if (change.status === 'reopen') {
      if (open) return fail('conflict', 'ticket_open', `${ticketLabel(number)} is already open`);
    } else if (!open)
      return fail('conflict', 'ticket_closed', `${ticketLabel(number)} is ${ticket.status}; reopen it first`);
    const status = change.status === 'reopen' ? 'in_progress' : change.status;
    if (status === ticket.status) return ok(ticket);
    const updated = await store.updateTicket(tx, ticket.id, {
      status,
      resolvedAt: status === 'resolved' ? now : null,
      // Whoever starts work on an unacknowledged ticket takes it, as an acknowledgement would.
      ...(status === 'in_progress' && !ticket.acknowledgedBy ? { acknowledgedBy: actor.id, acknowledgedAt: now } : {}),
      updatedAt: now,
    });
    const event = await store.addEvent(
      tx,
      ticket.id,
      now,
      'status_changed',
      { from: ticket.status, to: status, ...(change.message ? { message: change.message } : {}) },
      actor.id,
    );
    await stopEscalation(tx, ticket.id, now);
    if (status === 'waiting_on_customer')
      await notifyRequester(deps, tx, updated, { kind: 'returned', message: change.message ?? '' }, event.id, now);
    if (status === 'resolved') {
      await notifyRequester(deps, tx, updated, { kind: 'resolved', note: change.message }, event.id, now);
      const drawn = await drawFromPackage(tx, ticket.clientId, 'tickets', `ticket:${ticket.id}`, 1, now);
      if (drawn)
        await store.addEvent(tx, ticket.id, now, 'note', {
          text: `billed to prepaid package (${drawn.remaining} tickets left)`,
          packageId: drawn.id,
        });
    }
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}

export const workLogSchema = z.object({
  minutes: z
    .number()
    .int('must be whole minutes')
    .min(1, 'must be at least 1')
    .max(24 * 60, 'must be at most 24 hours'),
  /** When the work began; by default it ended now. */
  startedAt: z.iso.datetime({ offset: true, message: 'must be a date and time like 2026-11-24T15:00:00Z' }).optional(),
  note: z.string().trim().max(2000).optional(),
});

/** Time staff spent on a ticket: billable (split by rate period) and drawn from an hours package. */
export async function logWork(
  deps: TicketDeps,
  number: number,
  input: z.infer<typeof workLogSchema>,
  actor: Actor,
): Promise<Outcome<store.WorkLog>> {
  const now = deps.clock.now();
  return deps.db.withTransaction(async (tx): Promise<Outcome<store.WorkLog>> => {
    const ticket = await store.ticketByNumber(tx, number);
    if (!ticket) return fail('not_found', 'ticket_not_found', `No ticket ${ticketLabel(number)}`);
    const startedAt = input.startedAt ? new Date(input.startedAt) : new Date(now.getTime() - input.minutes * 60_000);
    const endedAt = new Date(startedAt.getTime() + input.minutes * 60_000);
    if (endedAt.getTime() > now.getTime() + 60_000) {
      return fail('invalid', 'invalid_input', 'Work cannot end in the future', {
        startedAt: 'the work would end in the future',
      });
    }
    const log = await store.insertWorkLog(tx, {
      ticketId: ticket.id,
      staff: actor.id,
      startedAt,
      endedAt,
      note: input.note ?? null,
      createdAt: now,
    });
    await store.addEvent(
      tx,
      ticket.id,
      now,
      'work_logged',
      { minutes: input.minutes, startedAt: startedAt.toISOString(), note: input.note ?? null, by: actor.name },
      actor.id,
    );
    const drawn = await drawFromPackage(tx, ticket.clientId, 'hours', `work:${log.id}`, input.minutes, now);
    if (drawn)
      await store.addEvent(tx, ticket.id, now, 'note', {
        text: `${input.minutes} min billed to prepaid hours`,
        packageId: drawn.id,
      });
    return ok(log);
  });
}

/** A line on a ticket's timeline (how a call back to the customer went, say). */
export async function noteOnTicket(deps: TicketDeps, ticketId: number, detail: Record<string, unknown>): Promise<void> {
  await deps.db.withTransaction(async (tx) => {
    if (await store.ticketById(tx, ticketId)) await store.addEvent(tx, ticketId, deps.clock.now(), 'note', detail);
  });
}
