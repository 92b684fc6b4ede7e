import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Conn, Db } from '../db/index.js';
import type { RatePeriod } from '../calendar/index.js';
import { calls, type CallOutcome } from './schema.js';

export type CallRow = typeof calls.$inferSelect;

// Every incoming call writes one row: a statement prepared once per connection, run without the
// query builder's per-call mapping (the row's columns are plain values).
const startCalls = new WeakMap<Db, import('better-sqlite3').Statement>();

export interface NewCall {
  callSid: string;
  fromNumber: string | null;
  toNumber: string | null;
  clientId: number | null;
  contactId: number | null;
  ratePeriod: RatePeriod;
  startedAt: Date;
}

function insertStatement(db: Db) {
  let statement = startCalls.get(db);
  if (!statement) {
    statement = db.$client.prepare(
      `insert into calls (call_sid, from_number, to_number, client_id, contact_id, rate_period, path, outcome, emergency, started_at)
       values (@callSid, @fromNumber, @toNumber, @clientId, @contactId, @ratePeriod, '', 'in_progress', 0, @startedAt)
       on conflict (call_sid) do nothing`,
    );
    startCalls.set(db, statement);
  }
  return statement;
}

const row = (call: NewCall) => ({ ...call, startedAt: call.startedAt.getTime() });

/** The call's row, created on its first webhook; Twilio retrying that webhook finds it already there. */
export function startCall(db: Db, call: NewCall): void {
  insertStatement(db).run(row(call));
}

const pending = new WeakMap<Db, { call: NewCall; done: (err?: unknown) => void }[]>();

/**
 * Group commit for incoming calls: the rows of calls that arrive in the same event-loop turn are written
 * in one transaction at its end, and each caller is answered only after that commit. Every answered call
 * is on disk; a burst costs one commit instead of one per call (the commit was most of a call's cost).
 */
export function recordIncomingCall(db: Db, call: NewCall): Promise<void> {
  return new Promise((resolve, reject) => {
    let queue = pending.get(db);
    if (!queue) {
      const batch: { call: NewCall; done: (err?: unknown) => void }[] = [];
      pending.set(db, (queue = batch));
      setImmediate(() => {
        pending.delete(db);
        try {
          const statement = insertStatement(db);
          db.$client.transaction(() => {
            for (const w of batch) statement.run(row(w.call));
          })();
          for (const w of batch) w.done();
        } catch (err) {
          for (const w of batch) w.done(err);
        }
      });
    }
    queue.push({ call, done: (err) => (err ? reject(err) : resolve()) });
  });
}

export const callBySid = (db: Conn, callSid: string) => db.select().from(calls).where(eq(calls.callSid, callSid)).get();

/** Adds a step to the call's menu path ("5", "voicemail"...). */
export function noteStep(
  db: Conn,
  callSid: string,
  step: string,
  changes: Partial<typeof calls.$inferInsert> = {},
): void {
  db.update(calls)
    .set({ ...changes, path: sql`case when ${calls.path} = '' then ${step} else ${calls.path} || ',' || ${step} end` })
    .where(eq(calls.callSid, callSid))
    .run();
}

export function updateCall(db: Conn, callSid: string, changes: Partial<typeof calls.$inferInsert>): void {
  db.update(calls).set(changes).where(eq(calls.callSid, callSid)).run();
}

/** A call still "in progress" has ended: abandoned, and an abandoned emergency if the caller had pressed 5. */
export function closeUnfinished(db: Conn, callSid: string, endedAt: Date): void {
  db.update(calls)
    .set({ outcome: sql`case when ${calls.emergency} then 'abandoned_emergency' else 'abandoned' end`, endedAt })
    .where(and(eq(calls.callSid, callSid), eq(calls.outcome, 'in_progress')))
    .run();
  db.update(calls)
    .set({ endedAt })
    .where(and(eq(calls.callSid, callSid), sql`${calls.endedAt} is null`))
    .run();
}

/** Calls left "in progress" since before `cutoff` (their end was never reported) are closed as abandoned. */
export function closeStaleCalls(db: Conn, cutoff: Date, now: Date): number {
  return db
    .update(calls)
    .set({ outcome: sql`case when ${calls.emergency} then 'abandoned_emergency' else 'abandoned' end`, endedAt: now })
    .where(and(eq(calls.outcome, 'in_progress'), lt(calls.startedAt, cutoff)))
    .run().changes;
}

export function setOutcome(db: Conn, callSid: string, outcome: CallOutcome, ticketId?: number): void {
  db.update(calls)
    .set({ outcome, ...(ticketId ? { ticketId } : {}) })
    .where(eq(calls.callSid, callSid))
    .run();
}

/** The calls about a ticket (the caller's, and calls back to them), oldest first. */
export function callsOfTicket(db: Conn, ticketId: number): CallRow[] {
  return db.select().from(calls).where(eq(calls.ticketId, ticketId)).orderBy(asc(calls.startedAt)).all();
}
