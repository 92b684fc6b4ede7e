import { z } from 'zod';
import { normalisePhone } from '../config/index.js';
import { isUniqueViolation, type Database } from '../db/index.js';
import type { Clock } from '../calendar/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import * as store from './store.js';
import type { Client } from './store.js';

export interface ClientDeps {
  db: Database;
  clock: Clock;
  country: Parameters<typeof normalisePhone>[1];
}

/** Support codes are what callers type on a keypad: digits only, 4 to 12 of them. */
export const supportCodeSchema = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits'));

export const newClientSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  supportCode: supportCodeSchema,
  contacts: z
    .array(
      z
        .object({
          name: z.string().trim().min(1, 'is required').max(200),
          phone: z.string().trim().max(40).optional(),
          email: z.email('is not a valid email address').optional(),
        })
        .refine((c) => c.phone || c.email, { message: 'needs a phone or an email' }),
    )
    .max(100)
    .default([]),
});

export type NewClientInput = z.infer<typeof newClientSchema>;

export async function createClient(deps: ClientDeps, input: NewClientInput): Promise<Outcome<Client>> {
  const fields: Record<string, string> = {};
  const contacts = input.contacts.map((c, i) => {
    const phone = c.phone ? normalisePhone(c.phone, deps.country) : undefined;
    if (c.phone && !phone) fields[`contacts[${i}].phone`] = `"${c.phone}" is not a valid phone number`;
    return { name: c.name, email: c.email, phone };
  });
  if (Object.keys(fields).length)
    return fail('invalid', 'invalid_input', `Invalid input: ${Object.values(fields).join('; ')}`, fields);
  const taken = () =>
    fail('conflict', 'support_code_taken', `Support code ${input.supportCode} already belongs to another client`, {
      supportCode: 'is already in use',
    });
  if (await store.supportCodeTaken(deps.db.q, input.supportCode)) return taken();
  try {
    const client = await deps.db.withTransaction((tx) =>
      store.insertClient(tx, { name: input.name, supportCode: input.supportCode, contacts }, deps.clock.now()),
    );
    return ok(client);
  } catch (err) {
    // Two requests with the same code at once: the unique index decides.
    if (isUniqueViolation(err)) return taken();
    throw err;
  }
}

export async function getClient(deps: ClientDeps, id: number): Promise<Outcome<Client>> {
  const client = await store.clientById(deps.db.q, id);
  return client ? ok(client) : fail('not_found', 'client_not_found', `No client with id ${id}`);
}

export const listClients = (deps: ClientDeps): Promise<Client[]> => store.listClients(deps.db.q);

/** Who is calling, by caller ID already normalised to E.164. */
export async function identifyCaller(
  deps: ClientDeps,
  phone: string | undefined,
): Promise<store.CallerMatch | undefined> {
  return phone ? store.contactByPhone(deps.db, phone) : undefined;
}

export async function clientBySupportCode(deps: ClientDeps, code: string): Promise<Client | undefined> {
  return /^\d{4,12}$/.test(code) ? store.clientBySupportCode(deps.db.q, code) : undefined;
}
