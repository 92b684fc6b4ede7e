import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Database, Q, SqliteDatabase, ReadQ } from '../db/index.js';
import type { RatePeriod } from '../calendar/index.js';
import { calls, type CallOutcome } from './schema.js';

export type CallRow = typeof calls.$inferSelect;

export interface NewCall {
  callSid: string;
  fromNumber: string | null;
  toNumber: string | null;
  clientId: number | null;
  contactId: number | null;
  ratePeriod: RatePeriod;
  startedAt: Date;
}

const newCallRow = (call: NewCall) => ({ ...call, path: '', outcome: 'in_progress' as const, emergency: false });

/** The call's row, created on its first webhook; Twilio retrying that webhook (to any instance) finds it already there. */
export async function startCall(tx: Q, call: NewCall): Promise<void> {
  await tx.insert(calls).values(newCallRow(call)).onConflictDoNothing({ target: calls.callSid });
}

// On SQLite every incoming call writes its row through one statement prepared per connection, in a
// group commit: the rows of calls that arrive in the same event-loop turn are written in one
// transaction at its end, and each caller is answered only after that commit. A burst costs one commit
// instead of one per call (the commit was most of a call's cost).
const statements = new WeakMap<object, import('better-sqlite3').Statement>();
const pending = new WeakMap<object, { call: NewCall; done: (err?: unknown) => void }[]>();

function insertStatement(db: SqliteDatabase) {
  let statement = statements.get(db);
  if (!statement) {
    statement = db.connection.prepare(
      `insert into calls (call_sid, from_number, to_number, client_id, contact_id, rate_period, path, outcome, emergency, started_at)
       values (@callSid, @fromNumber, @toNumber, @clientId, @contactId, @ratePeriod, '', 'in_progress', 0, @startedAt)
       on conflict (call_sid) do nothing`,
    );
    statements.set(db, statement);
  }
  return statement;
}

function groupCommit(db: SqliteDatabase, call: NewCall): Promise<void> {
  return new Promise((resolve, reject) => {
    let queue = pending.get(db);
    if (!queue) {
      const batch: { call: NewCall; done: (err?: unknown) => void }[] = [];
      pending.set(db, (queue = batch));
      setImmediate(() => {
        pending.delete(db);
        db.exclusive(() => {
          const statement = insertStatement(db);
          db.connection.transaction(() => {
            for (const w of batch) statement.run({ ...w.call, startedAt: w.call.startedAt.getTime() });
          })();
        }).then(
          () => batch.forEach((w) => w.done()),
          (err) => batch.forEach((w) => w.done(err)),
        );
      });
    }
    queue.push({ call, done: (err) => (err ? reject(err) : resolve()) });
  });
}

/** An incoming call's row, on disk before the caller is answered. */
export function recordIncomingCall(db: Database, call: NewCall): Promise<void> {
  return db.engine === 'sqlite'
    ? groupCommit(db as SqliteDatabase, call)
    : db.withTransaction((tx) => startCall(tx, call));
}

export const callBySid = async (q: ReadQ, callSid: string): Promise<CallRow | undefined> =>
  (await q.select().from(calls).where(eq(calls.callSid, callSid)))[0];

/** Adds a step to the call's menu path ("5", "voicemail"...). */
export async function noteStep(
  tx: Q,
  callSid: string,
  step: string,
  changes: Partial<typeof calls.$inferInsert> = {},
): Promise<void> {
  await tx
    .update(calls)
    .set({
      ...changes,
      path: sql`case when ${calls.path} = '' then cast(${step} as text) else ${calls.path} || ',' || cast(${step} as text) end`,
    })
    .where(eq(calls.callSid, callSid));
}

export async function updateCall(tx: Q, callSid: string, changes: Partial<typeof calls.$inferInsert>): Promise<void> {
  await tx.update(calls).set(changes).where(eq(calls.callSid, callSid));
}

const abandoned = sql`case when ${calls.emergency} then 'abandoned_emergency' else 'abandoned' end`;

/** A call still "in progress" has ended: abandoned, and an abandoned emergency if the caller had pressed 5. */
export async function closeUnfinished(tx: Q, callSid: string, endedAt: Date): Promise<void> {
  await tx
    .update(calls)
    .set({ outcome: abandoned, endedAt })
    .where(and(eq(calls.callSid, callSid), eq(calls.outcome, 'in_progress')));
  await tx
    .update(calls)
    .set({ endedAt })
    .where(and(eq(calls.callSid, callSid), sql`${calls.endedAt} is null`));
}

/** Calls left "in progress" since before `cutoff` (their end was never reported) are closed as abandoned. */
export async function closeStaleCalls(tx: Q, cutoff: Date, now: Date): Promise<number> {
  const closed = await tx
    .update(calls)
    .set({ outcome: abandoned, endedAt: now })
    .where(and(eq(calls.outcome, 'in_progress'), lt(calls.startedAt, cutoff)))
    .returning({ id: calls.id });
  return closed.length;
}

export async function setOutcome(tx: Q, callSid: string, outcome: CallOutcome, ticketId?: number): Promise<void> {
  await tx
    .update(calls)
    .set({ outcome, ...(ticketId ? { ticketId } : {}) })
    .where(eq(calls.callSid, callSid));
}

/** The calls about a ticket (the caller's, and calls back to them), oldest first. */
export function callsOfTicket(q: ReadQ, ticketId: number): Promise<CallRow[]> {
  return q.select().from(calls).where(eq(calls.ticketId, ticketId)).orderBy(asc(calls.startedAt));
}
