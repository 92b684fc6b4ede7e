import { z } from 'zod';
import { mayDial, normalisePhone } from '../config/index.js';
import { isForeignKeyViolation } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import type { Actor } from '../tickets/index.js';
import * as store from './store.js';
import { dueFrom, type Callback, type CallbackDeps } from './service.js';

const RETRY_AFTER_MS = 30 * 60_000;
const ALERT_AFTER_FAILURES = 3;

export const newCallbackSchema = z.object({
  phone: z.string().trim().min(1, 'is required').max(40),
  clientId: z.number().int().positive().optional(),
  ticketId: z.number().int().positive().optional(),
  reason: z.string().trim().max(2000).optional(),
  urgent: z.boolean().default(false),
});

/** A number outside the countries the organisation calls back, or a premium-rate line. */
function notDialable(deps: CallbackDeps, phone: string): Outcome<never> {
  const countries = deps.organisation.callbackCountries.join(', ');
  return fail(
    'invalid',
    'number_not_allowed',
    `Switchboard calls back numbers in ${countries} only, never premium-rate lines; ${phone} is not one it may dial`,
    {
      phone: `must be a number in ${countries}`,
    },
  );
}

/** A callback staff add by hand: due now if urgent, else at the next callback window. */
export async function addCallback(
  deps: CallbackDeps,
  input: z.infer<typeof newCallbackSchema>,
): Promise<Outcome<Callback>> {
  const phone = normalisePhone(input.phone, deps.organisation.country);
  if (!phone)
    return fail('invalid', 'invalid_input', `"${input.phone}" is not a valid phone number`, {
      phone: 'is not a valid phone number',
    });
  if (!mayDial(deps.organisation.callbackCountries, phone)) return notDialable(deps, phone);
  const now = deps.clock.now();
  const dueAt = input.urgent ? now : dueFrom(deps, now);
  try {
    const added = await deps.db.withTransaction((tx) =>
      store.insertCallback(tx, {
        phone,
        clientId: input.clientId ?? null,
        ticketId: input.ticketId ?? null,
        reason: input.reason ?? null,
        urgent: input.urgent,
        status: 'queued',
        dueAt,
        createdAt: now,
      }),
    );
    return ok(added!);
  } catch (err) {
    if (isForeignKeyViolation(err))
      return fail('invalid', 'invalid_input', `There is no client ${input.clientId}`, {
        clientId: 'is not a client id',
      });
    throw err;
  }
}

const nameOf = (deps: CallbackDeps, id: string) => deps.organisation.staff.find((s) => s.id === id)?.name ?? id;

/** One person at a time: the claim is a single conditional update, so of two at once exactly one wins. */
export async function claimCallback(deps: CallbackDeps, id: number, actor: Actor): Promise<Outcome<Callback>> {
  const claimed = await deps.db.withTransaction((tx) =>
    store.moveCallback(tx, id, ['queued'], { status: 'claimed', claimedBy: actor.id, claimedAt: deps.clock.now() }),
  );
  if (claimed) return ok(claimed);
  const current = await store.callbackById(deps.db.q, id);
  if (!current) return fail('not_found', 'callback_not_found', `No callback ${id}`);
  if (current.claimedBy) {
    return fail(
      'conflict',
      'already_claimed',
      `Callback ${id} is already being worked by ${current.claimedBy === actor.id ? 'you' : nameOf(deps, current.claimedBy)}`,
    );
  }
  return fail('conflict', 'not_queued', `Callback ${id} is ${current.status}, not queued`);
}

/** Lets go of a claim without calling: back in the queue as it was. */
export async function releaseCallback(deps: CallbackDeps, id: number, actor: Actor): Promise<Outcome<Callback>> {
  const released = await deps.db.withTransaction((tx) =>
    store.moveCallback(
      tx,
      id,
      ['claimed', 'calling'],
      { status: 'queued', claimedBy: null, claimedAt: null },
      actor.id,
    ),
  );
  return released ? ok(released) : fail('conflict', 'not_yours', `Callback ${id} is not claimed by you`);
}

export const CALLBACK_OUTCOMES = ['done', 'no_answer', 'cancelled'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export const outcomeSchema = z.object({
  outcome: z.enum(CALLBACK_OUTCOMES, { message: `must be one of ${CALLBACK_OUTCOMES.join(', ')}` }),
  note: z.string().trim().max(2000).optional(),
});

const officeOf = (deps: CallbackDeps) => deps.organisation.staff.filter((s) => s.role === 'office');

/**
 * The result of a call, kept as an attempt: done or cancelled closes it; no answer puts it back in the
 * queue for a retry in 30 minutes (or the next callback window), and the third failure alerts the office.
 */
export async function recordOutcome(
  deps: CallbackDeps,
  id: number,
  input: z.infer<typeof outcomeSchema>,
  actor: Actor,
): Promise<Outcome<Callback>> {
  const now = deps.clock.now();
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<Callback>> => {
    const current = await store.callbackById(tx, id);
    if (!current) return fail('not_found', 'callback_not_found', `No callback ${id}`);
    const working = ['claimed', 'calling'] as const;
    if (current.claimedBy !== actor.id || !(working as readonly string[]).includes(current.status)) {
      return fail('conflict', 'not_yours', `Callback ${id} is not claimed by ${actor.name}; claim it first`);
    }
    if (input.outcome !== 'no_answer') {
      const closed = await store.moveCallback(
        tx,
        id,
        working,
        { status: input.outcome, lastOutcome: input.outcome },
        actor.id,
      );
      if (!closed)
        return fail('conflict', 'not_yours', `Callback ${id} is not claimed by ${actor.name}; claim it first`);
      await store.addAttempt(tx, {
        callbackId: id,
        staff: actor.id,
        at: now,
        outcome: input.outcome,
        note: input.note ?? null,
      });
      return ok(closed);
    }
    const failures = current.failedAttempts + 1;
    const dueAt = dueFrom(deps, new Date(now.getTime() + RETRY_AFTER_MS));
    const updated = await store.moveCallback(
      tx,
      id,
      working,
      { status: 'queued', claimedBy: null, claimedAt: null, failedAttempts: failures, lastOutcome: 'no_answer', dueAt },
      actor.id,
    );
    if (!updated)
      return fail('conflict', 'not_yours', `Callback ${id} is not claimed by ${actor.name}; claim it first`);
    await store.addAttempt(tx, {
      callbackId: id,
      staff: actor.id,
      at: now,
      outcome: 'no_answer',
      note: input.note ?? null,
    });
    if (failures === ALERT_AFTER_FAILURES) {
      const notice = { kind: 'callback_unanswered' as const, callbackId: id, phone: updated.phone, failures, dueAt };
      await deps.pager.tellStaff(tx, officeOf(deps), notice, { key: `callback-failures:${id}` }, ['email']);
    }
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}

/**
 * "Call": Twilio rings the staff member's phone from the helpdesk number and, when they answer, dials
 * the customer with the helpdesk number as caller ID. The staff member's own number is never shown.
 */
export async function callCustomer(deps: CallbackDeps, id: number, actor: Actor): Promise<Outcome<Callback>> {
  const person = deps.organisation.staff.find((s) => s.id === actor.id);
  if (!person) {
    return fail(
      'invalid',
      'no_phone',
      `${actor.name} has no phone in the organisation file, so Switchboard cannot ring them first; call ${id} from a desk phone and record the outcome`,
    );
  }
  const now = deps.clock.now();
  const target = await store.callbackById(deps.db.q, id);
  if (target && !mayDial(deps.organisation.callbackCountries, target.phone)) return notDialable(deps, target.phone);
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<Callback>> => {
    const updated = await store.moveCallback(tx, id, ['claimed', 'calling'], { status: 'calling' }, actor.id);
    if (!updated)
      return (await store.callbackById(tx, id))
        ? fail('conflict', 'not_yours', `Claim callback ${id} before calling`)
        : fail('not_found', 'callback_not_found', `No callback ${id}`);
    const url = `${deps.publicUrl}/twilio/voice/callback?callback=${id}&staff=${encodeURIComponent(person.id)}`;
    await deps.pager.ring(
      tx,
      person,
      { kind: 'call', url, about: `callback ${id} to ${updated.phone}` },
      { key: `callback-call:${id}:${now.getTime()}` },
    );
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}

/** The staff member's call to the customer has ended: the attempt is kept, and the callback is back with its claimer. */
export async function noteCallbackCall(
  deps: CallbackDeps,
  id: number,
  staffId: string,
  call: { answered: boolean; seconds: number; status: string },
): Promise<void> {
  await deps.db.withTransaction(async (tx) => {
    const callback = await store.callbackById(tx, id);
    if (!callback) return;
    const note = call.answered ? `connected for ${call.seconds} s` : `not answered (${call.status})`;
    await store.addAttempt(tx, { callbackId: id, staff: staffId, at: deps.clock.now(), outcome: 'called', note });
    // Back to the claimer, who records what came of it.
    await store.moveCallback(tx, id, ['calling'], { status: 'claimed' });
  });
}

/**
 * Callbacks past their due time, for the office's summary email. Sent once per hour slot, so a
 * restart or a rerun in the same hour sends nothing more.
 */
export async function sendOverdueSummary(deps: CallbackDeps): Promise<number> {
  const now = deps.clock.now();
  const overdue = await store.overdueCallbacks(deps.db.q, now);
  if (overdue.length === 0) return 0;
  const slot = Math.floor(now.getTime() / 3_600_000);
  const callbacks = overdue.map((c) => ({
    id: c.id,
    phone: c.phone,
    dueAt: c.dueAt,
    status: c.status,
    claimedBy: c.claimedBy ? nameOf(deps, c.claimedBy) : undefined,
    reason: c.reason,
  }));
  const written = await deps.db.withTransaction((tx) =>
    deps.pager.tellStaff(tx, officeOf(deps), { kind: 'callbacks_overdue', callbacks }, { key: `overdue:${slot}` }, [
      'email',
    ]),
  );
  if (written) deps.onOutbox();
  return overdue.length;
}
