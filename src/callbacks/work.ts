import { and, asc, eq, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import { mayDial, normalisePhone } from '../config/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { enqueue } from '../paging/outbox.js';
import type { Actor } from '../tickets/changes.js';
import { callbackAttempts, callbacks } from './schema.js';
import { callbackById, dueFrom, OPEN_CALLBACK_STATUSES, type Callback, type CallbackDeps } from './service.js';

const RETRY_AFTER_MS = 30 * 60_000;
const ALERT_AFTER_FAILURES = 3;

export const newCallbackSchema = z.object({
  phone: z.string().trim().min(1, 'is required').max(40),
  clientId: z.number().int().positive().optional(),
  ticketId: z.number().int().positive().optional(),
  reason: z.string().trim().max(2000).optional(),
  urgent: z.boolean().default(false),
});

/** A callback staff add by hand: due now if urgent, else at the next callback window. */
export function addCallback(deps: CallbackDeps, input: z.infer<typeof newCallbackSchema>): Outcome<Callback> {
  const phone = normalisePhone(input.phone, deps.organisation.country);
  if (!phone)
    return fail('invalid', 'invalid_input', `"${input.phone}" is not a valid phone number`, {
      phone: 'is not a valid phone number',
    });
  if (!mayDial(deps.organisation.callbackCountries, phone)) return notDialable(deps, phone);
  const now = deps.clock.now();
  const dueAt = input.urgent ? now : dueFrom(deps, now);
  try {
    return ok(
      deps.db
        .insert(callbacks)
        .values({
          phone,
          clientId: input.clientId ?? null,
          ticketId: input.ticketId ?? null,
          reason: input.reason ?? null,
          urgent: input.urgent,
          status: 'queued',
          dueAt,
          createdAt: now,
        })
        .returning()
        .get(),
    );
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
      return fail('invalid', 'invalid_input', `There is no client ${input.clientId}`, {
        clientId: 'is not a client id',
      });
    throw err;
  }
}

/** A number outside the countries the organisation calls back, or a premium-rate line. */
function notDialable(deps: CallbackDeps, phone: string): Outcome<never> {
  const countries = deps.organisation.callbackCountries.join(', ');
  return fail(
    'invalid',
    'number_not_allowed',
    `Switchboard calls back numbers in ${countries} only, never premium-rate lines; ${phone} is not one it may dial`,
    { phone: `must be a number in ${countries}` },
  );
}

const nameOf = (deps: CallbackDeps, id: string) => deps.organisation.staff.find((s) => s.id === id)?.name ?? id;

/** One person at a time: the claim is a single conditional update, so of two at once exactly one wins. */
export function claimCallback(deps: CallbackDeps, id: number, actor: Actor): Outcome<Callback> {
  const claimed = deps.db
    .update(callbacks)
    .set({ status: 'claimed', claimedBy: actor.id, claimedAt: deps.clock.now() })
    .where(and(eq(callbacks.id, id), eq(callbacks.status, 'queued')))
    .returning()
    .get();
  if (claimed) return ok(claimed);
  const current = callbackById(deps.db, id);
  if (!current) return fail('not_found', 'callback_not_found', `No callback ${id}`);
  if (current.claimedBy)
    return fail(
      'conflict',
      'already_claimed',
      `Callback ${id} is already being worked by ${current.claimedBy === actor.id ? 'you' : nameOf(deps, current.claimedBy)}`,
    );
  return fail('conflict', 'not_queued', `Callback ${id} is ${current.status}, not queued`);
}

/** Lets go of a claim without calling: back in the queue as it was. */
export function releaseCallback(deps: CallbackDeps, id: number, actor: Actor): Outcome<Callback> {
  const released = deps.db
    .update(callbacks)
    .set({ status: 'queued', claimedBy: null, claimedAt: null })
    .where(
      and(eq(callbacks.id, id), eq(callbacks.claimedBy, actor.id), inArray(callbacks.status, ['claimed', 'calling'])),
    )
    .returning()
    .get();
  return released ? ok(released) : fail('conflict', 'not_yours', `Callback ${id} is not claimed by you`);
}

export const CALLBACK_OUTCOMES = ['done', 'no_answer', 'cancelled'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export const outcomeSchema = z.object({
  outcome: z.enum(CALLBACK_OUTCOMES, { message: `must be one of ${CALLBACK_OUTCOMES.join(', ')}` }),
  note: z.string().trim().max(2000).optional(),
});

/**
 * The result of a call, kept as an attempt: done or cancelled closes it; no answer puts it back in the
 * queue for a retry in 30 minutes (or the next callback window), and the third failure alerts the office.
 */
export function recordOutcome(
  deps: CallbackDeps,
  id: number,
  input: z.infer<typeof outcomeSchema>,
  actor: Actor,
): Outcome<Callback> {
  const now = deps.clock.now();
  const result = deps.db.transaction((tx): Outcome<Callback> => {
    const current = callbackById(tx, id);
    if (!current) return fail('not_found', 'callback_not_found', `No callback ${id}`);
    if (current.claimedBy !== actor.id || !['claimed', 'calling'].includes(current.status)) {
      return fail('conflict', 'not_yours', `Callback ${id} is not claimed by ${actor.name}; claim it first`);
    }
    tx.insert(callbackAttempts)
      .values({ callbackId: id, staff: actor.id, at: now, outcome: input.outcome, note: input.note ?? null })
      .run();
    if (input.outcome !== 'no_answer') {
      return ok(
        tx
          .update(callbacks)
          .set({ status: input.outcome, lastOutcome: input.outcome })
          .where(eq(callbacks.id, id))
          .returning()
          .get(),
      );
    }
    const failures = current.failedAttempts + 1;
    const dueAt = dueFrom(deps, new Date(now.getTime() + RETRY_AFTER_MS));
    const updated = tx
      .update(callbacks)
      .set({
        status: 'queued',
        claimedBy: null,
        claimedAt: null,
        failedAttempts: failures,
        lastOutcome: 'no_answer',
        dueAt,
      })
      .where(eq(callbacks.id, id))
      .returning()
      .get();
    if (failures === ALERT_AFTER_FAILURES) {
      enqueue(
        tx,
        officeOf(deps).map((person) => ({
          dedupeKey: `callback-failures:${id}:${person.id}`,
          channel: 'email' as const,
          purpose: 'notice' as const,
          recipient: person.email,
          staffId: person.id,
          subject: `[${deps.organisation.name}] Callback ${id} unanswered ${failures} times`,
          body: `Nobody answered at ${updated.phone} after ${failures} tries. It is back in the queue, due ${dueAt.toISOString()}; consider another contact or an email.\n\n${deps.publicUrl}/dashboard/queue`,
          nextAttemptAt: now,
          createdAt: now,
        })),
      );
    }
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}

const officeOf = (deps: CallbackDeps) => deps.organisation.staff.filter((s) => s.role === 'office');

/**
 * "Call": Twilio rings the staff member's phone from the helpdesk number and, when they answer, dials
 * the customer with the helpdesk number as caller ID. The staff member's own number is never shown.
 */
export function callCustomer(deps: CallbackDeps, id: number, actor: Actor): Outcome<Callback> {
  const person = deps.organisation.staff.find((s) => s.id === actor.id);
  if (!person)
    return fail(
      'invalid',
      'no_phone',
      `${actor.name} has no phone in the organisation file, so Switchboard cannot ring them first; call ${id} from a desk phone and record the outcome`,
    );
  const now = deps.clock.now();
  const target = callbackById(deps.db, id);
  if (target && !mayDial(deps.organisation.callbackCountries, target.phone)) return notDialable(deps, target.phone);
  const result = deps.db.transaction((tx): Outcome<Callback> => {
    const updated = tx
      .update(callbacks)
      .set({ status: 'calling' })
      .where(
        and(eq(callbacks.id, id), eq(callbacks.claimedBy, actor.id), inArray(callbacks.status, ['claimed', 'calling'])),
      )
      .returning()
      .get();
    if (!updated)
      return callbackById(tx, id)
        ? fail('conflict', 'not_yours', `Claim callback ${id} before calling`)
        : fail('not_found', 'callback_not_found', `No callback ${id}`);
    enqueue(tx, [
      {
        dedupeKey: `callback-call:${id}:${now.getTime()}`,
        channel: 'voice',
        purpose: 'notice',
        recipient: person.phone,
        staffId: person.id,
        body: `callback ${id} to ${updated.phone}`,
        payload: {
          url: `${deps.publicUrl}/twilio/voice/callback?callback=${id}&staff=${encodeURIComponent(person.id)}`,
        },
        nextAttemptAt: now,
        createdAt: now,
      },
    ]);
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}

/**
 * Callbacks past their due time, for the office's summary email. Sent once per hour slot, so a
 * restart or a rerun in the same hour sends nothing more.
 */
export function sendOverdueSummary(deps: CallbackDeps): number {
  const now = deps.clock.now();
  const overdue = deps.db
    .select()
    .from(callbacks)
    .where(and(inArray(callbacks.status, [...OPEN_CALLBACK_STATUSES]), lt(callbacks.dueAt, now)))
    .orderBy(asc(callbacks.dueAt))
    .all();
  if (overdue.length === 0) return 0;
  const slot = Math.floor(now.getTime() / 3_600_000);
  const lines = overdue
    .slice(0, 50)
    .map(
      (c) =>
        `  #${c.id}  ${c.phone}  due ${c.dueAt.toISOString()}  ${c.status}${c.claimedBy ? ` (${nameOf(deps, c.claimedBy)})` : ''}${c.reason ? `  ${c.reason}` : ''}`,
    );
  if (overdue.length > 50) lines.push(`  … and ${overdue.length - 50} more`);
  const written = enqueue(
    deps.db,
    officeOf(deps).map((person) => ({
      dedupeKey: `overdue:${slot}:${person.id}`,
      channel: 'email' as const,
      purpose: 'notice' as const,
      recipient: person.email,
      staffId: person.id,
      subject: `[${deps.organisation.name}] ${overdue.length} overdue callback${overdue.length === 1 ? '' : 's'}`,
      body: `These callbacks are past their due time:\n\n${lines.join('\n')}\n\nWork them at ${deps.publicUrl}/dashboard/queue`,
      nextAttemptAt: now,
      createdAt: now,
    })),
  );
  if (written) deps.onOutbox();
  return overdue.length;
}
