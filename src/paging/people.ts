import type { Organisation, StaffMember } from '../config/index.js';
import type { ReadQ } from '../db/index.js';
import { architects, onCallAt } from '../oncall/index.js';

/**
 * The on-call engineer at that instant and every System Architect, each once; for a service line, its
 * own on-call engineer and the architects it names.
 */
export async function whoToPage(
  q: ReadQ,
  organisation: Organisation,
  at: Date,
  line?: string | null,
): Promise<StaffMember[]> {
  const onCall = (await onCallAt(q, organisation, at, line)).staff;
  const people = [onCall, ...architects(organisation, line)];
  return people.filter((p, i) => people.findIndex((x) => x.id === p.id) === i);
}
