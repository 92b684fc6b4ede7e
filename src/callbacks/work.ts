import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { normalisePhone } from '../config/index.js';
import { nextOpening } from '../calendar/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { enqueue } from '../paging/outbox.js';
import { callbacks } from './schema.js';
import type { Callback, CallbackDeps } from './service.js';

const RETRY_AFTER_MS = 30 * 60_000;
const ALERT_AFTER_FAILURES = 3;

export const newCallbackSchema = z.object({
  phone: z.string().trim().min(1, 'is required').max(40),
  clientId: z.number().int().positive().optional(),
  reason: z.string().trim().max(2000).optional(),
  urgent: z.boolean().default(false),
});

/** A callback staff add by hand: due now if urgent, else at the next business opening. */
export function addCallback(deps: CallbackDeps, input: z.infer<typeof newCallbackSchema>): Outcome<Callback> {
  const phone = normalisePhone(input.phone, deps.organisation.country);
  if (!phone) return fail('invalid', 'invalid_input', `"${input.phone}" is not a valid phone number`, { phone: 'is not a valid phone number' });
  const now = deps.clock.now();
  const dueAt = input.urgent ? now : (nextOpening(deps.calendar, now) ?? now);
  return ok(
    deps.db
      .insert(callbacks)
      .values({ phone, clientId: input.clientId ?? null, reason: input.reason ?? null, urgent: input.urgent, status: 'queued', dueAt, createdAt: now })
      .returning()
      .get(),
  );
}

const staffOf = (deps: CallbackDeps, staffId: string) => deps.organisation.staff.find((s) => s.id === staffId);

/** One person at a time: the claim is a single conditional update, so of two at once exactly one wins. */
export function claimCallback(deps: CallbackDeps, id: number, staffId: string): Outcome<Callback> {
  if (!staffOf(deps, staffId)) return fail('invalid', 'unknown_staff', `"${staffId}" is not on the staff`, { staffId: 'is not a staff id' });
  const claimed = deps.db
    .update(callbacks)
    .set({ status: 'claimed', claimedBy: staffId, claimedAt: deps.clock.now() })
    .where(and(eq(callbacks.id, id), eq(callbacks.status, 'queued')))
    .returning()
    .get();
  if (claimed) return ok(claimed);
  const current = deps.db.select().from(callbacks).where(eq(callbacks.id, id)).get();
  if (!current) return fail('not_found', 'callback_not_found', `No callback ${id}`);
  const by = current.claimedBy ? (staffOf(deps, current.claimedBy)?.name ?? current.claimedBy) : undefined;
  return fail('conflict', 'already_claimed', by ? `Callback ${id} is already being worked by ${by}` : `Callback ${id} is ${current.status}, not queued`);
}

export const CALLBACK_OUTCOMES = ['done', 'no_answer', 'cancelled'] as const;
export const outcomeSchema = z.object({ staffId: z.string().trim().min(1, 'is required'), outcome: z.enum(CALLBACK_OUTCOMES, { message: `must be one of ${CALLBACK_OUTCOMES.join(', ')}` }) });

/**
 * The result of a call: done or cancelled closes it; no answer puts it back in the queue for a retry
 * in 30 minutes (or the next opening), and the third failure alerts the office by email.
 */
export function recordOutcome(deps: CallbackDeps, id: number, input: z.infer<typeof outcomeSchema>): Outcome<Callback> {
  const now = deps.clock.now();
  const result = deps.db.transaction((tx): Outcome<Callback> => {
    const current = tx.select().from(callbacks).where(eq(callbacks.id, id)).get();
    if (!current) return fail('not_found', 'callback_not_found', `No callback ${id}`);
    if (current.claimedBy !== input.staffId || !['claimed', 'calling'].includes(current.status)) {
      return fail('conflict', 'not_yours', `Callback ${id} is not claimed by ${input.staffId}; claim it first`);
    }
    if (input.outcome !== 'no_answer') {
      return ok(tx.update(callbacks).set({ status: input.outcome, lastOutcome: input.outcome }).where(eq(callbacks.id, id)).returning().get());
    }
    const failures = current.failedAttempts + 1;
    const retry = new Date(now.getTime() + RETRY_AFTER_MS);
    const dueAt = nextOpening(deps.calendar, retry) ?? retry;
    const updated = tx
      .update(callbacks)
      .set({ status: 'queued', claimedBy: null, claimedAt: null, failedAttempts: failures, lastOutcome: 'no_answer', dueAt })
      .where(eq(callbacks.id, id))
      .returning()
      .get();
    if (failures === ALERT_AFTER_FAILURES) {
      const office = deps.organisation.staff.filter((s) => s.role === 'office');
      enqueue(
        tx,
        office.map((person) => ({
          dedupeKey: `callback-failures:${id}:${person.id}`,
          channel: 'email' as const,
          purpose: 'notice' as const,
          recipient: person.email,
          staffId: person.id,
          subject: `[${deps.organisation.name}] Callback ${id} unanswered ${failures} times`,
          body: `Nobody answered at ${updated.phone} after ${failures} tries. It is back in the queue, due ${dueAt.toISOString()}; consider another contact or an email.`,
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
