import { z } from 'zod';
import type { Q } from '../db/index.js';
import { ok, type Outcome } from '../http/problems.js';
import { PACKAGE_UNITS, type PackageUnit } from './schema.js';
import * as store from './packages-store.js';
import type { PackageBalance } from './packages-store.js';
import { getClient, type ClientDeps } from './service.js';

export const newPackageSchema = z.object({
  unit: z.enum(PACKAGE_UNITS, { message: 'must be tickets or hours' }),
  /** Tickets, or hours (decimals allowed) for an hours package. */
  quantity: z.number().positive('must be more than 0').max(100_000),
  note: z.string().trim().max(500).optional(),
});

export type NewPackageInput = z.infer<typeof newPackageSchema>;

export async function addPackage(tx: Q, clientId: number, input: NewPackageInput, now: Date): Promise<PackageBalance> {
  const quantity = input.unit === 'hours' ? Math.round(input.quantity * 60) : Math.round(input.quantity);
  return store.insertPackage(tx, { clientId, unit: input.unit, quantity, note: input.note ?? null }, now);
}

/** A client's packages, or why not (no such client). */
export async function packagesOfClient(deps: ClientDeps, clientId: number): Promise<Outcome<PackageBalance[]>> {
  const client = await getClient(deps, clientId);
  return client.ok ? ok(await store.packagesOf(deps.db.q, clientId)) : client;
}

/** Sells a client a prepaid package of tickets or hours. */
export async function addClientPackage(
  deps: ClientDeps,
  clientId: number,
  input: NewPackageInput,
): Promise<Outcome<PackageBalance>> {
  const client = await getClient(deps, clientId);
  if (!client.ok) return client;
  return ok(await deps.db.withTransaction((tx) => addPackage(tx, clientId, input, deps.clock.now())));
}

/**
 * Draws billed work from the client's oldest package of that unit that has some left (a resolved
 * ticket from a tickets package, logged minutes from an hours package). Once per item: billing the
 * same ticket again draws nothing. Returns the package drawn from, if any.
 */
export async function drawFromPackage(
  tx: Q,
  clientId: number | null,
  unit: PackageUnit,
  itemKey: string,
  amount: number,
  now: Date,
): Promise<PackageBalance | undefined> {
  if (!clientId || amount <= 0) return undefined;
  const open = (await store.packagesOf(tx, clientId)).find((p) => p.unit === unit && p.remaining > 0);
  if (!open) return undefined;
  const drawn = Math.min(amount, open.remaining);
  return (await store.insertUsage(tx, { packageId: open.id, itemKey, amount: drawn }, now))
    ? { ...open, used: open.used + drawn, remaining: open.remaining - drawn }
    : undefined;
}

/** "3 of 10 tickets left", "4 h 30 min of 20 h left". */
export function describeBalance(p: PackageBalance): string {
  if (p.unit === 'tickets') return `${p.remaining} of ${p.quantity} tickets left`;
  const h = (min: number) => (min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`);
  return `${h(p.remaining)} of ${h(p.quantity)} left`;
}
