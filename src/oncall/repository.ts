import { and, asc, desc, eq, gt, lte } from 'drizzle-orm';
import type { Conn as Db } from '../db/index.js';
import { oncallOverrides } from './schema.js';

export type Override = typeof oncallOverrides.$inferSelect;
export type NewOverride = Omit<typeof oncallOverrides.$inferInsert, 'id'>;

export function insertOverride(db: Db, input: NewOverride): Override {
  return db.insert(oncallOverrides).values(input).returning().get();
}

export function deleteOverride(db: Db, id: number): boolean {
  return db.delete(oncallOverrides).where(eq(oncallOverrides.id, id)).run().changes > 0;
}

/** Overrides that have not ended by `at`, soonest first. */
export function overridesNotEndedBy(db: Db, at: Date): Override[] {
  return db
    .select()
    .from(oncallOverrides)
    .where(gt(oncallOverrides.endsAt, at))
    .orderBy(asc(oncallOverrides.startsAt))
    .all();
}

/** The override covering `at`; the most recently created wins when several do. */
export function overrideAt(db: Db, at: Date): Override | undefined {
  return db
    .select()
    .from(oncallOverrides)
    .where(and(lte(oncallOverrides.startsAt, at), gt(oncallOverrides.endsAt, at)))
    .orderBy(desc(oncallOverrides.createdAt), desc(oncallOverrides.id))
    .get();
}
