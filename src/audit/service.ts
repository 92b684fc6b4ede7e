import type { Database } from '../db/index.js';
import { recordAudit, type NewAuditEntry } from './store.js';

/** An entry that is all there is to write (a download, a refused sign-in): committed on its own. */
export function recordAuditAlone(db: Database, entry: NewAuditEntry): Promise<void> {
  return db.withTransaction((tx) => recordAudit(tx, entry));
}
