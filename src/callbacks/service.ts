import { and, asc, eq, inArray, lte, or, sql, lt } from 'drizzle-orm';
import type { Organisation } from '../config/index.js';
import { nextOpening, type BusinessCalendar, type Clock } from '../calendar/index.js';
import type { Conn, Db } from '../db/index.js';
import { enqueue } from '../paging/outbox.js';
import { clients, clientContacts } from '../clients/schema.js';
import { tickets } from '../tickets/schema.js';
import { callbackAttempts, callbacks } from './schema.js';

export type Callback = typeof callbacks.$inferSelect;

export interface CallbackDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  /** Business hours, for rate periods. */
  calendar: BusinessCalendar;
  /** When the office returns calls: the organisation's callback windows, or its business hours. */
  callbackCalendar: BusinessCalendar;
  publicUrl: string;
  onOutbox: () => void;
}

export interface CallbackRequest {
  clientId?: number | null;
  contactId?: number | null;
  phone: string;
  reason?: string;
  /** The call that asked for it; a repeated webhook from the same call queues nothing new. */
  callSid?: string;
}

/** When a callback that is not urgent falls due: now inside a callback window, else when the next one opens. */
export const dueFrom = (deps: Pick<CallbackDeps, 'callbackCalendar'>, at: Date): Date =>
  nextOpening(deps.callbackCalendar, at) ?? at;

/** Place in the queue: queued callbacks due no later than this one, this one included. */
function positionOf(db: Conn, cb: Callback): number {
  const ahead = db
    .select({ n: sql<number>`count(*)` })
    .from(callbacks)
    .where(
      and(
        eq(callbacks.status, 'queued'),
        or(lt(callbacks.dueAt, cb.dueAt), and(eq(callbacks.dueAt, cb.dueAt), lte(callbacks.id, cb.id))),
      ),
    )
    .get();
  return ahead?.n ?? 1;
}

/** Queues a callback for the next callback window (now, inside one) and texts the caller their place. */
export function queueCallback(deps: CallbackDeps, request: CallbackRequest): { callback: Callback; position: number } {
  const now = deps.clock.now();
  const result = deps.db.transaction((tx) => {
    const existing = request.callSid
      ? tx.select().from(callbacks).where(eq(callbacks.callSid, request.callSid)).get()
      : undefined;
    if (existing) return { callback: existing, position: positionOf(tx, existing), fresh: false };
    const callback = tx
      .insert(callbacks)
      .values({
        clientId: request.clientId ?? null,
        contactId: request.contactId ?? null,
        phone: request.phone,
        reason: request.reason ?? null,
        status: 'queued',
        dueAt: dueFrom(deps, now),
        callSid: request.callSid ?? null,
        createdAt: now,
      })
      .returning()
      .get();
    const position = positionOf(tx, callback);
    enqueue(tx, [
      {
        dedupeKey: `callback:${callback.id}`,
        channel: 'sms',
        purpose: 'callback_confirmation',
        recipient: request.phone,
        body: `${deps.organisation.name}: your callback is booked. You are number ${position} in the queue; we will call you on this number.`,
        nextAttemptAt: now,
        createdAt: now,
      },
    ]);
    return { callback, position, fresh: true };
  });
  if (result.fresh) deps.onOutbox();
  return { callback: result.callback, position: result.position };
}

export const OPEN_CALLBACK_STATUSES = ['queued', 'claimed', 'calling', 'no_answer'] as const;

export interface QueueEntry extends Callback {
  /** Place among the queued ones, by due time. */
  position?: number;
  /** Past its due time and not finished. */
  overdue: boolean;
  client: string | null;
  contact: string | null;
  /** The linked ticket's number, when there is one. */
  ticketNumber: number | null;
  attempts: { at: Date; staff: string; outcome: string; note: string | null }[];
}

/** The queue: open callbacks by due time, with who they are for and whether they are overdue. */
export function listCallbacks(db: Db, now: Date, limit = 1000): QueueEntry[] {
  const open = db
    .select({ cb: callbacks, client: clients.name, contact: clientContacts.name, ticketNumber: tickets.number })
    .from(callbacks)
    .leftJoin(clients, eq(clients.id, callbacks.clientId))
    .leftJoin(clientContacts, eq(clientContacts.id, callbacks.contactId))
    .leftJoin(tickets, eq(tickets.id, callbacks.ticketId))
    .where(inArray(callbacks.status, [...OPEN_CALLBACK_STATUSES]))
    .orderBy(asc(callbacks.dueAt), asc(callbacks.id))
    .limit(limit)
    .all();
  const attempts = new Map<number, QueueEntry['attempts']>();
  if (open.length) {
    const rows = db
      .select()
      .from(callbackAttempts)
      .where(
        inArray(
          callbackAttempts.callbackId,
          open.filter((o) => o.cb.failedAttempts > 0 || o.cb.status !== 'queued').map((o) => o.cb.id),
        ),
      )
      .orderBy(asc(callbackAttempts.at), asc(callbackAttempts.id))
      .all();
    for (const a of rows) {
      const list = attempts.get(a.callbackId) ?? [];
      list.push({ at: a.at, staff: a.staff, outcome: a.outcome, note: a.note });
      attempts.set(a.callbackId, list);
    }
  }
  let position = 0;
  return open.map(({ cb, client, contact, ticketNumber }) => ({
    ...cb,
    ...(cb.status === 'queued' ? { position: ++position } : {}),
    overdue: cb.dueAt.getTime() < now.getTime(),
    client,
    contact,
    ticketNumber,
    attempts: attempts.get(cb.id) ?? [],
  }));
}

export const callbackById = (db: Conn, id: number) => db.select().from(callbacks).where(eq(callbacks.id, id)).get();

export function openCallbackCount(db: Db): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(callbacks)
      .where(inArray(callbacks.status, [...OPEN_CALLBACK_STATUSES]))
      .get()?.n ?? 0
  );
}
