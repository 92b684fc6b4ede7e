import type { Organisation, StaffMember } from '../config/index.js';
import type { ReadQ } from '../db/index.js';
import { architects, onCallAt } from '../oncall/index.js';

/** The on-call engineer at that instant and every System Architect, each once. */
export async function whoToPage(q: ReadQ, organisation: Organisation, at: Date): Promise<StaffMember[]> {
  const onCall = (await onCallAt(q, organisation, at)).staff;
  const people = [onCall, ...architects(organisation)];
  return people.filter((p, i) => people.findIndex((x) => x.id === p.id) === i);
}
