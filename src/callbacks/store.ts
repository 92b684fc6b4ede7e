import { and, asc, count, eq, inArray, lt, lte, or } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { clients, clientContacts } from '../clients/schema.js';
import { tickets } from '../tickets/schema.js';
import { callbackAttempts, callbacks, type CallbackStatus } from './schema.js';

export type Callback = typeof callbacks.$inferSelect;
export type NewCallback = Omit<typeof callbacks.$inferInsert, 'id'>;
export type Attempt = Omit<typeof callbackAttempts.$inferInsert, 'id'>;

export const OPEN_CALLBACK_STATUSES = ['queued', 'claimed', 'calling', 'no_answer'] as const;

const one = async <T>(rows: Promise<T[]>) => (await rows)[0];

export const callbackById = (q: ReadQ, id: number) => one(q.select().from(callbacks).where(eq(callbacks.id, id)));
export const callbackOfCall = (q: ReadQ, callSid: string) =>
  one(q.select().from(callbacks).where(eq(callbacks.callSid, callSid)));

/** Inserts a callback; one asked for by a call (keyed on its CallSid) is written once however often the webhook comes. */
export async function insertCallback(tx: Q, input: NewCallback): Promise<Callback | undefined> {
  const [row] = await tx.insert(callbacks).values(input).onConflictDoNothing({ target: callbacks.callSid }).returning();
  return row;
}

/** Place in the queue: queued callbacks due no later than this one, this one included. */
export async function positionOf(q: ReadQ, cb: Callback): Promise<number> {
  const [ahead] = await q
    .select({ n: count() })
    .from(callbacks)
    .where(
      and(
        eq(callbacks.status, 'queued'),
        or(lt(callbacks.dueAt, cb.dueAt), and(eq(callbacks.dueAt, cb.dueAt), lte(callbacks.id, cb.id))),
      ),
    );
  return ahead?.n ?? 1;
}

/** Moves a callback on, only from one of the given statuses (and, if named, only for its claimer): one winner. */
export async function moveCallback(
  tx: Q,
  id: number,
  from: readonly CallbackStatus[],
  changes: Partial<NewCallback>,
  claimedBy?: string,
): Promise<Callback | undefined> {
  const [row] = await tx
    .update(callbacks)
    .set(changes)
    .where(
      and(
        eq(callbacks.id, id),
        inArray(callbacks.status, [...from]),
        ...(claimedBy ? [eq(callbacks.claimedBy, claimedBy)] : []),
      ),
    )
    .returning();
  return row;
}

export async function addAttempt(tx: Q, attempt: Attempt): Promise<void> {
  await tx.insert(callbackAttempts).values(attempt);
}

/** Open callbacks with who they are for, due first. */
export function openQueue(q: ReadQ, limit: number) {
  return q
    .select({ cb: callbacks, client: clients.name, contact: clientContacts.name, ticketNumber: tickets.number })
    .from(callbacks)
    .leftJoin(clients, eq(clients.id, callbacks.clientId))
    .leftJoin(clientContacts, eq(clientContacts.id, callbacks.contactId))
    .leftJoin(tickets, eq(tickets.id, callbacks.ticketId))
    .where(inArray(callbacks.status, [...OPEN_CALLBACK_STATUSES]))
    .orderBy(asc(callbacks.dueAt), asc(callbacks.id))
    .limit(limit);
}

export function attemptsOf(q: ReadQ, callbackIds: number[]) {
  if (callbackIds.length === 0) return Promise.resolve([]);
  return q
    .select()
    .from(callbackAttempts)
    .where(inArray(callbackAttempts.callbackId, callbackIds))
    .orderBy(asc(callbackAttempts.at), asc(callbackAttempts.id));
}

export async function openCallbackCount(q: ReadQ): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(callbacks)
    .where(inArray(callbacks.status, [...OPEN_CALLBACK_STATUSES]));
  return row?.n ?? 0;
}

export function overdueCallbacks(q: ReadQ, now: Date): Promise<Callback[]> {
  return q
    .select()
    .from(callbacks)
    .where(and(inArray(callbacks.status, [...OPEN_CALLBACK_STATUSES]), lt(callbacks.dueAt, now)))
    .orderBy(asc(callbacks.dueAt));
}
