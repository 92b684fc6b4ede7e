import { desc } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { auditLog, type AuditAction } from './schema.js';

export type AuditEntry = typeof auditLog.$inferSelect;
export interface NewAuditEntry {
  at: Date;
  action: AuditAction;
  actor?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** Appends one entry to the audit trail. */
export async function recordAudit(tx: Q, entry: NewAuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    at: entry.at,
    action: entry.action,
    actor: entry.actor ?? null,
    ip: entry.ip ?? null,
    detail: entry.detail ?? null,
  });
}

/** The newest entries first. */
export function recentAudit(q: ReadQ, limit = 200): Promise<AuditEntry[]> {
  return q.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit);
}
