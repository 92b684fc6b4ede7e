import { asc, eq, inArray } from 'drizzle-orm';
import type { Conn as Db, Db as DbFile } from '../db/index.js';
import { clients, clientContacts } from './schema.js';

export interface Contact {
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
}

export interface Client {
  id: number;
  name: string;
  supportCode: string;
  contacts: Contact[];
  createdAt: Date;
}

export interface NewClient {
  name: string;
  supportCode: string;
  contacts: { name: string; phone?: string; email?: string }[];
}

export function insertClient(db: Db, input: NewClient, now: Date): Client {
  return db.transaction((tx) => {
    const [row] = tx
      .insert(clients)
      .values({ name: input.name, supportCode: input.supportCode, createdAt: now })
      .returning()
      .all();
    const contacts = input.contacts.length
      ? tx
          .insert(clientContacts)
          .values(
            input.contacts.map((c) => ({
              clientId: row!.id,
              name: c.name,
              phone: c.phone ?? null,
              email: c.email ?? null,
            })),
          )
          .returning()
          .all()
      : [];
    return { ...row!, contacts: contacts.map(({ clientId: _, ...c }) => c) };
  });
}

export function supportCodeTaken(db: Db, supportCode: string): boolean {
  return db.select({ id: clients.id }).from(clients).where(eq(clients.supportCode, supportCode)).get() !== undefined;
}

function withContacts(db: Db, rows: (typeof clients.$inferSelect)[]): Client[] {
  if (rows.length === 0) return [];
  const all = db
    .select()
    .from(clientContacts)
    .where(
      inArray(
        clientContacts.clientId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(clientContacts.id))
    .all();
  return rows.map((r) => ({
    ...r,
    contacts: all.filter((c) => c.clientId === r.id).map(({ clientId: _, ...c }) => c),
  }));
}

export function listClients(db: Db): Client[] {
  return withContacts(db, db.select().from(clients).orderBy(asc(clients.name)).all());
}

export function clientById(db: Db, id: number): Client | undefined {
  const row = db.select().from(clients).where(eq(clients.id, id)).get();
  return row ? withContacts(db, [row])[0] : undefined;
}

export function clientBySupportCode(db: Db, supportCode: string): Client | undefined {
  const row = db.select().from(clients).where(eq(clients.supportCode, supportCode)).get();
  return row ? withContacts(db, [row])[0] : undefined;
}

export interface CallerMatch {
  clientId: number;
  clientName: string;
  contactId: number;
  contactName: string;
}

// Every incoming call asks this: a statement prepared once per connection.
const callerLookups = new WeakMap<object, import('better-sqlite3').Statement>();

/** The client and contact a phone number (E.164) belongs to; the earliest contact wins a shared number. */
export function contactByPhone(db: DbFile, phone: string): CallerMatch | undefined {
  let lookup = callerLookups.get(db);
  if (!lookup) {
    lookup = db.$client.prepare(
      `select c.id as clientId, c.name as clientName, k.id as contactId, k.name as contactName
       from client_contacts k join clients c on c.id = k.client_id
       where k.phone = ? order by k.id limit 1`,
    );
    callerLookups.set(db, lookup);
  }
  return lookup.get(phone) as CallerMatch | undefined;
}

/** Every client's id and name, by name: for pickers and reports. */
export function clientNames(db: Db): { id: number; name: string }[] {
  return db.select({ id: clients.id, name: clients.name }).from(clients).orderBy(asc(clients.name)).all();
}
