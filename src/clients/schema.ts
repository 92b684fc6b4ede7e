import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/** A customer of the helpdesk; its support code is what callers type to identify themselves. */
export const clients = sqliteTable('clients', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  supportCode: text('support_code').notNull().unique(),
  /** The contract's support level (a name under support_levels); null: the organisation's default level. */
  level: text('level'),
  /** The service lines the contract covers; null: every line. */
  lines: text('lines', { mode: 'json' }).$type<string[]>(),
  /** False once the client is no longer served: its contacts, domains and support code count for nothing. */
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  /** What the client's files may take in all, in MB; null: the default (DEFAULT_STORAGE_QUOTA_MB). */
  storageQuotaMb: integer('storage_quota_mb'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** A person at a client; the phone (E.164) is how a caller is recognised by caller ID. */
export const clientContacts = sqliteTable(
  'client_contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    phone: text('phone'),
    email: text('email'),
    /** When the contact was taken off the client (kept, not deleted: tickets still name who opened them). */
    removedAt: integer('removed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('client_contacts_phone_idx').on(t.phone), index('client_contacts_client_idx').on(t.clientId)],
);

/** Any sender at one of these domains counts as the client's (never a free-mail domain). */
export const clientDomains = sqliteTable(
  'client_domains',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull().unique(),
  },
  (t) => [index('client_domains_client_idx').on(t.clientId)],
);

export const PACKAGE_UNITS = ['tickets', 'hours'] as const;
export type PackageUnit = (typeof PACKAGE_UNITS)[number];

/** Prepaid support a client bought: a number of tickets, or of hours of work. */
export const supportPackages = sqliteTable(
  'support_packages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    unit: text('unit', { enum: PACKAGE_UNITS }).notNull(),
    /** Tickets, or minutes for an hours package. */
    quantity: integer('quantity').notNull(),
    note: text('note'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('support_packages_client_idx').on(t.clientId)],
);

/** What was drawn from a package, once per billed item (a resolved ticket, a work log). */
export const packageUsage = sqliteTable(
  'package_usage',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    packageId: integer('package_id')
      .notNull()
      .references(() => supportPackages.id, { onDelete: 'cascade' }),
    /** What was billed: "ticket:12" or "work:40"; one draw per item. */
    itemKey: text('item_key').notNull().unique(),
    amount: integer('amount').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('package_usage_package_idx').on(t.packageId)],
);
