import { and, desc, eq, gt, gte, isNotNull, isNull, lte, or } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { announcements } from './schema.js';

export type Announcement = typeof announcements.$inferSelect;
export type NewAnnouncement = Omit<typeof announcements.$inferInsert, 'id' | 'deletedAt' | 'endNoticeAt'>;

export async function insertAnnouncement(tx: Q, row: NewAnnouncement): Promise<Announcement> {
  const [inserted] = await tx.insert(announcements).values(row).returning();
  return inserted!;
}

/** Every announcement, newest first (the API's and the dashboard's list). */
export const listAnnouncements = (q: ReadQ, limit = 200): Promise<Announcement[]> =>
  q.select().from(announcements).orderBy(desc(announcements.createdAt), desc(announcements.id)).limit(limit);

export async function announcementById(q: ReadQ, id: number): Promise<Announcement | undefined> {
  const [row] = await q.select().from(announcements).where(eq(announcements.id, id));
  return row;
}

/** Ends an announcement now; false when there is none, or it was ended already. */
export async function endAnnouncement(tx: Q, id: number, now: Date): Promise<Announcement | undefined> {
  const [row] = await tx
    .update(announcements)
    .set({ deletedAt: now })
    .where(and(eq(announcements.id, id), isNull(announcements.deletedAt)))
    .returning();
  return row;
}

/** Announcements not taken down and not over at `now` (including ones yet to start). */
export const notOver = (q: ReadQ, now: Date): Promise<Announcement[]> =>
  q
    .select()
    .from(announcements)
    .where(and(isNull(announcements.deletedAt), or(isNull(announcements.endsAt), gt(announcements.endsAt, now))))
    .orderBy(announcements.id);

/** Announcements whose contacts were told of them and are now over, but not yet told so. */
export const overAndUntold = (q: ReadQ, now: Date): Promise<Announcement[]> =>
  q
    .select()
    .from(announcements)
    .where(
      and(
        eq(announcements.notify, true),
        isNull(announcements.endNoticeAt),
        or(isNotNull(announcements.deletedAt), lte(announcements.endsAt, now)),
      ),
    )
    .orderBy(announcements.id);

/** Takes the telling of an announcement's end: true for the one transaction that does it. */
export async function claimEndNotice(tx: Q, id: number, now: Date): Promise<boolean> {
  const rows = await tx
    .update(announcements)
    .set({ endNoticeAt: now })
    .where(and(eq(announcements.id, id), eq(announcements.notify, true), isNull(announcements.endNoticeAt)))
    .returning({ id: announcements.id });
  return rows.length > 0;
}

/** Announcements not over before `since` (taken down or ended since then, current, or yet to start). */
export const notOverBefore = (q: ReadQ, since: Date, limit = 200): Promise<Announcement[]> =>
  q
    .select()
    .from(announcements)
    .where(
      and(
        or(isNull(announcements.deletedAt), gte(announcements.deletedAt, since)),
        or(isNull(announcements.endsAt), gte(announcements.endsAt, since)),
      ),
    )
    .orderBy(desc(announcements.createdAt), desc(announcements.id))
    .limit(limit);
