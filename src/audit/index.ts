export { AUDIT_ACTIONS, type AuditAction } from './schema.js';
export { recordAudit, recentAudit, type AuditEntry, type NewAuditEntry } from './store.js';
export { recordAuditAlone } from './service.js';
