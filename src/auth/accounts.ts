import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Database, ReadQ } from '../db/index.js';
import type { Organisation } from '../config/index.js';
import { recordAudit, recordAuditAlone, type AuditAction } from '../audit/index.js';
import { ACCOUNT_ROLES, type AccountRole } from './schema.js';
import { checkPassword, decoyHash, hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import * as store from './store.js';
import type { Account } from './store.js';

export type { Account } from './store.js';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const SESSION_MS = 12 * 3_600_000;
const LIMIT: store.Lockout = { maxFailures: MAX_FAILED_SIGN_INS, lockoutMs: LOCKOUT_MS };

export const newAccountSchema = z.object({
  email: z.email('is not a valid email address').transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'is required').max(200),
  role: z.enum(ACCOUNT_ROLES, { message: `must be one of ${ACCOUNT_ROLES.join(', ')}` }),
  password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1000),
});

/** Creates an account, or resets the password, name and role of an existing one with that email. */
export async function saveAccount(
  db: Database,
  input: z.infer<typeof newAccountSchema>,
  now: Date,
): Promise<{ account: Account; created: boolean }> {
  const passwordHash = await hashPassword(input.password);
  return db.withTransaction(async (tx) => {
    const existing = await store.accountByEmail(tx, input.email);
    if (existing) {
      const account = await store.resetAccount(tx, existing.id, { name: input.name, role: input.role, passwordHash });
      await store.deleteSessionsOf(tx, existing.id);
      return { account, created: false };
    }
    const account = await store.insertAccount(
      tx,
      { email: input.email, name: input.name, role: input.role, passwordHash },
      now,
    );
    return { account, created: true };
  });
}

export type SignIn =
  | { ok: true; account: Account }
  | { ok: false; reason: 'locked'; until: Date }
  /** busy: too many password checks were waiting, so this one was not made (and not counted). */
  | { ok: false; reason: 'wrong' | 'busy' };

/** The email box as typed, the way accounts are looked up and the audit trail names who tried. */
export const typedEmail = (raw: string) => raw.trim().toLowerCase().slice(0, 320);

/**
 * Checks an email and password. Five failures in a row lock the account for 15 minutes (the
 * account, not the address, so an attacker rotating addresses gains nothing). Each attempt takes its
 * place in the count before the slow hash, in one statement, so parallel guesses cannot all read the
 * same count; those past the limit are refused without hashing. Unknown emails cost the same hash as
 * known ones and get the same answer. Every outcome goes to the audit trail (never the password).
 */
export async function signIn(
  db: Database,
  attempt: { email: string; password: string; ip: string },
  now: Date,
): Promise<SignIn> {
  const actor = typedEmail(attempt.email);
  const audit = (action: AuditAction, detail?: Record<string, unknown>) =>
    db.withTransaction((tx) => recordAudit(tx, { at: now, action, actor, ip: attempt.ip, detail }));
  const account = await db.withTransaction((tx) => store.reserveAttempt(tx, actor, now, LIMIT));
  if (account?.lockedUntil && account.lockedUntil > now) {
    await audit('sign_in_locked', { until: account.lockedUntil });
    return { ok: false, reason: 'locked', until: account.lockedUntil };
  }
  const check = await checkPassword(attempt.password, account?.passwordHash ?? decoyHash);
  if (check === 'busy') {
    if (account) await db.withTransaction((tx) => store.releaseAttempt(tx, account.id));
    await audit('sign_in_throttled', { by: 'busy' });
    return { ok: false, reason: 'busy' };
  }
  if (account && check === 'right') {
    const signedIn = await db.withTransaction((tx) => store.markSignedIn(tx, account.id, now));
    await audit('sign_in', { role: signedIn.role });
    return { ok: true, account: signedIn };
  }
  const until =
    account && account.failedSignIns >= MAX_FAILED_SIGN_INS ? await lockAccount(db, account.id, now) : undefined;
  await audit(
    'sign_in_failed',
    account ? { failures: account.failedSignIns, ...(until && { lockedUntil: until }) } : { account: 'none' },
  );
  return until ? { ok: false, reason: 'locked', until } : { ok: false, reason: 'wrong' };
}

/** A sign-in refused by a rate limit before any password was checked: the audit trail records who tried and from where. */
export function signInThrottled(
  db: Database,
  attempt: { email: string; ip: string; by: string; limit: number },
  now: Date,
): Promise<void> {
  const { ip, by, limit } = attempt;
  return recordAuditAlone(db, {
    at: now,
    action: 'sign_in_throttled',
    actor: typedEmail(attempt.email),
    ip,
    detail: { by, limit },
  });
}

/** The limit's failure locks the account, unless a right password has reset the count meanwhile. */
async function lockAccount(db: Database, accountId: number, now: Date): Promise<Date | undefined> {
  const until = new Date(now.getTime() + LOCKOUT_MS);
  return (await db.withTransaction((tx) => store.lockAccount(tx, accountId, until, MAX_FAILED_SIGN_INS)))
    ? until
    : undefined;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new session: the browser keeps the token, the database only its hash. */
export async function startSession(
  db: Database,
  accountId: number,
  now: Date,
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_MS);
  await db.withTransaction(async (tx) => {
    await store.deleteExpiredSessions(tx, now);
    await store.insertSession(tx, { tokenHash: digest(token), accountId, csrfToken, createdAt: now, expiresAt });
  });
  return { token, csrfToken, expiresAt };
}

export async function sessionOf(
  q: ReadQ,
  token: string,
  now: Date,
): Promise<{ account: Account; csrfToken: string } | undefined> {
  return store.sessionByHash(q, digest(token), now);
}

/** Signing out: the session ends, and the audit trail records who and from where. */
export async function signOut(
  db: Database,
  token: string,
  who: { email: string; ip: string },
  now: Date,
): Promise<void> {
  await db.withTransaction(async (tx) => {
    await store.deleteSession(tx, digest(token));
    await recordAudit(tx, { at: now, action: 'sign_out', actor: who.email, ip: who.ip });
  });
}

/** What each role may do in the dashboard. */
export const CAN = {
  workQueue: ['admin', 'office', 'engineer', 'architect'],
  /** Ticket pages, their voicemails and customers' attachments: the roles that work tickets. */
  seeTickets: ['admin', 'office', 'engineer', 'architect'],
  changeTickets: ['admin', 'office', 'engineer', 'architect'],
  seeAfterHours: ['admin', 'billing', 'office', 'architect'],
  seeReports: ['admin', 'billing'],
  manageOnCall: ['admin', 'office', 'architect'],
  manageAnnouncements: ['admin', 'office', 'architect'],
  seeAudit: ['admin'],
} as const satisfies Record<string, readonly AccountRole[]>;
export type Permission = keyof typeof CAN;
export const can = (role: AccountRole, what: Permission) => (CAN[what] as readonly AccountRole[]).includes(role);

/** Whether an account (by email) still exists and its role may do this. */
export async function mayStill(q: ReadQ, email: string, what: Permission): Promise<boolean> {
  const account = await store.accountByEmail(q, email.toLowerCase());
  return Boolean(account && can(account.role, what));
}

/** The organisation's staff entry for an account (same email), which gives it a phone and a staff id. */
export const staffOfAccount = (org: Organisation, account: Account) =>
  org.staff.find((s) => s.email.toLowerCase() === account.email);
