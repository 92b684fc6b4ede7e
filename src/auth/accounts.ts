import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import type { Organisation } from '../config/index.js';
import { accounts, sessions, ACCOUNT_ROLES, type AccountRole } from './schema.js';
import { decoyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';

export type Account = typeof accounts.$inferSelect;

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const SESSION_MS = 12 * 3_600_000;

export const newAccountSchema = z.object({
  email: z.email('is not a valid email address').transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'is required').max(200),
  role: z.enum(ACCOUNT_ROLES, { message: `must be one of ${ACCOUNT_ROLES.join(', ')}` }),
  password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1000),
});

/** Creates an account, or resets the password, name and role of an existing one with that email. */
export async function saveAccount(db: Db, input: z.infer<typeof newAccountSchema>, now: Date): Promise<{ account: Account; created: boolean }> {
  const passwordHash = await hashPassword(input.password);
  const existing = db.select().from(accounts).where(eq(accounts.email, input.email)).get();
  if (existing) {
    const account = db.update(accounts).set({ name: input.name, role: input.role, passwordHash, failedSignIns: 0, lockedUntil: null }).where(eq(accounts.id, existing.id)).returning().get();
    db.delete(sessions).where(eq(sessions.accountId, existing.id)).run();
    return { account, created: false };
  }
  return { account: db.insert(accounts).values({ email: input.email, name: input.name, role: input.role, passwordHash, createdAt: now }).returning().get(), created: true };
}

export type SignIn = { ok: true; account: Account } | { ok: false; reason: 'wrong' | 'locked'; until?: Date };

/**
 * Checks an email and password. Five failures in a row lock the account for 15 minutes (the
 * account, not the address, so an attacker rotating addresses gains nothing). Unknown emails cost
 * the same hash as known ones and get the same answer.
 */
export async function signIn(db: Db, email: string, password: string, now: Date): Promise<SignIn> {
  const account = db.select().from(accounts).where(eq(accounts.email, email.trim().toLowerCase())).get();
  if (!account) {
    await verifyPassword(password, await decoyHash());
    return { ok: false, reason: 'wrong' };
  }
  if (account.lockedUntil && account.lockedUntil > now) return { ok: false, reason: 'locked', until: account.lockedUntil };
  if (await verifyPassword(password, account.passwordHash)) {
    const updated = db.update(accounts).set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: now }).where(eq(accounts.id, account.id)).returning().get();
    return { ok: true, account: updated };
  }
  const failures = account.failedSignIns + 1;
  const locked = failures >= MAX_FAILED_SIGN_INS;
  const until = new Date(now.getTime() + LOCKOUT_MS);
  db.update(accounts).set({ failedSignIns: locked ? 0 : failures, lockedUntil: locked ? until : null }).where(eq(accounts.id, account.id)).run();
  return locked ? { ok: false, reason: 'locked', until } : { ok: false, reason: 'wrong' };
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new session: the browser keeps the token, the database only its hash. */
export function startSession(db: Db, accountId: number, now: Date): { token: string; csrfToken: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_MS);
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  db.insert(sessions).values({ tokenHash: digest(token), accountId, csrfToken, createdAt: now, expiresAt }).run();
  return { token, csrfToken, expiresAt };
}

export function sessionOf(db: Db, token: string, now: Date): { account: Account; csrfToken: string } | undefined {
  const row = db
    .select({ account: accounts, csrfToken: sessions.csrfToken })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.tokenHash, digest(token)), gt(sessions.expiresAt, now)))
    .get();
  return row;
}

export function endSession(db: Db, token: string): void {
  db.delete(sessions).where(eq(sessions.tokenHash, digest(token))).run();
}

/** What each role may do in the dashboard. */
export const CAN = {
  workQueue: ['admin', 'office', 'engineer', 'architect'],
  changeTickets: ['admin', 'office', 'engineer', 'architect'],
  seeAfterHours: ['admin', 'billing', 'office', 'architect'],
  seeReports: ['admin', 'billing'],
  manageOnCall: ['admin', 'office', 'architect'],
} as const satisfies Record<string, readonly AccountRole[]>;
export type Permission = keyof typeof CAN;
export const can = (role: AccountRole, what: Permission) => (CAN[what] as readonly AccountRole[]).includes(role);

/** The organisation's staff entry for an account (same email), which gives it a phone and a staff id. */
export const staffOfAccount = (org: Organisation, account: Account) => org.staff.find((s) => s.email.toLowerCase() === account.email);
