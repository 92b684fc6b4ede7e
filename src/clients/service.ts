import { z } from 'zod';
import { lineProblem, normalisePhone } from '../config/index.js';
import { isUniqueViolation, type Database } from '../db/index.js';
import type { Clock } from '../calendar/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import * as store from './store.js';
import type { Client } from './store.js';
import { FREE_MAIL_DOMAINS } from './free-mail.js';

export interface ClientDeps {
  db: Database;
  clock: Clock;
  country: Parameters<typeof normalisePhone>[1];
  /** The organisation's support levels and service lines, by name: what a client's `level` and `lines` may say. */
  levels: string[];
  lines: string[];
}

/** Support codes are what callers type on a keypad: digits only, 4 to 12 of them. */
export const supportCodeSchema = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits'));

/** A contact as the API gives it: a name, and a phone or an email. */
export const contactsSchema = z
  .array(
    z
      .object({
        name: z.string().trim().min(1, 'is required').max(200),
        phone: z.string().trim().max(40).optional(),
        email: z.email('is not a valid email address').optional(),
      })
      .strict()
      .refine((c) => c.phone || c.email, { message: 'needs a phone or an email' }),
  )
  .max(100);

/** Any sender at these domains counts as the client's: never a free-mail domain anyone can sign up at. */
export const domainsSchema = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .transform((d) => d.replace(/^@/, ''))
      .pipe(
        z
          .string()
          .regex(
            /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
            'must be a domain like acme.example',
          )
          .refine((d) => !FREE_MAIL_DOMAINS.has(d), {
            message: 'is a free-mail domain: anyone can have an address there, so list the contacts instead',
          }),
      ),
  )
  .max(50);

export const newClientSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    supportCode: supportCodeSchema,
    contacts: contactsSchema.default([]),
    domains: domainsSchema.default([]),
    /** The contract's support level, one of the organisation's support_levels (default: the first). */
    level: z.string().trim().min(1).max(40).optional(),
    /** The service lines the contract covers (default: all). */
    lines: z.array(z.string().trim().min(1).max(40)).min(1, 'must name at least one line').max(20).optional(),
  })
  .strict();

export type NewClientInput = z.infer<typeof newClientSchema>;

/**
 * What a client's terms say, checked against the organisation: contacts' phones made E.164, the level and
 * lines named in the organisation file. Problems by field.
 */
export function checkTerms(
  deps: ClientDeps,
  input: { contacts?: z.infer<typeof contactsSchema>; level?: string; lines?: string[] },
): { fields: Record<string, string>; contacts: { name: string; email?: string; phone?: string }[] } {
  const fields: Record<string, string> = {};
  const contacts = (input.contacts ?? []).map((c, i) => {
    const phone = c.phone ? normalisePhone(c.phone, deps.country) : undefined;
    if (c.phone && !phone) fields[`contacts[${i}].phone`] = `"${c.phone}" is not a valid phone number`;
    return { name: c.name, email: c.email, phone };
  });
  if (input.level !== undefined && !deps.levels.includes(input.level))
    fields.level = deps.levels.length
      ? `"${input.level}" is not a support level (${deps.levels.join(', ')})`
      : 'the organisation file defines no support_levels';
  input.lines?.forEach((line, i) => {
    const problem = lineProblem(deps.lines, line);
    if (problem) fields[`lines[${i}]`] = problem;
  });
  return { fields, contacts };
}

export const invalidInput = (fields: Record<string, string>) =>
  fail('invalid', 'invalid_input', `Invalid input: ${Object.values(fields).join('; ')}`, fields);

export async function createClient(deps: ClientDeps, input: NewClientInput): Promise<Outcome<Client>> {
  const { fields, contacts } = checkTerms(deps, input);
  if (Object.keys(fields).length) return invalidInput(fields);
  const taken = () =>
    fail('conflict', 'support_code_taken', `Support code ${input.supportCode} already belongs to another client`, {
      supportCode: 'is already in use',
    });
  if (await store.supportCodeTaken(deps.db.q, input.supportCode)) return taken();
  const domains = [...new Set(input.domains)];
  const claimed = await store.domainsTaken(deps.db.q, domains);
  if (claimed.length)
    return fail('conflict', 'domain_taken', `The domain ${claimed.join(', ')} already belongs to another client`, {
      domains: `${claimed.join(', ')} already belongs to another client`,
    });
  try {
    const client = await deps.db.withTransaction((tx) =>
      store.insertClient(
        tx,
        {
          name: input.name,
          supportCode: input.supportCode,
          contacts,
          domains,
          level: input.level,
          lines: input.lines ? [...new Set(input.lines)] : undefined,
        },
        deps.clock.now(),
      ),
    );
    return ok(client);
  } catch (err) {
    // Two requests with the same code at once: the unique index decides.
    if (isUniqueViolation(err)) return taken();
    throw err;
  }
}

/** Who an email address belongs to: a client contact's address, or any address at a client's domain. */
export function clientBySender(deps: Pick<ClientDeps, 'db'>, address: string): Promise<store.SenderMatch | undefined> {
  return store.clientBySender(deps.db.q, address);
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
