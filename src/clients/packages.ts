import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Q, ReadQ } from '../db/index.js';
import { packageUsage, supportPackages, PACKAGE_UNITS, type PackageUnit } from './schema.js';

export interface PackageBalance {
  id: number;
  clientId: number;
  unit: PackageUnit;
  /** Tickets, or minutes for hours. */
  quantity: number;
  used: number;
  remaining: number;
  note: string | null;
  createdAt: Date;
}

export const newPackageSchema = z.object({
  unit: z.enum(PACKAGE_UNITS, { message: 'must be tickets or hours' }),
  /** Tickets, or hours (decimals allowed) for an hours package. */
  quantity: z.number().positive('must be more than 0').max(100_000),
  note: z.string().trim().max(500).optional(),
});

export async function addPackage(
  q: Q,
  clientId: number,
  input: z.infer<typeof newPackageSchema>,
  now: Date,
): Promise<PackageBalance> {
  const quantity = input.unit === 'hours' ? Math.round(input.quantity * 60) : Math.round(input.quantity);
  const [row] = await q
    .insert(supportPackages)
    .values({ clientId, unit: input.unit, quantity, note: input.note ?? null, createdAt: now })
    .returning();
  return { ...row!, used: 0, remaining: row!.quantity };
}

/** A client's packages with what is left of each, oldest first. */
export async function packagesOf(q: ReadQ, clientId: number): Promise<PackageBalance[]> {
  const rows = await q
    .select({
      id: supportPackages.id,
      clientId: supportPackages.clientId,
      unit: supportPackages.unit,
      quantity: supportPackages.quantity,
      note: supportPackages.note,
      createdAt: supportPackages.createdAt,
      // Named in full: a bare column here would be read as the subquery's own "id".
      used: sql<number>`coalesce((select sum(u.amount) from package_usage u where u.package_id = "support_packages"."id"), 0)`,
    })
    .from(supportPackages)
    .where(eq(supportPackages.clientId, clientId))
    .orderBy(asc(supportPackages.createdAt), asc(supportPackages.id));
  return rows.map((r) => ({ ...r, used: Number(r.used), remaining: r.quantity - Number(r.used) }));
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
  const open = (await packagesOf(tx, clientId)).find((p) => p.unit === unit && p.remaining > 0);
  if (!open) return undefined;
  const drawn = Math.min(amount, open.remaining);
  const inserted = await tx
    .insert(packageUsage)
    .values({ packageId: open.id, itemKey, amount: drawn, at: now })
    .onConflictDoNothing()
    .returning({ id: packageUsage.id });
  return inserted.length ? { ...open, used: open.used + drawn, remaining: open.remaining - drawn } : undefined;
}

/** "3 of 10 tickets left", "4 h 30 min of 20 h left". */
export function describeBalance(p: PackageBalance): string {
  if (p.unit === 'tickets') return `${p.remaining} of ${p.quantity} tickets left`;
  const h = (min: number) => (min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`);
  return `${h(p.remaining)} of ${h(p.quantity)} left`;
}

/** What was drawn from a package between two instants. */
export async function packageUsedBetween(q: ReadQ, packageId: number, from: Date, to: Date): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`coalesce(sum(${packageUsage.amount}), 0)` })
    .from(packageUsage)
    .where(and(eq(packageUsage.packageId, packageId), gte(packageUsage.at, from), lt(packageUsage.at, to)));
  return Number(row?.n ?? 0);
}
