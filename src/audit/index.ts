import { desc } from 'drizzle-orm';
import type { Conn } from '../db/index.js';
import { auditLog, type AuditAction } from './schema.js';

export { AUDIT_ACTIONS, type AuditAction } from './schema.js';
export type AuditEntry = typeof auditLog.$inferSelect;

/** Appends one entry to the audit trail. */
export function recordAudit(
  db: Conn,
  entry: { at: Date; action: AuditAction; actor?: string | null; ip?: string | null; detail?: Record<string, unknown> },
): void {
  db.insert(auditLog)
    .values({
      at: entry.at,
      action: entry.action,
      actor: entry.actor ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail ?? null,
    })
    .run();
}

/** The newest entries first. */
export function recentAudit(db: Conn, limit = 200): AuditEntry[] {
  return db.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit).all();
}
