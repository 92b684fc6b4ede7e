import { and, asc, eq, inArray, lte, or, sql, lt } from 'drizzle-orm';
import type { Organisation } from '../config/index.js';
import { nextOpening, type BusinessCalendar, type Clock } from '../calendar/index.js';
import type { Conn, Db } from '../db/index.js';
import { enqueue } from '../paging/outbox.js';
import { callbacks } from './schema.js';

export type Callback = typeof callbacks.$inferSelect;

export interface CallbackDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  calendar: BusinessCalendar;
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

/** Place in the queue: queued callbacks due no later than this one, this one included. */
function positionOf(db: Conn, cb: Callback): number {
  const ahead = db
    .select({ n: sql<number>`count(*)` })
    .from(callbacks)
    .where(and(eq(callbacks.status, 'queued'), or(lt(callbacks.dueAt, cb.dueAt), and(eq(callbacks.dueAt, cb.dueAt), lte(callbacks.id, cb.id)))))
    .get();
  return ahead?.n ?? 1;
}

/** Queues a callback for the next business opening (now, in business hours) and texts the caller their place. */
export function queueCallback(deps: CallbackDeps, request: CallbackRequest): { callback: Callback; position: number } {
  const now = deps.clock.now();
  const result = deps.db.transaction((tx) => {
    const existing = request.callSid ? tx.select().from(callbacks).where(eq(callbacks.callSid, request.callSid)).get() : undefined;
    if (existing) return { callback: existing, position: positionOf(tx, existing), fresh: false };
    const callback = tx
      .insert(callbacks)
      .values({
        clientId: request.clientId ?? null,
        contactId: request.contactId ?? null,
        phone: request.phone,
        reason: request.reason ?? null,
        status: 'queued',
        dueAt: nextOpening(deps.calendar, now) ?? now,
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

/** The queue: open callbacks by due time, then the finished ones. */
export function listCallbacks(db: Db): (Callback & { position?: number })[] {
  const open = db
    .select()
    .from(callbacks)
    .where(inArray(callbacks.status, ['queued', 'claimed', 'calling', 'no_answer']))
    .orderBy(asc(callbacks.dueAt), asc(callbacks.id))
    .all();
  let position = 0;
  return open.map((cb) => (cb.status === 'queued' ? { ...cb, position: ++position } : cb));
}
