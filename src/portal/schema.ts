import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { clientContacts, clients } from '../clients/schema.js';

/**
 * A sign-in link emailed to someone at a client: only a hash of its token is kept; it works once
 * (`usedAt`), before `expiresAt`.
 */
export const portalSignInLinks = sqliteTable(
  'portal_sign_in_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** The address it was sent to, lower case. */
    email: text('email').notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    /** The named contact the address is; null for someone at the client's domain. */
    contactId: integer('contact_id').references(() => clientContacts.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('portal_sign_in_links_expires_idx').on(t.expiresAt)],
);

/**
 * A browser signed in to the portal, apart from staff sessions: only a hash of the cookie's token is kept.
 * It ends at `expiresAt` (14 days after signing in), or after two days without a visit (`seenAt`).
 */
export const portalSessions = sqliteTable(
  'portal_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    email: text('email').notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    contactId: integer('contact_id').references(() => clientContacts.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    seenAt: integer('seen_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('portal_sessions_email_idx').on(t.email), index('portal_sessions_expires_idx').on(t.expiresAt)],
);
