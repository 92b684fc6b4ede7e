export { BUSY_TIMEOUT_MS, openDatabase, migrateDatabase, type Db, type Tx, type Conn } from './client.js';
export * as tables from './schema.js';
export { readState, writeState, readOrCreateState } from './state.js';
export { isBusy, retryWhenBusy } from './busy.js';
