export { openDatabase, migrateDatabase, isDatabaseAnswering, type Db, type Tx, type Conn } from './client.js';
export * as tables from './schema.js';
export { readState, writeState, readOrCreateState } from './state.js';
