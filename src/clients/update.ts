import { z } from 'zod';
import { recordAudit } from '../audit/index.js';
import { isUniqueViolation } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { checkTerms, contactsSchema, domainsSchema, invalidInput, type ClientDeps } from './service.js';
import * as store from './store.js';
import type { Client } from './store.js';

/** PATCH /api/clients/:id: each field given replaces what the client had; `contacts` and `domains` whole lists. */
export const clientChangeSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    contacts: contactsSchema.optional(),
    domains: domainsSchema.optional(),
    level: z.string().trim().min(1).max(40).optional(),
    lines: z.array(z.string().trim().min(1).max(40)).min(1, 'must name at least one line').max(20).optional(),
    /** False: the client is no longer served. */
    active: z.boolean().optional(),
    /** What the client's files may take in all, in MB. */
    storageQuotaMb: z.number().int('must be a whole number of MB').min(0).max(10_000_000).optional(),
  })
  .strict();
export type ClientChangeInput = z.infer<typeof clientChangeSchema>;

/**
 * Changes a client. Whatever it takes away (a contact, a domain, or the client itself when it is no longer
 * served) counts for nothing from the moment it is committed: every lookup of an address, a phone number or
 * a support code, and every portal request and sign-in link, asks the client's record as it is now.
 */
export async function updateClientRecord(
  deps: ClientDeps,
  id: number,
  input: ClientChangeInput,
  actor = 'api',
): Promise<Outcome<Client>> {
  const { fields, contacts } = checkTerms(deps, input);
  if (Object.keys(fields).length) return invalidInput(fields);
  const existing = await store.clientById(deps.db.q, id);
  if (!existing) return fail('not_found', 'client_not_found', `No client with id ${id}`);
  const domains = input.domains ? [...new Set(input.domains)] : undefined;
  const claimed = domains ? await store.domainsTakenByOthers(deps.db.q, domains, id) : [];
  const taken = () =>
    fail('conflict', 'domain_taken', `The domain ${claimed.join(', ')} already belongs to another client`, {
      domains: `${claimed.join(', ')} already belongs to another client`,
    });
  if (claimed.length) return taken();
  const now = deps.clock.now();
  try {
    await deps.db.withTransaction(async (tx) => {
      const removed = await store.updateClient(
        tx,
        id,
        {
          name: input.name,
          level: input.level,
          lines: input.lines ? [...new Set(input.lines)] : undefined,
          active: input.active,
          storageQuotaMb: input.storageQuotaMb,
          contacts: input.contacts ? contacts : undefined,
          domains,
        },
        now,
      );
      await recordAudit(tx, {
        at: now,
        action: 'client_changed',
        actor,
        detail: {
          clientId: id,
          changed: Object.keys(input),
          ...(input.active === false && existing.active ? { noLongerServed: true } : {}),
          ...(removed.contacts.length ? { contactsRemoved: removed.contacts.map((c) => c.email ?? c.phone) } : {}),
          ...(removed.domains.length ? { domainsRemoved: removed.domains } : {}),
        },
      });
    });
  } catch (err) {
    // Another client took the domain at the same moment: the unique index decides.
    if (isUniqueViolation(err)) return taken();
    throw err;
  }
  return ok((await store.clientById(deps.db.q, id))!);
}
