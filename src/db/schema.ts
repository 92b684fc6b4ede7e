/** Every capability's tables, for drizzle-kit and the database client. */
export * from '../files/schema.js';
export * from '../clients/schema.js';
export * from '../oncall/schema.js';
export * from '../tickets/schema.js';
export * from '../ivr/schema.js';
export * from '../callbacks/schema.js';
export * from '../paging/schema.js';
export * from './tables.js';
export * from '../billing/schema.js';
export * from '../auth/schema.js';
export * from '../audit/schema.js';
export * from '../email/schema.js';
export * from '../announcements/schema.js';
export * from '../portal/schema.js';
