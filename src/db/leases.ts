import { and, eq, lt, or } from 'drizzle-orm';
import type { Q } from './engine.js';
import { jobLeases } from './tables.js';

/**
 * Takes the lease on a scheduled job until `until`, if nobody holds it (or the holder's lease has run
 * out, or it is ours already). One statement, so two instances asking at once cannot both get it.
 */
export async function takeLease(tx: Q, name: string, holder: string, now: Date, until: Date): Promise<boolean> {
  const taken = await tx
    .insert(jobLeases)
    .values({ name, heldBy: holder, leaseUntil: until })
    .onConflictDoUpdate({
      target: jobLeases.name,
      set: { heldBy: holder, leaseUntil: until },
      setWhere: or(eq(jobLeases.heldBy, holder), lt(jobLeases.leaseUntil, now)),
    })
    .returning({ name: jobLeases.name });
  return taken.length === 1;
}

/** Gives a lease back when the job is done, so the next run (on any instance) need not wait for it to run out. */
export async function releaseLease(tx: Q, name: string, holder: string): Promise<void> {
  await tx.delete(jobLeases).where(and(eq(jobLeases.name, name), eq(jobLeases.heldBy, holder)));
}

/** Drops every job lease: for a process that knows it is the only one (SQLite), on start-up. */
export async function forgetLeases(tx: Q): Promise<void> {
  await tx.delete(jobLeases);
}
