import { and, asc, desc, eq, gt, isNull, lte, type SQL } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { oncallFeeds, oncallOverrides } from './schema.js';

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

/** Overrides of one rotation: a service line's (by id), the organisation's own (null), or every one (undefined). */
const ofRotation = (line: string | null | undefined): SQL | undefined =>
  line === undefined ? undefined : line === null ? isNull(oncallOverrides.line) : eq(oncallOverrides.line, line);

/** Overrides that have not ended by `at`, soonest first. */
export function overridesNotEndedBy(q: ReadQ, at: Date, line?: string | null): Promise<Override[]> {
  return q
    .select()
    .from(oncallOverrides)
    .where(and(gt(oncallOverrides.endsAt, at), ofRotation(line)))
    .orderBy(asc(oncallOverrides.startsAt), asc(oncallOverrides.id));
}

/** The override covering `at`; the most recently created wins when several do. */
export async function overrideAt(q: ReadQ, at: Date, line: string | null = null): Promise<Override | undefined> {
  const [row] = await q
    .select()
    .from(oncallOverrides)
    .where(and(lte(oncallOverrides.startsAt, at), gt(oncallOverrides.endsAt, at), ofRotation(line)))
    .orderBy(desc(oncallOverrides.createdAt), desc(oncallOverrides.id))
    .limit(1);
  return row;
}

export type Feed = typeof oncallFeeds.$inferSelect;

/** A calendar feed by its token's hash. */
export async function feedByTokenHash(q: ReadQ, tokenHash: string): Promise<Feed | undefined> {
  const [row] = await q.select().from(oncallFeeds).where(eq(oncallFeeds.tokenHash, tokenHash));
  return row;
}

/** Whether a feed exists for a person or a rotation (its token is never shown again once made). */
export async function feedOf(q: ReadQ, kind: Feed['kind'], subject: string): Promise<Feed | undefined> {
  const [row] = await q
    .select()
    .from(oncallFeeds)
    .where(and(eq(oncallFeeds.kind, kind), eq(oncallFeeds.subject, subject)));
  return row;
}

/** Gives a feed a new token (a first one, or in place of the old, which stops working). */
export async function replaceFeedToken(
  tx: Q,
  kind: Feed['kind'],
  subject: string,
  tokenHash: string,
  madeBy: string,
  now: Date,
): Promise<void> {
  await tx
    .insert(oncallFeeds)
    .values({ kind, subject, tokenHash, madeBy, createdAt: now })
    .onConflictDoUpdate({
      target: [oncallFeeds.kind, oncallFeeds.subject],
      set: { tokenHash, madeBy, createdAt: now },
    });
}
