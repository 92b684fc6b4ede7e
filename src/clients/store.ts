import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, Q, SqliteDatabase, ReadQ } from '../db/index.js';
import { clients, clientContacts, clientDomains } from './schema.js';

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
  /** The contract's support level; null: the organisation's default. */
  level: string | null;
  /** The service lines the contract covers; null: every line. */
  lines: string[] | null;
  /** False once the client is no longer served. */
  active: boolean;
  /** What its files may take in all, in MB; null: DEFAULT_STORAGE_QUOTA_MB. */
  storageQuotaMb: number | null;
  /** Its contacts (those taken off it are not listed). */
  contacts: Contact[];
  /** Any sender at these domains counts as the client's. */
  domains: string[];
  createdAt: Date;
}

export interface NewClient {
  name: string;
  supportCode: string;
  contacts: { name: string; phone?: string; email?: string }[];
  domains?: string[];
  level?: string;
  lines?: string[];
}

export async function insertClient(tx: Q, input: NewClient, now: Date): Promise<Client> {
  const [row] = await tx
    .insert(clients)
    .values({
      name: input.name,
      supportCode: input.supportCode,
      level: input.level ?? null,
      lines: input.lines ?? null,
      createdAt: now,
    })
    .returning();
  const contacts = input.contacts.length
    ? await tx
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
    : [];
  const domains = input.domains?.length
    ? await tx
        .insert(clientDomains)
        .values(input.domains.map((domain) => ({ clientId: row!.id, domain })))
        .returning()
    : [];
  return {
    ...row!,
    contacts: contacts.map(({ clientId: _, removedAt: __, ...c }) => c),
    domains: domains.map((d) => d.domain),
  };
}

export async function supportCodeTaken(q: ReadQ, supportCode: string): Promise<boolean> {
  return (
    (await q.select({ id: clients.id }).from(clients).where(eq(clients.supportCode, supportCode)).limit(1)).length > 0
  );
}

async function withContacts(q: ReadQ, rows: (typeof clients.$inferSelect)[]): Promise<Client[]> {
  if (rows.length === 0) return [];
  const all = await q
    .select()
    .from(clientContacts)
    .where(
      and(
        inArray(
          clientContacts.clientId,
          rows.map((r) => r.id),
        ),
        isNull(clientContacts.removedAt),
      ),
    )
    .orderBy(asc(clientContacts.id));
  const domains = await q
    .select()
    .from(clientDomains)
    .where(
      inArray(
        clientDomains.clientId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(clientDomains.domain));
  return rows.map((r) => ({
    ...r,
    contacts: all.filter((c) => c.clientId === r.id).map(({ clientId: _, removedAt: __, ...c }) => c),
    domains: domains.filter((d) => d.clientId === r.id).map((d) => d.domain),
  }));
}

export async function domainsTaken(q: ReadQ, domains: string[]): Promise<string[]> {
  if (domains.length === 0) return [];
  const rows = await q
    .select({ domain: clientDomains.domain })
    .from(clientDomains)
    .where(inArray(clientDomains.domain, domains));
  return rows.map((r) => r.domain);
}

export interface SenderMatch {
  clientId: number;
  clientName: string;
  /** The contact whose address it is; none when only the domain matched. */
  contactId?: number;
  contactName?: string;
}

/** A contact with its client's name, level and lines: who a caller or a sender is. */
const contactWithClient = {
  clientId: clients.id,
  clientName: clients.name,
  contactId: clientContacts.id,
  contactName: clientContacts.name,
  level: clients.level,
  lines: clients.lines,
};

/** A contact still on a client that is still served: whose address, number or code still counts. */
const stillServed = and(isNull(clientContacts.removedAt), eq(clients.active, true));

/**
 * The client an email address belongs to: a contact's own address first, then the client's domains. A
 * contact taken off, a domain taken away or a client no longer served counts for nothing.
 */
export async function clientBySender(q: ReadQ, address: string): Promise<SenderMatch | undefined> {
  const email = address.toLowerCase();
  const [contact] = await q
    .select(contactWithClient)
    .from(clientContacts)
    .innerJoin(clients, eq(clients.id, clientContacts.clientId))
    .where(and(eq(sql`lower(${clientContacts.email})`, email), stillServed))
    .orderBy(asc(clientContacts.id))
    .limit(1);
  if (contact) return contact;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const [byDomain] = await q
    .select({ clientId: clients.id, clientName: clients.name })
    .from(clientDomains)
    .innerJoin(clients, eq(clients.id, clientDomains.clientId))
    .where(and(eq(clientDomains.domain, domain), eq(clients.active, true)))
    .limit(1);
  return byDomain;
}

export async function listClients(q: ReadQ): Promise<Client[]> {
  return withContacts(q, await q.select().from(clients).orderBy(asc(clients.name)));
}

export async function clientById(q: ReadQ, id: number): Promise<Client | undefined> {
  const rows = await q.select().from(clients).where(eq(clients.id, id));
  return (await withContacts(q, rows))[0];
}

/** The client a support code names, while it is served (a client no longer served is not named by it). */
export async function clientBySupportCode(q: ReadQ, supportCode: string): Promise<Client | undefined> {
  const rows = await q
    .select()
    .from(clients)
    .where(and(eq(clients.supportCode, supportCode), eq(clients.active, true)));
  return (await withContacts(q, rows))[0];
}

export interface CallerMatch {
  clientId: number;
  clientName: string;
  contactId: number;
  contactName: string;
  /** The client's support level (null: the default) and the lines its contract covers (null: all). */
  level: string | null;
  lines: string[] | null;
}

// Every incoming call asks this: on SQLite a statement prepared once per connection, run without the
// query builder (the incoming-call webhook's speed budget is a few milliseconds).
const callerLookups = new WeakMap<object, import('better-sqlite3').Statement>();

/** The client and contact a phone number (E.164) belongs to; the earliest contact wins a shared number. */
export async function contactByPhone(db: Database, phone: string): Promise<CallerMatch | undefined> {
  if (db.engine === 'sqlite') {
    const { connection } = db as SqliteDatabase;
    let lookup = callerLookups.get(connection);
    if (!lookup) {
      lookup = connection.prepare(
        `select c.id as clientId, c.name as clientName, k.id as contactId, k.name as contactName,
                c.level as level, c.lines as lines
         from client_contacts k join clients c on c.id = k.client_id
         where k.phone = ? and k.removed_at is null and c.active = 1 order by k.id limit 1`,
      );
      callerLookups.set(connection, lookup);
    }
    const row = lookup.get(phone) as (Omit<CallerMatch, 'lines'> & { lines: string | null }) | undefined;
    return row ? { ...row, lines: row.lines ? (JSON.parse(row.lines) as string[]) : null } : undefined;
  }
  const [row] = await db.q
    .select(contactWithClient)
    .from(clientContacts)
    .innerJoin(clients, eq(clients.id, clientContacts.clientId))
    .where(and(eq(clientContacts.phone, phone), stillServed))
    .orderBy(asc(clientContacts.id))
    .limit(1);
  return row;
}

/** Every client's id and name, by name: for pickers and reports. */
export function clientNames(q: ReadQ): Promise<{ id: number; name: string; level: string | null }[]> {
  return q
    .select({ id: clients.id, name: clients.name, level: clients.level })
    .from(clients)
    .orderBy(asc(clients.name), asc(clients.id));
}

/** What a client's files may take in all when its record names no quota. */
export const DEFAULT_STORAGE_QUOTA_MB = 2048;

/** What a client's files may take in all, in bytes. */
export async function storageQuotaOf(q: ReadQ, clientId: number): Promise<number> {
  const [row] = await q.select({ mb: clients.storageQuotaMb }).from(clients).where(eq(clients.id, clientId)).limit(1);
  return (row?.mb ?? DEFAULT_STORAGE_QUOTA_MB) * 1024 * 1024;
}

export interface ClientChange {
  name?: string;
  level?: string;
  lines?: string[];
  active?: boolean;
  storageQuotaMb?: number;
  /** The whole list of contacts: those kept are matched by address (or, without one, by phone). */
  contacts?: { name: string; phone?: string; email?: string }[];
  /** The whole list of domains. */
  domains?: string[];
}

/** What a change took away: contacts' addresses and phones, and domains. */
export interface Removed {
  contacts: Contact[];
  domains: string[];
}

/**
 * Applies a change to a client. Contacts taken off are kept with the time they were removed (tickets
 * still name who opened them); domains taken away are deleted.
 */
export async function updateClient(tx: Q, id: number, change: ClientChange, now: Date): Promise<Removed> {
  const fields = {
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.level !== undefined ? { level: change.level } : {}),
    ...(change.lines !== undefined ? { lines: change.lines } : {}),
    ...(change.active !== undefined ? { active: change.active } : {}),
    ...(change.storageQuotaMb !== undefined ? { storageQuotaMb: change.storageQuotaMb } : {}),
  };
  if (Object.keys(fields).length) await tx.update(clients).set(fields).where(eq(clients.id, id));
  const removed: Removed = { contacts: [], domains: [] };
  if (change.contacts) {
    const current = await tx
      .select()
      .from(clientContacts)
      .where(and(eq(clientContacts.clientId, id), isNull(clientContacts.removedAt)))
      .orderBy(asc(clientContacts.id));
    const kept = new Set<number>();
    for (const c of change.contacts) {
      const email = c.email?.toLowerCase();
      const same = current.find(
        (k) =>
          !kept.has(k.id) &&
          (email ? k.email?.toLowerCase() === email : Boolean(c.phone) && !k.email && k.phone === c.phone),
      );
      if (same) {
        kept.add(same.id);
        await tx
          .update(clientContacts)
          .set({ name: c.name, phone: c.phone ?? null, email: c.email ?? null })
          .where(eq(clientContacts.id, same.id));
      } else
        await tx
          .insert(clientContacts)
          .values({ clientId: id, name: c.name, phone: c.phone ?? null, email: c.email ?? null });
    }
    const gone = current.filter((k) => !kept.has(k.id));
    if (gone.length)
      await tx
        .update(clientContacts)
        .set({ removedAt: now })
        .where(
          inArray(
            clientContacts.id,
            gone.map((k) => k.id),
          ),
        );
    removed.contacts = gone.map(({ clientId: _, removedAt: __, ...c }) => c);
  }
  if (change.domains) {
    const current = await tx.select().from(clientDomains).where(eq(clientDomains.clientId, id));
    const wanted = new Set(change.domains);
    const gone = current.filter((d) => !wanted.has(d.domain));
    if (gone.length)
      await tx.delete(clientDomains).where(
        inArray(
          clientDomains.id,
          gone.map((d) => d.id),
        ),
      );
    const fresh = change.domains.filter((d) => !current.some((c) => c.domain === d));
    if (fresh.length) await tx.insert(clientDomains).values(fresh.map((domain) => ({ clientId: id, domain })));
    removed.domains = gone.map((d) => d.domain);
  }
  return removed;
}

/** Domains among these that belong to another client than this one. */
export async function domainsTakenByOthers(q: ReadQ, domains: string[], clientId: number): Promise<string[]> {
  if (domains.length === 0) return [];
  const rows = await q
    .select({ domain: clientDomains.domain, clientId: clientDomains.clientId })
    .from(clientDomains)
    .where(inArray(clientDomains.domain, domains));
  return rows.filter((r) => r.clientId !== clientId).map((r) => r.domain);
}
