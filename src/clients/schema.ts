import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/** A customer of the helpdesk; its support code is what callers type to identify themselves. */
export const clients = sqliteTable('clients', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  supportCode: text('support_code').notNull().unique(),
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
  },
  (t) => [index('client_contacts_phone_idx').on(t.phone), index('client_contacts_client_idx').on(t.clientId)],
);
