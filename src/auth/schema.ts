import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

export const ACCOUNT_ROLES = ['admin', 'office', 'engineer', 'architect', 'billing'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Someone who signs in to the dashboard; linked to the organisation's staff entry by email when there is one. */
export const accounts = sqliteTable('accounts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ACCOUNT_ROLES }).notNull(),
  passwordHash: text('password_hash').notNull(),
  failedSignIns: integer('failed_sign_ins').notNull().default(0),
  lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
  lastSignInAt: integer('last_sign_in_at', { mode: 'timestamp_ms' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** A signed-in browser. Only a hash of the cookie's token is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('sessions_account_idx').on(t.accountId)],
);
