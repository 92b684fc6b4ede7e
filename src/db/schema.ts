/** Every capability's tables, for drizzle-kit and the database client. */
export * from '../clients/schema.js';
export * from '../oncall/schema.js';
