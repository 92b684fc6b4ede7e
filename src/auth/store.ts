import { and, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { accounts, sessions, type AccountRole } from './schema.js';

export type Account = typeof accounts.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;

/** How many failures in a row lock an account, and for how long. */
export interface Lockout {
  maxFailures: number;
  lockoutMs: number;
}

export async function accountByEmail(q: ReadQ, email: string): Promise<Account | undefined> {
  const [row] = await q.select().from(accounts).where(eq(accounts.email, email));
  return row;
}

export async function insertAccount(
  tx: Q,
  input: { email: string; name: string; role: AccountRole; passwordHash: string },
  now: Date,
): Promise<Account> {
  const [account] = await tx
    .insert(accounts)
    .values({
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: input.passwordHash,
      createdAt: now,
    })
    .returning();
  return account!;
}

/** A new name, role and password, with the failure count and any lock cleared. */
export async function resetAccount(
  tx: Q,
  accountId: number,
  input: { name: string; role: AccountRole; passwordHash: string },
): Promise<Account> {
  const [account] = await tx
    .update(accounts)
    .set({ name: input.name, role: input.role, passwordHash: input.passwordHash, failedSignIns: 0, lockedUntil: null })
    .where(eq(accounts.id, accountId))
    .returning();
  return account!;
}

/** A right password: the failure count and any lock are cleared. */
export async function markSignedIn(tx: Q, accountId: number, now: Date): Promise<Account> {
  const [account] = await tx
    .update(accounts)
    .set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: now })
    .where(eq(accounts.id, accountId))
    .returning();
  return account!;
}

/**
 * Counts an attempt before its password is checked, and returns the account as it now stands (none
 * for an unknown email). A locked account's count stands still; an expired lock starts a fresh count;
 * an attempt beyond the limit locks the account itself, so a count left high by a crash cannot refuse
 * sign-ins forever without a lock that expires. One statement, so parallel guesses cannot all read the
 * same count.
 */
export async function reserveAttempt(tx: Q, email: string, now: Date, limit: Lockout): Promise<Account | undefined> {
  const lockedNow = sql`${accounts.lockedUntil} > ${now.getTime()}`;
  const [row] = await tx
    .update(accounts)
    .set({
      failedSignIns: sql`CASE WHEN ${lockedNow} THEN ${accounts.failedSignIns} WHEN ${accounts.lockedUntil} IS NOT NULL THEN 1
        ELSE ${accounts.failedSignIns} + 1 END`,
      lockedUntil: sql`CASE WHEN ${lockedNow} THEN ${accounts.lockedUntil}
        WHEN ${accounts.lockedUntil} IS NULL AND ${accounts.failedSignIns} >= ${limit.maxFailures} THEN cast(${now.getTime() + limit.lockoutMs} as bigint) END`,
    })
    .where(eq(accounts.email, email))
    .returning();
  return row;
}

/** An attempt that was never checked (the hashing queue was full) does not count. */
export async function releaseAttempt(tx: Q, accountId: number): Promise<void> {
  await tx
    .update(accounts)
    .set({ failedSignIns: sql`${accounts.failedSignIns} - 1` })
    .where(and(eq(accounts.id, accountId), gt(accounts.failedSignIns, 0)));
}

/** Locks the account until `until`, unless a right password has brought the count under the limit meanwhile. */
export async function lockAccount(tx: Q, accountId: number, until: Date, maxFailures: number): Promise<boolean> {
  const locked = await tx
    .update(accounts)
    .set({ lockedUntil: until })
    .where(and(eq(accounts.id, accountId), gte(accounts.failedSignIns, maxFailures)))
    .returning({ id: accounts.id });
  return locked.length > 0;
}

export async function insertSession(tx: Q, session: NewSession): Promise<void> {
  await tx.insert(sessions).values(session);
}

export async function deleteExpiredSessions(tx: Q, now: Date): Promise<void> {
  await tx.delete(sessions).where(lt(sessions.expiresAt, now));
}

export async function deleteSession(tx: Q, tokenHash: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSessionsOf(tx: Q, accountId: number): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.accountId, accountId));
}

/** The account and CSRF token of a session that has not expired, by its token's hash. */
export async function sessionByHash(
  q: ReadQ,
  tokenHash: string,
  now: Date,
): Promise<{ account: Account; csrfToken: string } | undefined> {
  const [row] = await q
    .select({ account: accounts, csrfToken: sessions.csrfToken })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
  return row;
}
