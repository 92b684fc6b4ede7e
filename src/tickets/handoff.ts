import { coverBetween, DEFAULT_ROTATION, lineOf } from '../oncall/index.js';
import type { TicketDeps } from './deps.js';
import { openEmergencies } from './handoff-store.js';

/** A hand-off the service missed (it was down) is still told this long after; older ones are not. */
const TELL_WITHIN_MS = 2 * 3_600_000;

/**
 * "You're on call now": at each hand-off, on every rotation (the organisation's and each service line's),
 * the person taking over gets an SMS and an email saying who hands over, until when, and which emergencies
 * are open, unless their `handoff_notice` is false. Each is keyed on the rotation, the person and the
 * hand-off's instant, so however many instances run this and however often, each is sent once.
 */
export async function tellHandoffs(deps: TicketDeps): Promise<number> {
  const org = deps.organisation;
  const now = deps.clock.now();
  let told = 0;
  for (const rotation of [DEFAULT_ROTATION, ...org.serviceLines.map((l) => l.id)]) {
    const line = rotation === DEFAULT_ROTATION ? null : rotation;
    const cover = await coverBetween(
      deps.db.q,
      org,
      new Date(now.getTime() - TELL_WITHIN_MS),
      new Date(now.getTime() + 1),
      line,
    );
    // The stretch on now, if it began within the window (the first one's start is only the window's).
    const current = cover.length > 1 ? cover.at(-1)! : undefined;
    if (!current || current.from > now) continue;
    const before = cover.at(-2)!;
    const person = org.staff.find((s) => s.id === current.staffId);
    if (!person || !person.handoff_notice) continue;
    const open = await openEmergencies(deps.db.q, line);
    const notice = {
      kind: 'on_call_now' as const,
      line: line ? lineOf(org, line)?.name : undefined,
      handsOver: org.staff.find((s) => s.id === before.staffId)?.name,
      until: current.until,
      open: open.map((t) => ({ number: t.number })),
    };
    const key = `on_call_now:${rotation}:${person.id}:${current.from.getTime()}`;
    const written = await deps.db.withTransaction((tx) => deps.pager.tellStaff(tx, [person], notice, { key }));
    if (written) {
      told++;
      deps.onOutbox();
    }
  }
  return told;
}
