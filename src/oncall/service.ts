import { z } from 'zod';
import { lineProblem, type Organisation, type ServiceLine, type StaffMember } from '../config/index.js';
import type { Clock } from '../calendar/index.js';
import type { Database, ReadQ } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import * as store from './store.js';
import { rotationShiftAt } from './rotation.js';

export interface OnCallDeps {
  db: Database;
  clock: Clock;
  organisation: Organisation;
  /** Whether the account that made a rotation's feed may still manage on call (no account: it may not). */
  mayStillManage?: (accountEmail: string) => Promise<boolean>;
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

/** A service line by id; undefined for none, or a line the organisation file no longer has. */
export function lineOf(org: Organisation, id: string | null | undefined): ServiceLine | undefined {
  return id ? org.serviceLines.find((l) => l.id === id) : undefined;
}

/**
 * Who is on call at an instant, on a service line's rotation or (without one) the organisation's: an
 * override of that rotation covering it, else the rotation.
 */
export async function onCallAt(q: ReadQ, org: Organisation, at: Date, lineId?: string | null): Promise<OnCallAt> {
  const line = lineOf(org, lineId);
  const shift = rotationShiftAt(line?.onCall ?? org.onCall, org.timezone, at);
  const key = line?.id ?? null;
  const [upcoming, active] = [await store.overridesNotEndedBy(q, at, key), await store.overrideAt(q, at, key)];
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
  lineId?: string,
): Promise<{ now: OnCallAt; next: (OnCallAt & { from: Date }) | undefined }> {
  const current = await onCallAt(deps.db.q, deps.organisation, deps.clock.now(), lineId);
  let at = current.until;
  // A hand-off to the same person (a rotation of one, an override by the person on call) is no change.
  for (let i = 0; i < 50; i++) {
    const who = await onCallAt(deps.db.q, deps.organisation, at, lineId);
    if (who.staff.id !== current.staff.id) return { now: current, next: { ...who, from: at } };
    at = who.until;
  }
  return { now: current, next: undefined };
}

/**
 * Architects are paged for every emergency (on a service line that names its architects, those); the
 * on-call engineer is paged too.
 */
export function architects(org: Organisation, lineId?: string | null): StaffMember[] {
  const named = lineOf(org, lineId)?.architects;
  return named ? org.staff.filter((s) => named.includes(s.id)) : org.staff.filter((s) => s.role === 'architect');
}

export const newOverrideSchema = z
  .object({
    staffId: z.string().trim().min(1, 'is required'),
    startsAt: z.coerce.date({ message: 'must be a date-time such as 2026-12-24T17:00:00-06:00' }),
    endsAt: z.coerce.date({ message: 'must be a date-time such as 2026-12-27T09:00:00-06:00' }),
    reason: z.string().trim().max(500).optional(),
    /** The service line whose rotation it covers (default: the organisation's on_call). */
    line: z.string().trim().min(1).max(40).optional(),
  })
  .strict()
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
  const problem =
    input.line === undefined
      ? undefined
      : lineProblem(
          deps.organisation.serviceLines.map((l) => l.id),
          input.line,
        );
  if (problem) return fail('invalid', 'unknown_line', problem, { line: problem });
  return ok(
    await deps.db.withTransaction((tx) =>
      store.insertOverride(tx, {
        ...input,
        reason: input.reason ?? null,
        line: input.line ?? null,
        createdAt: deps.clock.now(),
      }),
    ),
  );
}

export async function removeOverride(deps: OnCallDeps, id: number): Promise<Outcome<{ deleted: number }>> {
  return (await deps.db.withTransaction((tx) => store.deleteOverride(tx, id)))
    ? ok({ deleted: id })
    : fail('not_found', 'override_not_found', `No override with id ${id}`);
}

export const currentAndFutureOverrides = (deps: OnCallDeps) => store.overridesNotEndedBy(deps.db.q, deps.clock.now());
