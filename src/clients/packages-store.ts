import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { packageUsage, supportPackages, type PackageUnit } from './schema.js';

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

/** A new package (its quantity in tickets, or minutes for hours), nothing used yet. */
export async function insertPackage(
  tx: Q,
  input: { clientId: number; unit: PackageUnit; quantity: number; note: string | null },
  now: Date,
): Promise<PackageBalance> {
  const [row] = await tx
    .insert(supportPackages)
    .values({ clientId: input.clientId, unit: input.unit, quantity: input.quantity, note: input.note, createdAt: now })
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

/** Records a draw on a package for one billed item; false if that item has drawn already (written once). */
export async function insertUsage(
  tx: Q,
  usage: { packageId: number; itemKey: string; amount: number },
  now: Date,
): Promise<boolean> {
  const inserted = await tx
    .insert(packageUsage)
    .values({ packageId: usage.packageId, itemKey: usage.itemKey, amount: usage.amount, at: now })
    .onConflictDoNothing()
    .returning({ id: packageUsage.id });
  return inserted.length > 0;
}

/** What was drawn from a package between two instants. */
export async function packageUsedBetween(q: ReadQ, packageId: number, from: Date, to: Date): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`coalesce(sum(${packageUsage.amount}), 0)` })
    .from(packageUsage)
    .where(and(eq(packageUsage.packageId, packageId), gte(packageUsage.at, from), lt(packageUsage.at, to)));
  return Number(row?.n ?? 0);
}
