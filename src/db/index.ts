export {
  forUpdate,
  skipLocked,
  rowsOf,
  takeTurns,
  commitLazily,
  ENGINES,
  type Database,
  type Engine,
  type Q,
  type ReadQ,
  type TransactionOptions,
} from './engine.js';
export { openDatabase, describeDatabase, isOnThisMachine } from './open.js';
export { openSqlite, BUSY_TIMEOUT_MS, type SqliteDatabase } from './sqlite.js';
export { openPostgres, connectionBudget, type ConnectionBudget, type PostgresDatabase } from './postgres.js';
export * as tables from './schema.js';
export { readState, readStatesLike, writeState, readOrCreateState, nextNumber, countInWindow } from './state.js';
export { takeLease, releaseLease, forgetLeases } from './leases.js';
export { isBusy, retryWhenBusy } from './busy.js';
export { errorCode, errorMessage, isUniqueViolation, isForeignKeyViolation } from './errors.js';
export { sharedLimitStore, type SharedLimitStore } from './rate-limits.js';
