import { and, asc, eq, gte, isNotNull, like, lt, ne, sql } from 'drizzle-orm';
import {
  retryWhenBusy,
  type Database,
  type PostgresDatabase,
  type Q,
  type SqliteDatabase,
  type ReadQ,
} from '../db/index.js';
import type { RatePeriod } from '../calendar/index.js';
import { calls, type CallOutcome } from './schema.js';

export type CallRow = typeof calls.$inferSelect;
/** Changes to a call's row (its client once identified, its line, the after-hours terms...). */
export type CallChanges = Partial<typeof calls.$inferInsert>;

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

// On PostgreSQL the same idea over the pool: calls that arrive while earlier rows are being committed
// wait for the next write. Each write is one prepared statement (one round trip, committed on its
// own) that inserts the whole batch and recognises every caller by their number in the same
// statement: under load one commit carries dozens of calls, and no call waits for a read and a
// transaction of its own. Like SQLite's prepared statement above, this SQL is the speed path's alone;
// it names the clients' contacts table to recognise callers.
// One write at a time: each commit costs the server a WAL flush (~170 µs of fdatasync here, and
// ~350 µs of its CPU for a one-row statement), so fewer, larger batches carry more calls. In
// bench:voice on PostgreSQL, 4 writes at once averaged 9 calls a commit and 6,200–7,700 req/s;
// one at a time, 24 calls a commit and 7,200–9,400 req/s, p99 lower, in the same rounds.
const MAX_FLUSHES = 1;
const MAX_ROWS_PER_FLUSH = 500;
/**
 * A call that has waited this long for its write (the one before it still waits on the server: a lock,
 * a server that answers nothing) is not written: its caller is answered 503 and Twilio plays the
 * fallback document, so a row written later would say the service took a call it did not. Under load a
 * write takes milliseconds.
 */
const MAX_QUEUE_WAIT_MS = 1_000;
const INSERT_CALLS = `
  insert into calls (call_sid, from_number, to_number, client_id, contact_id, rate_period, path, outcome, emergency, started_at)
  select v.call_sid, v.from_number, v.to_number, k.client_id, k.id, v.rate_period, '', 'in_progress', false, v.started_at
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])
    as v(call_sid, from_number, to_number, rate_period, started_at, client_id, contact_id)
  left join lateral (
    select c.id, c.client_id from client_contacts c join clients cl on cl.id = c.client_id
    where v.client_id is null and c.phone = v.from_number and c.removed_at is null and cl.active
    order by c.id limit 1
  ) found on true
  cross join lateral (select coalesce(v.client_id, found.client_id) as client_id, coalesce(v.contact_id, found.id) as id) k
  on conflict (call_sid) do nothing`;

const postgresQueues = new WeakMap<
  object,
  {
    waiting: { call: NewCall; since: number; done: (err?: unknown) => void }[];
    flushing: number;
    scheduled: boolean;
  }
>();

function insertCalls(db: PostgresDatabase, batch: NewCall[]): Promise<unknown> {
  return retryWhenBusy(() =>
    db.pool.query({
      name: 'switchboard-insert-calls',
      text: INSERT_CALLS,
      values: [
        batch.map((c) => c.callSid),
        batch.map((c) => c.fromNumber),
        batch.map((c) => c.toNumber),
        batch.map((c) => c.ratePeriod),
        batch.map((c) => c.startedAt.getTime()),
        batch.map((c) => c.clientId),
        batch.map((c) => c.contactId),
      ],
    }),
  );
}

function postgresGroupCommit(db: PostgresDatabase, call: NewCall): Promise<void> {
  let state = postgresQueues.get(db);
  if (!state) postgresQueues.set(db, (state = { waiting: [], flushing: 0, scheduled: false }));
  const queue = state;
  const flush = () => {
    queue.scheduled = false;
    const now = performance.now();
    while (queue.waiting.length > 0 && now - queue.waiting[0]!.since > MAX_QUEUE_WAIT_MS)
      queue.waiting.shift()!.done(new Error(`the call waited over ${MAX_QUEUE_WAIT_MS} ms for the database`));
    while (queue.waiting.length > 0 && queue.flushing < MAX_FLUSHES) {
      const batch = queue.waiting.splice(0, MAX_ROWS_PER_FLUSH);
      queue.flushing++;
      insertCalls(
        db,
        batch.map((w) => w.call),
      )
        .then(
          () => batch.forEach((w) => w.done()),
          (err: unknown) => batch.forEach((w) => w.done(err)),
        )
        .finally(() => {
          queue.flushing--;
          flush();
        });
    }
  };
  return new Promise((resolve, reject) => {
    queue.waiting.push({ call, since: performance.now(), done: (err) => (err ? reject(err) : resolve()) });
    if (!queue.scheduled && queue.flushing < MAX_FLUSHES) {
      queue.scheduled = true;
      setImmediate(flush);
    }
  });
}

/**
 * An incoming call's row, on disk before the caller is answered. On PostgreSQL a call not yet matched
 * to a client (clientId null) is matched by its number in the statement that writes it.
 */
export function recordIncomingCall(db: Database, call: NewCall): Promise<void> {
  return db.engine === 'sqlite'
    ? groupCommit(db as SqliteDatabase, call)
    : postgresGroupCommit(db as PostgresDatabase, call);
}

export const callBySid = async (q: ReadQ, callSid: string): Promise<CallRow | undefined> =>
  (await q.select().from(calls).where(eq(calls.callSid, callSid)))[0];

/** Adds a step to the call's menu path ("5", "voicemail"...). */
export async function noteStep(tx: Q, callSid: string, step: string, changes: CallChanges = {}): Promise<void> {
  await tx
    .update(calls)
    .set({
      ...changes,
      path: sql`case when ${calls.path} = '' then cast(${step} as text) else ${calls.path} || ',' || cast(${step} as text) end`,
    })
    .where(eq(calls.callSid, callSid));
}

export async function updateCall(tx: Q, callSid: string, changes: CallChanges): Promise<void> {
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

// A webhook step's own call: its row, and its changes, each in a small transaction of its own. Nothing
// is read or written for a step without a CallSid.
type CallDeps = { db: Database };
type StepOfCall = { callSid?: string };

export const callOf = (deps: CallDeps, step: StepOfCall): Promise<CallRow | undefined> =>
  step.callSid ? callBySid(deps.db.q, step.callSid) : Promise.resolve(undefined);
/** Adds the caller's progress to the call's menu path, with any changes to its row. */
export const noteOnCall = (deps: CallDeps, step: StepOfCall, what: string, changes: CallChanges = {}): Promise<void> =>
  step.callSid ? deps.db.withTransaction((tx) => noteStep(tx, step.callSid!, what, changes)) : Promise.resolve();
export const changeCall = (deps: CallDeps, step: StepOfCall, changes: CallChanges): Promise<void> =>
  step.callSid ? deps.db.withTransaction((tx) => updateCall(tx, step.callSid!, changes)) : Promise.resolve();
export const recordOutcome = (
  deps: CallDeps,
  step: StepOfCall,
  outcome: CallOutcome,
  ticketId?: number,
): Promise<void> =>
  step.callSid ? deps.db.withTransaction((tx) => setOutcome(tx, step.callSid!, outcome, ticketId)) : Promise.resolve();

/** The calls about a ticket (the caller's, and calls back to them), oldest first. */
export function callsOfTicket(q: ReadQ, ticketId: number): Promise<CallRow[]> {
  return q.select().from(calls).where(eq(calls.ticketId, ticketId)).orderBy(asc(calls.startedAt));
}

/** Emergency calls that tried live connect, started in [from, to), not put through: for the backstop that pages them. */
export function unconnectedLiveCalls(q: ReadQ, from: Date, to: Date): Promise<CallRow[]> {
  return q
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.emergency, true),
        isNotNull(calls.ticketId),
        ne(calls.outcome, 'bridged'),
        like(calls.path, '%live:%'),
        gte(calls.startedAt, from),
        lt(calls.startedAt, to),
      ),
    )
    .orderBy(asc(calls.startedAt));
}
