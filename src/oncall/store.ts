import { and, asc, desc, eq, gt, lte } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { oncallOverrides } from './schema.js';

export type Override = typeof oncallOverrides.$inferSelect;
export type NewOverride = Omit<typeof oncallOverrides.$inferInsert, 'id'>;

export async function insertOverride(tx: Q, input: NewOverride): Promise<Override> {
  const [row] = await tx.insert(oncallOverrides).values(input).returning();
  return row!;
}

export async function deleteOverride(tx: Q, id: number): Promise<boolean> {
  return (
    (await tx.delete(oncallOverrides).where(eq(oncallOverrides.id, id)).returning({ id: oncallOverrides.id })).length >
    0
  );
}

/** Overrides that have not ended by `at`, soonest first. */
export function overridesNotEndedBy(q: ReadQ, at: Date): Promise<Override[]> {
  return q.select().from(oncallOverrides).where(gt(oncallOverrides.endsAt, at)).orderBy(asc(oncallOverrides.startsAt));
}

/** The override covering `at`; the most recently created wins when several do. */
export async function overrideAt(q: ReadQ, at: Date): Promise<Override | undefined> {
  const [row] = await q
    .select()
    .from(oncallOverrides)
    .where(and(lte(oncallOverrides.startsAt, at), gt(oncallOverrides.endsAt, at)))
    .orderBy(desc(oncallOverrides.createdAt), desc(oncallOverrides.id))
    .limit(1);
  return row;
}
