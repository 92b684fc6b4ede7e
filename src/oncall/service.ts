import { z } from 'zod';
import type { Organisation, StaffMember } from '../config/index.js';
import type { Clock } from '../calendar/index.js';
import type { Database, ReadQ } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import * as store from './store.js';
import { rotationShiftAt } from './rotation.js';

export interface OnCallDeps {
  db: Database;
  clock: Clock;
  organisation: Organisation;
}

export interface OnCallAt {
  staff: StaffMember;
  source: 'rotation' | 'override';
  overrideId?: number;
  /** When this person's cover ends: the next hand-off or the override's end, whichever is first. */
  until: Date;
}

function staffById(org: Organisation, id: string): StaffMember | undefined {
  return org.staff.find((s) => s.id === id);
}

/** Who is on call at an instant: an override covering it, else the rotation. */
export async function onCallAt(q: ReadQ, org: Organisation, at: Date): Promise<OnCallAt> {
  const shift = rotationShiftAt(org.onCall, org.timezone, at);
  const [upcoming, active] = [await store.overridesNotEndedBy(q, at), await store.overrideAt(q, at)];
  const staff = active ? staffById(org, active.staffId) : undefined;
  const nextStart = upcoming.find((o) => o.startsAt > at)?.startsAt.getTime() ?? Infinity;
  if (active && staff) {
    const until = Math.min(active.endsAt.getTime(), nextStart);
    return { staff, source: 'override', overrideId: active.id, until: new Date(until) };
  }
  const until = Math.min(shift.until.getTime(), nextStart);
  return { staff: staffById(org, shift.staffId)!, source: 'rotation', until: new Date(until) };
}

/** Who is on call now, and who takes over next and when (the first hand-off to someone else). */
export async function onCallNowAndNext(
  deps: OnCallDeps,
): Promise<{ now: OnCallAt; next: (OnCallAt & { from: Date }) | undefined }> {
  const current = await onCallAt(deps.db.q, deps.organisation, deps.clock.now());
  let at = current.until;
  // A hand-off to the same person (a rotation of one, an override by the person on call) is no change.
  for (let i = 0; i < 50; i++) {
    const who = await onCallAt(deps.db.q, deps.organisation, at);
    if (who.staff.id !== current.staff.id) return { now: current, next: { ...who, from: at } };
    at = who.until;
  }
  return { now: current, next: undefined };
}

/** Architects are paged for every emergency; the on-call engineer is paged too. */
export function architects(org: Organisation): StaffMember[] {
  return org.staff.filter((s) => s.role === 'architect');
}

export const newOverrideSchema = z
  .object({
    staffId: z.string().trim().min(1, 'is required'),
    startsAt: z.coerce.date({ message: 'must be a date-time such as 2026-12-24T17:00:00-06:00' }),
    endsAt: z.coerce.date({ message: 'must be a date-time such as 2026-12-27T09:00:00-06:00' }),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((o) => o.endsAt > o.startsAt, { path: ['endsAt'], message: 'must be after startsAt' });

export async function addOverride(
  deps: OnCallDeps,
  input: z.infer<typeof newOverrideSchema>,
): Promise<Outcome<store.Override>> {
  if (!staffById(deps.organisation, input.staffId)) {
    return fail('invalid', 'unknown_staff', `"${input.staffId}" is not the id of anyone on the staff`, {
      staffId: 'is not a staff id',
    });
  }
  return ok(
    await deps.db.withTransaction((tx) =>
      store.insertOverride(tx, { ...input, reason: input.reason ?? null, createdAt: deps.clock.now() }),
    ),
  );
}

export async function removeOverride(deps: OnCallDeps, id: number): Promise<Outcome<{ deleted: number }>> {
  return (await deps.db.withTransaction((tx) => store.deleteOverride(tx, id)))
    ? ok({ deleted: id })
    : fail('not_found', 'override_not_found', `No override with id ${id}`);
}

export const currentAndFutureOverrides = (deps: OnCallDeps) => store.overridesNotEndedBy(deps.db.q, deps.clock.now());
