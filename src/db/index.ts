export { openDatabase, migrateDatabase, isDatabaseAnswering, type Db } from './client.js';
export * as tables from './schema.js';
