import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { portalSessions, portalSignInLinks } from './schema.js';

export type PortalSession = typeof portalSessions.$inferSelect;
export type SignInLink = typeof portalSignInLinks.$inferSelect;

export async function insertLink(tx: Q, link: typeof portalSignInLinks.$inferInsert): Promise<void> {
  await tx.insert(portalSignInLinks).values(link);
}

/** Marks a link used, once: the one transaction that does it gets the link; a used or expired one, nothing. */
export async function useLink(tx: Q, tokenHash: string, now: Date): Promise<SignInLink | undefined> {
  const [row] = await tx
    .update(portalSignInLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(portalSignInLinks.tokenHash, tokenHash),
        isNull(portalSignInLinks.usedAt),
        gt(portalSignInLinks.expiresAt, now),
      ),
    )
    .returning();
  return row;
}

export async function insertSession(tx: Q, session: typeof portalSessions.$inferInsert): Promise<void> {
  await tx.insert(portalSessions).values(session);
}

/** A session by its token's hash, unless it has ended (its 14 days, or two idle days, are over). */
export async function liveSession(
  q: ReadQ,
  tokenHash: string,
  now: Date,
  idleMs: number,
): Promise<PortalSession | undefined> {
  const [row] = await q
    .select()
    .from(portalSessions)
    .where(
      and(
        eq(portalSessions.tokenHash, tokenHash),
        gt(portalSessions.expiresAt, now),
        gt(portalSessions.seenAt, new Date(now.getTime() - idleMs)),
      ),
    );
  return row;
}

/** A visit: the session's idle time starts again. */
export async function touchSession(tx: Q, tokenHash: string, now: Date): Promise<void> {
  await tx.update(portalSessions).set({ seenAt: now }).where(eq(portalSessions.tokenHash, tokenHash));
}

export async function deleteSession(tx: Q, tokenHash: string): Promise<void> {
  await tx.delete(portalSessions).where(eq(portalSessions.tokenHash, tokenHash));
}

/** Every session of an address (signing out everywhere); how many there were. */
export async function deleteSessionsOf(tx: Q, email: string): Promise<number> {
  const rows = await tx
    .delete(portalSessions)
    .where(eq(portalSessions.email, email))
    .returning({ tokenHash: portalSessions.tokenHash });
  return rows.length;
}

/** Links and sessions that can no longer be used: gone, so the tables stay small. */
export async function deleteEnded(tx: Q, now: Date, idleMs: number): Promise<void> {
  await tx.delete(portalSignInLinks).where(lt(portalSignInLinks.expiresAt, now));
  await tx
    .delete(portalSessions)
    .where(or(lt(portalSessions.expiresAt, now), lt(portalSessions.seenAt, new Date(now.getTime() - idleMs))));
}

/** A link that could still be used (not used, not expired), without using it: for the page that asks to confirm. */
export async function usableLink(q: ReadQ, tokenHash: string, now: Date): Promise<SignInLink | undefined> {
  const [row] = await q
    .select()
    .from(portalSignInLinks)
    .where(
      and(
        eq(portalSignInLinks.tokenHash, tokenHash),
        isNull(portalSignInLinks.usedAt),
        gt(portalSignInLinks.expiresAt, now),
      ),
    );
  return row;
}

/** Every unused link of an address (signing out everywhere, or an address that lost its access); how many. */
export async function deleteLinksOf(tx: Q, email: string): Promise<number> {
  const rows = await tx
    .delete(portalSignInLinks)
    .where(and(eq(portalSignInLinks.email, email), isNull(portalSignInLinks.usedAt)))
    .returning({ tokenHash: portalSignInLinks.tokenHash });
  return rows.length;
}
